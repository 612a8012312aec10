import Foundation
import LinearAlgebra
import Workflows

extension EvaluateCommand {
    /// Reads an adapter and checks that it maps the query dimension to the corpus dimension.
    func loadAdapter(_ path: String?, queries queryMatrix: any RowMatrix, corpus corpusMatrix: any RowMatrix) throws
        -> Adapter?
    {
        guard let path else {
            guard queryMatrix.columns == corpusMatrix.columns else {
                throw CommandError(
                    "\(queries) has dimension \(queryMatrix.columns) but \(corpus) has "
                        + "\(corpusMatrix.columns): queries from another model need an adapter (--adapter, see `era align`)"
                )
            }
            return nil
        }
        let adapter = try Adapter.load(URL(fileURLWithPath: path))
        let map = adapter.map
        guard map.sourceDimension == queryMatrix.columns, map.targetDimension == corpusMatrix.columns else {
            throw CommandError(
                "\(path): the adapter maps \(map.sourceDimension)-d to \(map.targetDimension)-d vectors, "
                    + "but \(queries) is \(queryMatrix.columns)-d and \(corpus) is \(corpusMatrix.columns)-d")
        }
        return adapter
    }
}

/// Parses `"10,100"` into sorted, unique, positive cutoffs.
func parseCutoffs(_ text: String) throws -> [Int] {
    let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    var cutoffs = [Int]()
    for part in parts {
        guard let value = Int(part), value > 0 else {
            throw CommandError("--k: expected positive integers separated by commas, got \"\(text)\"")
        }
        cutoffs.append(value)
    }
    guard !cutoffs.isEmpty else { throw CommandError("--k: no cutoff given") }
    return Array(Set(cutoffs)).sorted()
}
