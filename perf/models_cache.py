"""Scoring 1 clean + 5 attacked query sets: corpus cache vs re-encoding the corpus each time.

    python perf/models_cache.py [--data ../shared/data] [--lang en] [--queries 200]
        [--models minilm-l6,me5-small-q4] [--json out.json]

Corpus: the full XQuAD-R candidate set of one language; queries: --queries questions (every
6th), clean plus five attacked versions made by robustir.attacks (typo.keyboard, typo.char,
drop.stopwords, order.shuffle, typo.keyboard(rate=0.3); seed 0). "re-encode" does what BEIR's
and MTEB's retrieval evaluators do per query set: encode the corpus, then search. "cache"
uses one robustir retriever with the on-disk cache in a fresh temporary ROBUSTIR_HOME, so
the corpus is encoded exactly once (the first set) and read back for the other five.
Wall time and process CPU time are reported (the machine may be shared).
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ATTACKS = ("typo.keyboard", "typo.char", "drop.stopwords", "order.shuffle", "typo.keyboard(rate=0.3)")


def query_sets(ds, n: int):
    from robustir.attacks import build

    clean = ds.queries.subset(ds.queries.ids[::6][:n])
    sets = [("clean", clean)]
    for spec in ATTACKS:
        pipe = build(spec)
        texts = {q: pipe.perturb(t, lang=ds.lang, qid=q, seed=0).perturbed for q, t in zip(clean.ids, clean.texts)}
        sets.append((str(pipe.spec), clean.replace_texts({q: t for q, t in texts.items() if t.strip()})))
    return sets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--lang", default="en")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--models", default="minilm-l6,me5-small-q4")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    os.environ["ROBUSTIR_HOME"] = tempfile.mkdtemp(prefix="robustir-bench-cache-")

    from robustir.datasets import load_dataset
    from robustir.models import load_retriever

    ds = load_dataset("xquad-r", lang=args.lang, data_dir=args.data / "xquad-r")
    sets = query_sets(ds, args.queries)
    results = []
    for name in args.models.split(","):
        row: dict[str, object] = {"model": name, "documents": len(ds.corpus), "query_sets": len(sets), "queries": len(sets[0][1])}
        for mode in ("re-encode", "cache"):
            w, c = time.perf_counter(), time.process_time()
            encoded = 0
            if mode == "cache":
                r = load_retriever(name)
                for _, qs in sets:
                    r.index(ds.corpus)
                    r.search(qs, k=100)
                encoded = r.stats["corpus_texts_encoded"]
            else:
                for _, qs in sets:
                    r = load_retriever(name, cache=False)
                    r.index(ds.corpus)
                    r.search(qs, k=100)
                    encoded += r.stats["corpus_texts_encoded"]
            row[f"{mode}_wall_s"] = round(time.perf_counter() - w, 2)
            row[f"{mode}_cpu_s"] = round(time.process_time() - c, 2)
            row[f"{mode}_corpus_texts_encoded"] = encoded
        # a second process would find the corpus already on disk: measure that too
        w = time.perf_counter()
        r = load_retriever(name)
        r.index(ds.corpus)
        row["warm_cache_index_s"] = round(time.perf_counter() - w, 3)
        row["speedup_wall"] = round(float(row["re-encode_wall_s"]) / float(row["cache_wall_s"]), 2)
        row["speedup_cpu"] = round(float(row["re-encode_cpu_s"]) / float(row["cache_cpu_s"]), 2)
        results.append(row)
        print(json.dumps(row))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
