/// Checks names of stages written in a stage (in `after:` or options) and finds defaults.
struct StageReferences {
    let log: ProblemLog
    /// Every stage of the pipeline, in order.
    let headers: [(name: String, kind: StageKind?)]
    /// How many of `headers` are written before the stage being read.
    let earlierCount: Int
    /// Position of each name in `headers`.
    let positions: [String: Int]
    /// The last stage of each kind written before the stage being read.
    let lastOfKind: [StageKind: String]

    /// The stages written before the one being read, in order.
    var earlier: ArraySlice<(name: String, kind: StageKind?)> { headers[..<earlierCount] }

    /// The stage name written at `written` when it names another stage of an allowed kind; else nil,
    /// with the problem recorded at `written`.
    func stage(_ written: ConfigNodeDecoder, allowedKinds: Set<StageKind>?, selfName: String) -> String? {
        guard let name = written.decodeLogged(String.self) else { return nil }
        if name == selfName {
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
            written.report("stage \"\(name)\" is a \(kind.rawValue) stage; expected a \(kinds) stage")
            return nil
        }
        return name
    }

    /// The nearest earlier stage of one of `kinds` (preferring the first kind listed).
    func nearestEarlier(_ kinds: [StageKind]) -> String? {
        kinds.lazy.compactMap { lastOfKind[$0] }.first
    }
}
