import LinearAlgebra

/// Unit vectors whose scores obey a planted affine law exactly: every document of ``corpus`` leans
/// on one shared direction by `lean` (an anisotropic index); ``reference`` (the index model's own query
/// vectors) scores every document at exactly `scale * (mapped score) + offset`, where the mapped score
/// is ``mapped``'s. So a calibration fitted on these pairs must give back `scale` and `offset`.
public struct PlantedScores: Sendable {
    public var mapped: Matrix
    public var reference: Matrix
    public var corpus: Matrix

    /// - Precondition: the planted law must be reachable by unit vectors (it is for the values the tests use,
    ///   e.g. scale 0.8, offset 0.2, lean 0.9).
    public init(
        queries: Int, documents: Int, dimension m: Int, scale a: Double, offset b: Double, lean c: Double, seed: UInt64
    ) {
        var generator = SeededGenerator(seed: seed)
        let t = b / c
        // Unit z = [z0, r u] and y = [a z0 + b/c, a r u] need a^2 + 2 a z0 b/c + (b/c)^2 = 1.
        let z0 = (1 - a * a - t * t) / (2 * a * t)
        precondition(abs(z0) < 1, "the planted law needs unit vectors it cannot have")
        let r = (1 - z0 * z0).squareRoot()
        let u = Matrix.randomNormal(rows: queries, columns: m - 1, using: &generator).normalizedRows()
        let v = Matrix.randomNormal(rows: documents, columns: m - 1, using: &generator).normalizedRows()
        mapped = Matrix(rows: queries, columns: m, repeating: 0)
        reference = Matrix(rows: queries, columns: m, repeating: 0)
        corpus = Matrix(rows: documents, columns: m, repeating: 0)
        for q in 0..<queries {
            mapped[q, 0] = Float(z0)
            reference[q, 0] = Float(a * z0 + t)
            for j in 1..<m {
                mapped[q, j] = Float(r) * u[q, j - 1]
                reference[q, j] = Float(a * r) * u[q, j - 1]
            }
        }
        let side = Float((1 - c * c).squareRoot())
        for d in 0..<documents {
            corpus[d, 0] = Float(c)
            for j in 1..<m { corpus[d, j] = side * v[d, j - 1] }
        }
    }
}
