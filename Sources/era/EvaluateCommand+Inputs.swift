import Foundation
import Workflows

extension EvaluateCommand {
    /// What the flags give, every file read once through `files`; the workflow checks them against each other.
    func request(_ files: InputFiles) throws -> EvaluateWorkflow.Request {
        let flags = IndexFlags(location: corpus, idsFlag: "--corpus-ids", ids: corpusIds)
        try checkIndexFlags(flags.kind)
        var options = IndexSource.Options()
        options.chromaPolicy.timeout = chromaTimeout
        options.postgresSearch = .init(efSearch: efSearch, probes: probes)
        // A store is opened before the queries are read, a file corpus after them, as always.
        let opened = flags.kind == nil ? nil : try searched(flags, options, files)
        let queryMatrix = try files.embeddings(queries, checked: true)
        let index = try opened ?? searched(flags, options, files)
        let declared = try evaluateSettings()
        let own = try indexQueries.map { try files.embeddings($0, checked: true) }
        let reembedded = try reembeddedCorpus.map { try files.embeddings($0, checked: true) }
        func load(_ path: String?) throws -> (label: String, adapter: Adapter)? {
            try path.map { (URL(fileURLWithPath: $0).lastPathComponent, try Adapter.load(URL(fileURLWithPath: $0))) }
        }
        let (maps, compareName) = EvaluateWorkflow.Request.adapterPair(
            adapter: try load(adapter), compare: try load(compare))
        var request = EvaluateWorkflow.Request(
            maps: maps, queries: queryMatrix, queryIds: try files.ids(queryIds, rowsOf: queries), index: index,
            qrels: try files.qrels(qrels), settings: declared)
        request.unseenAgainst = try unseenAgainst.map { try files.qrels($0) }
        request.indexQueries = own
        request.retiredIndexModel = retiredIndexModel
        request.reembeddedCorpus = reembedded
        request.baselines = (own == nil ? [] : [.indexAsIs]) + (reembedded == nil ? [] : [.reEmbedded])
        request.compare = compareName
        request.testedMetric = compareMetric
        request.compareExact = compareExact
        request.evaluationFile = "--qrels \(qrels)"
        request.labeledFile = "--unseen-against \(unseenAgainst ?? "")"
        request.excludeLabeledOption = "add --exclude-labeled to drop them"
        return request
    }

    /// The flags that only go with one kind of `--corpus`.
    func checkIndexFlags(_ store: StoreKind?) throws {
        guard let store else {
            if efSearch != nil || probes != nil {
                throw CommandError("--ef-search / --probes: only with a postgresql:// --corpus")
            }
            if compareExact {
                throw CommandError(
                    "--compare-exact: only with a chroma:// or postgresql:// --corpus (a file corpus is searched exactly)"
                )
            }
            return
        }
        if let corpusIds {
            throw CommandError(
                "--corpus-ids \(corpusIds): not used with \(store.records) carry their ids); leave it out")
        }
        guard store != .chroma || chromaTimeout > 0 else {
            throw CommandError("--chroma-timeout: must be a positive number of seconds")
        }
        for (flag, value) in [("--ef-search", efSearch), ("--probes", probes)] where (value ?? 1) < 1 {
            throw CommandError("\(flag): must be a positive integer")
        }
    }

    /// `--corpus`: the files (`--corpus-ids` required) searched exactly, or a `chroma://` or
    /// `postgresql://` store opened and checked against the judged documents (read before its
    /// location is parsed, as always).
    func searched(
        _ flags: IndexFlags, _ options: IndexSource.Options, _ files: InputFiles
    ) throws -> EvaluateWorkflow.Index {
        let judged =
            try flags.kind == nil ? [] : [files.qrels(qrels)] + (unseenAgainst.map { [try files.qrels($0)] } ?? [])
        let source = try flags.source(options)
        do throws(IndexSource.Failure) {
            let searched = try source.searched(files: files, checked: true, judged: judged)
            if let warning = searched.warning { warn(warning) }
            return searched.index
        } catch {
            guard let cause = error.error else {
                throw CommandError("--corpus-ids: give the ids of the rows of --corpus \(corpus)")
            }
            throw cause
        }
    }

    /// The declared settings from the flags (the metrics from `--k`), checked against their
    /// declared ranges; the margin only with `--retired-index-model`, the one verdict that reads it.
    func evaluateSettings() throws -> EvaluateSettings {
        var settings = EvaluateSettings()
        settings.metrics = EvaluateSettings.metrics(cutoffs: try parseCutoffs(k))
        settings.apply(flags: flagValues(of: self))
        let checked = settings.problems().filter { retiredIndexModel || $0.setting.key != "non_inferiority_margin" }
        if let (setting, message) = checked.first { throw CommandError("--\(setting.flag): \(message)") }
        return settings
    }
}

/// Parses `"10,100"` into sorted, unique, positive cutoffs.
func parseCutoffs(_ text: String) throws -> [Int] {
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    var cutoffs = [Int]()
    for part in parts {
        guard let value = Int(part), value > 0 else {
            throw CommandError("--k: expected positive integers separated by commas, got \"\(text)\"")
        }
        cutoffs.append(value)
    }
    guard !cutoffs.isEmpty else { throw CommandError("--k: no cutoff given") }
    return Array(Set(cutoffs)).sorted()
}
