import Foundation

/// One named check of the inputs or the results that a verdict rests on: `ok`, a `warning` that
/// qualifies the verdict, or `failed`, which withholds it. `detail` is one sentence a person can
/// act on (what was found, in which file, what to look at).
public struct SanityCheck: Sendable, Hashable, Codable {
    /// Names of the checks, as printed and written to metrics.json.
    public enum Name {
        public static let referenceAboveChance = "reference-above-chance"
        public static let labeledNotEvaluated = "labeled-not-evaluated"
        public static let evaluationQrelsIds = "evaluation-qrels-ids"
        public static let labeledQrelsIds = "labeled-qrels-ids"
        public static let enoughQueries = "enough-queries"
        public static let alignmentAboveChance = "alignment-above-chance"
        public static let indexQueriesFollowIds = "index-queries-follow-ids"
        /// The checks whose warning the verdict's sentence repeats: they qualify the figures it rests on
        /// (too few queries for a test; a few index-model query rows that may belong to other queries).
        public static let qualifyingTheVerdict: Set<String> = [enoughQueries, indexQueriesFollowIds]
    }

    public enum Status: String, Sendable, Hashable, Codable, Comparable {
        case ok, warning, failed

        private var rank: Int { self == .ok ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
    }

    public var name: String
    public var status: Status
    public var detail: String

    public init(name: String, status: Status, detail: String) {
        self.name = name
        self.status = status
        self.detail = detail
    }

    /// `failed  reference-above-chance: ...`, the line printed on the console.
    public var line: String {
        "\(status.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(name): \(detail)"
    }

    /// The checks as console lines under a heading (empty without checks).
    public static func text(_ checks: [SanityCheck]) -> String {
        guard !checks.isEmpty else { return "" }
        return (["checks:"] + checks.map { "  " + $0.line }).joined(separator: "\n")
    }

    /// The checks as JSON objects `{name, status, detail}` (for `era evaluate --json`).
    public static func jsonObjects(_ checks: [SanityCheck]) -> [[String: String]] {
        checks.map { ["name": $0.name, "status": $0.status.rawValue, "detail": $0.detail] }
    }

    /// Checks of the same name merged into one (the worst status; the details joined), in first-seen
    /// order: several evaluate stages, or a check made by two stages, are shown once.
    public static func merged(_ checks: [SanityCheck]) -> [SanityCheck] {
        var order: [String] = []
        var byName: [String: SanityCheck] = [:]
        for check in checks {
            guard var known = byName[check.name] else {
                order.append(check.name)
                byName[check.name] = check
                continue
            }
            guard known.detail != check.detail else { continue }
            if check.status > known.status {
                known = SanityCheck(name: known.name, status: check.status, detail: check.detail + "; " + known.detail)
            } else if check.status == known.status {
                known.detail += "; " + check.detail
            }
            byName[check.name] = known
        }
        return order.compactMap { byName[$0] }
    }
}
