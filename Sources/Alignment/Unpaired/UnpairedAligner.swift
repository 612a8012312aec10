import Foundation
import LinearAlgebra

/// Stage one without shared texts: induces which rows of two embedding tables correspond, from
/// their geometry alone, and says whether that can be told from chance.
///
/// Steps, per attempt: (1) a seeded learning sample of each side, normalized, centred and
/// normalized (`UnpairedSpace`); (2) a first dictionary without correspondence: the sorted
/// similarity profiles of equal-size init samples matched by CSLS (`SortedSimilarity`), or the
/// given anchor pairs; (3) self-learning: orthogonal Procrustes on the dictionary (semi-orthogonal
/// when p != m), then the CSLS nearest neighbours both ways (`CSLSMatching`) as the next
/// dictionary, with stochastic induction (keep probability doubling when the objective stalls);
/// (4) the same run on the null problem: Gaussian rows with the target's mean and covariance, which
/// keep everything a linear map can match on and nothing that tells rows apart. An attempt is accepted
/// when its matching is clearly better than the null's (``UnpairedConfidence``); otherwise another
/// starting sample is tried, up to ``UnpairedSettings/restarts``. Finally the map is applied to
/// every row of both tables and the mutual nearest neighbours are the induced pairs, on which the
/// paired stage one then trains.
public struct UnpairedAligner: Sendable {
    public let settings: UnpairedSettings
    public let seed: UInt64

    /// The fewest rows a side may have: CSLS needs neighbourhoods and the result a held-out split.
    public static let minimumRows = 50

    /// Throws ``AlignmentError/invalidParameter(name:value:reason:)`` for settings out of range.
    public init(settings: UnpairedSettings = UnpairedSettings(), seed: UInt64 = 0) throws(AlignmentError) {
        if let (setting, message) = settings.problems().first {
            throw .invalidParameter(name: setting.key, value: setting.text(settings), reason: message)
        }
        self.settings = settings
        self.seed = seed
    }

    /// What happened while aligning, for a progress display.
    public enum Event: Sendable {
        /// One self-learning round of `attempt` (`null`: on the null problem).
        case round(attempt: Int, null: Bool, round: Int, keep: Double, objective: Double, mutualShare: Double)
        /// An attempt and its null are done.
        case attemptFinished(attempt: Int, confidence: UnpairedConfidence)
    }

    /// The number of different rows of `table`, counted up to `limit` (bit patterns: -0 and 0 differ).
    /// - Complexity: O(n m) at most, less once `limit` different rows are found.
    static func distinctRows(_ table: any RowMatrix, atMost limit: Int) -> Int {
        let m = table.columns
        var seen = Set<[UInt32]>()
        table.withUnsafeBufferPointer { values in
            for i in 0..<table.rows where seen.count < limit {
                seen.insert((0..<m).map { values[i * m + $0].bitPattern })
            }
        }
        return seen.count
    }

    /// Induces pairs between the rows of `sources` (query model, `n_s x p`) and `targets` (index
    /// model, `n_t x m`). `anchors` are known pairs (source row, target row): they replace the
    /// correspondence-free start and stay in every dictionary.
    /// - Throws: ``AlignmentError`` for too few or non-finite rows, out-of-range anchors, LAPACK failures.
    /// - Complexity: per round, two `n x n x m` gemms in blocks over the learning samples; memory
    ///   O(`n (p + m) + blockRows * n`) beside the inputs, never an `n x n` matrix above the init sample.
    public func induce(
        sources: any RowMatrix, targets: any RowMatrix, anchors: [(source: Int, target: Int)] = [],
        progress: (Event) -> Void = { _ in }
    ) throws(AlignmentError) -> UnpairedResult {
        let clock = ContinuousClock(), started = clock.now
        for (table, side) in [(sources, "source (query model)"), (targets, "target (index model)")] {
            guard table.rows >= Self.minimumRows else {
                throw .invalidParameter(
                    name: "\(side) rows", value: "\(table.rows)",
                    reason: "unpaired alignment needs at least \(Self.minimumRows) rows on each side")
            }
            guard table.columns > 0 else { throw .empty(what: "\(side) rows (0 columns)") }
            guard table.withUnsafeBufferPointer({ allFinite($0) }) else { throw .nonFinite(what: "\(side) table") }
            // Copies of one row have no geometry to match: refused at once, not after every attempt.
            let distinct = Self.distinctRows(table, atMost: Self.minimumRows)
            guard distinct >= Self.minimumRows else {
                throw .invalidParameter(
                    name: "\(side) rows", value: "\(distinct) different among \(table.rows)",
                    reason: "unpaired alignment needs at least \(Self.minimumRows) different rows on each side")
            }
        }
        for anchor in anchors
        where !(0..<sources.rows).contains(anchor.source) || !(0..<targets.rows).contains(anchor.target) {
            throw .invalidParameter(
                name: "anchor", value: "(\(anchor.source), \(anchor.target))", reason: "a row outside its table")
        }
        var attempts: [UnpairedConfidence] = []
        // The attempt kept; its matching is every row's when the learning samples held every row.
        var accepted: (map: Matrix, confidence: UnpairedConfidence, attempt: Int, matching: CSLSMatching?)? = nil
        var bestNull: SelfLearning.Outcome? = nil
        var rounds = 0
        for attempt in 0..<settings.restarts {
            let attemptSeed = seed &+ UInt64(attempt) &* 0x632B_E59B_D9B4_E019
            let (x, y, anchorPositions) = learningSpaces(sources, targets, anchors: anchors, seed: attemptSeed)
            let learner = SelfLearning(settings: settings, seed: attemptSeed)
            let start =
                anchors.isEmpty ? try learner.sourceStart(x, count: min(x.count, y.count, settings.initSample)) : nil
            let real = try learner.run(x, y, anchors: anchorPositions, start: start) {
                progress(.round(attempt: attempt, null: false, round: $0, keep: $1, objective: $2, mutualShare: $3))
            }
            let yNull = try UnpairedSpace.covarianceMatched(targets, rows: y.tableRows, seed: attemptSeed)
            let null = try learner.run(x, yNull, anchors: anchorPositions, start: start) {
                progress(.round(attempt: attempt, null: true, round: $0, keep: $1, objective: $2, mutualShare: $3))
            }
            rounds += real.rounds + null.rounds
            if bestNull == nil || null.matching.objective > bestNull!.matching.objective { bestNull = null }
            let confidence = UnpairedConfidence(real: real, null: bestNull!)
            attempts.append(confidence)
            progress(.attemptFinished(attempt: attempt, confidence: confidence))
            if accepted == nil || confidence.mutualShare > accepted!.confidence.mutualShare {
                let everyRow = x.count == sources.rows && y.count == targets.rows
                accepted = (real.map, confidence, attempt, everyRow ? real.matching : nil)
            }
            if confidence.distinguishable { break }
        }
        let chosen = accepted!
        // Self-learning's last matching already covers every row unless it ran on samples.
        let matching: CSLSMatching
        if let covered = chosen.matching {
            matching = covered
        } else {
            matching = try Self.finalMatching(sources, targets, map: chosen.map, k: settings.neighbourhood)
        }
        let pairs = Self.pairs(matching, anchors: anchors)
        return UnpairedResult(
            sourceRows: pairs.map(\.source), targetRows: pairs.map(\.target), confidence: chosen.confidence,
            attempts: attempts, chosenAttempt: chosen.attempt, rounds: rounds,
            sourceRowsUsed: sources.rows, targetRowsUsed: targets.rows, anchors: anchors.count,
            seconds: Double((clock.now - started).components.attoseconds) * 1e-18
                + Double((clock.now - started).components.seconds))
    }

    /// The learning samples of both sides (every anchor row included) and the anchors as positions in them.
    private func learningSpaces(
        _ sources: any RowMatrix, _ targets: any RowMatrix, anchors: [(source: Int, target: Int)], seed: UInt64
    ) -> (UnpairedSpace, UnpairedSpace, [(source: Int, target: Int)]) {
        var generator = SplitMix64(seed: seed, stream: .unpairedSample)
        func sample(_ rows: Int, keeping: [Int]) -> [Int] {
            guard rows > settings.learningSample else { return Array(0..<rows) }
            var chosen = Set(generator.sample(settings.learningSample, from: rows))
            chosen.formUnion(keeping)
            return chosen.sorted()
        }
        let sourceRows = sample(sources.rows, keeping: anchors.map(\.source))
        let targetRows = sample(targets.rows, keeping: anchors.map(\.target))
        let sourcePosition = Dictionary(uniqueKeysWithValues: sourceRows.enumerated().map { ($1, $0) })
        let targetPosition = Dictionary(uniqueKeysWithValues: targetRows.enumerated().map { ($1, $0) })
        let positions = anchors.map { (source: sourcePosition[$0.source]!, target: targetPosition[$0.target]!) }
        return (UnpairedSpace(sources, rows: sourceRows), UnpairedSpace(targets, rows: targetRows), positions)
    }

    /// The CSLS matching of every row of both tables under `map` (`m x p`), in blocks.
    static func finalMatching(_ sources: any RowMatrix, _ targets: any RowMatrix, map: Matrix, k: Int)
        throws(AlignmentError) -> CSLSMatching
    {
        let x = UnpairedSpace(sources, rows: Array(0..<sources.rows))
        let y = UnpairedSpace(targets, rows: Array(0..<targets.rows))
        return CSLSMatching.match(try SelfLearning.apply(map, to: x.rows), y.rows, k: k)
    }

    /// The mutual nearest neighbours of `matching` plus the anchors; each source and each target row
    /// in at most one pair (an anchor wins).
    static func pairs(_ matching: CSLSMatching, anchors: [(source: Int, target: Int)]) -> [(source: Int, target: Int)] {
        var pairs = anchors
        let takenSources = Set(anchors.map(\.source)), takenTargets = Set(anchors.map(\.target))
        for i in matching.mutualRows where !takenSources.contains(i) && !takenTargets.contains(matching.forward[i]) {
            pairs.append((i, matching.forward[i]))
        }
        return pairs.sorted { $0.source < $1.source }
    }
}
