import Alignment
import ConfigDecoding
import Settings
import Workflows

/// Reads one stage's `options:` mapping into the typed options of its kind, and checks the names
/// of stages written in the stage (in `after:` or its options), finding defaults among the
/// stages written before it.
struct StageOptionsDecoder {
    let log: ProblemLog
    let data: DataConfig
    /// `models.index.retired`: no map may read the index model's queries.
    var indexRetired = false
    let stageName: String
    let stageLocation: SourceLocation
    /// Every stage of the pipeline, in order.
    let headers: [(name: String, kind: StageKind?)]
    /// How many of `headers` are written before this stage.
    let earlierCount: Int
    /// Position of each name in `headers`.
    let positions: [String: Int]
    /// The last stage of each kind written before this stage.
    let lastOfKind: [StageKind: String]

    func decode(kind: StageKind, _ d: ConfigNodeDecoder) -> StageOptions? {
        switch kind {
        case .align: .align(declared(AlignOptions.self, d))
        case .adapt: adapt(d).map(StageOptions.adapt)
        case .evaluate: .evaluate(evaluate(d))
        case .sweep:
            referencing(
                SweepSettings.self, d, "adapt", kinds: [.adapt], defaultKinds: [.adapt],
                missing: "a sweep repeats an adapt stage at several budgets; add one before it or set options.adapt"
            ) { sweep in
                if sweep.budgets.isEmpty && !sweep.includeAll {
                    log.add(
                        d.node["budgets"]?.location ?? stageLocation, d.keyPath("budgets"),
                        "expected at least one budget (or include_all: true)")
                }
            }.map(StageOptions.sweep)
        case .export:
            referencing(
                ExportSettings.self, d, "map", kinds: [.align, .adapt], defaultKinds: [.adapt, .align],
                missing: "an export writes an align or adapt stage's map; add one before it or set options.map"
            ).map(StageOptions.export)
        }
    }

    /// The stage name written at `written` when it names another stage of an allowed kind; else nil,
    /// with the problem recorded at `written`.
    func stage(_ written: ConfigNodeDecoder, allowedKinds: Set<StageKind>?) -> String? {
        guard let name = written.decodeLogged(String.self) else { return nil }
        if name == stageName {
            written.report("a stage cannot depend on itself")
            return nil
        }
        guard let target = positions[name].map({ headers[$0] }) else {
            var message = "no stage is named \"\(name)\""
            if let suggestion = Suggestion.nearest(to: name, among: headers.map(\.name)) {
                message += "; did you mean \"\(suggestion)\"?"
            } else if !headers.isEmpty {
                message += " (stages: \(headers.map(\.name).joined(separator: ", ")))"
            }
            written.report(message)
            return nil
        }
        if let allowedKinds, let kind = target.kind, !allowedKinds.contains(kind) {
            let kinds = StageKind.allCases.filter(allowedKinds.contains).map(\.rawValue).joined(separator: " or ")
            written.report(
                "stage \"\(name)\" is \(kind.withArticle) stage; expected \(kinds.first.map { "aeiou".contains($0) ? "an" : "a" } ?? "a") \(kinds) stage"
            )
            return nil
        }
        return name
    }

    private func adapt(_ d: ConfigNodeDecoder) -> AdaptOptions? {
        let from = reference(
            d, "from", kinds: [.align], defaultKinds: [.align],
            missing: "an adapt stage starts from an align stage's map; add one before it or set options.from")
        var options = AdaptOptions(from: from ?? "")
        // A retired index model cannot embed new queries: the default map reads the query model's vectors alone.
        options.hybrid = d.decode("hybrid") ?? (options.hybrid && !indexRetired)
        if options.hybrid, indexRetired, let node = d.node["hybrid"] {
            log.add(
                node.location, d.keyPath("hybrid"),
                "models.index.retired is true: the index model cannot embed new queries, so a hybrid map could not be served; remove hybrid: true"
            )
        }
        options.calibrateWithIndexQueries = d.decode("calibrate_with_index_queries") ?? false
        if options.calibrateWithIndexQueries, data.queries?.indexModelEmbeddings == nil,
            let node = d.node["calibrate_with_index_queries"]
        {
            log.add(
                node.location, d.keyPath("calibrate_with_index_queries"),
                "the score calibration on the labeled queries needs the index model's vectors of them: set data.queries.index_model_embeddings, or remove this key"
            )
        }
        options.settings = declared(AdaptSettings.self, d)
        // A rank out of range is reported once, by its range; a valid one under another map, here.
        if let rankNode = d.node["rank"], case .scalar(.int(let rank), _) = rankNode.value,
            let problem = options.settings.problem(ofWrittenRank: rank),
            !log.problems.contains(where: { $0.keyPath == d.keyPath("rank") })
        {
            log.add(rankNode.location, d.keyPath("rank"), problem)
        }
        if options.settings.problems().isEmpty {
            do {
                _ = try options.settings.validated()
            } catch .invalidParameter(let name, _, let reason) {
                log.add((d.node[name] ?? d.node).location, d.keyPath(name), reason)
            } catch {
                d.report("\(error)")
            }
        }
        return from == nil ? nil : options
    }

    /// The declared settings of `T` read from this options mapping (type problems are logged by the
    /// decoder), then every value out of its declared range logged at its key.
    /// Keys in `apart` are left to the caller, which reads them with messages of its own.
    private func declared<T: DeclaredSettings>(
        _ type: T.Type, _ d: ConfigNodeDecoder, apart: Set<String> = []
    ) -> T {
        var node = d.node
        if case .mapping(let entries) = node.value { node.value = .mapping(entries.filter { !apart.contains($0.key) }) }
        let d = ConfigNodeDecoder(node: node, path: d.path, log: d.log, requested: d.requested)
        let value = (try? T(declaredFrom: d)) ?? T()
        // Values as written too, which a computed setting may have dropped (the rank of a linear map);
        // read again with a log of their own, so that a type problem is reported once.
        let written = T.problems(writtenIn: ConfigNodeDecoder(node: d.node, path: d.path, log: ProblemLog()))
        for setting in T.settings where !apart.contains(setting.key) {
            guard setting.problem(value) != nil || written.contains(where: { $0.setting.key == setting.key })
            else { continue }
            let node = d.node[setting.key]
            var expectation = setting.expectation
            if let node, case .scalar(.int(let number), _) = node.value {
                expectation = Setting<T>.bounded(expectation, number)
            }
            log.add(
                node?.location ?? d.node.location, d.keyPath(setting.key),
                "expected \(expectation), got \(node?.describedForMessage ?? setting.text(value))")
        }
        return value
    }

    private func evaluate(_ d: ConfigNodeDecoder) -> EvaluateOptions {
        let mapKinds: Set<StageKind> = [.align, .adapt]
        let maps =
            d["maps"]?.elements.map { elements in
                elements.compactMap { stage($0, allowedKinds: mapKinds) }
            } ?? headers[..<earlierCount].filter { $0.kind.map(mapKinds.contains) ?? false }.map(\.name)
        var baselines = EvaluateOptions.Baseline.allCases.filter(baselineAvailable)
        if let written = d["baselines"] {
            baselines = (written.elements ?? []).compactMap { element in
                let baseline = element.decodeLogged(EvaluateOptions.Baseline.self)
                if let baseline, !baselineAvailable(baseline) {
                    element.report(
                        "the \(baseline.rawValue) baseline needs \(Self.requirement(of: baseline)), which the pipeline does not set"
                    )
                }
                return baseline
            }
        }
        var o = EvaluateOptions(maps: maps, baselines: baselines)
        // Read in the declaration's order (unknown-key messages list the keys in it), with the
        // metrics and the labeled-only booleans read apart for their own messages and defaults.
        o.settings = declared(EvaluateSettings.self, d, apart: ["metrics", "unseen", "exclude_labeled"])
        if let elements = d["metrics"]?.elements {
            o.metrics = elements.compactMap { element in
                element.decodeLogged(String.self).flatMap { Self.checkMetric($0, element) }
            }
        }
        // The run would hit this only after training; checked here so that `--check` finds it.
        if o.metrics.isEmpty {
            log.add(
                d.node["metrics"]?.location ?? d.node.location, d.keyPath("metrics"),
                "an evaluate stage needs at least one metric, e.g. [ndcg@10, recall@100]; remove the key for the defaults"
            )
        }
        o.unseen = labeledOnly(d, "unseen", default: true, "the unseen subset is defined by data.qrels.labeled")
        o.excludeLabeled = labeledOnly(
            d, "exclude_labeled", default: false, "the labeled queries are those of data.qrels.labeled")
        if let written = d["compare_to"], let name = written.decodeLogged(String.self) {
            let rows = maps + baselines.map(\.rawValue)
            if rows.contains(name) {
                o.compareTo = name
            } else if let suggestion = Suggestion.nearest(to: name, among: rows) {
                written.report("\"\(name)\" is not a row of this evaluation; did you mean \"\(suggestion)\"?")
            } else {
                written.report("\"\(name)\" is not a row of this evaluation (rows: \(rows.joined(separator: ", ")))")
            }
        }
        if maps.isEmpty && baselines.isEmpty {
            log.add(
                stageLocation, d.path,
                "nothing to evaluate: no align or adapt stage before this one, no maps and no baselines")
        }
        return o
    }

    /// A boolean that only `data.qrels.labeled` gives a meaning: its default is `value` with the labeled
    /// qrels and false without them, and `true` written without them is a problem.
    private func labeledOnly(_ d: ConfigNodeDecoder, _ key: String, default value: Bool, _ meaning: String) -> Bool {
        let labeled = data.qrels.labeled != nil
        let flag = d.decode(key) ?? (value && labeled)
        if flag, !labeled, let node = d.node[key] {
            log.add(node.location, d.keyPath(key), "\(meaning), which the pipeline does not set")
        }
        return flag
    }

    /// The options of a kind that names another stage under `key`; nil when it names none. `check`
    /// judges the settings either way, so that every problem of the stage is reported at once.
    private func referencing<Settings: DeclaredSettings & Sendable & Hashable>(
        _ type: Settings.Type, _ d: ConfigNodeDecoder, _ key: String, kinds: Set<StageKind>,
        defaultKinds: [StageKind], missing: String, check: (Settings) -> Void = { _ in }
    ) -> ReferencingOptions<Settings>? {
        let stage = reference(d, key, kinds: kinds, defaultKinds: defaultKinds, missing: missing)
        let o = ReferencingOptions(key: key, stage: stage ?? "", settings: declared(Settings.self, d))
        check(o.settings)
        return stage == nil ? nil : o
    }

    // MARK: - Helpers

    /// A stage name read from `key`, checked, or the nearest earlier stage of `defaultKinds`.
    private func reference(
        _ d: ConfigNodeDecoder, _ key: String, kinds: Set<StageKind>,
        defaultKinds: [StageKind], missing: String
    ) -> String? {
        if let written = d[key] { return stage(written, allowedKinds: kinds) }
        if let name = defaultKinds.lazy.compactMap({ lastOfKind[$0] }).first { return name }
        log.add(stageLocation, d.keyPath(key), missing)
        return nil
    }

    private func baselineAvailable(_ baseline: EvaluateOptions.Baseline) -> Bool {
        data.sets(Self.requirement(of: baseline))
    }

    /// The data a baseline scores, by key path.
    static func requirement(of baseline: EvaluateOptions.Baseline) -> String {
        switch baseline {
        case .indexAsIs: "data.queries.index_model_embeddings"
        case .reEmbedded: "data.index.query_model_embeddings"
        case .procrustes: "data.alignment"
        }
    }

    /// `name@k` with a known name and k >= 1, lowercased (`precision@k` is accepted as `p@k`);
    /// nil (problem recorded at `written`) otherwise.
    static func checkMetric(_ text: String, _ written: ConfigNodeDecoder) -> String? {
        if let metric = EvaluateSettings.normalizedMetric(text) { return metric }
        written.report("expected \(EvaluateSettings.metricExpectation), got \"\(text)\"")
        return nil
    }
}
