"""Strategy-level analysis of a multi-seed run: hybrid vs mono vs cross vs the untrained base.

Reads the scorer's report (``report.json`` from run.py, or the zero-shot one) and writes
``strategies.json`` and ``strategies.md`` beside it (or to --out):

- per setting (mono, cross, multi) and metric, each strategy's clean score and, per attack
  family, its drop (clean - attacked), as the mean over training seeds, with the spread
  (sample SD) of the seed means beside it;
- paired tests between strategies on per-query values averaged over the seeds (the queries of
  every cell of the setting pooled; a query is a (query language, corpus language, id) triple):
  the clean score, and the per-query drop under each attack; a paired t-test
  (scipy.stats.ttest_rel) with Holm over every row of the setting;
- a seed-level check of each difference: Welch's t-test over the seed means (n = seeds per
  strategy), since a difference smaller than the spread between seeds is not a finding;
- the power statement: the smallest difference the per-query paired test detects at 80% power,
  alpha 0.05 two-sided, (z_0.975 + z_0.8) * sd / sqrt(n), from the observed SD of the paired
  per-query differences.

Usage:
    python experiments/hybrid_vs_baselines/analyze.py experiments/hybrid_vs_baselines/results/me5-small/report.json
"""
from __future__ import annotations

import argparse
import math
import re
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from statistics import mean, stdev

import numpy as np
from scipy import stats

from robustir._io import atomic_write_text, dump_json, read_json
from robustir.benchmark.stats import holm

STRATS = ("base", "hybrid", "mono", "cross")
Z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
MD_METRICS = ("map", "ndcg@10", "lang_bias")  # the Markdown tables; strategies.json has mrr@10 too


def mde_80(sd: float, n: int) -> float | None:
    """Smallest mean paired difference a two-sided test at alpha 0.05 detects with 80% power,
    (z_0.975 + z_0.8) * sd / sqrt(n), from the SD of the paired differences."""
    return Z * sd / math.sqrt(n) if n > 1 else None


def strategy_of(model: str, base: str) -> tuple[str, int | None] | None:
    if model == base:
        return "base", None
    m = re.search(r"(hybrid|mono|cross)(?:-s(\d+))?$", model)
    return (m.group(1), int(m.group(2) or 0)) if m else None


def attack_label(spec: str | None) -> str:
    return "clean" if spec is None else spec.split("(")[0]


def collect(report: dict) -> tuple[dict, dict]:
    """values[(setting, metric, attack)][strategy][seed] = {query key: value}; attack None = clean."""
    base = report["models"][0] if isinstance(report["models"][0], str) else report["models"][0]["name"]
    values: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    for run in report["runs"]:
        who = strategy_of(run["model"], base)
        if who is None:
            continue
        strat, seed = who
        for metric, per_q in run["scores"].items():
            key = (run["setting"], metric, attack_label(run["attack"]))
            cell = (run["query_lang"], run["corpus_lang"])
            values[key][strat][seed].update({(cell, q): v for q, v in per_q.items()})
    return values, {"base": base}


def seed_avg(per_seed: dict, keys: list) -> np.ndarray:
    return np.mean([[per_seed[s][k] for k in keys] for s in sorted(per_seed, key=lambda x: (x is None, x))], axis=0)


def drops(values: dict, setting: str, metric: str, attack: str, strat: str) -> tuple[dict, list]:
    """Per seed: {key: clean - attacked} over the attacked queries; and the common keys."""
    clean = values[(setting, metric, "clean")][strat]
    att = values[(setting, metric, attack)][strat]
    out = {s: {k: clean[s][k] - v for k, v in att[s].items()} for s in att}
    keys = sorted(set.intersection(*(set(d) for d in out.values()))) if out else []
    return out, keys


def row_stats(per_seed_a: dict, per_seed_b: dict, keys: list) -> dict:
    a, b = seed_avg(per_seed_a, keys), seed_avg(per_seed_b, keys)
    d = a - b
    sd = float(np.std(d, ddof=1)) if len(d) > 1 else float("nan")
    p = float(stats.ttest_rel(a, b).pvalue) if sd > 0 else 1.0
    ma = [mean(per_seed_a[s][k] for k in keys) for s in per_seed_a]
    mb = [mean(per_seed_b[s][k] for k in keys) for s in per_seed_b]
    p_seed = (float(stats.ttest_ind(ma, mb, equal_var=False).pvalue)
              if len(ma) > 1 and len(mb) > 1 and (stdev(ma) > 0 or stdev(mb) > 0) else None)
    return {"n": len(keys), "mean_a": float(a.mean()), "mean_b": float(b.mean()), "diff": float(d.mean()), "sd_diff": sd,
            "p": p, "mde_80": mde_80(sd, len(d)),
            "seed_sd_a": stdev(ma) if len(ma) > 1 else None, "seed_sd_b": stdev(mb) if len(mb) > 1 else None,
            "p_seeds_welch": p_seed}


def analyse(report: dict) -> dict:
    values, meta = collect(report)
    settings = sorted({k[0] for k in values}, key=["mono", "cross", "multi"].index)
    out: dict = {"base": meta["base"], "settings": {}}
    for setting in settings:
        metrics = sorted({k[1] for k in values if k[0] == setting})
        attacks = sorted({k[2] for k in values if k[0] == setting and k[2] != "clean"})
        strats = [s for s in STRATS if s in values[(setting, metrics[0], "clean")]]
        table, tests = [], []
        for metric in metrics:
            for attack in ["clean"] + attacks:
                row = {"metric": metric, "attack": attack, "strategies": {}}
                per = {}
                for strat in strats:
                    if attack == "clean":
                        ps = values[(setting, metric, "clean")][strat]
                        keys = sorted(set.intersection(*(set(d) for d in ps.values())))
                    else:
                        ps, keys = drops(values, setting, metric, attack, strat)
                    if not keys:
                        continue
                    per[strat] = (ps, keys)
                    seed_means = [mean(ps[s][k] for k in keys) for s in ps]
                    row["strategies"][strat] = {"mean": mean(seed_means), "seed_sd": stdev(seed_means) if len(seed_means) > 1 else None,
                                                "seeds": len(seed_means), "n": len(keys)}
                table.append(row)
                for sa, sb in combinations([s for s in strats if s in per], 2):
                    keys = sorted(set(per[sa][1]) & set(per[sb][1]))
                    tests.append({"metric": metric, "attack": attack, "a": sa, "b": sb,
                                  "quantity": "clean score" if attack == "clean" else "drop"}
                                 | row_stats(per[sa][0], per[sb][0], keys))
        for t, ph in zip(tests, holm([t["p"] for t in tests])):
            t["p_holm"] = ph
        out["settings"][setting] = {"table": table, "tests": tests}
    return out


def fmt(x: float | None, nd: int = 4) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def render(res: dict, title: str) -> str:
    lines = [f"# {title}", "",
             "Mean over training seeds (seed SD in brackets). Clean rows: the score; attack rows: the drop "
             "(clean - attacked; for lang_bias, lower is better and a negative drop is an increase).", ""]
    for setting, block in res["settings"].items():
        strats = [s for s in STRATS if any(s in r["strategies"] for r in block["table"])]
        lines += [f"## Setting {setting}", "", "| metric | attack | " + " | ".join(strats) + " |",
                  "|---|---|" + "---:|" * len(strats)]
        for r in block["table"]:
            if r["metric"] not in MD_METRICS:
                continue
            cells = []
            for s in strats:
                v = r["strategies"].get(s)
                cells.append("-" if v is None else fmt(v["mean"]) + (f" ({fmt(v['seed_sd'])})" if v["seed_sd"] is not None else ""))
            lines.append(f"| {r['metric']} | {r['attack']} | " + " | ".join(cells) + " |")
        n_sig = sum(t["p_holm"] < 0.05 for t in block["tests"])
        lines += ["", f"Paired tests on seed-averaged per-query values ({len(block['tests'])} rows, Holm over them; "
                  f"{n_sig} significant at 0.05). `seeds p` is Welch's t-test over the seed means; `MDE` the smallest "
                  "difference detectable at 80% power.", "",
                  "| metric | attack | a vs b | quantity | n | a | b | diff | MDE | p | p Holm | seed SD a / b | seeds p |",
                  "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|"]
        for t in block["tests"]:
            if t["metric"] not in MD_METRICS:
                continue
            if "base" in (t["a"], t["b"]) and t["attack"] != "clean":
                continue  # drops against the base are in the JSON; the table keeps the strategy contrasts
            mark = "*" if t["p_holm"] < 0.05 else ""
            lines.append(f"| {t['metric']} | {t['attack']} | {t['a']} vs {t['b']} | {t['quantity']} | {t['n']} | "
                         f"{fmt(t['mean_a'])} | {fmt(t['mean_b'])} | {fmt(t['diff'])}{mark} | {fmt(t['mde_80'])} | {fmt(t['p'])} | "
                         f"{fmt(t['p_holm'])} | {fmt(t['seed_sd_a'])} / {fmt(t['seed_sd_b'])} | {fmt(t['p_seeds_welch'])} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report", type=Path)
    ap.add_argument("--out", type=Path, default=None, help="output stem (default: strategies beside the report)")
    args = ap.parse_args(argv)
    res = analyse(read_json(args.report))
    stem = args.out or args.report.with_name("strategies" if args.report.stem == "report" else f"{args.report.stem}_strategies")
    atomic_write_text(stem.with_suffix(".json"), dump_json(res))
    atomic_write_text(stem.with_suffix(".md"), render(res, f"Strategies on {args.report.name}"))
    print(f"wrote {stem.with_suffix('.json')} and {stem.with_suffix('.md')}")


if __name__ == "__main__":
    main()
