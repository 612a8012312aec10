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
