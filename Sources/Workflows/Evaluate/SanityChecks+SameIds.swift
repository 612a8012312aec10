import Foundation
import LinearAlgebra
import Reports

extension SanityChecks {
    /// The check's name in the report.
    public static let sameIdsSameVectorsName = "same-id-same-vector"
    /// Two vectors of one text by one model agree at least this well (float16 copies do).
    public static let sameTextCosine = 0.99
    /// The share of shared ids whose vectors may disagree before the check fails.
    public static let sameIdsTolerance = 0.01
    /// At most this many shared ids are compared (the first ones in `first`'s order).
    public static let sameIdsLimit = 20_000

    /// Failed when the same id names different vectors in two files of one model: the alignment
    /// texts' index-model vectors against the index's, say. One of the two id files then does not
    /// follow its rows (10% of the corpus ids permuted moved every figure, and a verdict followed,
    /// while each file was fine on its own). Nil when the files share no id or differ in width.
    /// - Complexity: O(s m) for s shared ids (at most ``sameIdsLimit``) of width m.
    public static func sameIdsSameVectors(
        _ first: (rows: any RowMatrix, ids: [String], name: String),
        _ second: (rows: any RowMatrix, ids: [String], name: String)
    ) -> SanityCheck? {
        guard first.rows.columns == second.rows.columns, first.rows.columns > 0 else { return nil }
        var position: [String: Int] = [:]
        for (row, id) in second.ids.enumerated() where row < second.rows.rows { position[id] = row }
        let shared = first.ids.prefix(first.rows.rows).enumerated().compactMap { row, id in
            position[id].map { (id: id, first: row, second: $0) }
        }.prefix(sameIdsLimit)
        guard !shared.isEmpty else { return nil }
        let a = first.rows.gatherRows(shared.map(\.first)).normalizedRows()
        let b = second.rows.gatherRows(shared.map(\.second)).normalizedRows()
        let columns = a.columns
        var differing: [(id: String, cosine: Double)] = []
        a.storage.withUnsafeBufferPointer { x in
            b.storage.withUnsafeBufferPointer { y in
                for (k, pair) in shared.enumerated() {
                    var dot = 0.0
                    for j in 0..<columns { dot += Double(x[k * columns + j]) * Double(y[k * columns + j]) }
                    if dot < sameTextCosine { differing.append((pair.id, dot)) }
                }
            }
        }
        let described = "\(shared.count) ids in both \(first.name) and \(second.name)"
        guard Double(differing.count) > sameIdsTolerance * Double(shared.count) else {
            return SanityCheck(
                name: sameIdsSameVectorsName, status: .ok,
                detail: "\(described): the same vector under each id (\(differing.count) differ)")
        }
        let examples = differing.prefix(3).map { "\($0.id): cosine \(String(format: "%.2f", $0.cosine))" }
        return SanityCheck(
            name: sameIdsSameVectorsName, status: .failed,
            detail:
                "\(described): \(differing.count) name different vectors (\(examples.joined(separator: ", "))), "
                + "though both files hold the same model's vectors of the same texts: one of the id files does not "
                + "follow the rows of its embeddings file")
    }
}
