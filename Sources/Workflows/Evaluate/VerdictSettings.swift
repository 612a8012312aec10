import Alignment
import Settings

/// How the verdict is asked and used, declared once for `era evaluate` and the evaluate stage.
public struct VerdictSettings: DeclaredSettings, Hashable, Encodable {
    /// The upgrade verdict's non-inferiority margin: the nDCG@10 a user accepts to lose against the
    /// index as it was, at the low end of the paired confidence interval, and still switch.
    public var margin = 0.01
    /// Make the exit status follow the decision (`Verdict.exitCode`), so a deployment job can stop on it.
    public var gate = false

    public init() {}

    public static let settings: [Setting<VerdictSettings>] = [
        Setting(
            \.margin, key: "non_inferiority_margin", flag: "margin",
            doc:
                "With a retired index model: the loss of the tested metric against the index as it was that still counts as no worse; the verdict says switch when the low end of the best map's paired CI lies above -margin, else switch-costs.",
            expectation: "a number in [0, 1)", valid: { $0 >= 0 && $0 < 1 }),
        Setting(
            \.gate, key: "gate",
            doc:
                "Exit status from the verdict: 0 for use or switch, 3 when there is no verdict or it is withheld, 4 for keep, unclear or switch-costs.",
            expectation: "true or false"),
    ]

    public func encode(to encoder: any Encoder) throws {
        try encodeDeclared(to: encoder)
    }
}
