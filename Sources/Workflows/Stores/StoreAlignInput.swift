import Alignment
import Chroma
import Foundation
import LinearAlgebra

/// Stage one's index-model side read from a store (a Chroma collection, a pgvector table): the vectors of the sampled texts
/// only, fetched by id in pages (a sample never pulls the whole collection).
public enum StoreAlignInput {
    /// The pairs of ``AlignWorkflow/Request`` when the index model's vectors live in a collection.
    public struct Pairs: Sendable {
        /// The query model's vectors of the chosen texts, in the order stage one uses them.
        public var sources: Matrix
        /// The collection's vectors of the same texts, row for row.
        public var targets: Matrix
        /// The texts' ids, row for row.
        public var ids: [String]
        /// Source ids the collection does not hold (left out).
        public var missing: Int
    }

    /// Chooses the texts exactly as stage one does from files (the ids common to both sides, in
    /// source order, then `sample` of them drawn with `seed`), then fetches only their vectors.
    ///
    /// Given to ``AlignWorkflow`` as sources and targets with the sample already drawn (`sample: nil`),
    /// they train the same map as the files would.
    /// - Throws: Chroma's `ChromaError`; ``AlignWorkflow/Failure/noCommonIds`` when the collection holds
    ///   none of the ids.
    public static func pairs(
        sources: any RowMatrix, sourceIds: [String], sample: Int?, seed: UInt64, collection: ChromaCollection
    ) throws -> Pairs {
        try pairs(sources: sources, sourceIds: sourceIds, sample: sample, seed: seed, store: collection)
    }

    /// ``pairs(sources:sourceIds:sample:seed:collection:)`` from any store that looks records up by id
    /// (a Chroma collection, a pgvector table).
    public static func pairs(
        sources: any RowMatrix, sourceIds: [String], sample: Int?, seed: UInt64, store: some RecordStore
    ) throws -> Pairs {
        let present = try store.existing(sourceIds)
        var rows = sourceIds.indices.filter { present.contains(sourceIds[$0]) }
        guard !rows.isEmpty else { throw AlignWorkflow.Failure.noCommonIds }
        if let sample, sample > 0, sample < rows.count {
            // PairMatching's draw: the same generator stream over the same common rows.
            var generator = SplitMix64(seed: seed, stream: .sample)
            rows = generator.sample(sample, from: rows.count).map { rows[$0] }
        }
        let ids = rows.map { sourceIds[$0] }
        let fetched = try store.embeddings(of: ids)
        guard fetched.missing.isEmpty else {
            throw ChromaError.badResponse(
                location: store.storeDescription, request: "fetch the sampled records",
                reason:
                    "\(fetched.missing.count) records vanished while they were read (e.g. \(fetched.missing[0])); run again"
            )
        }
        return Pairs(
            sources: sources.gatherRows(rows), targets: fetched.matrix, ids: ids,
            missing: sourceIds.count - present.count)
    }
}
