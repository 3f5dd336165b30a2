"""Transfer of adversarial query attacks between retrievers on real XQuAD-R.

For every victim, `adversarial.greedy` attacks the first `--limit` questions (the attacked-set
folder is written exactly as `robustir attack --model VICTIM` writes it); the model-free
`adversarial.random` baseline with the same generators and budget is written once. Every
folder is then scored on every model: success rate (relevant sentence pushed out of the top
`target_rank` on that model, over queries it had in the top k), nDCG@10 clean -> attacked and
the scorer's paired t-test. Prints a Markdown table (for docs/adversarial.md) and writes JSON.

    python perf/adversarial_transfer.py --data-dir ../shared/data/xquad-r --lang en --limit 50 \\
        --out /tmp/adv-transfer
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

MODELS = ("bm25", "muse-v3", "me5-small-q4")
COMMON = "edits=typo.keyboard+typo.char,max_edits=3,min_chrf=50"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--limit", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--target-rank", type=int, default=10)
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args()

    from robustir.attacks.families.adversarial import RankGoal
    from robustir.attacks.runner import read_attacked, run_attacks
    from robustir.datasets import load_dataset
    from robustir.benchmark.metrics import evaluate
    from robustir.benchmark.stats import paired_test
    from robustir.models import load_retriever
    from robustir.types import Qrels

    models = args.models.split(",")
    k = args.target_rank
    ds = load_dataset("xquad-r", lang=args.lang, data_dir=args.data_dir)
    folders: dict[str, Path] = {}
    timing: dict[str, float] = {}
    for victim in models:
        folder = args.out / f"greedy-{victim}"
        if not (folder / "manifest.json").exists():
            t = time.perf_counter()
            run_attacks("xquad-r", [f"adversarial.greedy({COMMON},target_rank={k})"], [args.lang], args.seed, folder,
                        data_dir=args.data_dir, limit=args.limit, model=victim, progress=False)
            timing[victim] = round(time.perf_counter() - t, 1)
            print(f"attacked with victim {victim} in {timing[victim]} s", flush=True)
        folders[f"greedy on {victim}"] = folder
    folder = args.out / "random"
    if not (folder / "manifest.json").exists():
        run_attacks("xquad-r", [f"adversarial.random({COMMON})"], [args.lang], args.seed, folder,
                    data_dir=args.data_dir, limit=args.limit, progress=False)
    folders["random (no model)"] = folder

    sets = {name: read_attacked(f).sets[0] for name, f in folders.items()}
    results = []
    for scorer in models:
        r = load_retriever(scorer)
        r.index(ds.corpus)
        goal = RankGoal(r, ds.corpus, target_rank=k)
        ids = list(ds.queries.ids[: args.limit])
        clean_texts = dict(zip(ds.queries.ids, ds.queries.texts))
        qrels = Qrels({q: ds.qrels[q] for q in ids})
        clean_q = ds.queries.subset(ids)
        clean = evaluate(qrels, r.search(clean_q, k=100), ["ndcg@10"])["ndcg@10"]
        for name, s in sets.items():
            kept = [q for q in ids if q in s.texts]
            att_q = clean_q.subset(kept).replace_texts({q: s.texts[q] for q in kept})
            att = evaluate(Qrels({q: qrels[q] for q in kept}), r.search(att_q, k=100), ["ndcg@10"])["ndcg@10"]
            a = [clean.get(q, 0.0) for q in kept]
            b = [att.get(q, 0.0) for q in kept]
            test = paired_test(a, b, "t")
            before, after = [], []
            for q in kept:
                qg = goal.for_query({d for d, g in ds.qrels[q].items() if g > 0}, lang=args.lang)
                x, y = qg.evaluate([clean_texts[q], s.texts[q]])
                before.append(x)
                after.append(y)
            attacked = [i for i, x in enumerate(before) if not x.success]
            success = sum(after[i].success for i in attacked) / max(1, len(attacked))
            entry = s.entry.get("adversarial") or {}
            results.append({
                "attack": name, "scored_on": scorer, "queries": len(kept), "success_rate": round(success, 4),
                "mean_rank_before": round(sum(x.rank for x in before) / len(kept), 2),
                "mean_rank_after": round(sum(x.rank for x in after) / len(kept), 2),
                "ndcg10_clean": round(sum(a) / len(a), 4), "ndcg10_attacked": round(sum(b) / len(b), 4),
                "p_t": test.p, "mean_edits": s.entry.get("mean_edits"), "mean_chrf": s.entry.get("mean_chrf"),
                "model_calls_per_query": entry.get("model_calls_per_query"),
            })
            print(json.dumps(results[-1]), flush=True)
    (args.out / "transfer.json").write_text(json.dumps({"results": results, "attack_seconds": timing}, indent=1))
    print(f"\n| attack \\ scored on | " + " | ".join(models) + " |")
    print("|---|" + "---|" * len(models))
    for name in sets:
        cells = []
        for scorer in models:
            x = next(e for e in results if e["attack"] == name and e["scored_on"] == scorer)
            cells.append(f"{x['success_rate']:.0%} ; nDCG@10 {x['ndcg10_clean']:.3f}->{x['ndcg10_attacked']:.3f} (p={x['p_t']:.1g})")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
