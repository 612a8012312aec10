#!/usr/bin/env python3
"""Builds the compact examples from ../shared/data/scifact (run from the repo root:
`python3 Pipelines/quickstart/make_example.py ../shared/data/scifact`). numpy only.

Three index scenarios share the queries, ids and qrels: the static (model2vec) index of the
quickstart, and the MiniLM index of the second example, and the
multilingual-e5-small index of the model-upgrade example (Pipelines/model-upgrade.yaml).

Everything is stored as float16 to stay small (< 12 MB); era reads <f2 and converts to float32.
The alignment sample is 1,000 corpus documents (ERA's budget) drawn with seed 0; no query text
is used for alignment."""
import os
import shutil
import sys

import numpy as np

src = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/scifact"
out = os.path.dirname(os.path.abspath(__file__))


def ids(name):
    with open(os.path.join(src, name), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def save(name, a):
    np.save(os.path.join(out, name), a.astype(np.float16))


cids = ids("corpus_ids.txt")
minilm_corpus = np.load(os.path.join(src, "minilm.corpus.npy"))
static_corpus = np.load(os.path.join(src, "static.corpus.npy"))
mpnet_corpus = np.load(os.path.join(src, "mpnet.corpus.npy"))
e5_corpus = np.load(os.path.join(src, "e5small.corpus.npy"))
rows = np.sort(np.random.default_rng(0).choice(len(cids), size=1000, replace=False))

save("index.minilm.npy", minilm_corpus)
save("index.static.npy", static_corpus)
save("queries.static.npy", np.load(os.path.join(src, "static.queries.npy")))
save("align.static.npy", static_corpus[rows])
save("queries.mpnet.npy", np.load(os.path.join(src, "mpnet.queries.npy")))
save("queries.minilm.npy", np.load(os.path.join(src, "minilm.queries.npy")))
save("align.mpnet.npy", mpnet_corpus[rows])
save("align.minilm.npy", minilm_corpus[rows])
# The model-upgrade example: an index built with multilingual-e5-small, the model being retired.
save("index.e5small.npy", e5_corpus)
save("queries.e5small.npy", np.load(os.path.join(src, "e5small.queries.npy")))
save("align.e5small.npy", e5_corpus[rows])
with open(os.path.join(out, "align_ids.txt"), "w", encoding="utf-8") as f:
    f.writelines(cids[i] + "\n" for i in rows)
for name in ("corpus_ids.txt", "query_ids.txt", "qrels.train.tsv", "qrels.test.tsv"):
    shutil.copyfile(os.path.join(src, name), os.path.join(out, name))
print("wrote", sorted(os.listdir(out)))
