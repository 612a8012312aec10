# Exploratory (docs/upgrading.md, "Distillation from stage one"): does a term that keeps the rest of
# the ranking (KL from stage one's softmax over the documents a training query does not cite) keep
# unseen-document retrieval better than the weight penalty alone, when adapting on labeled pairs?
# A simplified stage two (split_common.py), training split only.
#   python3 docs/bench/adapt_distillation_numpy.py SRC TGT STAGE_ONE.safetensors FIT.tsv DEV.tsv [DATA_DIR]
import sys, numpy as np
from split_common import TAU, load, report, softmax, train
s = load(*sys.argv[1:6], sys.argv[6] if len(sys.argv) > 6 else '../shared/data/scifact')
S0 = (s.Xf @ s.W0.T + s.b0) @ s.C.T
# Teacher: stage one's distribution over the documents the query does not cite.
T = softmax(np.where(s.labeled, -np.inf, S0 / TAU))
n = len(s.Xf)


def run(lam, mu, steps):
    def distill(S):
        pu = softmax(np.where(s.labeled, -np.inf, S))
        return mu * (pu - T) / n              # KL(T || pu) over the uncited documents
    return train(s, lam, steps, logit_term=distill if mu > 0 else None)


report(s, [0, 1, 3, 10], run)
