"""Clean held-out mAP of the base model and the trained checkpoints (a cheap check without the scorer).

Uses `robustir.training.evaluate` (exact cosine ranking, AP by ir_measures) on the held-out
articles recorded in the checkpoints' robustir_training.json.

Usage:
    python experiments/hybrid_vs_baselines/heldout_map.py --data ../shared/data/xquad-r --langs en,de \
        --base minilm-l6 --ckpt /tmp/hvb/ckpt --out experiments/hybrid_vs_baselines/results/heldout_map.json
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from robustir._io import atomic_write_text, dump_json, read_json


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--langs", default="en,de")
    ap.add_argument("--base", default="minilm-l6")
    ap.add_argument("--ckpt", type=Path, required=True, help="folder holding hybrid/, mono/, cross/")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    from sentence_transformers import SentenceTransformer

    from robustir.training.evaluate import heldout_map, load_heldout
    from robustir.training.trainer import load_base_model

    langs = [x.strip() for x in args.langs.split(",") if x.strip()]
    runs = {s: args.ckpt / s for s in ("hybrid", "mono", "cross") if (args.ckpt / s / "robustir_training.json").exists()}
    records = {s: read_json(p / "robustir_training.json") for s, p in runs.items()}
    held = {tuple(r["split"]["test_group_ids"]) for r in records.values()}
    if len(held) != 1:
        raise SystemExit("checkpoints disagree on the held-out groups")
    heldout = load_heldout(args.data, langs, next(iter(held)))
    t0 = time.time()
    base, _ = load_base_model(args.base)
    result = {"base": {"model": args.base, "map": heldout_map(base, heldout)}}
    for s, path in runs.items():
        cfg = records[s]["config"]
        model = SentenceTransformer(str(path))
        model.max_seq_length = base.max_seq_length  # checkpoints before 2026-11-25 15:00 kept the training truncation
        result[s] = {
            "steps": records[s]["steps"],
            "loss_before": records[s]["loss_before"],
            "loss_after": records[s]["loss_after"],
            "map": heldout_map(model, heldout, query_prefix=cfg["query_prefix"], passage_prefix=cfg["passage_prefix"]),
        }
    result["heldout_questions_per_lang"] = len(next(iter(held)))
    result["seconds"] = round(time.time() - t0, 1)
    atomic_write_text(args.out, dump_json(result))
    for name, r in result.items():
        if isinstance(r, dict) and "map" in r:
            print(name, {k: round(v, 4) for k, v in r["map"].items()})


if __name__ == "__main__":
    main()
