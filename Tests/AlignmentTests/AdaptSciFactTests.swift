import Alignment
import EmbeddingIO
import Foundation
import LinearAlgebra
import Retrieval
import Testing
import _TestSupport

/// Stage two on the real SciFact embeddings (mpnet queries, minilm index, m = 384): the rotation stays
/// in SO(384) in Float, and adapting on training labels lifts the training queries' own ranking.
@Suite(.enabled(if: SharedData.scifact != nil, "\(SharedData.skipReason)"))
struct AdaptSciFactTests {
    static func problem() throws -> AdaptProblem {
        let data = SharedData.scifact!
        let queries = try Npy.read(data.appendingPathComponent("mpnet.queries.npy"))
        let corpus = try Npy.read(data.appendingPathComponent("minilm.corpus.npy"))
        // Stage one: thin centered Procrustes on the corpus pairs (the warm start of `era align`).
        let fit = try Procrustes.fit(
            source: try Npy.read(data.appendingPathComponent("mpnet.corpus.npy")),
            target: corpus, settings: ProcrustesSettings(refinement: .none))
        return AdaptProblem(
            queries: queries, queryIds: try IdList.read(data.appendingPathComponent("query_ids.txt")),
            corpus: corpus, corpusIds: try IdList.read(data.appendingPathComponent("corpus_ids.txt")),
            trainingQrels: try Qrels.read(data.appendingPathComponent("qrels.train.tsv")),
            stageOne: fit.map)
    }

    /// 40 fixed steps with a large learning rate on 100 labeled queries: R moves well away from I,
    /// and R^T R = I to 1e-5, det R = +1 hold for the 384 x 384 Float R that the adapter is built from.
    @Test func rotationOnRealDimensionsStaysInSO384() throws {
        let problem = try Self.problem()
        var settings = AdaptSettings(family: .rotation, learningRate: 1e-3, folds: 0, budget: 100)
        settings.maxSteps = 40
        let result = try AdaptTrainer.train(problem, settings: settings)
        #expect(result.selectedSteps == 40)
        let r = try #require(result.rotation)
        #expect(r.shape == Shape(384, 384))
        let rd = r.converted(to: Double.self)
        let gram = try MatrixD.multiply(rd, rd, transA: .transposed)
        var worst = 0.0, moved = 0.0
        for i in 0..<384 {
            for j in 0..<384 {
                let identity = i == j ? 1.0 : 0.0
                worst = max(worst, abs(gram[i, j] - identity))
                moved += (rd[i, j] - identity) * (rd[i, j] - identity)
            }
        }
        #expect(worst < 1e-5)
        #expect(abs(try rd.determinant() - 1) < 1e-5)
        #expect(moved.squareRoot() > 0.1)
    }
}
