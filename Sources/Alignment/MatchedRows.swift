import LinearAlgebra

/// Aligned training pairs as row selections of the two tables (nothing copied): selected row i of
/// `sources` and of `targets` embed the text `ids[i]`.
public struct MatchedRows: Sendable {
    public var ids: [String]
    /// `n` rows of `p` values.
    public var sources: RowSelection
    /// `n` rows of `m` values.
    public var targets: RowSelection

    public var count: Int { ids.count }

    /// Pairs as given: selected row i of both tables embeds the text `ids[i]`.
    public init(ids: [String], sources: RowSelection, targets: RowSelection) {
        precondition(ids.count == sources.count && sources.count == targets.count, "one id per pair")
        self.ids = ids
        self.sources = sources
        self.targets = targets
    }

    /// The pairs copied into matrices.
    public func gathered() -> AlignmentPairs {
        AlignmentPairs(ids: ids, sources: sources.gathered(), targets: targets.gathered())
    }
}
