import Alignment
import EmbeddingIO
import LinearAlgebra
import Retrieval
import _TestSupport

/// A planted stage-two problem: the index's documents are random unit vectors; stage one W1 has
/// orthonormal rows; each query is generated so that the *true* map R* W1 (R* a rotation far from I)
/// sends it near its relevant document. Stage one alone therefore retrieves poorly and adapting
/// (rotation or linear) can recover R*.
///
/// Queries `q0..q(n-1)` are labeled in `training` (every fourth pair of consecutive queries shares a
/// document, so document groups exist); queries `e0..` are the "evaluation" queries, judged only in
/// `evaluation`.
struct AdaptSyntheticProblem {
    var problem: AdaptProblem
    var evaluation: Qrels
    var queries: Matrix
    var trueRotation: MatrixD

    init(
        p: Int = 16, m: Int = 8, documents: Int = 300, labeled: Int = 120, heldOut: Int = 40, noise: Double = 0.15,
        seed: UInt64 = 1
    ) throws {
        var g = SeededGenerator(seed: seed)
        var docs = Matrix.randomNormal(rows: documents, columns: m, using: &g)
        docs.normalizeRows()
        let w1 = try Matrix.randomNormal(rows: p, columns: m, using: &g).converted(to: Double.self).qr().q.transposed
        // R* = Cayley of a random skew matrix (entries ~ 0.4): a rotation well away from I.
        var a = MatrixD(rows: m, columns: m)
        for i in 0..<m { for j in (i + 1)..<max(i + 1, m) { a[i, j] = 0.4 * g.normal(); a[j, i] = -a[i, j] } }
        let identity = MatrixD.identity(m)
        let rotation = try MatrixD.multiply(try (identity + a).inverse(), identity - a)
        // x = W1^T R*^T y + noise, so R* W1 x = y + R* W1 noise.
        let back = try MatrixD.multiply(w1, rotation, transA: .transposed, transB: .transposed)  // p x m
        let total = labeled + heldOut
        var x = Matrix(rows: total, columns: p)
        var ids = [String](), training = [String: [String: Int]](), evaluation = [String: [String: Int]]()
        for q in 0..<total {
            let doc = (((q < labeled && q % 8 == 1) ? q - 1 : q) * 37 + 11) % documents
            for i in 0..<p {
                var value = 0.0
                for j in 0..<m { value += back[i, j] * Double(docs[doc, j]) }
                x[q, i] = Float(value + noise * g.normal() / Double(p).squareRoot())
            }
            let id = q < labeled ? "q\(q)" : "e\(q - labeled)"
            ids.append(id)
            if q < labeled { training[id] = ["d\(doc)": 1] } else { evaluation[id] = ["d\(doc)": 1] }
        }
        let stageOne = try AffineMap(weight: w1.converted(to: Float.self), bias: [Float](repeating: 0, count: m))
        problem = AdaptProblem(
            queries: x, queryIds: ids, corpus: docs, corpusIds: (0..<documents).map { "d\($0)" },
            trainingQrels: Qrels(judgments: training), stageOne: stageOne)
        self.evaluation = Qrels(judgments: evaluation)
        queries = x
        trueRotation = rotation
    }

    /// Settings that train quickly on this small problem.
    static func settings(_ family: AdaptMapFamily, seed: UInt64 = 0) -> AdaptSettings {
        AdaptSettings(
            family: family, negatives: AdaptNegatives(random: 2, hard: 3, inBatch: true), hardPool: 50,
            learningRate: 1e-2, batchSize: 16, maxSteps: 60, evaluationInterval: 10, patience: 3,
            devFraction: 0.2, seed: seed)
    }
}
