"""Speed of the adversarial searches on one victim: attacked queries per minute, model calls per query.

The victim's corpus is indexed (or loaded from the cache) before the clock starts; the timed part
is the search alone. Greedy and beam share generators, budget and chrF floor.

    python perf/adversarial_speed.py --data-dir ../shared/data/xquad-r --model me5-small-q4 --lang en --limit 30
"""
from __future__ import annotations

import argparse
import json
import time

COMMON = "edits=typo.keyboard+typo.char,max_edits=3,min_chrf=50,target_rank=10"
SPECS = (f"adversarial.greedy({COMMON})", f"adversarial.beam({COMMON},width=2)", f"adversarial.beam({COMMON},width=4)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--model", default="me5-small-q4")
    ap.add_argument("--lang", default="en")
    ap.add_argument("--limit", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--specs", default="greedy,beam2,beam4", help="which of greedy, beam2, beam4 to run")
    args = ap.parse_args()

    from robustir.attacks import build
    from robustir.attacks.families.adversarial import summarize
    from robustir.attacks.fidelity import chrf
    from robustir.datasets import load_dataset
    from robustir.models import load_retriever

    ds = load_dataset("xquad-r", lang=args.lang, data_dir=args.data_dir)
    r = load_retriever(args.model)
    t = time.perf_counter()
    r.index(ds.corpus)
    print(f"index (cache or encode): {time.perf_counter() - t:.1f} s; stats {getattr(r, 'stats', {})}", flush=True)
    queries = list(zip(ds.queries.ids, ds.queries.texts))[: args.limit]
    # Warm the encoder once so the first timed search does not pay for model start-up.
    r.encode_queries([queries[0][1]], [args.lang]) if hasattr(r, "encode_queries") else None
    chosen = dict(zip(("greedy", "beam2", "beam4"), SPECS))
    for spec in [chosen[x] for x in args.specs.split(",")]:
        pipe = build(spec)
        step = pipe.steps[0]
        step.bind(r, ds)
        rows = []
        t = time.perf_counter()
        for qid, text in queries:
            p = pipe.perturb(text, lang=args.lang, qid=qid, seed=args.seed)
            rows.append({"edits": p.edits, "chrf": chrf(p.perturbed, text), **step.row_fields(text)})
        dt = time.perf_counter() - t
        s = summarize(rows, target_rank=10)
        out = {
            "spec": spec.split("(")[0] + ("(width=" + spec.rsplit("width=", 1)[1] if "width=" in spec else ""),
            "model": args.model, "queries": len(rows), "seconds": round(dt, 1),
            "queries_per_minute": round(len(rows) / dt * 60, 2), "model_calls_per_query": s["model_calls_per_query"],
            "success_rate": s["success_rate"], "mean_rank_before": s["mean_rank_before"],
            "mean_rank_after": s["mean_rank_after"], "mean_edits": s["mean_edits"], "mean_chrf": s["mean_chrf"],
            "corpus_texts_encoded_during_search": step.corpus_texts_encoded_since_bind(),
        }
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
