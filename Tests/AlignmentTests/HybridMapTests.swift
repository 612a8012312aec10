import Alignment
import LinearAlgebra
import Testing
import _TestSupport

/// The hybrid map f(x, y) = W x + V y + b: its application, its special cases and its refusals.
@Suite struct HybridMapTests {
    static let (p, m, n) = (7, 5, 6)

    static func inputs(seed: UInt64) -> (x: Matrix, y: Matrix, f1: AffineMap<Float>) {
        var g = SeededGenerator(seed: seed)
        let x = Matrix.randomNormal(rows: n, columns: p, using: &g)
        let y = Matrix.randomNormal(rows: n, columns: m, using: &g).normalizedRows()
        let w = Matrix.randomNormal(rows: m, columns: p, using: &g)
        let f1 = try! AffineMap(weight: w, bias: (0..<m).map { _ in Float(g.normal()) })
        return (x, y, f1)
    }

    static func close(_ a: Matrix, _ b: Matrix, _ tolerance: Float = 1e-5) -> Bool {
        Tolerance.isClose(a, b, Double(tolerance))
    }

    /// W x + V y + b by two gemms equals the concatenated affine map on [x y], and the split round-trips.
    @Test func applyEqualsTheConcatenatedMap() throws {
        let (x, y, f1) = Self.inputs(seed: 1)
        var g = SeededGenerator(seed: 2)
        let hybrid = try HybridMap(
            weight: f1.weight, indexWeight: Matrix.randomNormal(rows: Self.m, columns: Self.m, using: &g),
            bias: f1.bias)
        let joined = hybrid.concatenated
        #expect(joined.weight.shape == Shape(Self.m, Self.p + Self.m))
        var xy = Matrix(rows: Self.n, columns: Self.p + Self.m)
        for i in 0..<Self.n {
            for j in 0..<Self.p { xy[i, j] = x[i, j] }
            for j in 0..<Self.m { xy[i, Self.p + j] = y[i, j] }
        }
        #expect(Self.close(try hybrid.apply(queries: x, indexQueries: y), try joined.apply(to: xy)))
        #expect(Self.close(try hybrid.applyNormalized(queries: x, indexQueries: y), try joined.applyNormalized(to: xy)))
        #expect(try HybridMap(concatenated: joined, source: Self.p) == hybrid)
    }

    /// Stage one alone ignores y; the index as it is returns y; the mix is a f1(x) + (1 - a) y.
    @Test func specialCases() throws {
        let (x, y, f1) = Self.inputs(seed: 3)
        let stageOne = HybridMap.stageOne(f1)
        #expect(stageOne.indexWeight.storage.allSatisfy { $0 == 0 })
        #expect(Self.close(try stageOne.apply(queries: x, indexQueries: y), try f1.apply(to: x)))
        let asIs = HybridMap<Float>.indexAsIs(source: Self.p, target: Self.m)
        #expect(asIs.weight.storage.allSatisfy { $0 == 0 } && asIs.bias.allSatisfy { $0 == 0 })
        #expect(asIs.indexWeight == Matrix.identity(Self.m))
        #expect(Self.close(try asIs.applyNormalized(queries: x, indexQueries: y), y))
        let alpha = 0.3
        let mixed = try HybridMap.mix(stageOne: f1, alpha: alpha).apply(queries: x, indexQueries: y)
        let expected = Float(alpha) * (try f1.apply(to: x)) + Float(1 - alpha) * y
        #expect(Self.close(mixed, expected))
        #expect(HybridMap.mix(stageOne: f1, alpha: 0) == asIs)
        #expect(HybridMap.mix(stageOne: f1, alpha: 1) == stageOne)
    }

    /// Wrong shapes are refused with AlignmentError, never trapped.
    @Test func refusesInconsistentShapes() throws {
        let (x, y, f1) = Self.inputs(seed: 4)
        let hybrid = HybridMap.mix(stageOne: f1, alpha: 0.5)
        #expect(throws: AlignmentError.self) { try hybrid.apply(queries: x, indexQueries: y.gatherRows(0..<3)) }
        #expect(throws: AlignmentError.self) { try hybrid.apply(queries: y, indexQueries: y) }
        #expect(throws: AlignmentError.self) { try hybrid.apply(queries: x, indexQueries: x) }
        #expect(throws: AlignmentError.self) {
            try HybridMap(weight: f1.weight, indexWeight: Matrix.identity(Self.m + 1), bias: f1.bias)
        }
        #expect(throws: AlignmentError.self) { try HybridMap(concatenated: f1, source: Self.p) }
        var nan = f1.weight
        nan[0, 0] = .nan
        #expect(throws: AlignmentError.nonFinite(what: "hybrid map")) {
            try HybridMap(weight: nan, indexWeight: Matrix.identity(Self.m), bias: f1.bias)
        }
    }

    /// Double precision works the same way (the generic path), and conversion keeps the values.
    @Test func doublePrecision() throws {
        let (x, y, f1) = Self.inputs(seed: 5)
        let h = HybridMap.mix(stageOne: f1.converted(to: Double.self), alpha: 0.4)
        let d = try h.apply(queries: x.converted(to: Double.self), indexQueries: y.converted(to: Double.self))
        let f = try h.converted(to: Float.self).apply(queries: x, indexQueries: y)
        #expect(Self.close(d.converted(to: Float.self), f, 1e-4))
    }
}
