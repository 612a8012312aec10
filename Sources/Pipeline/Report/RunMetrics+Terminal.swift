import Foundation
import Workflows

extension RunMetrics {
    /// The comparison tables of every evaluate stage, in plain text for the terminal:
    /// nDCG@10 and Recall@100 on every query subset, and the paired test against the reference.
    public func terminalTables() -> String {
        var blocks = [String]()
        for name in order {
            guard let table = stages[name]?.evaluation else { continue }
            let shown = ["ndcg@10", "recall@100"].filter(table.metrics.contains)
            var header = ["row"]
            for subset in table.subsets { for metric in shown { header.append("\(metric) \(subset.name) (\(subset.queries))") } }
            if let reference = table.comparedTo { header.append("nDCG@10 vs \(reference) (all)") }
            var rows = [header]
            for row in table.rows {
                var cells = [row.name]
                for subset in table.subsets {
                    for metric in shown { cells.append(row.values[subset.name]?[metric].map { String(format: "%.4f", $0) } ?? "-") }
                }
                if table.comparedTo != nil {
                    let test = row.significance.first { $0.subset == table.subsets.first?.name && $0.metric == "ndcg@10" }
                    cells.append(test.map { String(format: "%+.4f, p %@", $0.difference, $0.pValue < 0.001 ? "< 0.001" : String(format: "= %.3f", $0.pValue)) }
                        ?? (row.name == table.comparedTo ? "reference" : "-"))
                }
                rows.append(cells)
            }
            blocks.append("\(name):\n" + TextTable(rows).render())
        }
        return blocks.joined(separator: "\n\n")
    }
}
