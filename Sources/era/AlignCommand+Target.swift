import Alignment
import Chroma
import Foundation
import LinearAlgebra
import Postgres
import Workflows

extension AlignCommand {
    /// The workflow's request: both tables from files, or the index model's side fetched by id
    /// from a Chroma collection (only the sampled texts' records).
    func request(_ files: InputFiles, configuration: AlignmentConfiguration, settings: AlignSettings) throws
        -> AlignWorkflow.Request
    {
        let sample = settings.samples
        let sources = try files.embeddings(source)
        let names = (sourceModel ?? Self.modelName(source), targetModel ?? Self.modelName(target))
        if settings.pairing == .unpaired {
            return try unpairedRequest(
                files, sources: sources, names: names, configuration: configuration, settings: settings)
        }
        guard let sourceIds else {
            throw CommandError("--source-ids: give the ids of the rows of --source \(source) (or --unpaired)")
        }
        let ids = try files.ids(sourceIds, rowsOf: source)
        if PostgresLocation.isLocation(target) {
            return try postgresRequest(
                ids: ids, sources: sources, names: names, configuration: configuration, sample: sample)
        }
        guard ChromaLocation.isLocation(target) else {
            guard let targetIds else {
                throw CommandError("--target-ids: give the ids of the rows of --target \(target)")
            }
            return AlignWorkflow.Request(
                sources: sources, sourceIds: ids, targets: try files.embeddings(target),
                targetIds: try files.ids(targetIds, rowsOf: target), configuration: configuration, sample: sample,
                sourceModel: names.0, targetModel: names.1)
        }
        try refuseTargetIds(in: "a Chroma collection (its records carry their ids)")
        let collection = try ChromaCollection(try ChromaLocation(parsing: target))
        return try storeRequest(
            collection, kind: StoreKind(item: "record", container: "collection"),
            ids: ids, sources: sources, names: names, configuration: configuration, sample: sample
        ) { pairs in
            "\(target): fetched \(pairs.ids.count) records by id in \(collection.traffic.pagesFetched) pages"
        }
    }
}

extension AlignCommand {
    /// `--unpaired`: both tables whole (ids, when given, only seed the matching as anchors).
    fileprivate func unpairedRequest(
        _ files: InputFiles, sources: any RowMatrix, names: (String, String), configuration: AlignmentConfiguration,
        settings: AlignSettings
    ) throws -> AlignWorkflow.Request {
        let targets: any RowMatrix
        var targetIdList: [String]
        if ChromaLocation.isLocation(target) {
            if let targetIds {
                throw CommandError(
                    "--target-ids \(targetIds): not used with a Chroma collection (its records carry their ids)")
            }
            // The index's side is a sample of its records: whole pages at seeded offsets.
            let collection = try ChromaCollection(try ChromaLocation(parsing: target))
            let sampled = try collection.sample(
                settings.samples ?? settings.unpaired.learningSample, seed: configuration.seed)
            if !quiet {
                printProgress(
                    "\(target): sampled \(sampled.ids.count) records in \(collection.traffic.pagesFetched) pages")
            }
            targets = sampled.matrix
            targetIdList = sampled.ids
        } else {
            if settings.samples != nil {
                throw CommandError(
                    "--sample: with --unpaired, only for a chroma:// --target (the records to sample); every row of a file takes part"
                )
            }
            targets = try files.embeddings(target)
            targetIdList = try targetIds.map { try files.ids($0, rowsOf: target) } ?? []
        }
        let sourceIdList = try sourceIds.map { try files.ids($0, rowsOf: source) } ?? []
        // A collection's ids seed the matching only when the source has ids too.
        if sourceIdList.isEmpty { targetIdList = [] }
        if settings.anchors.map({ $0 > 0 }) == true, sourceIdList.isEmpty || targetIdList.isEmpty {
            throw CommandError("--anchors: give --source-ids and --target-ids (the anchors are ids common to both)")
        }
        var request = AlignWorkflow.Request(
            sources: sources, sourceIds: sourceIdList, targets: targets, targetIds: targetIdList,
            configuration: configuration, sample: nil, sourceModel: names.0, targetModel: names.1)
        request.unpaired = settings.unpaired
        request.anchors = settings.anchors
        return request
    }
}

extension AlignCommand {
    /// `--target postgresql://...?table=T`: the sampled texts' rows fetched by id from the table.
    fileprivate func postgresRequest(
        ids: [String], sources: any RowMatrix, names: (String, String), configuration: AlignmentConfiguration,
        sample: Int?
    ) throws -> AlignWorkflow.Request {
        try refuseTargetIds(in: "a Postgres table (its rows carry their ids)")
        let table = try PostgresTable(try PostgresLocation(parsing: target))
        return try storeRequest(
            table, kind: StoreKind(item: "row", container: "table"), ids: ids,
            sources: sources, names: names, configuration: configuration, sample: sample
        ) { pairs in "\(table.location): fetched \(pairs.ids.count) rows by id" }
    }

    /// How messages name a store and what it holds.
    fileprivate struct StoreKind {
        var item: String, container: String
    }

    /// `--target-ids` has no use when the target's records carry their ids.
    fileprivate func refuseTargetIds(in store: String) throws {
        if let targetIds {
            throw CommandError("--target-ids \(targetIds): not used with \(store); leave it out")
        }
    }

    /// The sampled texts' index-model vectors fetched by id from `store` (the pairs drawn as from
    /// files), with one progress line (`fetched`, plus the source ids the store lacks).
    fileprivate func storeRequest(
        _ store: some RecordStore, kind: StoreKind, ids: [String], sources: any RowMatrix, names: (String, String),
        configuration: AlignmentConfiguration, sample: Int?, fetched: (ChromaAlignInput.Pairs) -> String
    ) throws -> AlignWorkflow.Request {
        let pairs: ChromaAlignInput.Pairs
        do {
            pairs = try ChromaAlignInput.pairs(
                sources: sources, sourceIds: ids, sample: sample, seed: configuration.seed, store: store)
        } catch AlignWorkflow.Failure.noCommonIds {
            throw CommandError("no id of \(sourceIds ?? source) is a \(kind.item) of \(target): nothing to align")
        }
        if !quiet {
            printProgress(
                fetched(pairs)
                    + (pairs.missing > 0
                        ? "; \(pairs.missing) ids of \(sourceIds ?? source) are not in the \(kind.container)" : ""))
        }
        return AlignWorkflow.Request(
            sources: pairs.sources, sourceIds: pairs.ids, targets: pairs.targets, targetIds: pairs.ids,
            configuration: configuration, sample: nil, sourceModel: names.0, targetModel: names.1)
    }
}
