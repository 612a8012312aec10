import Alignment
import Workflows

/// Reads one stage's `options:` mapping into the typed options of its kind.
struct StageOptionsDecoder {
    let log: ProblemLog
    let references: StageReferences
    let data: DataConfig
    /// `models.index.retired`: no map may read the index model's queries.
    var indexRetired = false
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
        declared(AlignOptions.self, &r)
    }

    private func adapt(_ r: inout MappingReader) -> AdaptOptions? {
        let from = reference(
            &r, "from", kinds: [.align], defaultKinds: [.align],
            missing: "an adapt stage starts from an align stage's map; add one before it or set options.from")
        var options = AdaptOptions(from: from ?? "")
        // A retired index model cannot embed new queries: the default map reads the query model's vectors alone.
        options.hybrid = r.bool("hybrid", default: options.hybrid && !indexRetired)
        if options.hybrid, indexRetired, let node = r.node["hybrid"] {
            log.add(
                node.location, r.keyPath("hybrid"),
                "models.index.retired is true: the index model cannot embed new queries, so a hybrid map could not be served; remove hybrid: true"
            )
        }
        options.settings = declared(AdaptSettings.self, &r)
        // A rank out of range is reported once, by its range; a valid one under another map, here.
        if let rankNode = r.node["rank"], case .scalar(.int(let rank), _) = rankNode.value,
            let problem = options.settings.problem(ofWrittenRank: rank),
            !log.problems.contains(where: { $0.keyPath == r.keyPath("rank") })
        {
            log.add(rankNode.location, r.keyPath("rank"), problem)
        }
        if options.settings.problems().isEmpty {
            do {
                _ = try options.settings.validated()
            } catch .invalidParameter(let name, _, let reason) {
                let node = r.node[name] ?? r.node
                log.add(node.location, r.keyPath(name), reason)
            } catch {
                log.add(r.node.location, r.path, "\(error)")
            }
        }
        return from == nil ? nil : options
    }

    /// The declared settings of `T` read from this options mapping through ``ConfigNodeDecoder``
    /// (type problems are logged there), then every value out of its declared range logged at its key.
    private func declared<T: DeclaredSettings>(_ type: T.Type, _ r: inout MappingReader) -> T {
        let decoder = ConfigNodeDecoder(node: r.node, path: r.path, log: log, requested: .init())
        let value = (try? T(declaredFrom: decoder)) ?? T()
        r.allow(contentsOf: T.settings.map(\.key))
        let stored = value.problems()
        for (setting, _) in stored {
            let node = r.node[setting.key]
            log.add(
                node?.location ?? r.node.location, r.keyPath(setting.key),
                "expected \(setting.expectation), got \(node?.describedForMessage ?? setting.text(value))")
        }
        // Values as written, which a computed setting may have dropped (the rank of a linear map);
        // read again with a log of their own, so that a type problem is reported once.
        let written = ConfigNodeDecoder(node: r.node, path: r.path, log: ProblemLog(), requested: .init())
        for (setting, _) in T.problems(writtenIn: written)
        where !stored.contains(where: { $0.setting.key == setting.key }) {
            let node = r.node[setting.key]
            log.add(
                node?.location ?? r.node.location, r.keyPath(setting.key),
                "expected \(setting.expectation), got \(node?.describedForMessage ?? "?")")
        }
        return value
    }

    private func evaluate(_ r: inout MappingReader) -> EvaluateOptions? {
        let mapKinds: Set<StageKind> = [.align, .adapt]
        var maps: [String]
        if let written = r.list(
            "maps", acceptsScalar: true,
            element: { node, path, log in
                MappingReader.string(node, path: path, log: log).map { (name: $0, location: node.location, path: path) }
            })
        {
            maps = written.filter {
                references.check($0.name, at: $0.location, path: $0.path, allowedKinds: mapKinds, selfName: stageName)
            }
            .map(\.name)
        } else {
            maps = references.earlier.filter { $0.kind.map(mapKinds.contains) ?? false }.map(\.name)
        }
        let available = EvaluateOptions.Baseline.allCases.filter(baselineAvailable)
        var baselines = available
        if let baselinesNode = r.raw("baselines") {
            let written: [(EvaluateOptions.Baseline, SourceLocation, String)] =
                MappingReader.list(baselinesNode, path: r.keyPath("baselines"), acceptsScalar: true, log: log) {
                    node, path, log in
                    (MappingReader.choice(node, path: path, log: log) as EvaluateOptions.Baseline?).map {
                        ($0, node.location, path)
                    }
                } ?? []
            for (baseline, location, path) in written where !baselineAvailable(baseline) {
                log.add(
                    location, path,
                    "the \(baseline.rawValue) baseline needs \(Self.requirement(of: baseline)), which the pipeline does not set"
                )
            }
            baselines = written.map(\.0)
        }
        var o = EvaluateOptions(maps: maps, baselines: baselines)
        if let metrics = r.list(
            "metrics", acceptsScalar: true,
            element: { node, path, log in
                MappingReader.string(node, path: path, log: log).flatMap {
                    Self.checkMetric($0, location: node.location, path: path, log: log)
                }
            })
        {
            o.metrics = metrics
        }
        o.unseen = r.bool("unseen", default: data.qrels.labeled != nil)
        if o.unseen, data.qrels.labeled == nil, let node = r.node["unseen"] {
            log.add(
                node.location, r.keyPath("unseen"),
                "the unseen subset is defined by data.qrels.labeled, which the pipeline does not set")
        }
        o.excludeLabeled = r.bool("exclude_labeled", default: false)
        if o.excludeLabeled, data.qrels.labeled == nil, let node = r.node["exclude_labeled"] {
            log.add(
                node.location, r.keyPath("exclude_labeled"),
                "the labeled queries are those of data.qrels.labeled, which the pipeline does not set")
        }
        o.verdict = declared(VerdictSettings.self, &r)
        o.significance = r.bool("significance", default: o.significance)
        o.significanceTrials = r.int("significance_trials", default: o.significanceTrials, atLeast: 100)
        o.confidence = r.double("confidence", default: o.confidence, expectation: "a number in (0, 1)") {
            $0 > 0 && $0 < 1
        }
        if let node = r.raw("compare_to"),
            let name = MappingReader.string(node, path: r.keyPath("compare_to"), log: log)
        {
            let rows = maps + baselines.map(\.rawValue)
            if rows.contains(name) {
                o.compareTo = name
            } else {
                var message = "\"\(name)\" is not a row of this evaluation (rows: \(rows.joined(separator: ", ")))"
                if let suggestion = Suggestion.nearest(to: name, among: rows) {
                    message = "\"\(name)\" is not a row of this evaluation; did you mean \"\(suggestion)\"?"
                }
                log.add(node.location, r.keyPath("compare_to"), message)
            }
        }
        if maps.isEmpty && baselines.isEmpty {
            log.add(
                stageLocation, r.path,
                "nothing to evaluate: no align or adapt stage before this one, no maps and no baselines")
        }
        return o
    }

    private func sweep(_ r: inout MappingReader) -> SweepOptions? {
        let adapt = reference(
            &r, "adapt", kinds: [.adapt], defaultKinds: [.adapt],
            missing: "a sweep repeats an adapt stage at several budgets; add one before it or set options.adapt")
        var o = SweepOptions(adapt: adapt ?? "")
        o.settings = declared(SweepSettings.self, &r)
        if o.budgets.isEmpty && !o.includeAll {
            log.add(
                r.node["budgets"]?.location ?? stageLocation, r.keyPath("budgets"),
                "expected at least one budget (or include_all: true)")
        }
        return adapt == nil ? nil : o
    }

    private func export(_ r: inout MappingReader) -> ExportOptions? {
        let map = reference(
            &r, "map", kinds: [.align, .adapt], defaultKinds: [.adapt, .align],
            missing: "an export writes an align or adapt stage's map; add one before it or set options.map")
        var o = ExportOptions(map: map ?? "")
        if let formats = r.list(
            "formats", acceptsScalar: true,
            element: { node, path, log in
                MappingReader.choice(node, path: path, log: log) as ExportOptions.Format?
            })
        {
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
    private func reference(
        _ r: inout MappingReader, _ key: String, kinds: Set<StageKind>,
        defaultKinds: [StageKind], missing: String
    ) -> String? {
        if let node = r.raw(key) {
            guard let name = MappingReader.string(node, path: r.keyPath(key), log: log) else { return nil }
            return references.check(
                name, at: node.location, path: r.keyPath(key), allowedKinds: kinds,
                selfName: stageName) ? name : nil
        }
        if let name = references.nearestEarlier(defaultKinds) { return name }
        log.add(stageLocation, r.keyPath(key), missing)
        return nil
    }

    private func baselineAvailable(_ baseline: EvaluateOptions.Baseline) -> Bool {
        switch baseline {
        case .indexAsIs: data.queries?.indexModelEmbeddings != nil
        case .reEmbedded: data.index?.queryModelEmbeddings != nil
        case .procrustes: data.alignment != nil
        }
    }

    private static func requirement(of baseline: EvaluateOptions.Baseline) -> String {
        switch baseline {
        case .indexAsIs: "data.queries.index_model_embeddings"
        case .reEmbedded: "data.index.query_model_embeddings"
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
        log.add(
            location, path,
            "expected a metric name@k with name in \(metricNames.joined(separator: ", ")) and k >= 1, got \"\(text)\"")
        return nil
    }
}
