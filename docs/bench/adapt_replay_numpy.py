# Exploratory (docs/upgrading.md, "Replay of stage one's pairs"): does replaying stage one's own
# objective (InfoNCE of the query model's vector of a document against the index's vector of it, a
# random batch of 1,024 documents a step, weight mu) keep unseen-document retrieval better than the
# weight penalty alone, when adapting on labeled pairs? Full-batch Adam on every document, no mining
# or folds, learning rate 1e-3: a simplified stage two, training split only.
#   python3 docs/bench/adapt_replay_numpy.py SRC TGT STAGE_ONE.safetensors FIT.tsv DEV.tsv DATA_DIR MUS
#   (MUS: comma-separated weights, e.g. 0,1,3)
import json, struct, sys, numpy as np
src, tgt, adapter, fit_path, dev_path = sys.argv[1:6]
D = sys.argv[6]
def st(path):
    f = open(path, 'rb'); n = struct.unpack('<Q', f.read(8))[0]; h = json.loads(f.read(n)); base = 8 + n
    raw = open(path, 'rb').read()
    out = {}
    for k, v in h.items():
        if k == '__metadata__': continue
        a, b = v['data_offsets']; out[k] = np.frombuffer(raw[base + a:base + b], dtype=np.float32).reshape(v['shape'])
    return out
def ids(p): return [l.strip() for l in open(p) if l.strip()]
def qrels(p):
    r = {}
    for i, l in enumerate(open(p)):
        t = l.rstrip('\n').split('\t')
        if i == 0 and not t[-1].strip().lstrip('-').isdigit(): continue
        if int(t[2]) > 0: r.setdefault(t[0], set()).add(t[1])
    return r
qid = ids(f'{D}/query_ids.txt'); cid = ids(f'{D}/corpus_ids.txt')
qrow = {q: i for i, q in enumerate(qid)}; crow = {c: i for i, c in enumerate(cid)}
Xall = np.load(f'{D}/{src}.queries.npy').astype(np.float64)
C = np.load(f'{D}/{tgt}.corpus.npy').astype(np.float64); C /= np.linalg.norm(C, axis=1, keepdims=True)
Xc = np.load(f'{D}/{src}.corpus.npy').astype(np.float64)
rng = np.random.default_rng(0)
fit = qrels(fit_path); dev = qrels(dev_path)
a = st(adapter); W0 = a['weight'].astype(np.float64); b0 = a['bias'].astype(np.float64)
cited = set(d for s in fit.values() for d in s)
fq = [q for q in fit if q in qrow]; dq = [q for q in dev if q in qrow]
dq_unseen = [q for q in dq if not (dev[q] & cited)]
Xf = Xall[[qrow[q] for q in fq]]; Xd = Xall[[qrow[q] for q in dq]]
P = np.zeros((len(fq), len(cid)))
for i, q in enumerate(fq):
    for d in fit[q]: P[i, crow[d]] = 1
P /= P.sum(1, keepdims=True)
labeled = P > 0
def ndcg(W, b, X, qs, rel, k=10):
    Q = X @ W.T + b; S = Q @ C.T
    top = np.argsort(-S, axis=1)[:, :k]; out = []
    for i, q in enumerate(qs):
        r = rel[q]; g = [1.0 if cid[j] in r else 0.0 for j in top[i]]
        dcg = sum(x / np.log2(t + 2) for t, x in enumerate(g)); idcg = sum(1 / np.log2(t + 2) for t in range(min(k, len(r))))
        out.append(dcg / idcg)
    return np.array(out)
tau = 0.05
def softmax(S):
    S = S - S.max(1, keepdims=True); E = np.exp(S); return E / E.sum(1, keepdims=True)
def run(lam, mu, steps, lr=1e-3):
    W, b = W0.copy(), b0.copy(); m = [np.zeros_like(W), np.zeros_like(b)]; v = [np.zeros_like(W), np.zeros_like(b)]
    curve = {}
    n = len(fq)
    for t in range(1, steps + 1):
        Q = Xf @ W.T + b; S = Q @ C.T / tau
        p = softmax(S)
        G = (p - P) / n                      # InfoNCE over all documents, soft multi-positive target
        GQ = G @ C / tau
        gW = GQ.T @ Xf + 2 * lam * (W - W0)
        gb = GQ.sum(0) + 2 * lam * (b - b0)
        if mu > 0:
            B = rng.choice(len(cid), 1024, replace=False)
            QB = Xc[B] @ W.T + b; SB = QB @ C[B].T / tau
            GB = (softmax(SB) - np.eye(len(B))) / len(B)
            GQB = GB @ C[B] / tau
            gW += mu * GQB.T @ Xc[B]; gb += mu * GQB.sum(0)
        for i, (x, g) in enumerate(((W, gW), (b, gb))):
            m[i] = 0.9 * m[i] + 0.1 * g; v[i] = 0.999 * v[i] + 0.001 * g * g
            x -= lr * (m[i] / (1 - 0.9 ** t)) / (np.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8)
        if t % 100 == 0:
            all_ = ndcg(W, b, Xd, dq, dev).mean(); un = ndcg(W, b, Xall[[qrow[q] for q in dq_unseen]], dq_unseen, dev).mean()
            curve[t] = (all_, un)
    return curve
s1a = ndcg(W0, b0, Xd, dq, dev).mean(); s1u = ndcg(W0, b0, Xall[[qrow[q] for q in dq_unseen]], dq_unseen, dev).mean()
print(f'{src}->{tgt}: dev {len(dq)} queries, unseen {len(dq_unseen)}; stage one {s1a:.4f} / {s1u:.4f}', flush=True)
for lam, mu in [(0.03, float(x)) for x in sys.argv[7].split(',')]:
    c = run(lam, mu, 1000)
    print(f'  lambda {lam} mu {mu}: ' + '  '.join(f'{t}:{x:.4f}/{y:.4f}' for t, (x, y) in c.items() if t % 200 == 0), flush=True)
