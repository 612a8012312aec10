extension EvaluateCommand {
    /// The long help of the command (`era evaluate --help`).
    static let discussion = """
        Searches every query that has a relevant document in the qrels (grade > 0) against the \
        whole corpus (exact inner product; rows are expected L2-normalized), and reports \
        nDCG@k, Recall@k, P@k, MRR@k and MAP@k with pytrec_eval / BEIR semantics: graded gain, \
        ideal DCG from all judged relevant documents, equal scores ordered by document id \
        descending. Qrels queries without an embedding are skipped with a warning (as BEIR does).

        With --adapter the queries are first mapped, q -> normalize(W q + b), into the index's \
        space. With --compare a second adapter is evaluated on the same queries and a paired \
        randomization test (and bootstrap interval) over per-query nDCG@10 says whether the \
        difference is real. With --index-queries (the index model's own embeddings of the same \
        queries) the index as it is is scored too, hybrid adapters get their second input, and a \
        verdict says whether to use the map or keep the current queries.

        With --retired-index-model (the index model embeds no new queries) --index-queries only \
        score the index as it was, and the verdict answers "can I switch to the new model now?": \
        switch when the best map is no worse than the index as it was within --margin (the low end \
        of the paired 95% CI), else switch-costs with the cost and its CI; --reembedded-corpus \
        adds the re-embedded row, retention and gain recovered. With --gate the exit status follows \
        the decision: 0 for use or switch, 3 when there is no verdict or it is withheld, 4 for \
        keep, unclear or switch-costs (docs/upgrading.md).

        Example:
          era evaluate --queries queries.npy --query-ids query_ids.txt \\
            --corpus corpus.npy --corpus-ids corpus_ids.txt --qrels qrels.test.tsv \\
            --adapter stage2.safetensors --compare stage1.safetensors --unseen-against qrels.train.tsv
        """
}
