import AdapterFormat
import Alignment
import Chroma
import Foundation
import LinearAlgebra
import Reports
import Retrieval

extension EvaluateWorkflow {
    /// What an evaluation found: the evaluation itself (through the store when the index is one),
    /// and the store's figures with the exact comparison.
    public struct Result: Sendable {
        /// The rows, table, tests, checks and verdict (through the store when the index is one).
        public var evaluation: AdapterOutcome
        /// The store's figures (nil for an index held in files).
        public var store: StoreRun?
    }

    /// A store's part of a ``Result``.
    public struct StoreRun: Sendable {
        /// `chroma` or `postgres`: the JSON key and the table's column word.
        public var name: String
        public var outcome: StoreEvaluation.Outcome
        /// Requests, pages and query batches (a Chroma collection).
        public var traffic: ChromaTraffic?
        /// The session's search settings (a pgvector table).
        public var searchSettings: PostgresIndex.SearchSettings?

        public init(
            name: String, outcome: StoreEvaluation.Outcome, traffic: ChromaTraffic? = nil,
            searchSettings: PostgresIndex.SearchSettings? = nil
        ) {
            self.name = name
            self.outcome = outcome
            self.traffic = traffic
            self.searchSettings = searchSettings
        }
    }

    /// Checks the inputs against each other, scores the baselines and maps (exactly in the files, or
    /// through the store, and with `compareExact` exactly in its records pulled whole).
    /// - Throws: ``EvaluateInputError`` naming the role of the input that does not fit.
    public static func run(
        _ request: Request, progress: (Int, Int, String) -> Void = { _, _, _ in }, log: (String) -> Void = { _ in }
    ) throws -> Result {
        try validate(request)
        let reference =
            request.reference ?? (request.baselines.contains { $0.name == indexAsIs } ? indexAsIs : request.compare)
        var settings = request.settings.workflowSettings(reference: reference, seed: request.seed)
        settings.testedMetric = request.testedMetric
        settings.evaluationFile = request.evaluationFile
        settings.labeledFile = request.labeledFile
        settings.excludeLabeledOption = request.excludeLabeledOption
        settings.upgradeMargin = request.retiredIndexModel ? request.settings.verdict.margin : nil
        settings.significance = request.settings.significance && reference != nil
        func evaluate(_ corpus: any RowMatrix, _ ids: [String], _ search: Search?) throws -> AdapterOutcome {
            try EvaluateWorkflow.evaluate(
                request, settings: settings, corpus: corpus, corpusIds: ids, search: search, progress: progress,
                log: log)
        }
        switch request.index {
        case .files(let corpus, let ids): return Result(evaluation: try evaluate(corpus, ids, nil))
        case .store(let index):
            let outcome = try StoreEvaluation.run(
                index: index, compareExact: request.compareExact, limit: StoreEvaluation.defaultExactLimit,
                cutoffs: settings.cutoffs, evaluate: evaluate)
            return Result(evaluation: outcome.server, store: index.storeRun(outcome))
        }
    }

    /// The shapes and dimensions of the inputs against each other, before anything is searched.
    static func validate(_ request: Request) throws {
        let dimension = request.index.dimension
        let queries = request.queries
        if let own = request.indexQueries, own.rows != queries.rows || own.columns != dimension {
            throw EvaluateInputError(
                .indexQueries,
                .shape(rows: own.rows, columns: own.columns, expectedRows: queries.rows, expectedColumns: dimension))
        }
        if let reembedded = request.reembeddedCorpus {
            guard case .files(let corpus, _) = request.index else {
                throw EvaluateInputError(.reembeddedCorpus, .needsFileIndex)
            }
            if reembedded.rows != corpus.rows || reembedded.columns != queries.columns {
                throw EvaluateInputError(
                    .reembeddedCorpus,
                    .shape(
                        rows: reembedded.rows, columns: reembedded.columns, expectedRows: corpus.rows,
                        expectedColumns: queries.columns))
            }
        }
        // The primary map first: `era evaluate` has always named --adapter's problem before --compare's.
        for (label, adapter) in request.maps.reversed() {
            guard let map = adapter?.map else {
                guard queries.columns == dimension else {
                    throw EvaluateInputError(.queries, .dimensions(queries: queries.columns, corpus: dimension))
                }
                continue
            }
            guard map.sourceDimension == queries.columns, map.targetDimension == dimension else {
                throw EvaluateInputError(
                    .adapter,
                    .adapterDimensions(
                        source: map.sourceDimension, target: map.targetDimension, queries: queries.columns,
                        corpus: dimension), subject: label)
            }
        }
    }

    /// Scores the baselines and the maps in `corpus` (or through `search`), then tests the primary
    /// map against `compare` and every row against the reference.
    static func evaluate(
        _ request: Request, settings: Settings, corpus: any RowMatrix, corpusIds: [String], search: Search?,
        progress: (Int, Int, String) -> Void, log: (String) -> Void
    ) throws -> AdapterOutcome {
        var rows: [Row] = []
        for baseline in request.baselines {
            switch baseline {
            case .indexAsIs:
                guard let own = request.indexQueries else {
                    throw EvaluateInputError(.indexQueries, .adapter(.missingIndexQueries))
                }
                rows.append(Row(name: indexAsIs, role: .baseline, queries: own, corpus: corpus))
            case .reEmbedded:
                guard let reembedded = request.reembeddedCorpus else {
                    throw EvaluateInputError(.reembeddedCorpus, .needsFileIndex)
                }
                rows.append(Row(name: reEmbedded, role: .baseline, queries: request.queries, corpus: reembedded))
            case .map(let name, let map):
                rows.append(Row(name: name, role: .baseline, queries: request.queries, corpus: corpus, map: map))
            }
        }
        for (label, adapter) in request.maps {
            guard let adapter else {
                rows.append(Row(name: label, role: .stage, queries: request.queries, corpus: corpus))
                continue
            }
            do {
                if adapter.isHybrid, request.retiredIndexModel { throw AdapterInputError.hybridWithRetiredIndexModel }
                rows.append(
                    try row(
                        label, adapter: adapter, queries: request.queries,
                        indexQueries: adapter.isHybrid ? request.indexQueries : nil, corpus: corpus))
            } catch let error as AdapterInputError {
                throw EvaluateInputError(.adapter, .adapter(error), subject: label)
            }
        }
        let outcome: Outcome
        do {
            outcome = try run(
                rows, queryIds: request.queryIds, corpusIds: corpusIds, qrels: request.qrels,
                labeled: request.unseenAgainst, settings: settings, search: search, progress: progress, log: log)
        } catch RetrievalError.empty(let message) {
            throw EvaluateInputError(.qrels, .nothingToDo(message))
        }
        guard let name = rows.last?.name, let primary = outcome.runs.last?.run else {
            throw EvaluateInputError(.adapter, .nothingToDo("no baseline or map to evaluate"))
        }
        let unseenLabels = settings.unseen ? request.unseenAgainst : nil
        var comparison = request.compare.flatMap {
            outcome.tests[name] != nil && settings.reference == $0 ? outcome.tests[name] : nil
        }
        if let compare = request.compare, comparison == nil {
            var against = settings
            against.reference = compare
            let reports = zip(rows, outcome.runs).map { (name: $0.name, role: $0.role, report: $1.run.report) }
            comparison = try table(reports, qrels: outcome.qrels, labeled: unseenLabels, settings: against).1[name]
        }
        let primaryAdapter = request.measuresScoreCalibration ? request.maps.last?.adapter : nil
        let calibration = try primaryAdapter.flatMap {
            try ScoreCalibrationCheck.measure(
                adapter: $0, queries: request.queries, queryIds: request.queryIds,
                indexQueries: request.indexQueries, corpus: corpus, qrels: outcome.qrels)
        }
        return AdapterOutcome(
            run: primary,
            unseen: unseenLabels.map { primary.report.unseen(testQrels: outcome.qrels, trainQrels: $0) },
            comparison: comparison, verdict: Verdict.of(outcome.table, checks: outcome.checks), rows: outcome,
            scoreCalibration: calibration)
    }
}
