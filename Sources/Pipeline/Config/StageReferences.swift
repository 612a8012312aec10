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

    /// True when `name` names another stage of an allowed kind; else records a problem.
    func check(
        _ name: String, at location: SourceLocation, path: String, allowedKinds: Set<StageKind>?,
        selfName: String
    ) -> Bool {
        if name == selfName {
            log.add(location, path, "a stage cannot depend on itself")
            return false
        }
        guard let target = positions[name].map({ headers[$0] }) else {
            var message = "no stage is named \"\(name)\""
            if let suggestion = Suggestion.nearest(to: name, among: headers.map(\.name)) {
                message += "; did you mean \"\(suggestion)\"?"
            } else if !headers.isEmpty {
                message += " (stages: \(headers.map(\.name).joined(separator: ", ")))"
            }
            log.add(location, path, message)
            return false
        }
        if let allowedKinds, let kind = target.kind, !allowedKinds.contains(kind) {
            let kinds = StageKind.allCases.filter(allowedKinds.contains).map(\.rawValue).joined(separator: " or ")
            log.add(location, path, "stage \"\(name)\" is a \(kind.rawValue) stage; expected a \(kinds) stage")
            return false
        }
        return true
    }

    /// The stage name written at `written` when it names another stage of an allowed kind; else nil,
    /// with the problem recorded at `written`.
    func stage(_ written: ConfigNodeDecoder, allowedKinds: Set<StageKind>?, selfName: String) -> String? {
        guard let name = written.decodeLogged(String.self) else { return nil }
        return check(
            name, at: written.node.location, path: written.path, allowedKinds: allowedKinds, selfName: selfName)
            ? name : nil
    }

    /// The nearest earlier stage of one of `kinds` (preferring the first kind listed).
    func nearestEarlier(_ kinds: [StageKind]) -> String? {
        kinds.lazy.compactMap { lastOfKind[$0] }.first
    }
}
