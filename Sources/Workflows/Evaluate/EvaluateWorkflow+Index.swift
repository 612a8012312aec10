import Chroma
import Foundation
import Postgres
import Retrieval

extension EvaluateWorkflow.Index {
    /// The kind of store a `--corpus`-style location names.
    public typealias Store = StoreKind

    /// Opens and checks the store at `location`, and looks up which judged documents of `judged` it holds.
    /// - Returns: the index, and a warning naming the location when some judged documents are missing.
    /// - Throws: Chroma's or Postgres's error with the reason (a bad location, dimension, norms, an unreachable server).
    public static func open(
        _ store: Store, location: String, judged: [Qrels], chromaTimeout: Double,
        search: PostgresIndex.SearchSettings
    ) throws -> (index: Self, warning: String?) {
        switch store {
        case .chroma:
            let location = try ChromaLocation(parsing: location)
            let index = try ChromaIndex.open(
                location, dimension: nil, qrels: judged, policy: ChromaRetryPolicy(timeout: chromaTimeout))
            let missing = index.judgedMissing
            return (
                .chroma(index),
                missing > 0 ? "\(location): \(missing) judged document ids of the qrels are not in the collection" : nil
            )
        case .postgres:
            let location = try PostgresLocation(parsing: location)
            let index = try PostgresIndex.open(location, dimension: nil, qrels: judged, search: search)
            let missing = index.judgedMissing
            return (
                .postgres(index, search: search),
                missing > 0 ? "\(location): \(missing) judged document ids of the qrels are not in the table" : nil
            )
        }
    }
}
