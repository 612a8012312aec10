import Foundation
import LinearAlgebra
import Retrieval
import Workflows

extension EvaluateCommand {
    /// Every file read through `files` and cross-checked, each problem naming its flag or file.
    /// - Parameter server: the corpus of a collection searched on its server (its documents stay there).
    func request(_ files: InputFiles, server: (any RowMatrix)? = nil) throws -> EvaluateWorkflow.AdapterRequest {
        let queryMatrix = try files.embeddings(queries, checked: true)
        let corpusMatrix = try server ?? files.embeddings(corpus, checked: true)
        let documentIds: [String]
        if server != nil {
            documentIds = []
        } else if let corpusIds {
            documentIds = try files.ids(corpusIds, rowsOf: corpus)
        } else {
            throw CommandError("--corpus-ids: give the ids of the rows of --corpus \(corpus)")
        }
        let declared = try evaluateSettings()
        var settings = declared.workflowSettings(reference: nil)
        settings.testedMetric = compareMetric
        settings.evaluationFile = "--qrels \(qrels)"
        settings.labeledFile = "--unseen-against \(unseenAgainst ?? "")"
        settings.excludeLabeledOption = "add --exclude-labeled to drop them"
        let own = try indexQueries.map { try files.embeddings($0, checked: true) }
        if let own, let indexQueries, own.rows != queryMatrix.rows || own.columns != corpusMatrix.columns {
            throw CommandError(
                "--index-queries \(indexQueries): is \(own.rows) x \(own.columns); it must hold the index model's "
                    + "vector of each query of \(queries), \(queryMatrix.rows) x \(corpusMatrix.columns), rows in --query-ids order"
            )
        }
        if retiredIndexModel { settings.upgradeMargin = declared.verdict.margin }
        if server != nil, reembeddedCorpus != nil {
            throw CommandError("--reembedded-corpus: only with a file --corpus (its rows follow --corpus-ids)")
        }
        let reembedded = try reembeddedCorpus.map { try files.embeddings($0, checked: true) }
        if let reembedded, let path = reembeddedCorpus,
            reembedded.rows != corpusMatrix.rows || reembedded.columns != queryMatrix.columns
        {
            throw CommandError(
                "--reembedded-corpus \(path): is \(reembedded.rows) x \(reembedded.columns); it must hold the query "
                    + "model's vector of each document of --corpus, \(corpusMatrix.rows) x \(queryMatrix.columns), rows in --corpus-ids order"
            )
        }
        func load(_ path: String?) throws -> (label: String, adapter: Adapter)? {
            try loadAdapter(path, queries: queryMatrix, corpus: corpusMatrix).map {
                (URL(fileURLWithPath: path ?? "").lastPathComponent, $0)
            }
        }
        var request = EvaluateWorkflow.AdapterRequest(
            queries: queryMatrix, queryIds: try files.ids(queryIds, rowsOf: queries), corpus: corpusMatrix,
            corpusIds: documentIds, qrels: try files.qrels(qrels),
            labeled: try unseenAgainst.map { try files.qrels($0) }, adapter: try load(adapter),
            compare: compare == nil ? nil : try load(compare), indexQueries: own, settings: settings)
        request.retiredIndexModel = retiredIndexModel
        request.reembeddedCorpus = reembedded
        return request
    }

    /// Reads an adapter and checks that it maps the query dimension to the corpus dimension.
    func loadAdapter(_ path: String?, queries queryMatrix: any RowMatrix, corpus corpusMatrix: any RowMatrix) throws
        -> Adapter?
    {
        guard let path else {
            guard queryMatrix.columns == corpusMatrix.columns else {
                throw CommandError(
                    "\(queries) has dimension \(queryMatrix.columns) but \(corpus) has "
                        + "\(corpusMatrix.columns): queries from another model need an adapter (--adapter, see `era align`)"
                )
            }
            return nil
        }
        let adapter = try Adapter.load(URL(fileURLWithPath: path))
        let map = adapter.map
        guard map.sourceDimension == queryMatrix.columns, map.targetDimension == corpusMatrix.columns else {
            throw CommandError(
                "\(path): the adapter maps \(map.sourceDimension)-d to \(map.targetDimension)-d vectors, "
                    + "but \(queries) is \(queryMatrix.columns)-d and \(corpus) is \(corpusMatrix.columns)-d")
        }
        return adapter
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
