import Alignment
import Foundation
import Retrieval

extension AdaptSweepResult {
    /// A Markdown table: one row per reference and per (configuration, budget), nDCG@10 on all
    /// evaluated queries and on the unseen subset (mean ± sd over seeds), the difference to stage
    /// one with the paired randomization p-value, and the mean number of steps chosen on the dev queries.
    public func markdownTable() -> String {
        let allCount = references.first?.all.count ?? 0, unseenCount = references.first?.unseen.count ?? 0
        var lines = [
            "| map | labeled queries | seeds | \(metric) all (\(allCount)) | vs stage one (p) | \(metric) unseen (\(unseenCount)) | vs stage one (p) | steps |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in references {
            lines.append("| \(r.label) | - | - | \(f4(r.all.mean[metric])) | | \(f4(r.unseen.mean[metric])) | | |")
        }
        for p in points {
            lines.append(
                "| \(p.configuration) | \(p.labeledQueries)\(p.budget == nil ? " (all)" : "") | \(p.seeds) | "
                    + "\(f4(p.meanAll)) ± \(f4(p.sdAll)) | \(signed(p.versusStageOneAll)) | "
                    + "\(f4(p.meanUnseen)) ± \(f4(p.sdUnseen)) | \(signed(p.versusStageOneUnseen)) | "
                    + String(format: "%.0f", p.meanSteps) + " |")
        }
        if !excludedLabeledQueries.isEmpty {
            let shown = excludedLabeledQueries.prefix(5).joined(separator: ", ")
            lines.append("")
            lines.append(
                "\(excludedLabeledQueries.count) evaluation queries are labeled queries too (ids \(shown)"
                    + "\(excludedLabeledQueries.count > 5 ? ", ..." : "")) and were left out of the evaluation: "
                    + "a map trained on them would be measured on what it was fitted to")
        }
        return lines.joined(separator: "\n")
    }

}

private func f4(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }

private func signed(_ c: PairedComparison) -> String {
    String(format: "%+.4f (%@)", c.meanDifference, c.pValue < 0.001 ? "<0.001" : String(format: "%.3f", c.pValue))
}
