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
        if let targetIds {
            throw CommandError(
                "--target-ids \(targetIds): not used with a Chroma collection (its records carry their ids); leave it out"
            )
        }
        let collection = try ChromaCollection(try ChromaLocation(parsing: target))
        let pairs: ChromaAlignInput.Pairs
        do {
            pairs = try ChromaAlignInput.pairs(
                sources: sources, sourceIds: ids, sample: sample, seed: configuration.seed, collection: collection)
        } catch AlignWorkflow.Failure.noCommonIds {
            throw CommandError("no id of \(sourceIds) is a record of \(target): nothing to align")
        }
        if !quiet {
            let traffic = collection.traffic
            printProgress(
                "\(target): fetched \(pairs.ids.count) records by id in \(traffic.pagesFetched) pages"
                    + (pairs.missing > 0 ? "; \(pairs.missing) ids of \(sourceIds) are not in the collection" : ""))
        }
        return AlignWorkflow.Request(
            sources: pairs.sources, sourceIds: pairs.ids, targets: pairs.targets, targetIds: pairs.ids,
            configuration: configuration, sample: nil, sourceModel: names.0, targetModel: names.1)
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
        if let targetIds {
            throw CommandError(
                "--target-ids \(targetIds): not used with a Postgres table (its rows carry their ids); leave it out")
        }
        let table = try PostgresTable(try PostgresLocation(parsing: target))
        let pairs: ChromaAlignInput.Pairs
        do {
            pairs = try ChromaAlignInput.pairs(
                sources: sources, sourceIds: ids, sample: sample, seed: configuration.seed, store: table)
        } catch AlignWorkflow.Failure.noCommonIds {
            throw CommandError("no id of \(sourceIds ?? source) is a row of \(target): nothing to align")
        }
        if !quiet {
            printProgress(
                "\(table.location): fetched \(pairs.ids.count) rows by id"
                    + (pairs.missing > 0 ? "; \(pairs.missing) ids of \(sourceIds ?? source) are not in the table" : "")
            )
        }
        return AlignWorkflow.Request(
            sources: pairs.sources, sourceIds: pairs.ids, targets: pairs.targets, targetIds: pairs.ids,
            configuration: configuration, sample: nil, sourceModel: names.0, targetModel: names.1)
    }
}
