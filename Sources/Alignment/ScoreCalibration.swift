import LinearAlgebra

/// An affine map of scores, `a s + b` (a > 0: rankings do not change), that puts the mapped queries'
/// scores on the index model's own scale.
///
/// Mapped query scores come out compressed: on an anisotropic index (e5-style) the cosines of mapped
/// queries sit lower and closer together than the index model's own, so an application's fixed
/// similarity threshold stops meaning what it meant. Every fit pairs scores the same way: for each
/// text or query, its top ``neighbours`` documents by mapped score give the mapped score and the index
/// model's own score of the same text against the same document; `a` and `b` match the mean and the
/// spread of the second from the first (on SciFact, matching the moments left a smaller error on the
/// test queries than least squares: docs/alignment.md). The pairs come from the alignment texts (stage
/// one, no labels: ``fit(map:sources:targets:seed:neighbours:)``) or from the labeled queries and the
/// index model's own vectors of them (stage two: ``fit(labeledQueries:)``).
public struct ScoreCalibration: Sendable, Hashable, Codable {
    /// What the score pairs of a fit came from.
    public enum FittingData: String, Sendable, Hashable, Codable, CaseIterable {
        /// Texts embedded by both models (documents against documents), no labels.
        case alignmentTexts = "alignment-texts"
        /// Labeled queries with the index model's own vectors of them (queries against documents).
        case labeledQueries = "labeled-queries"
    }

    /// a: multiplies a mapped score (> 0).
    public var scale: Double
    /// b: added after.
    public var offset: Double
    /// What the fit's pairs came from.
    public var fittedOn: FittingData
    /// How many texts (``FittingData/alignmentTexts``) or queries (``FittingData/labeledQueries``) the fit used.
    public var count: Int
    /// Documents per text or query: its mapped top k.
    public var neighbours: Int
    /// Median |reference score - mapped score| over the fitting pairs, before and after calibration;
    /// the reference is the index model's own score, or, for a carried calibration, the earlier map's
    /// calibrated score (``carriedThroughQueries``).
    public var medianAbsoluteDifferenceBefore: Double
    public var medianAbsoluteDifferenceAfter: Double
    /// Set when the calibration was fitted for an earlier map (stage one's, on ``count`` alignment
    /// texts) and carried onto this one through this many queries: this map's scores matched to the
    /// earlier map's calibrated scores of the same documents (``carried(_:through:)``). nil: fitted
    /// for this map.
    public var carriedThroughQueries: Int?

    enum CodingKeys: String, CodingKey {
        case scale, offset, count, neighbours
        case fittedOn = "fitted_on"
        case medianAbsoluteDifferenceBefore = "median_absolute_difference_before"
        case medianAbsoluteDifferenceAfter = "median_absolute_difference_after"
        case carriedThroughQueries = "carried_through_queries"
    }

    /// At most this many texts and, per text, candidate targets (a seeded sample beyond).
    public static let textLimit = 1_000
    public static let targetLimit = 20_000
    public static let defaultNeighbours = 100

    public init(
        scale: Double, offset: Double, fittedOn: FittingData, count: Int, neighbours: Int,
        medianAbsoluteDifferenceBefore: Double, medianAbsoluteDifferenceAfter: Double,
        carriedThroughQueries: Int? = nil
    ) {
        self.scale = scale
        self.offset = offset
        self.fittedOn = fittedOn
        self.count = count
        self.neighbours = neighbours
        self.medianAbsoluteDifferenceBefore = medianAbsoluteDifferenceBefore
        self.medianAbsoluteDifferenceAfter = medianAbsoluteDifferenceAfter
        self.carriedThroughQueries = carriedThroughQueries
    }

    /// `a s + b`.
    public func apply(_ score: Double) -> Double { scale * score + offset }

    /// The moment-matching fit every calibration shares: `a` and `b` such that `a s + b` over `pairs.mapped`
    /// has the mean and spread of `pairs.reference`, with the median differences before and after.
    /// - Throws: ``AlignmentError/invalidParameter(name:value:reason:)`` when either side does not vary
    ///   (a map that sends every text to one point has no scale to fit); `what` names the pairs.
    static func matchingMoments(
        _ pairs: ScorePairs, what: String
    ) throws(AlignmentError) -> (scale: Double, offset: Double, before: Double, after: Double) {
        let (mappedMean, mappedSpread) = meanAndSpread(pairs.mapped)
        let (referenceMean, referenceSpread) = meanAndSpread(pairs.reference)
        guard mappedSpread > 0, referenceSpread > 0, mappedSpread.isFinite, referenceSpread.isFinite else {
            throw .invalidParameter(
                name: "score calibration",
                value: "spread \(mappedSpread) (mapped), \(referenceSpread) (reference)",
                reason: "the scores of \(what) do not vary, so there is no scale to fit")
        }
        let scale = referenceSpread / mappedSpread, offset = referenceMean - scale * mappedMean
        let (before, after) = pairs.medianAbsoluteDifferences(scale: scale, offset: offset)
        return (scale, offset, before, after)
    }
}

/// Pairs of scores of the same (text or query, document): under the mapped vector, and under a
/// reference (the index model's own vector, or an earlier map's calibrated score).
public struct ScorePairs: Sendable, Hashable {
    public var mapped: [Double]
    public var reference: [Double]
    /// Texts or queries the pairs come from, and documents per text or query.
    public var queries: Int
    public var neighbours: Int

    public init(mapped: [Double], reference: [Double], queries: Int, neighbours: Int) {
        precondition(mapped.count == reference.count, "score pairs: one reference score per mapped score")
        self.mapped = mapped
        self.reference = reference
        self.queries = queries
        self.neighbours = neighbours
    }

    /// Median |reference - mapped| as the scores are (`before`) and after `scale * mapped + offset`.
    public func medianAbsoluteDifferences(scale: Double, offset: Double) -> (before: Double, after: Double) {
        (
            median(zip(reference, mapped).map { abs($0 - $1) }),
            median(zip(reference, mapped).map { abs($0 - (scale * $1 + offset)) })
        )
    }

    /// The same pairs with `calibration` applied to the reference side (a carried calibration's target).
    func referenceCalibrated(by calibration: ScoreCalibration) -> ScorePairs {
        ScorePairs(
            mapped: mapped, reference: reference.map(calibration.apply), queries: queries, neighbours: neighbours)
    }
}

private func meanAndSpread(_ values: [Double]) -> (mean: Double, spread: Double) {
    guard !values.isEmpty else { return (0, 0) }
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
    return (mean, variance.squareRoot())
}

/// The median (the mean of the two middle values of an even count), found by selection in place
/// instead of a sort: the same value, in O(n) expected time (the sort of 100,000 differences was a
/// visible part of every run in a debug build).
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    var scratch = values
    return scratch.withUnsafeMutableBufferPointer { b in
        let mid = b.count / 2
        selectInPlace(b, rank: mid)
        guard b.count % 2 == 0 else { return b[mid] }
        // Everything left of `mid` is at most b[mid]: the lower middle value is their largest.
        var lower = b[0]
        for i in 1..<mid where b[i] > lower { lower = b[i] }
        return (lower + b[mid]) / 2
    }
}

/// Puts the value of rank `rank` (0-based, ascending) at `b[rank]`, smaller or equal values before it
/// and larger or equal after: quickselect with a three-way partition, so repeated values cost no more.
private func selectInPlace(_ b: UnsafeMutableBufferPointer<Double>, rank: Int) {
    var low = 0, high = b.count - 1
    while low < high {
        let (first, middle, last) = (b[low], b[(low + high) / 2], b[high])
        let pivot = max(min(first, middle), min(max(first, middle), last))
        var less = low, index = low, greater = high
        while index <= greater {
            if b[index] < pivot {
                b.swapAt(less, index)
                less += 1
                index += 1
            } else if b[index] > pivot {
                b.swapAt(index, greater)
                greater -= 1
            } else {
                index += 1
            }
        }
        if rank < less { high = less - 1 } else if rank > greater { low = greater + 1 } else { return }
    }
}
