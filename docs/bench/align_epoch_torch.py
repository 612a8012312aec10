#!/usr/bin/env python3
"""PyTorch peer of one era stage-one InfoNCE epoch (docs/benchmarks.md, issue 13).

Reads the two scratch .npy files that `era-bench align ... --keep-files --json` prints
(source_file: n x p sources, target_file: n x m targets) and times what era's stage one does per
batch of B rows, on the first --rows rows (era trains on 90% of the pairs and holds out 10%: give
--rows 0.9 n for the same work per epoch; which rows does not change the time):

    u = x W^T + b            (W m x p, b m; initialised from identity-ish, which does not matter for time)
    z = u / ||u||            (row-wise)
    logits = z C^T / tau     (tau 0.05; C the candidates, unit rows)
    loss = cross-entropy with row i's positive at column i, backward, Adam (lr 1e-3) step

Negatives:
    --negatives in-batch            C = the batch's B targets (B x m)
    --negatives in-batch --pool K   C = the B batch targets followed by K targets drawn uniformly without
                                    replacement from all training targets (per batch, seeded); a pool entry
                                    whose row is in the batch gets logit -inf, so a positive is never a negative.

Batches of 256 rows of a seeded permutation each epoch (the last batch may be short). Prints one JSON
object; epoch_s is the mean seconds per epoch, excluding reading the files and normalising the targets.
"""
import argparse
import json
import time

import numpy as np
import torch


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", required=True, help="n x p .npy (era-bench align's source_file)")
    ap.add_argument("--target", required=True, help="n x m .npy (era-bench align's target_file)")
    ap.add_argument("--rows", type=int, default=None, help="train on the first ROWS pairs (default: all)")
    ap.add_argument("--negatives", choices=["in-batch"], default="in-batch")
    ap.add_argument("--pool", type=int, default=0, help="K extra uniformly drawn targets per batch (0: none)")
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--temperature", type=float, default=0.05)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_all = np.load(args.source, mmap_mode="r")
    y_all = np.load(args.target, mmap_mode="r")
    n = x_all.shape[0] if args.rows is None else min(args.rows, x_all.shape[0])
    x = torch.from_numpy(np.array(x_all[:n], dtype=np.float32))  # a writable copy
    t = torch.from_numpy(np.array(y_all[:n], dtype=np.float32))
    t = t / t.norm(dim=1, keepdim=True)
    p, m = x.shape[1], t.shape[1]
    if args.pool < 0 or args.pool > n:
        raise SystemExit(f"--pool must be in 0...{n}")

    weight = torch.zeros(m, p)
    k = min(m, p)
    weight[:k, :k] = torch.eye(k)
    weight.requires_grad_(True)
    bias = torch.zeros(m, requires_grad=True)
    optimizer = torch.optim.Adam([weight, bias], lr=args.lr)
    generator = torch.Generator().manual_seed(args.seed)
    inv_tau = 1.0 / args.temperature

    epoch_seconds, last_loss = [], float("nan")
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(n, generator=generator)
        for begin in range(0, n, args.batch_size):
            rows = order[begin : begin + args.batch_size]
            b = rows.numel()
            xb = x.index_select(0, rows)
            candidates = t.index_select(0, rows)
            if args.pool > 0:
                # K distinct rows, uniform: the K largest of n uniform keys (one O(n) draw per batch).
                pool = torch.rand(n, generator=generator).topk(args.pool).indices
                candidates = torch.cat([candidates, t.index_select(0, pool)])
                in_batch = torch.zeros(n, dtype=torch.bool)
                in_batch[rows] = True
                mask = in_batch[pool]
            u = xb @ weight.T + bias
            z = u / u.norm(dim=1, keepdim=True)
            logits = (z @ candidates.T) * inv_tau
            if args.pool > 0:
                logits = torch.cat([logits[:, :b], logits[:, b:].masked_fill(mask, float("-inf"))], dim=1)
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(b))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            last_loss = loss.item()
        epoch_seconds.append(time.perf_counter() - start)

    print(json.dumps({
        "rows": n, "source_dim": p, "target_dim": m, "batch_size": args.batch_size, "negatives": args.negatives,
        "pool": args.pool, "threads": args.threads, "epochs": args.epochs, "torch": torch.__version__,
        "epoch_s": sum(epoch_seconds) / len(epoch_seconds), "epoch_s_each": epoch_seconds, "last_loss": last_loss,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
