import Foundation
import LinearAlgebra
import Testing
import _TestSupport

@testable import Alignment

/// Unpaired stage one on planted problems: Y holds the rows of X mapped by a known isometry plus
/// noise, shuffled, so the right pairs and the right map are known.
@Suite struct UnpairedAlignmentTests {
    /// `n` rows of a `k`-dimensional latent `Z` (a decaying spectrum, so the geometry has a shape),
    /// seen through `A` (`k x p`, orthonormal rows) as X and through `B` (`k x m`) as Y, the rows of Y
    /// shuffled by `order` and perturbed by `noise`. The map from X to Y is `W = B^T A` (`m x p`).
    struct Planted {
        var x: Matrix, y: Matrix, map: Matrix
        /// Row `i` of Y is the image of row `order[i]` of X.
        var order: [Int]

        init(n: Int, k: Int, p: Int, m: Int, noise: Float, seed: UInt64) {
            var generator = SeededGenerator(seed: seed)
            var z = Matrix.randomNormal(rows: n, columns: k, using: &generator)
            z.withUnsafeMutableBufferPointer { v in
                for i in 0..<n { for j in 0..<k { v[i * k + j] *= 1 / Float(j + 1).squareRoot() } }
            }
            let a = try! Matrix.randomNormal(rows: p, columns: k, using: &generator).polarFactor().transposed  // k x p
            let b = try! Matrix.randomNormal(rows: m, columns: k, using: &generator).polarFactor().transposed  // k x m
            x = try! Matrix.multiply(z, a)
            var images = try! Matrix.multiply(z, b)
            let perturbation = Matrix.randomNormal(rows: n, columns: m, using: &generator)
            try! images.add(perturbation, scaledBy: noise)
            var shuffler = SplitMix64(seed: seed ^ 0xABCD)
            order = shuffler.permutation(n)
            y = images.gatherRows(order)
            map = try! Matrix.multiply(b, a, transA: .transposed)
        }
    }

    static var quick: UnpairedSettings {
        var s = UnpairedSettings()
        s.maxRounds = 60
        return s
    }

    @Test(arguments: [(p: 24, m: 16), (p: 16, m: 24)])
    func aPlantedIsometryIsRecoveredWithoutIds(dims: (p: Int, m: Int)) throws {
        let planted = Planted(n: 240, k: 12, p: dims.p, m: dims.m, noise: 0.02, seed: 7)
        let result = try UnpairedAligner(settings: Self.quick, seed: 3).induce(sources: planted.x, targets: planted.y)
        #expect(result.accepted, "\(result.confidence)")
        let correct = zip(result.sourceRows, result.targetRows).filter { planted.order[$1] == $0 }.count
        #expect(Double(correct) >= 0.95 * 240, "\(correct) of \(result.count) induced pairs are right")
        #expect(Double(result.count) >= 0.9 * 240)

        // Procrustes on the induced pairs maps every row of X onto its image (the planted map acts on
        // the latent subspace only, so the maps are compared by what they do to X).
        var configuration = AlignmentConfiguration()
        configuration.epochs = 0
        configuration.guardrail = false
        configuration.heldOutFraction = 0
        configuration.procrustes.whitening = 0  // plain Procrustes: exact for a planted isometry
        let trained = try AlignmentTrainer(configuration: configuration).train(
            sources: planted.x.gatherRows(result.sourceRows), targets: planted.y.gatherRows(result.targetRows))
        let inverse = Dictionary(uniqueKeysWithValues: planted.order.enumerated().map { ($1, $0) })
        let images = planted.y.gatherRows((0..<240).map { inverse[$0]! })
        let mapped = try trained.map.apply(to: planted.x)
        let plantedImages = try Matrix.multiply(planted.x, planted.map, transB: .transposed)
        let error = (mapped - images).frobeniusNorm / images.frobeniusNorm
        let plantedError = (plantedImages - images).frobeniusNorm / images.frobeniusNorm
        #expect(error < 2 * plantedError + 0.01, "relative error \(error), the planted map's own \(plantedError)")
    }

    @Test func unrelatedTargetsAreRefused() throws {
        let planted = Planted(n: 240, k: 12, p: 24, m: 16, noise: 0.02, seed: 8)
        var generator = SeededGenerator(seed: 99)
        let noise = Matrix.randomNormal(rows: 240, columns: 16, using: &generator)
        let result = try UnpairedAligner(settings: Self.quick, seed: 3).induce(sources: planted.x, targets: noise)
        #expect(!result.accepted, "\(result.confidence)")
        #expect(result.attempts.count == Self.quick.restarts)
    }

    /// The planted target with each column shuffled on its own across rows: every coordinate keeps
    /// its values, the geometry is gone, and the covariance-matched null reaches as far.
    @Test func aTargetWithItsColumnsShuffledIsRefused() throws {
        let planted = Planted(n: 240, k: 12, p: 24, m: 16, noise: 0.02, seed: 13)
        var shuffled = planted.y
        var generator = SeededGenerator(seed: 21)
        let d = shuffled.columns
        for column in 0..<d {
            let values = (0..<shuffled.rows).map { planted.y[$0, column] }.shuffled(using: &generator)
            for (row, value) in values.enumerated() { shuffled[row, column] = value }
        }
        let result = try UnpairedAligner(settings: Self.quick, seed: 3).induce(sources: planted.x, targets: shuffled)
        #expect(!result.accepted, "\(result.confidence)")
    }

    /// A target with the planted target's covariance but rows unrelated to the sources: a map can
    /// match the principal axes yet no row's partner exists.
    /// The covariance-matched null reaches the same objective, so the match is refused.
    @Test func aTargetSharingOnlyTheCovarianceIsRefused() throws {
        let planted = Planted(n: 240, k: 12, p: 24, m: 16, noise: 0.02, seed: 12)
        let unrelated = try UnpairedSpace.covarianceMatched(planted.y, rows: Array(0..<240), seed: 77).rows
        let result = try UnpairedAligner(settings: Self.quick, seed: 3).induce(sources: planted.x, targets: unrelated)
        #expect(!result.accepted, "\(result.confidence)")
    }

    /// The rule, on figures measured with era (quickstart texts, release build): a correspondence
    /// beats the null's objective and matches about as many rows mutually; a target of copies of 60
    /// rows, or of unrelated tight clusters, beats the objective while a few percent match mutually
    /// (it wrote a map to noise before the mutual share was asked for).
    @Test func aMatchMustBeOneToOneAsWellAsBeatTheNull() {
        func confidence(_ objective: Double, _ null: Double, mutual: Double, nullMutual: Double) -> UnpairedConfidence {
            UnpairedConfidence(
                mutualShare: mutual, meanCSLS: 0, objective: objective, nullMutualShare: nullMutual, nullMeanCSLS: 0,
                nullObjective: null)
        }
        // Hidden correspondence (minilm rows shuffled): accepted.
        #expect(confidence(0.7990, 0.5375, mutual: 0.998, nullMutual: 0.665).distinguishable)
        // Disjoint halves of SciFact (docs/alignment.md): about the null's share, accepted.
        #expect(confidence(0.609, 0.481, mutual: 0.61, nullMutual: 0.60).distinguishable)
        // 60 distinct static rows among 1,000; unrelated clusters: the objective alone passed.
        let copies = confidence(0.7170, 0.5708, mutual: 0.060, nullMutual: 0.637)
        #expect(copies.beatsTheNull && !copies.matchesOneToOne && !copies.distinguishable)
        #expect(!confidence(0.6849, 0.5223, mutual: 0.020, nullMutual: 0.570).distinguishable)
        // Below the objective's margin: refused as before.
        #expect(!confidence(0.5991, 0.5651, mutual: 0.675, nullMutual: 0.682).distinguishable)
    }

    @Test func theSameSeedGivesTheSamePairs() throws {
        let planted = Planted(n: 160, k: 10, p: 20, m: 12, noise: 0.05, seed: 9)
        let aligner = try UnpairedAligner(settings: Self.quick, seed: 5)
        let first = try aligner.induce(sources: planted.x, targets: planted.y)
        let second = try aligner.induce(sources: planted.x, targets: planted.y)
        #expect(first.sourceRows == second.sourceRows && first.targetRows == second.targetRows)
        #expect(first.confidence == second.confidence)
    }

    @Test func anchorsSeedTheMatchingAndStayPaired() throws {
        let planted = Planted(n: 200, k: 12, p: 24, m: 16, noise: 0.02, seed: 10)
        let inverse = Dictionary(uniqueKeysWithValues: planted.order.enumerated().map { ($1, $0) })
        let anchors = (0..<20).map { (source: $0, target: inverse[$0]!) }
        let result = try UnpairedAligner(settings: Self.quick, seed: 1).induce(
            sources: planted.x, targets: planted.y, anchors: anchors)
        #expect(result.accepted && result.anchors == 20)
        let pairs = Set(zip(result.sourceRows, result.targetRows).map { "\($0)-\($1)" })
        #expect(anchors.allSatisfy { pairs.contains("\($0.source)-\($0.target)") })
    }

    @Test func tooFewRowsAreRefusedNamingTheSide() {
        let small = Matrix(rows: 10, columns: 4, repeating: 1)
        let big = Matrix(rows: 100, columns: 4, repeating: 1)
        #expect(throws: AlignmentError.self) { try UnpairedAligner().induce(sources: small, targets: big) }
    }

    /// Copies of one row are refused at once, naming the side and the count (it took every attempt).
    @Test func copiesOfOneRowAreRefusedAtOnce() throws {
        var g = SeededGenerator(seed: 4)
        let same = Matrix(rows: 300, columns: 8, repeating: 0.5)
        let varied = Matrix.randomNormal(rows: 300, columns: 6, using: &g)
        #expect(UnpairedAligner.distinctRows(varied, atMost: 1000) == 300)
        #expect(UnpairedAligner.distinctRows(varied, atMost: 50) == 50)
        do {
            _ = try UnpairedAligner().induce(sources: same, targets: varied)
            Issue.record("copies of one row were aligned")
        } catch .invalidParameter(let name, let value, _) {
            #expect(name == "source (query model) rows" && value == "1 different among 300")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func cslsInBlocksEqualsTheWholeMatrix() {
        var generator = SeededGenerator(seed: 4)
        let a = Matrix.randomNormal(rows: 1500, columns: 8, using: &generator).normalizedRows()
        let b = Matrix.randomNormal(rows: 700, columns: 8, using: &generator).normalizedRows()
        for keep in [1.0, 0.3] {
            let whole = CSLSMatching.match(a, b, k: 5, keep: keep, seed: 2, round: 3, wholeMatrixLimit: .max)
            let blocked = CSLSMatching.match(a, b, k: 5, keep: keep, seed: 2, round: 3, wholeMatrixLimit: 0)
            #expect(whole.forward == blocked.forward && whole.backward == blocked.backward)
            #expect(abs(whole.objective - blocked.objective) < 1e-9)
        }
    }

    /// Scans on several threads merge to the one-thread result, ties included: every row of `a`
    /// appears twice, in different threads' shares, and the first of the two must win each column.
    @Test func cslsOnSeveralThreadsEqualsOneThread() {
        var generator = SeededGenerator(seed: 5)
        let half = Matrix.randomNormal(rows: 800, columns: 8, using: &generator).normalizedRows()
        let a = half.gatherRows(Array(0..<800) + Array(0..<800))
        let b = Matrix.randomNormal(rows: 700, columns: 8, using: &generator).normalizedRows()
        for keep in [1.0, 0.3] {
            for limit in [Int.max, 0] {
                let one = CSLSMatching.match(
                    a, b, k: 5, keep: keep, seed: 2, round: 3, wholeMatrixLimit: limit, threads: 1)
                let many = CSLSMatching.match(
                    a, b, k: 5, keep: keep, seed: 2, round: 3, wholeMatrixLimit: limit, threads: 3)
                #expect(one.forward == many.forward && one.backward == many.backward)
                #expect(one.neighbourhoodB == many.neighbourhoodB && one.objective == many.objective)
            }
        }
    }

    @Test func cslsCorrectsAHub() {
        // b0 sits near every row of a; plain nearest neighbours would all pick it.
        let a = Matrix([[1, 0.1], [1, -0.1], [0.9, 0.3], [0.9, -0.3]]).normalizedRows()
        let b = Matrix([[1, 0], [0.95, 0.31], [0.95, -0.31], [0.8, 0.6]]).normalizedRows()
        let matching = CSLSMatching.match(a, b, k: 2)
        #expect(Set(matching.forward).count > 1, "\(matching.forward)")
    }
}
