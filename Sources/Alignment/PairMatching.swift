import LinearAlgebra

/// Matches the rows of two embedding tables by text id.
public enum PairMatching {
    /// The pairs whose id appears in both tables, in the order of the source table; with `sample`,
    /// `sample` of them drawn uniformly without replacement (seeded), still in source order.
    ///
    /// The two tables may hold different texts in different orders; only common ids are used.
    /// A `sample` at least as large as the number of common ids keeps them all.
    /// - Throws: ``AlignmentError/empty(what:)`` when no id is common or `sample` is 0,
    ///   ``AlignmentError/invalidParameter(name:value:reason:)`` for a negative sample or an id count
    ///   that differs from the rows, ``AlignmentError/nonFinite(what:)`` naming the first bad row's id.
    /// - Complexity: O(n_s + n_t) hashing plus O(n (p + m)) copying.
    public static func match(
        sourceIds: [String], sources: some RowMatrix, targetIds: [String], targets: some RowMatrix,
        sample: Int? = nil, seed: UInt64 = 0
    ) throws(AlignmentError) -> AlignmentPairs {
        try matchRows(
            sourceIds: sourceIds, sources: sources, targetIds: targetIds, targets: targets, sample: sample, seed: seed
        ).gathered()
    }

    /// The same pairs as ``match(sourceIds:sources:targetIds:targets:sample:seed:)``, as selections of
    /// the tables: what training at scale reads (a mapped table is never copied whole).
    /// - Throws: as ``match(sourceIds:sources:targetIds:targets:sample:seed:)``.
    /// - Complexity: O(n_s + n_t) hashing plus O(n (p + m)) reading for the finiteness check.
    public static func matchRows(
        sourceIds: [String], sources: any RowMatrix, targetIds: [String], targets: any RowMatrix,
        sample: Int? = nil, seed: UInt64 = 0
    ) throws(AlignmentError) -> MatchedRows {
        guard sourceIds.count == sources.rows else {
            throw .invalidParameter(
                name: "source ids", value: "\(sourceIds.count) ids",
                reason: "the source table has \(sources.rows) rows")
        }
        guard targetIds.count == targets.rows else {
            throw .invalidParameter(
                name: "target ids", value: "\(targetIds.count) ids",
                reason: "the target table has \(targets.rows) rows")
        }
        if let sample, sample < 0 {
            throw .invalidParameter(name: "sample", value: "\(sample)", reason: "must be positive")
        }
        if sample == 0 { throw .empty(what: "sample of 0 texts") }
        var targetRow: [String: Int] = [:]
        targetRow.reserveCapacity(targetIds.count)
        for (row, id) in targetIds.enumerated() { targetRow[id] = row }
        var common: [(source: Int, target: Int)] = []
        for (row, id) in sourceIds.enumerated() {
            if let t = targetRow[id] { common.append((row, t)) }
        }
        guard !common.isEmpty else {
            throw .noCommonIds
        }
        if let sample, sample < common.count {
            var generator = SplitMix64(seed: seed, stream: .sample)
            common = generator.sample(sample, from: common.count).map { common[$0] }
        }
        let sourceRows = common.map(\.source), targetRows = common.map(\.target)
        try checkFinite(sources, rows: sourceRows, ids: sourceIds, side: "source")
        try checkFinite(targets, rows: targetRows, ids: targetIds, side: "target")
        return MatchedRows(
            ids: common.map { sourceIds[$0.source] }, sources: RowSelection(sources, rows: sourceRows),
            targets: RowSelection(targets, rows: targetRows))
    }

    private static func checkFinite(_ table: any RowMatrix, rows: [Int], ids: [String], side: String)
        throws(AlignmentError)
    {
        let columns = table.columns
        guard columns > 0 else { throw .empty(what: "\(side) rows (0 columns)") }
        let badRow: Int? = table.withUnsafeBufferPointer { values in
            for row in rows
            where !allFinite(UnsafeBufferPointer(rebasing: values[(row * columns)..<((row + 1) * columns)])) {
                return row
            }
            return nil
        }
        if let badRow {
            throw .nonFinite(what: "\(side) row \(badRow) (id '\(ids[badRow])')")
        }
    }
}

extension SplitMix64 {
    /// Independent random streams drawn from one user seed, so changing one use (e.g. the number
    /// of epochs, hence of shuffles) never changes another (the sample, the held-out split).
    public enum Stream: UInt64, Sendable {
        case sample = 1, split, shuffle, initialization, negatives, guardrail, calibration
        /// Unpaired alignment: the initial samples, the null problem, the stochastic induction.
        case unpairedSample, nullProblem, induction
    }

    /// The generator of `stream` for `seed`.
    public init(seed: UInt64, stream: Stream) {
        var mixer = SplitMix64(seed: seed ^ (stream.rawValue &* 0xD1B5_4A32_D192_ED03))
        self.init(seed: mixer.next())
    }
}
