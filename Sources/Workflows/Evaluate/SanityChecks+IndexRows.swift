import Foundation
import LinearAlgebra
import Reports

extension SanityChecks {
    /// The check's name in the report.
    public static let indexRowsName = "index-rows"
    /// Rows whose length is within this of 1 count as unit length.
    public static let unitLengthTolerance = 0.01
    /// A row longer than this (or whose length overflows a Float) fails the check: its squares overflow
    /// Float arithmetic, and its scores reach infinity or NaN or swamp every other row's.
    public static let overflowingLength = 1e18

    /// A warning when the index holds all-zero rows (a document that failed to embed: it scores 0
    /// for every query, so no row of the table finds it except by accident), or
    /// rows that are not unit length: era ranks by inner product, as an inner-product index does, and
    /// a cosine or L2 index would rank such rows otherwise. Nil for an empty corpus (a store's).
    /// - Complexity: O(N m), one pass over the N rows.
    ///
    /// Fails instead when a row is so long that its scores overflow (``overflowingLength``): a row of
    /// finite values near the Float limit scored +inf or NaN against most queries and moved the index's
    /// nDCG@10 by 0.08 under a warning.
    public static func indexRows(_ corpus: any RowMatrix) -> SanityCheck? {
        let n = corpus.rows, m = corpus.columns
        guard n > 0, m > 0 else { return nil }
        var zero: [Int] = [], overflowing: [Int] = []
        var shortest = Double.infinity, longest = 0.0
        var shortestRow = 0, longestRow = 0
        corpus.withUnsafeBufferPointer { values in
            for i in 0..<n {
                let length = Double(BLAS.nrm2(values.baseAddress! + i * m, count: m))
                if !length.isFinite || length > overflowingLength {
                    overflowing.append(i)
                } else if length == 0 {
                    zero.append(i)
                } else {
                    if length < shortest { (shortest, shortestRow) = (length, i) }
                    if length > longest { (longest, longestRow) = (length, i) }
                }
            }
        }
        if !overflowing.isEmpty {
            let rows =
                overflowing.prefix(5).map(String.init).joined(separator: ", ") + (overflowing.count > 5 ? ", ..." : "")
            return SanityCheck(
                name: indexRowsName, status: .failed,
                detail: "\(overflowing.count) of \(n) rows (rows \(rows), from 0) are longer than "
                    + "10^18: their scores overflow float arithmetic (infinity or "
                    + "NaN) or swamp every other row's, so no ranking of the index can be trusted; these are not "
                    + "embeddings: embed those documents again")
        }
        var problems: [String] = []
        if !zero.isEmpty {
            let rows = zero.prefix(5).map(String.init).joined(separator: ", ") + (zero.count > 5 ? ", ..." : "")
            problems.append(
                "\(zero.count) of \(n) rows \(zero.count == 1 ? "is" : "are") all zero (rows \(rows), from 0): documents that did not embed; "
                    + "they score 0 for every query, so no row of the table finds them except by accident")
        }
        let unit =
            zero.count == n || (abs(shortest - 1) <= unitLengthTolerance && abs(longest - 1) <= unitLengthTolerance)
        if !unit {
            problems.append(
                "the rows are not unit length (\(format(shortest, digits: 3)), row \(shortestRow), to "
                    + "\(format(longest, digits: 3)), row \(longestRow)): era ranks "
                    + "by inner product, as an inner-product index does; if your index ranks by cosine or L2 "
                    + "distance, normalize the rows first, or the figures are not your index's")
        }
        guard !problems.isEmpty else {
            return SanityCheck(name: indexRowsName, status: .ok, detail: "\(n) rows, all of unit length")
        }
        return SanityCheck(name: indexRowsName, status: .warning, detail: problems.joined(separator: "; "))
    }
}
