import Foundation

/// Display names of the metric families.
public enum MetricTitle {
    /// `ndcg@10` -> `nDCG@10`, `recall@100` -> `Recall@100`, `mrr@10` -> `MRR@10`, `p@10` -> `P@10`.
    public static func of(_ metric: String) -> String {
        let parts = metric.split(separator: "@", maxSplits: 1)
        let family = parts.first.map(String.init) ?? metric
        let titled =
            ["ndcg": "nDCG", "recall": "Recall", "mrr": "MRR", "map": "MAP", "p": "P", "precision": "P"][family]
            ?? family
        return parts.count == 2 ? "\(titled)@\(parts[1])" : titled
    }
}
