import Alignment
import Foundation
import LinearAlgebra
import Workflows

/// The synthetic stage-two problem of ``AdaptBenchmark``, generated from one seed.
///
/// A planted map G (m x p, random unit rows) plays the perfect query map. `topics` unit centres c_k
/// (p-d) group queries and documents, so that the hard negatives of a query are its topic's documents:
/// - query i of topic k: x_i = normalize(c_k + r_i), r_i a random unit vector (p-d);
/// - its 1 or 2 relevant documents: normalize(normalize(G x_i) + 0.7 u), u a random unit vector (m-d);
/// - every other document, of a random topic k: normalize(normalize(G c_k + s w) + 0.7 u), w a random
///   unit m-d vector and s = 1 (G r for a unit r is close to a random vector of G c_k's norm);
/// - the index model's own query vector (hybrid): y_i = normalize(Q' (G + E') x_i), E' random unit rows
///   and Q' = cayley(S'), S' entries N(0, 0.02^2): a model imperfect in its own way;
/// - the stage-one map the run starts from: W1 = Q (G + 0.5 E), b1 = 0, with E random unit rows and
///   Q = cayley(S) a rotation near the identity (S skew, entries N(0, 0.03^2)): an imperfect
///   stage one that both a linear map and a rotation can improve.
struct AdaptBenchmarkData {
    var queries: Matrix  // n x p
    var indexQueries: Matrix  // n x m
    var corpus: Matrix  // N x m
    /// Relevant corpus rows of each query.
    var relevant: [[Int]]
    var stageOne: AffineMap<Float>

    static let topics = 200

    static func generate(queries n: Int, docs: Int, sourceDim p: Int, targetDim m: Int, seed: UInt64) throws
        -> AdaptBenchmarkData
    {
        var random = SplitMix64(seed: seed ^ 0xADA9_7BE7)
        let plant = SearchBenchmark.randomUnitRows(m, p, using: &random)  // G
        let centres = SearchBenchmark.randomUnitRows(topics, p, using: &random)
        let centreImages = try DenseMatrix.multiply(centres, plant, transB: .transposed)  // topics x m

        var queries = SearchBenchmark.randomUnitRows(n, p, using: &random)
        let topicOf = (0..<n).map { _ in random.nextIndex(below: topics) }
        queries.withUnsafeMutableBufferPointer { x in
            centres.withUnsafeBufferPointer { c in
                for i in 0..<n { for j in 0..<p { x[i * p + j] = 0.6 * x[i * p + j] + c[topicOf[i] * p + j] } }
            }
        }
        queries.normalizeRows()
        var targets = try DenseMatrix.multiply(queries, plant, transB: .transposed)  // G x_i, n x m
        targets.normalizeRows()

        // Relevant documents first (1 or 2 per query, rows assigned in order), then the rest.
        var relevant = [[Int]](), relevantOf = [Int]()
        for i in 0..<n {
            let count = 1 + random.nextIndex(below: 2)
            relevant.append((0..<count).map { relevantOf.count + $0 })
            relevantOf += [Int](repeating: i, count: count)
        }
        precondition(relevantOf.count <= docs, "checked by the caller: docs >= 2 x queries")
        var corpus = SearchBenchmark.randomUnitRows(docs, m, using: &random)  // u
        let spread = SearchBenchmark.randomUnitRows(docs - relevantOf.count, m, using: &random)  // w
        let topicOfDoc = (relevantOf.count..<docs).map { _ in random.nextIndex(below: topics) }
        corpus.withUnsafeMutableBufferPointer { out in
            targets.withUnsafeBufferPointer { t in
                centreImages.withUnsafeBufferPointer { g in
                    spread.withUnsafeBufferPointer { w in
                        var centre = [Float](repeating: 0, count: m)
                        for d in 0..<docs {
                            if d < relevantOf.count {
                                for j in 0..<m { centre[j] = t[relevantOf[d] * m + j] }
                            } else {
                                let k = topicOfDoc[d - relevantOf.count], row = (d - relevantOf.count) * m
                                var norm: Float = 0
                                for j in 0..<m { norm += g[k * m + j] * g[k * m + j] }
                                let s = norm.squareRoot()
                                norm = 0
                                for j in 0..<m {
                                    centre[j] = g[k * m + j] + s * w[row + j]
                                    norm += centre[j] * centre[j]
                                }
                                for j in 0..<m { centre[j] /= norm.squareRoot() }
                            }
                            for j in 0..<m { out[d * m + j] = centre[j] + 0.9 * out[d * m + j] }
                        }
                    }
                }
            }
        }
        corpus.normalizeRows()
        var indexModel = SearchBenchmark.randomUnitRows(m, p, using: &random)  // E', then G + E'
        indexModel.withUnsafeMutableBufferPointer { h in
            plant.withUnsafeBufferPointer { g in for k in 0..<h.count { h[k] += g[k] } }
        }
        indexModel = try DenseMatrix.multiply(try cayley(m, scale: 0.02, using: &random), indexModel)
        var indexQueries = try DenseMatrix.multiply(queries, indexModel, transB: .transposed)
        indexQueries.normalizeRows()

        let error = SearchBenchmark.randomUnitRows(m, p, using: &random)
        var weight = plant
        weight.withUnsafeMutableBufferPointer { w in
            error.withUnsafeBufferPointer { e in for k in 0..<w.count { w[k] += 1.0 * e[k] } }
        }
        weight = try DenseMatrix.multiply(try cayley(m, scale: 0.03, using: &random), weight)
        let stageOne = try AffineMap(weight: weight, bias: [Float](repeating: 0, count: m))
        return AdaptBenchmarkData(
            queries: queries, indexQueries: indexQueries, corpus: corpus, relevant: relevant, stageOne: stageOne)
    }

    /// Q = 2 (I + S)^{-1} - I, a rotation, for S skew with entries N(0, scale^2) above the diagonal.
    static func cayley(_ m: Int, scale: Double, using random: inout SplitMix64) throws -> Matrix {
        var shifted = MatrixD.identity(m)  // I + S
        shifted.withUnsafeMutableBufferPointer { a in
            for i in 0..<m {
                for j in (i + 1)..<max(i + 1, m) {
                    let value = scale * random.nextNormal()
                    a[i * m + j] = value
                    a[j * m + i] = -value
                }
            }
        }
        var rotation = try shifted.inverse()
        rotation.withUnsafeMutableBufferPointer { q in
            for k in 0..<q.count { q[k] *= 2 }
            for i in 0..<m { q[i * m + i] -= 1 }
        }
        return rotation.converted(to: Float.self)
    }
}
