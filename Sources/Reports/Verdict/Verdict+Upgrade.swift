import Foundation

extension Verdict {
    /// As synthesized, except that an upgrade verdict writes `retention`, `gain_recovered` and
    /// `cost` even when they are absent (`null`), so a reader finds every field of its question.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reference, forKey: .reference)
        try container.encode(referenceKind, forKey: .referenceKind)
        try container.encode(best, forKey: .best)
        try container.encode(decision, forKey: .decision)
        try container.encode(recommendation, forKey: .recommendation)
        try container.encode(metric, forKey: .metric)
        try container.encodeIfPresent(all, forKey: .all)
        try container.encodeIfPresent(unseen, forKey: .unseen)
        guard let question else { return }
        try container.encode(question, forKey: .question)
        try container.encode(margin, forKey: .margin)
        try container.encode(retention, forKey: .retention)
        try container.encode(gainRecovered, forKey: .gainRecovered)
        try container.encode(cost, forKey: .cost)
    }

    /// With `switch-costs`: whether switching loses more than the margin on average (a cost), rather
    /// than only possibly, where the confidence interval reaches beyond the margin (a risk).
    public var costExceedsMargin: Bool {
        guard let cost, let margin else { return false }
        return cost.delta > margin
    }

    /// The upgrade verdict: the index model is retired, so keeping the current queries is no option.
    /// The question is whether the new model's queries, through the best map, are no worse than the
    /// index as it was: the low end of the paired confidence interval of (map − index as it was)
    /// lies above −`margin`. How far the map gets toward re-embedding the corpus is reported beside
    /// it (`retention`, `gainRecovered`), when the `re-embedded` row was evaluated.
    static func upgrade(
        _ table: MetricsTable, best: MetricsRow, metric: String, all: Difference, unseen: Difference?, margin: Double,
        checks: [SanityCheck]
    ) -> Verdict {
        let reference = BaselineName.indexAsIs
        let kind = "the index as it was (the retired index model's own queries)"
        var verdict = Verdict(
            reference: reference, referenceKind: kind, best: best.name, decision: .switchNow, recommendation: "",
            metric: metric, all: all, unseen: unseen, question: .upgrade, margin: margin)
        if let failed = checks.first(where: { $0.status == .failed }) {
            let others = checks.filter { $0.status == .failed }.count - 1
            verdict.decision = .withheld
            verdict.best = reference
            verdict.recommendation =
                "withheld: do not switch on these figures, the check \(failed.name) failed: \(failed.detail)"
                + (others > 0 ? " (and \(others) more failed check\(others == 1 ? "" : "s"))" : "")
            return verdict
        }
        func mean(_ name: String) -> Double? { table.rows.first { $0.name == name }?.values["all"]?[metric] }
        let map = mean(best.name), asItWas = mean(reference), reembedded = mean(BaselineName.reEmbedded)
        if let map, let reembedded, reembedded > 0 { verdict.retention = map / reembedded }
        if let map, let asItWas, let reembedded, reembedded > asItWas {
            verdict.gainRecovered = (map - asItWas) / (reembedded - asItWas)
        }
        let title = MetricTitle.of(metric)
        let ci = all.ci.count == 2 ? all.ci : [all.delta, all.delta]
        let interval = all.intervalName + String(format: " [%+.3f, %+.3f]", ci[0], ci[1])
        var sentence: String
        if ci[0] > -margin {
            sentence =
                "switch to the new model now: its queries through \(best.name) change \(title) by \(signed(all.delta)) "
                + "against the index as it was (\(interval), no worse than the margin of \(String(format: "%.3f", margin)))"
                + ", with no re-embedding of the corpus"
        } else {
            verdict.decision = .switchCosts
            verdict.best = best.name
            verdict.cost = Difference(delta: -all.delta, p: all.p, ci: [-ci[1], -ci[0]], confidence: all.confidence)
            // A mean loss within the margin (or a gain) whose interval reaches beyond it: what the
            // test queries show is a risk, not a cost.
            sentence =
                verdict.costExceedsMargin
                ? "switching now costs \(String(format: "%.3f", -all.delta)) \(title) against the index as it was "
                    + "(\(all.intervalName) [\(String(format: "%.3f", -ci[1])), \(String(format: "%.3f", -ci[0]))], more than the "
                    + "margin of \(String(format: "%.3f", margin))) with the new model's queries through \(best.name)"
                : "switching now may cost more than the margin of \(String(format: "%.3f", margin)) \(title): the new "
                    + "model's queries through \(best.name) change it by \(signed(all.delta)) against the index as it was "
                    + "(\(interval)), and the interval reaches below \(String(format: "-%.3f", margin))"
        }
        // The switch rule is stated at 95%: a narrower interval shows non-inferiority more easily, so a
        // lower level is said where the decision is read.
        if let level = all.confidence, level < Self.upgradeConfidence {
            sentence += String(
                format: " (at %.0f%% confidence, below the %.0f%% the switch rule is stated at: a narrower interval "
                    + "shows no-worse-than-the-margin more easily)", level * 100, Self.upgradeConfidence * 100)
        }
        if let unseen {
            sentence += "; on queries about new documents \(signed(unseen.delta)) (\(pText(unseen.p)))"
        }
        if let retention = verdict.retention {
            sentence += String(format: "; it keeps %.0f%% of what re-embedding the corpus gives", retention * 100)
        }
        if let gain = verdict.gainRecovered {
            sentence += String(format: " and recovers %.0f%% of re-embedding's gain", gain * 100)
        }
        if verdict.decision == .switchCosts {
            sentence +=
                verdict.costExceedsMargin
                ? ". Switch and accept that cost, label more queries for era adapt, or re-embed the corpus"
                : ". Switch and accept that risk, evaluate on more queries to narrow the interval, label more "
                    + "queries for era adapt, or re-embed the corpus"
        }
        sentence += qualifications(checks)
        verdict.recommendation = sentence
        return verdict
    }
}
