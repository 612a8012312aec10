import Alignment
import Chroma
import Foundation
import Workflows

extension AlignCommand {
    /// The workflow's request: both tables from files, or the index model's side fetched by id
    /// from a Chroma collection (only the sampled texts' records).
    func request(_ files: InputFiles, configuration: AlignmentConfiguration, sample: Int?) throws
        -> AlignWorkflow.Request
    {
        let sources = try files.embeddings(source)
        let ids = try files.ids(sourceIds, rowsOf: source)
        let names = (sourceModel ?? Self.modelName(source), targetModel ?? Self.modelName(target))
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
