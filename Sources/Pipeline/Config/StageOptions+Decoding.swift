/// Reads one stage's `options:` mapping into the typed options of its kind.
struct StageOptionsDecoder {
    let log: ProblemLog
    let references: StageReferences
    let data: DataConfig
    let stageName: String
    let stageLocation: SourceLocation

    /// Metric families the evaluation computes (Retrieval's `IRMetrics.families`): `name@k`, k >= 1.
    static let metricNames = ["ndcg", "recall", "p", "mrr", "map"]

    func decode(kind: StageKind, reader: inout MappingReader) -> StageOptions? {
        switch kind {
        case .align: .align(align(&reader))
        case .adapt: adapt(&reader).map(StageOptions.adapt)
        case .evaluate: evaluate(&reader).map(StageOptions.evaluate)
        case .sweep: sweep(&reader).map(StageOptions.sweep)
        case .export: export(&reader).map(StageOptions.export)
        }
    }

    private func align(_ r: inout MappingReader) -> AlignOptions {
        var o = AlignOptions()
        o.initialization = r.choice("init", default: o.initialization)
        o.centering = r.choice("centering", default: o.centering)
        o.refinement = r.choice("refinement", default: o.refinement)
        o.procrustesIterations = r.int("procrustes_iterations", default: o.procrustesIterations, atLeast: 0)
        o.family = r.choice("family", default: o.family)
        o.loss = r.choice("loss", default: o.loss)
        o.temperature = r.double("temperature", default: o.temperature, expectation: "a number > 0") { $0 > 0 }
        o.negatives = r.choice("negatives", default: o.negatives)
        o.symmetric = r.bool("symmetric", default: o.symmetric)
        o.optimizer = r.choice("optimizer", default: o.optimizer)
        o.learningRate = r.double("learning_rate", default: o.learningRate, expectation: "a number > 0") { $0 > 0 }
        // Absent (or invalid): nil, which means the optimizer's default.
        let decay = r.double("weight_decay", default: -1, expectation: "a number >= 0") { $0 >= 0 }
        o.weightDecay = decay >= 0 ? decay : nil
        o.batchSize = r.int("batch_size", default: o.batchSize, atLeast: 2)
        o.epochs = r.int("epochs", default: o.epochs, atLeast: 0)
        o.holdout = r.double("holdout", default: o.holdout, expectation: "a fraction in [0, 1)") { $0 >= 0 && $0 < 1 }
        o.stoppingMetric = r.choice("stopping_metric", default: o.stoppingMetric)
        o.patience = r.int("patience", default: o.patience, atLeast: 0)
        o.shuffle = r.bool("shuffle", default: o.shuffle)
        o.samples = r.optionalInt("samples", atLeast: 1)
        return o
    }

    private func adapt(_ r: inout MappingReader) -> AdaptOptions? {
        guard let from = reference(&r, "from", kinds: [.align], defaultKinds: [.align],
                                   missing: "an adapt stage starts from an align stage's map; add one before it or set options.from") else {
            _ = adaptFields(&r, into: AdaptOptions(from: ""))
            return nil
        }
        return adaptFields(&r, into: AdaptOptions(from: from))
    }

    private func adaptFields(_ r: inout MappingReader, into options: AdaptOptions) -> AdaptOptions {
        var o = options
        o.budget = r.optionalInt("budget", atLeast: 1)
        o.map = r.choice("map", default: o.map)
        o.rank = r.int("rank", default: o.rank, atLeast: 1)
        if let kinds = r.list("negatives", acceptsScalar: true, element: { node, path, log in
            MappingReader.choice(node, path: path, log: log) as AdaptOptions.Negative?
        }) {
            if kinds.isEmpty, let node = r.node["negatives"] {
                log.add(node.location, r.keyPath("negatives"), "expected at least one kind of negative")
            } else {
                o.negatives = kinds
            }
        }
        o.numNegatives = r.int("num_negatives", default: o.numNegatives, atLeast: 1)
        o.hardPool = r.int("hard_pool", default: o.hardPool, atLeast: 1)
        o.falseNegativeMargin = r.double("false_negative_margin", default: o.falseNegativeMargin,
                                         expectation: "a number > 0") { $0 > 0 }
        o.temperature = r.double("temperature", default: o.temperature, expectation: "a number > 0") { $0 > 0 }
        if let penalty = r.optionalDouble("regularization", expectation: "a number >= 0", valid: { $0 >= 0 }) {
            o.regularization = penalty
        }
        o.learningRate = r.double("learning_rate", default: o.learningRate, expectation: "a number > 0") { $0 > 0 }
        o.weightDecay = r.double("weight_decay", default: o.weightDecay, expectation: "a number >= 0") { $0 >= 0 }
        o.batchSize = r.int("batch_size", default: o.batchSize, atLeast: 1)
        o.maxSteps = r.int("max_steps", default: o.maxSteps, atLeast: 0)
        o.evaluationInterval = r.int("evaluation_interval", default: o.evaluationInterval, atLeast: 1)
        o.patience = r.int("patience", default: o.patience, atLeast: 1)
        o.devFraction = r.double("dev_fraction", default: o.devFraction, expectation: "a fraction in (0, 1)") { $0 > 0 && $0 < 1 }
        o.devSplit = r.choice("dev_split", default: o.devSplit)
        o.minDevQueries = r.int("min_dev_queries", default: o.minDevQueries, atLeast: 1)
        if let folds = r.optionalInt("folds", atLeast: 0) { o.folds = folds }
        if o.negatives.contains(.hard), o.hardPool < o.numNegatives, let node = r.node["hard_pool"] ?? r.node["num_negatives"] {
            log.add(node.location, r.keyPath(r.node["hard_pool"] != nil ? "hard_pool" : "num_negatives"),
                    "hard_pool (\(o.hardPool)) must be at least num_negatives (\(o.numNegatives))")
        }
        if o.learningRate * o.weightDecay >= 1, let node = r.node["weight_decay"] ?? r.node["learning_rate"] {
            log.add(node.location, r.keyPath(r.node["weight_decay"] != nil ? "weight_decay" : "learning_rate"),
                    "learning_rate x weight_decay must be below 1 (AdamW's decoupled decay would flip the sign)")
        }
        return o
    }

    private func evaluate(_ r: inout MappingReader) -> EvaluateOptions? {
        let mapKinds: Set<StageKind> = [.align, .adapt]
        var maps: [String]
        if let written = r.list("maps", acceptsScalar: true, element: { node, path, log in
            MappingReader.string(node, path: path, log: log).map { (name: $0, location: node.location, path: path) }
        }) {
            maps = written.filter { references.check($0.name, at: $0.location, path: $0.path, allowedKinds: mapKinds, selfName: stageName) }
                .map(\.name)
        } else {
            maps = references.earlier.filter { $0.kind.map(mapKinds.contains) ?? false }.map(\.name)
        }
        let available = EvaluateOptions.Baseline.allCases.filter(baselineAvailable)
        var baselines = available
        if let baselinesNode = r.raw("baselines") {
            let written: [(EvaluateOptions.Baseline, SourceLocation, String)] =
                MappingReader.list(baselinesNode, path: r.keyPath("baselines"), acceptsScalar: true, log: log) { node, path, log in
                    (MappingReader.choice(node, path: path, log: log) as EvaluateOptions.Baseline?).map { ($0, node.location, path) }
                } ?? []
            for (baseline, location, path) in written where !baselineAvailable(baseline) {
                log.add(location, path, "the \(baseline.rawValue) baseline needs \(Self.requirement(of: baseline)), which the pipeline does not set")
            }
            baselines = written.map(\.0)
        }
        var o = EvaluateOptions(maps: maps, baselines: baselines)
        if let metrics = r.list("metrics", acceptsScalar: true, element: { node, path, log in
            MappingReader.string(node, path: path, log: log).flatMap { Self.checkMetric($0, location: node.location, path: path, log: log) }
        }) {
            o.metrics = metrics
        }
        o.unseen = r.bool("unseen", default: data.qrels.labeled != nil)
        if o.unseen, data.qrels.labeled == nil, let node = r.node["unseen"] {
            log.add(node.location, r.keyPath("unseen"), "the unseen subset is defined by data.qrels.labeled, which the pipeline does not set")
        }
        o.significance = r.bool("significance", default: o.significance)
        o.significanceTrials = r.int("significance_trials", default: o.significanceTrials, atLeast: 100)
        o.confidence = r.double("confidence", default: o.confidence, expectation: "a number in (0, 1)") { $0 > 0 && $0 < 1 }
        if let node = r.raw("compare_to"), let name = MappingReader.string(node, path: r.keyPath("compare_to"), log: log) {
            let rows = maps + baselines.map(\.rawValue)
            if rows.contains(name) {
                o.compareTo = name
            } else {
                var message = "\"\(name)\" is not a row of this evaluation (rows: \(rows.joined(separator: ", ")))"
                if let suggestion = Suggestion.nearest(to: name, among: rows) { message = "\"\(name)\" is not a row of this evaluation; did you mean \"\(suggestion)\"?" }
                log.add(node.location, r.keyPath("compare_to"), message)
            }
        }
        if maps.isEmpty && baselines.isEmpty {
            log.add(stageLocation, r.path, "nothing to evaluate: no align or adapt stage before this one, no maps and no baselines")
        }
        return o
    }

    private func sweep(_ r: inout MappingReader) -> SweepOptions? {
        let adapt = reference(&r, "adapt", kinds: [.adapt], defaultKinds: [.adapt],
                              missing: "a sweep repeats an adapt stage at several budgets; add one before it or set options.adapt")
        var o = SweepOptions(adapt: adapt ?? "")
        if let budgets = r.list("budgets", element: { MappingReader.int($0, path: $1, atLeast: 1, log: $2) }) {
            o.budgets = budgets
        }
        o.includeAll = r.bool("include_all", default: o.includeAll)
        if o.budgets.isEmpty && !o.includeAll {
            log.add(r.node["budgets"]?.location ?? stageLocation, r.keyPath("budgets"),
                    "expected at least one budget (or include_all: true)")
        }
        o.repeats = r.int("repeats", default: o.repeats, atLeast: 1)
        o.significanceTrials = r.int("significance_trials", default: o.significanceTrials, atLeast: 100)
        return adapt == nil ? nil : o
    }

    private func export(_ r: inout MappingReader) -> ExportOptions? {
        let map = reference(&r, "map", kinds: [.align, .adapt], defaultKinds: [.adapt, .align],
                            missing: "an export writes an align or adapt stage's map; add one before it or set options.map")
        var o = ExportOptions(map: map ?? "")
        if let formats = r.list("formats", acceptsScalar: true, element: { node, path, log in
            MappingReader.choice(node, path: path, log: log) as ExportOptions.Format?
        }) {
            o.formats = formats
        }
        if let node = r.raw("file"), let file = MappingReader.string(node, path: r.keyPath("file"), log: log) {
            if StageDecoder.isValidFolderName(file) {
                o.file = file
            } else {
                log.add(node.location, r.keyPath("file"), "expected a plain file name (no directory), got \"\(file)\"")
            }
        }
        return map == nil ? nil : o
    }

    // MARK: - Helpers

    /// A stage name read from `key`, checked, or the nearest earlier stage of `defaultKinds`.
    private func reference(_ r: inout MappingReader, _ key: String, kinds: Set<StageKind>,
                           defaultKinds: [StageKind], missing: String) -> String? {
        if let node = r.raw(key) {
            guard let name = MappingReader.string(node, path: r.keyPath(key), log: log) else { return nil }
            return references.check(name, at: node.location, path: r.keyPath(key), allowedKinds: kinds,
                                    selfName: stageName) ? name : nil
        }
        if let name = references.nearestEarlier(defaultKinds) { return name }
        log.add(stageLocation, r.keyPath(key), missing)
        return nil
    }

    private func baselineAvailable(_ baseline: EvaluateOptions.Baseline) -> Bool {
        switch baseline {
        case .indexZeroShot: data.queries?.indexModelEmbeddings != nil
        case .queryModelUpperBound: data.index?.queryModelEmbeddings != nil
        case .procrustes: data.alignment != nil
        }
    }

    private static func requirement(of baseline: EvaluateOptions.Baseline) -> String {
        switch baseline {
        case .indexZeroShot: "data.queries.index_model_embeddings"
        case .queryModelUpperBound: "data.index.query_model_embeddings"
        case .procrustes: "data.alignment"
        }
    }

    /// `name@k` with a known name and k >= 1, lowercased (`precision@k` is accepted as `p@k`);
    /// nil (problem recorded) otherwise.
    static func checkMetric(_ text: String, location: SourceLocation, path: String, log: ProblemLog) -> String? {
        let lowered = text.lowercased()
        let parts = lowered.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count == 2, let k = Int(parts[1]), k >= 1 {
            let family = parts[0] == "precision" ? "p" : String(parts[0])
            if metricNames.contains(family) { return "\(family)@\(k)" }
        }
        log.add(location, path, "expected a metric name@k with name in \(metricNames.joined(separator: ", ")) and k >= 1, got \"\(text)\"")
        return nil
    }
}
