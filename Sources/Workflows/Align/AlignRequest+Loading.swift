import Alignment
import Foundation
import LinearAlgebra

extension AlignRequest {
    /// Reads the inputs (each failure names its role) into the workflow's tables: paired, the rows of
    /// both sides matched by id (a store's records of the sampled ids fetched by id); unpaired, both
    /// tables whole (a collection's side a sample of its records).
    public func prepare(progress: (Event) -> Void = { _ in }) throws(Failure) -> AlignWorkflow.Request {
        let configuration = settings.configuration(seed: seed)
        let sources = try Self.read(.source) { try files.embeddings(source) }
        var request =
            settings.pairing == .unpaired
            ? try unpaired(sources, configuration: configuration, progress: progress)
            : try paired(sources, configuration: configuration, progress: progress)
        request.metadata = metadata
        request.hybridAlpha = hybridAlpha
        return request
    }

    private func paired(
        _ sources: any RowMatrix, configuration: AlignmentConfiguration, progress: (Event) -> Void
    ) throws(Failure) -> AlignWorkflow.Request {
        let ids: [String]
        if let sourceIds {
            ids = try Self.read(.sourceIds) { try files.ids(sourceIds, rowsOf: checkInputs ? source : nil) }
        } else if sharedIds {
            ids = (0..<sources.rows).map(String.init)
        } else {
            throw Failure(role: .sourceIds, problem: .missingIds)
        }
        if let store = target.store {
            let opened = try Self.read(.target) { try store.records() }
            return try fetched(
                from: opened.store, store.kind, ids: ids, sources: sources, configuration: configuration,
                progress: progress, pages: opened.pages)
        }
        let (path, targetIds) = target.embeddingFiles!
        let targets = try Self.read(.target) { try files.embeddings(path) }
        let targetIdList: [String]
        if sharedIds {
            targetIdList = ids
        } else if let targetIds {
            targetIdList = try Self.read(.targetIds) { try files.ids(targetIds, rowsOf: checkInputs ? path : nil) }
        } else {
            throw Failure(role: .targetIds, problem: .missingIds)
        }
        return AlignWorkflow.Request(
            sources: sources, sourceIds: ids, targets: targets, targetIds: targetIdList,
            configuration: configuration, sample: settings.samples, sourceModel: sourceModel,
            targetModel: targetModel)
    }

    /// The sampled texts' index-model vectors fetched by id from `store` (the pairs drawn as from files).
    private func fetched(
        from store: any RecordStore, _ kind: StoreKind, ids: [String], sources: any RowMatrix,
        configuration: AlignmentConfiguration, progress: (Event) -> Void, pages: () -> Int?
    ) throws(Failure) -> AlignWorkflow.Request {
        let pairs: StoreAlignInput.Pairs
        do {
            pairs = try StoreAlignInput.pairs(
                sources: sources, sourceIds: ids, sample: settings.samples, seed: configuration.seed, store: store)
        } catch AlignWorkflow.Failure.noCommonIds {
            throw Failure(role: .sourceIds, problem: .notInStore(kind))
        } catch {
            throw Failure(role: .target, problem: .unreadable(error))
        }
        progress(
            .fetched(
                store: store.storeDescription, kind: kind, rows: pairs.ids.count, pages: pages(),
                missing: pairs.missing))
        return AlignWorkflow.Request(
            sources: pairs.sources, sourceIds: pairs.ids, targets: pairs.targets, targetIds: pairs.ids,
            configuration: configuration, sample: nil, sourceModel: sourceModel,
            targetModel: targetModel)
    }

    /// Unpaired: both tables whole (ids, when given, only seed the matching as anchors), the index's
    /// side a sample of a collection's records (whole pages at seeded offsets).
    private func unpaired(
        _ sources: any RowMatrix, configuration: AlignmentConfiguration, progress: (Event) -> Void
    ) throws(Failure) -> AlignWorkflow.Request {
        let targets: any RowMatrix
        var targetIdList: [String] = []
        if let store = target.store {
            let sampled = try Self.read(.target) {
                try store.sample(settings.samples ?? settings.unpaired.learningSample, seed: configuration.seed)
            }
            guard let sampled else { throw Failure(role: .target, problem: .unpairedTable) }
            progress(.sampled(store: store.description, rows: sampled.ids.count, pages: sampled.pages))
            targets = sampled.matrix
            targetIdList = sampled.ids
        } else {
            let (path, ids) = target.embeddingFiles!
            if settings.samples != nil { throw Failure(role: .sample, problem: .sampleOfFiles) }
            targets = try Self.read(.target) { try files.embeddings(path) }
            if !sharedIds, let ids {
                targetIdList = try Self.read(.targetIds) { try files.ids(ids, rowsOf: checkInputs ? path : nil) }
            }
        }
        var sourceIdList: [String] = []
        // Shared ids name the rows of the files, not a collection's records.
        if let sourceIds, !sharedIds || isFiles {
            sourceIdList = try Self.read(.sourceIds) { try files.ids(sourceIds, rowsOf: checkInputs ? source : nil) }
        }
        var anchors = settings.anchors
        if sharedIds {
            // One list names the rows of both files: usable only when both have that many rows.
            let usable = sourceIdList.count == sources.rows && sourceIdList.count == targets.rows
            sourceIdList = usable ? sourceIdList : []
            targetIdList = sourceIdList
            anchors = anchors ?? (sourceIdList.isEmpty ? nil : 0)
        } else {
            // A collection's ids seed the matching only when the source has ids too.
            if sourceIdList.isEmpty { targetIdList = [] }
            if anchors.map({ $0 > 0 }) == true, sourceIdList.isEmpty || targetIdList.isEmpty {
                throw Failure(role: .anchors, problem: .anchorsWithoutIds)
            }
        }
        var request = AlignWorkflow.Request(
            sources: sources, sourceIds: sourceIdList, targets: targets, targetIds: targetIdList,
            configuration: configuration, sample: nil, sourceModel: sourceModel, targetModel: targetModel)
        request.unpaired = settings.unpaired
        request.anchors = anchors
        return request
    }

    private var isFiles: Bool { !target.isStore }
}
