import Alignment
import Foundation
import LinearAlgebra
import Retrieval

/// What each use case asks of the store an ``IndexSource`` names. Each store conforms once, in its
/// resolver file, and opens itself there as its uses need (a collection, a table checked for unit norms).
protocol IndexStore: Sendable {
    var kind: StoreKind { get }
    /// The location, for messages (never a secret).
    var description: String { get }
    /// The collection or table: the index model's name when none is given.
    var name: String { get }
    /// Align, paired: the store opened for by-id fetches, and the pages fetched so far (nil: not paged).
    func records() throws -> (store: any RecordStore, pages: () -> Int?)
    /// Align, unpaired: `count` records drawn with `seed` and the pages read; nil when the store cannot sample.
    func sample(_ count: Int, seed: UInt64) throws -> (ids: [String], matrix: Matrix, pages: Int)?
    /// Adapt: the store pulled whole (at most `limit` records), with the search that mines through it.
    func pulled(limit: Int) throws -> PulledStore
    /// Evaluate: the store opened and checked, and how many judged documents of `judged` it lacks.
    func served(judged: [Qrels]) throws -> (index: any ServedIndex, judgedMissing: Int)
}

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

/// Hard-negative mining through a store, when its ranking can stand for the inner product.
public struct StoreMining {
    /// nil: mining searches the pulled rows exactly (`reason` says why).
    public var search: AdaptCandidateSearch?
    public var reason: String?
    /// Starts counting the store's traffic; the result tells, after mining took `seconds`, one line
    /// for the log and the figures for a summary (nil: the store reports none).
    public var traffic: (() -> (_ seconds: Double) -> (line: String, summary: [String: Any]))?
}
