/// A pipeline that evaluates the index as it is against the `data.index` block `index` (indented by
/// four spaces, e.g. `    chroma: {url: ..., collection: docs}`), with made-up file names: for
/// tests that load a store's configuration without files or a server (`checkFiles: false`).
public func storePipelineText(name: String, index: String) -> String {
    """
    name: \(name)
    data:
      queries: {embeddings: q.npy, ids: q.txt, index_model_embeddings: qd.npy}
      qrels: {evaluation: qrels.tsv}
      index:
    \(index)
    stages:
      - kind: evaluate
        options: {baselines: [index-as-is]}
    """
}
