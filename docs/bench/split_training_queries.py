# The 600 / 209 split of SciFact's training queries that docs/upgrading.md's training-data studies use
# (the dev queries listed in split_dev_query_ids.txt, the others to fit): writes FIT and DEV, keeping
# qrels.train.tsv's header and line order. Refuses to replace a file that exists.
#   python3 docs/bench/split_training_queries.py ../shared/data/scifact/qrels.train.tsv fit.tsv dev.tsv
import os, sys
train, fit_path, dev_path = sys.argv[1:4]
dev_ids = set(l.strip() for l in open(os.path.join(os.path.dirname(__file__), 'split_dev_query_ids.txt')) if l.strip())
for path in (fit_path, dev_path):
    if os.path.exists(path): sys.exit(f'{path} exists; choose another name')
lines = open(train).read().splitlines(keepends=True)
header, rows = lines[0], lines[1:]
with open(fit_path, 'x') as fit, open(dev_path, 'x') as dev:
    fit.write(header); dev.write(header)
    for row in rows:
        (dev if row.split('\t')[0] in dev_ids else fit).write(row)
