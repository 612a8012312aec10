import Foundation
import Retrieval

extension AdaptSweepResult {
    /// Everything measured, for a JSON file (`era sweep` writes it beside the table).
    public var summary: AdaptSweepSummary {
        AdaptSweepSummary(
            metric: metric,
            references: references.map {
                .init(
                    label: $0.label, all: $0.all.mean[metric] ?? 0, unseen: $0.unseen.mean[metric] ?? 0,
                    queries: $0.all.count, unseenQueries: $0.unseen.count)
            },
            points: points.map {
                .init(
                    configuration: $0.configuration, budget: $0.budget, labeledQueries: $0.labeledQueries,
                    seeds: $0.seeds,
                    meanAll: $0.meanAll, sdAll: $0.sdAll, meanUnseen: $0.meanUnseen, sdUnseen: $0.sdUnseen,
                    differenceAll: $0.versusStageOneAll.meanDifference, pValueAll: $0.versusStageOneAll.pValue,
                    differenceUnseen: $0.versusStageOneUnseen.meanDifference,
                    pValueUnseen: $0.versusStageOneUnseen.pValue, meanSteps: $0.meanSteps)
            },
            runs: runs.map {
                .init(
                    configuration: $0.configuration, budget: $0.budget, labeledQueries: $0.labeledQueries,
                    seed: $0.seed,
                    selectedSteps: $0.selectedSteps, seconds: $0.trainingSeconds,
                    all: $0.all.mean[metric] ?? 0, unseen: $0.unseen.mean[metric] ?? 0)
            },
            excludedLabeledQueries: excludedLabeledQueries.isEmpty ? nil : excludedLabeledQueries.count)
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

        enum CodingKeys: String, CodingKey {
            case label, all, unseen, queries, unseenQueries = "unseen_queries"
        }
    }
    public struct Point: Sendable, Codable, Hashable {
        public var configuration: String
        public var budget: Int?
        public var labeledQueries: Int
        public var seeds: Int
        public var meanAll: Double, sdAll: Double, meanUnseen: Double, sdUnseen: Double
        public var differenceAll: Double, pValueAll: Double, differenceUnseen: Double, pValueUnseen: Double
        public var meanSteps: Double

        enum CodingKeys: String, CodingKey {
            case configuration, budget, labeledQueries = "labeled_queries", seeds
            case meanAll = "mean_all", sdAll = "sd_all", meanUnseen = "mean_unseen", sdUnseen = "sd_unseen"
            case differenceAll = "difference_all", pValueAll = "p_value_all"
            case differenceUnseen = "difference_unseen", pValueUnseen = "p_value_unseen"
            case meanSteps = "mean_steps"
        }
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

        enum CodingKeys: String, CodingKey {
            case configuration, budget, labeledQueries = "labeled_queries", seed
            case selectedSteps = "selected_steps", seconds, all, unseen
        }
    }
    public var metric: String
    public var references: [Reference]
    public var points: [Point]
    public var runs: [Run]
    /// Evaluation queries left out because they are labeled too (nil: none, and the key is not written).
    public var excludedLabeledQueries: Int?

    enum CodingKeys: String, CodingKey {
        case metric, references, points, runs, excludedLabeledQueries = "excluded_labeled_queries"
    }
}
