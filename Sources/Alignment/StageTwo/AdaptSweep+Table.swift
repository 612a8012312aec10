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
            lines.append("| \(p.configuration) | \(p.labeledQueries)\(p.budget == nil ? " (all)" : "") | \(p.seeds) | "
                + "\(f4(p.meanAll)) ± \(f4(p.sdAll)) | \(signed(p.versusStageOneAll)) | "
                + "\(f4(p.meanUnseen)) ± \(f4(p.sdUnseen)) | \(signed(p.versusStageOneUnseen)) | "
                + String(format: "%.0f", p.meanSteps) + " |")
        }
        return lines.joined(separator: "\n")
    }

    /// Everything measured, for a JSON file (`era sweep` writes it beside the table).
    public var summary: AdaptSweepSummary {
        AdaptSweepSummary(
            metric: metric,
            references: references.map {
                .init(label: $0.label, all: $0.all.mean[metric] ?? 0, unseen: $0.unseen.mean[metric] ?? 0,
                      queries: $0.all.count, unseenQueries: $0.unseen.count)
            },
            points: points.map {
                .init(configuration: $0.configuration, budget: $0.budget, labeledQueries: $0.labeledQueries, seeds: $0.seeds,
                      meanAll: $0.meanAll, sdAll: $0.sdAll, meanUnseen: $0.meanUnseen, sdUnseen: $0.sdUnseen,
                      differenceAll: $0.versusStageOneAll.meanDifference, pValueAll: $0.versusStageOneAll.pValue,
                      differenceUnseen: $0.versusStageOneUnseen.meanDifference,
                      pValueUnseen: $0.versusStageOneUnseen.pValue, meanSteps: $0.meanSteps)
            },
            runs: runs.map {
                .init(configuration: $0.configuration, budget: $0.budget, labeledQueries: $0.labeledQueries, seed: $0.seed,
                      selectedSteps: $0.selectedSteps, seconds: $0.trainingSeconds,
                      all: $0.all.mean[metric] ?? 0, unseen: $0.unseen.mean[metric] ?? 0)
            })
    }
}

/// The numbers of a sweep (Codable).
public struct AdaptSweepSummary: Sendable, Codable, Hashable {
    public struct Reference: Sendable, Codable, Hashable {
        public var label: String
        public var all: Double
        public var unseen: Double
        public var queries: Int
        public var unseenQueries: Int
    }
    public struct Point: Sendable, Codable, Hashable {
        public var configuration: String
        public var budget: Int?
        public var labeledQueries: Int
        public var seeds: Int
        public var meanAll: Double, sdAll: Double, meanUnseen: Double, sdUnseen: Double
        public var differenceAll: Double, pValueAll: Double, differenceUnseen: Double, pValueUnseen: Double
        public var meanSteps: Double
    }
    public struct Run: Sendable, Codable, Hashable {
        public var configuration: String
        public var budget: Int?
        public var labeledQueries: Int
        public var seed: UInt64
        public var selectedSteps: Int
        public var seconds: Double
        public var all: Double
        public var unseen: Double
    }
    public var metric: String
    public var references: [Reference]
    public var points: [Point]
    public var runs: [Run]
}

private func f4(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }

private func signed(_ c: PairedComparison) -> String {
    String(format: "%+.4f (%@)", c.meanDifference, c.pValue < 0.001 ? "<0.001" : String(format: "%.3f", c.pValue))
}
