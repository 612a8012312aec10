import Retrieval
import Workflows
import EmbeddingIO
import Foundation
import LinearAlgebra

/// Queries, an index and judgments (of an evaluation, or the training labels of `era adapt`),
/// read and cross-checked: every problem names its file.
struct EvaluationInputs {
    var queries: Matrix
    var queryIds: [String]
    var corpus: any RowMatrix
    var corpusIds: [String]
    var qrels: Qrels

    /// Reads queries in full, maps the corpus when it is float32, checks that both are finite
    /// and that the id files have one id per row.
    static func load(queries: String, queryIds: String, corpus: String, corpusIds: String,
                     qrels: String) throws -> EvaluationInputs {
        let queryMatrix = try Npy.read(URL(fileURLWithPath: queries))
        try checkFinite(queryMatrix, path: queries)
        let qids = try IdList.read(URL(fileURLWithPath: queryIds))
        try IdList.check(qids, matchRowsOf: queryMatrix.rows, idsPath: queryIds, matrixPath: queries)
        let corpusMatrix = try Npy.load(URL(fileURLWithPath: corpus), mapped: true)
        try checkFinite(corpusMatrix, path: corpus)
        let dids = try IdList.read(URL(fileURLWithPath: corpusIds))
        try IdList.check(dids, matchRowsOf: corpusMatrix.rows, idsPath: corpusIds, matrixPath: corpus)
        let judgments = try Qrels.read(URL(fileURLWithPath: qrels))
        return EvaluationInputs(queries: queryMatrix, queryIds: qids, corpus: corpusMatrix,
                                corpusIds: dids, qrels: judgments)
    }
}
