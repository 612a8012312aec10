# Exploratory (docs/upgrading.md, "Replay of stage one's pairs"): does replaying stage one's own
# objective (InfoNCE of the query model's vector of a document against the index's vector of it, a
# random batch of 1,024 documents a step, weight mu) keep unseen-document retrieval better than the
# weight penalty alone, when adapting on labeled pairs? A simplified stage two (split_common.py),
# training split only.
#   python3 docs/bench/adapt_replay_numpy.py SRC TGT STAGE_ONE.safetensors FIT.tsv DEV.tsv DATA_DIR MUS
#   (MUS: comma-separated weights, e.g. 0,1,3)
import sys, numpy as np
from split_common import TAU, load, report, softmax, train
s = load(*sys.argv[1:7])
Xc = np.load(f'{s.D}/{s.src}.corpus.npy').astype(np.float64)
rng = np.random.default_rng(0)


def run(lam, mu, steps):
    def replay(W, b):
        B = rng.choice(len(s.cid), 1024, replace=False)
        QB = Xc[B] @ W.T + b; SB = QB @ s.C[B].T / TAU
        GB = (softmax(SB) - np.eye(len(B))) / len(B)
        GQB = GB @ s.C[B] / TAU
        return mu * GQB.T @ Xc[B], mu * GQB.sum(0)
    return train(s, lam, steps, param_term=replay if mu > 0 else None)


report(s, [float(x) for x in sys.argv[7].split(',')], run)
