import LinearAlgebra
import Testing
import _TestSupport

@testable import Alignment

/// Issue 11 item 7: alignment data that carries nothing to learn is refused, and a held-out set
/// too small to measure is not reported as a perfect score.
@Suite("Degenerate alignment data")
struct DegenerateAlignmentTests {
    static func configuration(heldOut: Double = 0.1) -> AlignmentConfiguration {
        var c = AlignmentConfiguration()
        c.epochs = 1
        c.batchSize = 16
        c.heldOutFraction = heldOut
        return c
    }

    static func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return "\(error)" }
    }

    @Test func allZeroOrIdenticalRowsAreRefused() throws {
        var g = SeededGenerator(seed: 3)
        let x = Matrix.randomNormal(rows: 60, columns: 6, using: &g)
        let y = Matrix.randomNormal(rows: 60, columns: 4, using: &g)
        let trainer = try AlignmentTrainer(configuration: Self.configuration())
        let zeros = Self.message { _ = try trainer.train(sources: Matrix(rows: 60, columns: 6), targets: y) }
        #expect(
            zeros?.contains("every source (query model) embedding is all zeros") == true, "\(String(describing: zeros))"
        )
        var same = Matrix(rows: 60, columns: 4)
        for i in 0..<60 { for j in 0..<4 { same[i, j] = Float(j + 1) } }
        let constant = Self.message { _ = try trainer.train(sources: x, targets: same) }
        #expect(
            constant?.contains("all 60 target (index model) embeddings are the same vector") == true,
            "\(String(describing: constant))")
        #expect(throws: Never.self) { _ = try trainer.train(sources: x, targets: y) }
    }

    @Test func tooFewHeldOutPairsAreNotReported() throws {
        var g = SeededGenerator(seed: 5)
        // 20 pairs at 10%: 2 held-out pairs, whose top-1 says nothing.
        let x = Matrix.randomNormal(rows: 20, columns: 6, using: &g)
        let y = Matrix.randomNormal(rows: 20, columns: 4, using: &g)
        let small = try AlignmentTrainer(configuration: Self.configuration()).train(sources: x, targets: y)
        #expect(small.log.heldOutPairs == 2)
        #expect(small.log.heldOut == nil)
        // 100 pairs at 10%: 10 held-out pairs are reported.
        let x2 = Matrix.randomNormal(rows: 100, columns: 6, using: &g)
        let y2 = Matrix.randomNormal(rows: 100, columns: 4, using: &g)
        let large = try AlignmentTrainer(configuration: Self.configuration()).train(sources: x2, targets: y2)
        #expect(large.log.heldOut?.pairs == HeldOutReport.minimumPairs)
    }
}
