"""Power of a two-model scorer report (the 8-step timing pilot's `pilot_power.json`): per clean
cell, the paired per-query mAP differences of the first two models and the 80%-power MDE from
analyze.py (the multi-seed runs get the same figure per strategy contrast from analyze.py).

Usage: python experiments/hybrid_vs_baselines/power.py REPORT.json > POWER.json
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from statistics import mean, stdev

sys.path.insert(0, str(Path(__file__).resolve().parent))
from analyze import Z, mde_80  # noqa: E402


def power(report: dict) -> dict:
    clean = [x for x in report["runs"] if x["attack"] is None]
    models = sorted({x["model"] for x in clean})
    by: dict = {}
    for x in clean:
        by.setdefault((x["setting"], x["query_lang"], x["corpus_lang"]), {})[x["model"]] = x["scores"]
    out: dict = {"z_sum": Z, "cells": []}
    for cell, d in sorted(by.items()):
        if len(d) < 2:
            continue
        a, b = (d[m]["map"] if isinstance(d[m], dict) and "map" in d[m] else None for m in models[:2])
        if a is None or b is None:
            continue
        qs = sorted(set(a) & set(b))
        diff = [b[q] - a[q] for q in qs]
        sd = stdev(diff)
        out["cells"].append({"cell": cell, "n": len(qs), "mean_map": {models[0]: mean(a[q] for q in qs), models[1]: mean(b[q] for q in qs)},
                             "diff": mean(diff), "sd_diff": sd, "mde_80": mde_80(sd, len(qs))})
    return out


if __name__ == "__main__":
    print(json.dumps(power(json.load(open(sys.argv[1], encoding="utf-8"))), indent=1))
