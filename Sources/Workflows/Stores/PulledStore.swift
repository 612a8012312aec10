import Foundation
import LinearAlgebra

/// A store pulled whole for stage two.
struct PulledStore {
    var ids: [String]
    var matrix: Matrix
    /// Pages read (Chroma), nil for one COPY (Postgres).
    var pages: Int?
    /// The store's location, for messages.
    var description: String
    /// The hard-negative search through the store over the pulled rows `matrix`.
    var mining: (_ corpus: any RowMatrix) -> StoreMining
}
