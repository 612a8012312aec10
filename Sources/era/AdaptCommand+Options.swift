import Retrieval
import Workflows
import Alignment
import ArgumentParser
import EmbeddingIO
import Foundation
import LinearAlgebra

/// The files stage two reads (shared by `era adapt` and `era sweep`).
struct AdaptInputOptions: ParsableArguments {
    @Option(help: "The stage-one adapter (.safetensors) to start from.") var adapter: String
    @Option(help: "Query embeddings of the query model, .npy [queries, p].") var queries: String
    @Option(help: "Query ids, one a line, in the row order of --queries.") var queryIds: String
    @Option(help: "The index's document embeddings, .npy [documents, m]; <f4 files are memory-mapped.")
    var corpus: String
    @Option(help: "Document ids, one a line, in the row order of --corpus.") var corpusIds: String
    @Option(help: "TRAINING relevance judgments (BEIR TSV or TREC); the only labels stage two reads.")
    var qrels: String

    struct Loaded {
        var problem: AdaptProblem
        var stageOne: Adapter
    }

    /// The files read, by flag, for the output guard.
    var guardInputs: [OutputGuard.Input] {
        [.init("--adapter", adapter), .init("--queries", queries), .init("--query-ids", queryIds),
         .init("--corpus", corpus), .init("--corpus-ids", corpusIds), .init("--qrels", qrels)]
    }

    /// Reads and cross-checks every file through `files`; each problem names its file.
    func load(_ files: InputFiles) throws -> Loaded {
        let stageOne = try Adapter.load(URL(fileURLWithPath: adapter))
        let queryMatrix = try files.embeddings(queries, checked: true)
        let corpusMatrix = try files.embeddings(corpus, checked: true)
        guard queryMatrix.columns == stageOne.map.sourceDimension else {
            throw CommandError("\(queries) has dimension \(queryMatrix.columns) but \(adapter) maps from "
                + "\(stageOne.map.sourceDimension): the queries must come from the adapter's query model")
        }
        guard corpusMatrix.columns == stageOne.map.targetDimension else {
            throw CommandError("\(corpus) has dimension \(corpusMatrix.columns) but \(adapter) maps into "
                + "\(stageOne.map.targetDimension): the corpus must be the adapter's index")
        }
        let problem = AdaptProblem(queries: queryMatrix, queryIds: try files.ids(queryIds, rowsOf: queries),
                                   corpus: corpusMatrix, corpusIds: try files.ids(corpusIds, rowsOf: corpus),
                                   trainingQrels: try files.qrels(qrels), stageOne: stageOne.map)
        return Loaded(problem: problem, stageOne: stageOne)
    }
}

/// The training settings of stage two (shared by `era adapt` and `era sweep`).
struct AdaptTrainingOptions: ParsableArguments {
    @Option(help: "none (full linear map) | rotation (W = R W1, R in SO(m), Cayley parameterization).")
    var constraint: String = "none"
    @Option(help: "Low-rank residual family W = W1 + U V of this rank (with --constraint none).") var rank: Int?
    @Option(help: "Kinds of negatives, comma-separated: hard, random, in-batch.") var negatives: String = "hard,in-batch"
    @Option(help: "Hard (and random) negatives per labeled pair.") var numNegatives: Int = AdaptSettings().negatives.hard
    @Option(help: "Documents the stage-one teacher ranks per query when mining hard negatives.")
    var hardPool: Int = AdaptSettings().hardPool
    @Option(help: "Skip mined candidates scoring above this fraction of the positive's score.")
    var falseNegativeMargin: Double = AdaptSettings().falseNegativeMargin
    @Option(help: "InfoNCE temperature.") var temperature: Double = AdaptSettings().temperature
    @Option(help: "lambda of the penalty lambda ||W - W1||_F^2 toward the stage-one map (default: 3; 0 with --constraint rotation).")
    var penalty: Double?
    @Option(help: "AdamW learning rate.") var learningRate: Double = AdaptSettings().learningRate
    @Option(help: "AdamW decoupled weight decay (pulls the parameters toward stage one).")
    var weightDecay: Double = AdaptSettings().weightDecay
    @Option(help: "Labeled pairs per step.") var batchSize: Int = AdaptSettings().batchSize
    @Option(help: "At most this many optimizer steps.") var steps: Int = AdaptSettings().maxSteps
    @Option(help: "Evaluate the dev queries every N steps.") var evalEvery: Int = AdaptSettings().evaluationInterval
    @Option(help: "Stop after N dev evaluations without improvement.") var patience: Int = AdaptSettings().patience
    @Option(help: "Fraction of the labeled queries in the hold-out dev set (with --folds 1).")
    var devFraction: Double = AdaptSettings().devFraction
    @Option(help: "At least this many hold-out dev queries (with --folds 1).")
    var minDevQueries: Int = AdaptSettings().minDevQueries
    @Option(help: "Dev folds for choosing the steps: k > 1 = k-fold, 1 = one hold-out set (--dev-fraction), 0 = no choice (--steps).")
    var folds: Int = AdaptSettings.defaultFolds
    @Option(help: "document-disjoint (default) | random.") var devSplit: AdaptDevSplit = AdaptSettings().devSplit

    func settings() throws -> AdaptSettings {
        let all = try configurations()
        guard all.count == 1 else { throw CommandError("--constraint: give one of none, rotation") }
        return all[0].settings
    }

    /// One configuration per name in `--constraint` (`era sweep` accepts a comma-separated list).
    func configurations() throws -> [(label: String, settings: AdaptSettings)] {
        let names = constraint.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty else { throw CommandError("--constraint: expected none or rotation, got \"\(constraint)\"") }
        return try names.map { name in
            let settings = try settings(constraint: name)
            return (name == "none" ? (rank.map { "low-rank \($0)" } ?? "unconstrained") : "rotation", settings)
        }
    }

    private func settings(constraint: String) throws -> AdaptSettings {
        var s = AdaptSettings()
        switch (constraint, rank) {
        case ("none", nil): s.family = .linear
        case ("none", let r?): s.family = .lowRank(rank: r)
        case ("rotation", nil): s.family = .rotation
        case ("rotation", _?): throw CommandError("--rank: a low-rank residual cannot be combined with --constraint rotation")
        default: throw CommandError("--constraint: expected none or rotation, got \"\(constraint)\"")
        }
        guard numNegatives >= 0 else { throw CommandError("--num-negatives: must be >= 0, got \(numNegatives)") }
        guard let kinds = AdaptNegatives.parse(negatives, count: numNegatives) else {
            throw CommandError("--negatives: expected a comma-separated list of hard, random, in-batch; got \"\(negatives)\"")
        }
        s.negatives = kinds
        s.hardPool = hardPool
        s.falseNegativeMargin = falseNegativeMargin
        s.temperature = temperature
        s.penalty = penalty ?? AdaptSettings.defaultPenalty(for: s.family)
        s.learningRate = learningRate
        s.weightDecay = weightDecay
        s.batchSize = batchSize
        s.maxSteps = steps
        s.evaluationInterval = evalEvery
        s.patience = patience
        s.devFraction = devFraction
        s.minDevQueries = minDevQueries
        s.devSplit = devSplit
        s.folds = folds
        do { return try s.validated() } catch { throw CommandError("adapt: \(error.description)") }
    }
}
