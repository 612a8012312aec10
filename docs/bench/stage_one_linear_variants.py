"""Label-free linear stage-one variants, scored on SciFact's training queries only (qrels.train.tsv).

    python3 docs/bench/stage_one_linear_variants.py SRC TGT [DATA_DIR]   # from the package root

SRC is the query model, TGT the index model (minilm e5small, mpnet minilm, mpnet static); DATA_DIR
defaults to ../shared/data/scifact. numpy only. Prints nDCG@10 on the 809 training queries of: the
index model's own queries, era's half-whitened Procrustes warm start, the variants that
docs/alignment.md ("What else was tried") reports, and the warm start scaled ("Scaled warm start"). The test qrels pick nothing here: the test queries'
vectors (no labels) are used only by the last two rows, which a retired index model could not give.
"""
import os, sys
import numpy as np
D = (sys.argv[3] if len(sys.argv) > 3 else '../shared/data/scifact').rstrip('/') + '/'
src, tgt = sys.argv[1], sys.argv[2]
X, Xq = (np.load(D + f'{src}.{p}.npy').astype(np.float64) for p in ('corpus', 'queries'))
Y, Yq = (np.load(D + f'{tgt}.{p}.npy').astype(np.float64) for p in ('corpus', 'queries'))
cids = open(D + 'corpus_ids.txt').read().split(); qpos = {q: i for i, q in enumerate(open(D + 'query_ids.txt').read().split())}
def qrels(f):
    r = {}
    for line in open(D + f).read().splitlines()[1:]:
        q, c, _ = line.split('\t'); r.setdefault(q, set()).add(c)
    return r
train, test = qrels('qrels.train.tsv'), qrels('qrels.test.tsv')
def ndcg(M):  # nDCG@10 on the training queries
    M = M / np.linalg.norm(M, axis=1, keepdims=True); qs = list(train)
    top = np.argsort(-(M[[qpos[q] for q in qs]] @ Y.T), axis=1)[:, :10]; total = 0
    for j, q in enumerate(qs):
        dcg = sum(1 / np.log2(r + 2) for r, d in enumerate(top[j]) if cids[d] in train[q])
        total += dcg / sum(1 / np.log2(r + 2) for r in range(min(len(train[q]), 10)))
    return round(total / len(qs), 4)
def power(C, p):  # (C + s I)^p, s = 1% of the mean eigenvalue
    e, V = np.linalg.eigh(C); e = np.maximum(e, 0) + 0.01 * e.mean(); return V @ np.diag(e ** p) @ V.T
def fit(A, B, a=0.5, b=0.0):  # a: source whitening (era's default 0.5); b: target whitening, undone after
    ma, mb = A.mean(0), B.mean(0); A0, B0 = A - ma, B - mb; Ca = A0.T @ A0 / len(A0); Cb = B0.T @ B0 / len(B0)
    Sa, Sb = power(Ca, -a / 2), power(Cb, -b / 2)
    U, _, Vt = np.linalg.svd(Sa @ A0.T @ B0 @ Sb, full_matrices=False); W = Sa @ U @ Vt @ power(Cb, b / 2)
    W *= np.sqrt(np.trace(Ca) / np.trace(W.T @ Ca @ W)); return W, ma, mb
W, mx, my = fit(X, Y)
print('index as it is', ndcg(Yq))
print('half-whitened Procrustes (era stage one warm start)', ndcg((Xq - mx) @ W + my))
for b in (0.25, 0.5, 1.0):
    Wb, _, _ = fit(X, Y, b=b); print(f'  + target whitening {b}', ndcg((Xq - mx) @ Wb + my))
mq = Xq[[qpos[q] for q in train]].mean(0)  # the training queries' mean, no labels
print('  centred on the queries\' mean instead of the documents\'', ndcg((Xq - mq) @ W + my))
t = [qpos[q] for q in test]
Wp, mpx, mpy = fit(np.vstack([X, Xq[t]]), np.vstack([Y, Yq[t]]))
print('  fitted with the 300 test queries in both models added to the documents', ndcg((Xq - mpx) @ Wp + mpy))
Wq, mqx, mqy = fit(Xq[t], Yq[t])
print('  fitted on those 300 query pairs alone', ndcg((Xq - mqx) @ Wq + mqy))
# The warm start scaled about the sources' mean, s W (x - mx) + my, fitted on all but a seeded 1,000
# documents, which choose s label-free: the mean rank of each one's own target among all 5,183 (what
# era's guardrail measures); nDCG@10 on the training queries beside it, for the look only.
held = np.random.default_rng(0).permutation(len(X)); held, rest = held[:1000], held[1000:]
Ws, msx, msy = fit(X[rest], Y[rest]); Yn = Y / np.linalg.norm(Y, axis=1, keepdims=True)
for s in (0.5, 0.71, 1.0, 1.41, 2.0):
    M = (X[held] - msx) @ Ws * s + msy; M /= np.linalg.norm(M, axis=1, keepdims=True)
    S = M @ Yn.T; rank = 1 + (S > S[np.arange(len(held)), held][:, None]).sum(1)
    print(f'  scaled by {s}: held-out mean rank {rank.mean():.3f}, nDCG@10', ndcg((Xq - msx) @ Ws * s + msy))
