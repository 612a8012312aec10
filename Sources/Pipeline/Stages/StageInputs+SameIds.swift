import Reports
import Workflows

extension StageInputs {
    /// The alignment texts' vectors against the index's under the ids both files list, for each model
    /// whose vectors of the documents the pipeline has twice (``SanityChecks/sameIdsSameVectors(_:_:)``).
    func sameIdsSameVectors() throws -> [SanityCheck] {
        guard data.alignment?.ids != nil, data.index?.ids != nil, data.index?.embeddings != nil else { return [] }
        let alignmentIds = try ids(\.alignment?.ids, AlignRequest.Role.sourceIds)
        let indexIds = try ids(\.index?.ids, EvaluateInputError.Role.corpusIds)
        var checks: [SanityCheck] = []
        let pairs: [(KeyPath<DataConfig, DataFile?>, AlignRequest.Role, KeyPath<DataConfig, DataFile?>, String)] = [
            (\.alignment?.indexModel, .target, \.index?.embeddings, "data.index.embeddings"),
            (\.alignment?.queryModel, .source, \.index?.queryModelEmbeddings, "data.index.query_model_embeddings"),
        ]
        for (alignment, role, index, indexName) in pairs
        where data[keyPath: alignment] != nil && data[keyPath: index] != nil {
            if let check = SanityChecks.sameIdsSameVectors(
                (try embeddings(alignment, role), alignmentIds, role.keyPath(in: data)),
                (try embeddings(index, EvaluateInputError.Role.corpus), indexIds, indexName))
            {
                checks.append(check)
            }
        }
        return checks
    }
}
