# What the numpy first looks at a stage-two term share (adapt_distillation_numpy.py,
# adapt_replay_numpy.py): the training split read, nDCG@10, and a simplified stage two
# (full-batch Adam on every document, soft multi-positive InfoNCE, penalty lambda ||W - W0||^2,
# learning rate 1e-3, no mining or folds) with hooks for the term under study.
import json, struct, types, numpy as np

TAU = 0.05


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


def softmax(S):
    S = S - S.max(1, keepdims=True); E = np.exp(S); return E / E.sum(1, keepdims=True)


def load(src, tgt, adapter, fit_path, dev_path, D):
    """The split: FIT's queries to train (P their soft targets), DEV's to score (unseen: citing no FIT document)."""
    s = types.SimpleNamespace(src=src, tgt=tgt, D=D)
    qid = ids(f'{D}/query_ids.txt'); s.cid = ids(f'{D}/corpus_ids.txt')
    qrow = {q: i for i, q in enumerate(qid)}; crow = {c: i for i, c in enumerate(s.cid)}
    s.Xall = np.load(f'{D}/{src}.queries.npy').astype(np.float64)
    s.C = np.load(f'{D}/{tgt}.corpus.npy').astype(np.float64); s.C /= np.linalg.norm(s.C, axis=1, keepdims=True)
    fit = qrels(fit_path); s.dev = qrels(dev_path)
    a = st(adapter); s.W0 = a['weight'].astype(np.float64); s.b0 = a['bias'].astype(np.float64)
    cited = set(d for v in fit.values() for d in v)
    fq = [q for q in fit if q in qrow]; s.dq = [q for q in s.dev if q in qrow]
    s.dq_unseen = [q for q in s.dq if not (s.dev[q] & cited)]
    s.Xf = s.Xall[[qrow[q] for q in fq]]; s.Xd = s.Xall[[qrow[q] for q in s.dq]]
    s.Xu = s.Xall[[qrow[q] for q in s.dq_unseen]]
    s.P = np.zeros((len(fq), len(s.cid)))
    for i, q in enumerate(fq):
        for d in fit[q]: s.P[i, crow[d]] = 1
    s.P /= s.P.sum(1, keepdims=True)
    s.labeled = s.P > 0
    return s


def ndcg(s, W, b, X, qs, k=10):
    Q = X @ W.T + b; S = Q @ s.C.T
    top = np.argsort(-S, axis=1)[:, :k]; out = []
    for i, q in enumerate(qs):
        r = s.dev[q]; g = [1.0 if s.cid[j] in r else 0.0 for j in top[i]]
        dcg = sum(x / np.log2(t + 2) for t, x in enumerate(g)); idcg = sum(1 / np.log2(t + 2) for t in range(min(k, len(r))))
        out.append(dcg / idcg)
    return np.array(out)


def scores(s, W, b):
    """nDCG@10 on DEV: all, and unseen."""
    return ndcg(s, W, b, s.Xd, s.dq).mean(), ndcg(s, W, b, s.Xu, s.dq_unseen).mean()


def train(s, lam, steps, logit_term=None, param_term=None, lr=1e-3):
    """The dev curve every 100 steps. logit_term(S) adds to dL/d(logits / tau) before the map's gradient;
    param_term(W, b) returns what it adds to (dL/dW, dL/db) after it."""
    W, b = s.W0.copy(), s.b0.copy(); m = [np.zeros_like(W), np.zeros_like(b)]; v = [np.zeros_like(W), np.zeros_like(b)]
    curve = {}
    n = len(s.Xf)
    for t in range(1, steps + 1):
        Q = s.Xf @ W.T + b; S = Q @ s.C.T / TAU
        p = softmax(S)
        G = (p - s.P) / n                      # InfoNCE over all documents, soft multi-positive target
        if logit_term is not None: G += logit_term(S)
        GQ = G @ s.C / TAU
        gW = GQ.T @ s.Xf + 2 * lam * (W - s.W0)
        gb = GQ.sum(0) + 2 * lam * (b - s.b0)
        if param_term is not None:
            dW, db = param_term(W, b); gW += dW; gb += db
        for i, (x, g) in enumerate(((W, gW), (b, gb))):
            m[i] = 0.9 * m[i] + 0.1 * g; v[i] = 0.999 * v[i] + 0.001 * g * g
            x -= lr * (m[i] / (1 - 0.9 ** t)) / (np.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8)
        if t % 100 == 0:
            curve[t] = scores(s, W, b)
    return curve


def report(s, weights, run, lam=0.03, steps=1000):
    """Stage one's figures, then for each weight mu the curve of run(lam, mu, steps) every 200 steps."""
    s1a, s1u = scores(s, s.W0, s.b0)
    print(f'{s.src}->{s.tgt}: dev {len(s.dq)} queries, unseen {len(s.dq_unseen)}; stage one {s1a:.4f} / {s1u:.4f}', flush=True)
    for mu in weights:
        c = run(lam, mu, steps)
        print(f'  lambda {lam} mu {mu}: ' + '  '.join(f'{t}:{x:.4f}/{y:.4f}' for t, (x, y) in c.items() if t % 200 == 0), flush=True)
