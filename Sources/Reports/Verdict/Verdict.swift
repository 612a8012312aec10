import Foundation

/// The answer to a user's one question, "should I send my queries through this map, or keep what
/// I have?", read off a comparison table whose rows were tested against the reference row.
///
/// The reference is what the user has: the index model's own queries (`index-as-is`) when they
/// were evaluated, else stage one. The best row is the map (a stage row) with the highest mean of
/// the tested metric on all queries. It is recommended only when it beats the reference on all
/// queries with p < `alpha`; a loss that is significant says to keep the current queries;
/// anything else says the difference is not clear.
public struct Verdict: Sendable, Hashable, Codable {
    /// A paired comparison of the best row with the reference on one query subset.
    public struct Difference: Sendable, Hashable, Codable {
        /// Mean per-query difference, best minus reference.
        public var delta: Double
        /// Two-sided randomization-test p-value.
        public var p: Double
        /// Bootstrap confidence interval of `delta`, `[low, high]`.
        public var ci: [Double]
        /// The interval's level (0.95 unless the evaluation set another); nil in files written before
        /// it was recorded.
        public var confidence: Double?

        public init(delta: Double, p: Double, ci: [Double], confidence: Double? = nil) {
            self.delta = delta
            self.p = p
            self.ci = ci
            self.confidence = confidence
        }

        /// "95% CI", at the interval's own level.
        public var intervalName: String { "\(Int(((confidence ?? 0.95) * 100).rounded()))% CI" }
    }

    public enum Decision: String, Sendable, Hashable, Codable {
        /// Send the queries through the best map.
        case use
        /// Keep the current queries: the best map is worse, significantly.
        case keep
        /// No significant difference either way.
        case unclear
        /// A failed sanity check: the figures cannot be trusted, so no advice is given.
        case withheld
        /// The upgrade question: switch to the new model now, its queries through the best map are
        /// no worse than the index as it was (within the margin).
        case switchNow = "switch"
        /// The upgrade question: switching now is not shown to cost less than the margin: it costs more
        /// on average, or the confidence interval of the cost reaches beyond it (``Verdict/cost``,
        /// ``Verdict/costExceedsMargin``).
        case switchCosts = "switch-costs"
    }

    /// The question a verdict answers.
    public enum Question: String, Sendable, Hashable, Codable {
        /// "Can I switch to the new model now?": the index model is retired.
        case upgrade
    }

    /// The reference row's name, and why it is the reference.
    public var reference: String
    public var referenceKind: String
    /// The recommended row (the reference itself when no map should be used).
    public var best: String
    public var decision: Decision
    /// One plain sentence.
    public var recommendation: String
    /// The tested metric (`ndcg@10`).
    public var metric: String
    public var all: Difference?
    public var unseen: Difference?
    /// `upgrade` when the index model is retired (nil: "should I send my queries through a map?").
    public var question: Question? = nil
    /// The upgrade verdict's non-inferiority margin of the tested metric.
    public var margin: Double? = nil
    /// The best map's mean over the re-embedded row's, on all queries, when that row was evaluated.
    public var retention: Double? = nil
    /// (map − index as it was) / (re-embedded − index as it was), when re-embedding is better.
    public var gainRecovered: Double? = nil
    /// With `switch-costs`: what switching loses on all queries (index as it was minus the map),
    /// with its confidence interval.
    public var cost: Difference? = nil

    enum CodingKeys: String, CodingKey {
        case reference, referenceKind = "reference_kind", best, decision, recommendation, metric, all, unseen
        case question, margin, retention, cost
        case gainRecovered = "gain_recovered"
    }

    /// The exit status of a gate (`era evaluate --gate`, the evaluate stage's `gate: true`): 0 when
    /// the advice is to use the map or to switch, ``Verdict/exitNoAdvice`` when it is withheld,
    /// ``Verdict/exitNotNow`` for keep, unclear and switch-costs.
    public var exitCode: Int32 {
        switch decision {
        case .use, .switchNow: 0
        case .withheld: Self.exitNoAdvice
        case .keep, .unclear, .switchCosts: Self.exitNotNow
        }
    }

    /// The gate's status when no advice can be given: a failed check, or no verdict at all.
    public static let exitNoAdvice: Int32 = 3
    /// The gate's status when the advice is not to deploy the map now.
    public static let exitNotNow: Int32 = 4
    /// The interval level the upgrade's switch rule is stated at (a lower one is said in the sentence).
    public static let upgradeConfidence = 0.95

    /// The verdict of `table` (nil when it has no tests against a reference, or no map row).
    /// - Parameters:
    ///   - table: an evaluation table whose significance entries compare rows with `table.comparedTo`.
    ///   - alpha: the significance level of the recommendation.
    ///   - checks: the sanity checks of the run; a failed one withholds the verdict (its sentence
    ///     says which check and why), a warning about too few queries is added to the sentence.
    public static func of(_ table: MetricsTable, checks: [SanityCheck] = [], alpha: Double = 0.05) -> Verdict? {
        guard let reference = table.comparedTo, let referenceRow = table.rows.first(where: { $0.name == reference }),
            let metric = table.rows.lazy.flatMap(\.significance).first?.metric
        else { return nil }
        let candidates = table.rows.filter { $0.role == .stage && $0.name != reference }
        func mean(_ row: MetricsRow) -> Double { row.values["all"]?[metric] ?? -.infinity }
        guard let best = candidates.max(by: { mean($0) < mean($1) }) else { return nil }
        func difference(_ subset: String) -> Difference? {
            best.significance.first { $0.subset == subset && $0.metric == metric }
                .map {
                    Difference(delta: $0.difference, p: $0.pValue, ci: [$0.lower, $0.upper], confidence: $0.confidence)
                }
        }
        let all = difference("all"), unseen = difference("unseen")
        let kind = referenceRow.role == .baseline ? "the index as it is (the index model's own queries)" : "stage one"
        let title = MetricTitle.of(metric)
        guard let all else { return nil }
        if let margin = table.upgradeMargin, reference == BaselineName.indexAsIs {
            return upgrade(
                table, best: best, metric: metric, all: all, unseen: unseen, margin: margin, checks: checks)
        }
        let decision: Decision = all.p < alpha ? (all.delta > 0 ? .use : .keep) : .unclear
        var sentence: String
        switch decision {
        case .use:
            sentence = "use \(best.name): \(signed(all.delta)) \(title) on all queries (\(pText(all.p)))"
            if let unseen {
                sentence += ", \(signed(unseen.delta)) on queries about new documents (\(pText(unseen.p)))"
            }
        case .keep:
            sentence =
                "keep your current queries: the best map, \(best.name), loses \(String(format: "%.3f", -all.delta)) \(title) (\(pText(all.p)))"
        case .unclear:
            sentence =
                "no clear difference: \(best.name) changes \(title) by \(signed(all.delta)) (\(pText(all.p))); keep your current queries unless more labels or data change that"
        // Withheld comes only from a failed check (below), the upgrade decisions only from `upgrade`.
        case .withheld, .switchNow, .switchCosts: sentence = "verdict withheld"
        }
        if let failed = checks.first(where: { $0.status == .failed }) {
            let others = checks.filter { $0.status == .failed }.count - 1
            return Verdict(
                reference: reference, referenceKind: kind, best: reference, decision: .withheld,
                recommendation: "withheld: the check \(failed.name) failed: \(failed.detail)"
                    + (others > 0 ? " (and \(others) more failed check\(others == 1 ? "" : "s"))" : ""),
                metric: metric, all: all, unseen: unseen)
        }
        if table.upgradeMargin != nil {
            // A retired index model without the index as it was: "keep your current queries" is no
            // option and non-inferiority cannot be tested, so no advice to switch (a gate stops).
            sentence =
                "cannot tell whether you can switch now: the index as it was is not scored (embed the evaluation "
                + "queries once with the retired model and give them as the index model's query vectors); "
                + "the best map, \(best.name), changes \(title) by "
                + "\(signed(all.delta)) against \(reference) (\(pText(all.p)))"
        }
        sentence += qualifications(checks)
        if table.upgradeMargin != nil {
            return Verdict(
                reference: reference, referenceKind: kind, best: reference, decision: .unclear,
                recommendation: sentence, metric: metric, all: all, unseen: unseen, question: .upgrade,
                margin: table.upgradeMargin)
        }
        return Verdict(
            reference: reference, referenceKind: kind, best: decision == .use ? best.name : reference,
            decision: decision, recommendation: sentence, metric: metric, all: all, unseen: unseen)
    }

    /// The warnings of the checks that qualify the figures a verdict rests on
    /// (``SanityCheck/Name/qualifyingTheVerdict``), each as "; detail", for the end of its sentence.
    static func qualifications(_ checks: [SanityCheck]) -> String {
        checks.filter { SanityCheck.Name.qualifyingTheVerdict.contains($0.name) && $0.status == .warning }
            .map { "; \($0.detail)" }.joined()
    }

    static func signed(_ value: Double) -> String { String(format: "%+.3f", value) }

    static func pText(_ p: Double) -> String { p < 0.001 ? "p < 0.001" : String(format: "p = %.3f", p) }
}
