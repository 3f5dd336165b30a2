"""One retriever on one XQuAD-R language: load, index the full candidate set, search the first
200 questions, print load/index/search wall seconds, hit@10 and the retriever's counters.

    ROBUSTIR_HOME=/tmp/some-cache python perf/models_xquad_smoke.py MODEL [LANG] [--data ../shared/data]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("lang", nargs="?", default="en")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = ap.parse_args()

    from robustir.datasets import load_dataset
    from robustir.models import load_retriever

    ds = load_dataset("xquad-r", lang=args.lang, data_dir=args.data / "xquad-r")
    q = ds.queries.subset(ds.queries.ids[:200])
    t = time.time()
    r = load_retriever(args.model)
    print("load", round(time.time() - t, 2))
    t = time.time()
    r.index(ds.corpus)
    print("index", round(time.time() - t, 2))
    t = time.time()
    run = r.search(q, k=10)
    print("search", round(time.time() - t, 2))
    hits = sum(any(doc in ds.qrels[qid] for doc in run[qid]) for qid in q.ids)
    print(args.model, args.lang, "hit@10", hits / len(q), r.stats)


if __name__ == "__main__":
    main()
