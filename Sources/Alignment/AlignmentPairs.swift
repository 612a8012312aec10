import LinearAlgebra

/// Aligned training pairs: row i of `sources` (query model) and of `targets` (index model) embed
/// the text `ids[i]`.
public struct AlignmentPairs: Sendable, Hashable {
    public var ids: [String]
    /// `n x p`.
    public var sources: Matrix
    /// `n x m`.
    public var targets: Matrix

    public var count: Int { ids.count }
}
