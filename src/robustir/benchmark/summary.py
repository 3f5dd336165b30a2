"""A summary over languages: per (model, setting, attack, metric), every query of every cell pooled.

The per-cell tables answer "which language breaks"; the summary answers the first question a
user asks, "how much does this attack hurt this model overall, and is it real?". Per-query
clean/attacked pairs of all language cells of one (model, setting, attack, metric) are pooled
(a query id is qualified by its cell, so parallel questions stay distinct samples) and tested
with the report's own paired test; Holm-Bonferroni runs over the summary rows as one family.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from robustir.benchmark.stats import compare_paired, holm

if TYPE_CHECKING:
    from robustir.benchmark.results import ScoreReport

__all__ = ["SUMMARY_HEAD", "summary_rows"]

SUMMARY_HEAD = ("model", "setting", "attack", "metric", "cells", "n", "clean", "attacked", "drop", "drop %",
                "W/T/L", "p", "p Holm")


def summary_rows(report: ScoreReport) -> list[dict[str, Any]]:
    """Pooled comparisons, in the order the report lists models, attacks and settings."""
    from robustir.benchmark.results import LOWER_IS_BETTER, _drops, run_key

    opts = report.data["options"]
    index = {run_key(r): r for r in report.runs}
    pooled: dict[tuple[str, str, str, str], tuple[list[float], list[float], set[str]]] = {}
    for r in report.runs:
        if r["attack"] is None:
            continue
        b = r["baseline"]
        clean = index.get((r["model"], b["setting"], b["query_lang"], b["corpus_lang"], None))
        if clean is None:
            continue
        cell = f"{r['query_lang']}->{r['corpus_lang']}"
        for metric, att in r["scores"].items():
            if metric not in clean["scores"]:
                continue
            c_list, a_list, cells = pooled.setdefault((r["model"], r["setting"], r["attack"], metric), ([], [], set()))
            _, c, a = _drops(clean["scores"][metric], att, metric)  # oriented so larger = better
            c_list += c
            a_list += a
            cells.add(cell)
    rows = []
    for (model, setting, attack, metric), (c, a, cells) in pooled.items():
        if len(c) < 2:
            continue
        cmp = compare_paired(c, a, test=opts["test"], seed=opts["seed"], n_resamples=opts["n_resamples"])
        sign = -1.0 if metric in LOWER_IS_BETTER else 1.0
        clean_mean = sign * cmp.mean_a
        rows.append({
            "model": model, "setting": setting, "attack": attack, "metric": metric, "cells": len(cells), "n": cmp.n,
            "clean": clean_mean, "attacked": sign * cmp.mean_b, "abs_drop": cmp.diff,
            "rel_drop": cmp.diff / abs(clean_mean) if clean_mean else None,
            "wins": cmp.wins, "ties": cmp.ties, "losses": cmp.losses, "p": cmp.p,
        })
    for row, p in zip(rows, holm([r["p"] for r in rows])):
        row["p_holm"] = p
    return sorted(rows, key=_order_key(report))


def _order_key(report: ScoreReport):
    models = [m["name"] for m in report.data["models"]]
    metrics = list(report.data["metrics"])
    settings = ("mono", "cross", "multi")

    def pos(seq: Sequence[str], x: str) -> int:
        return seq.index(x) if x in seq else len(seq)

    return lambda r: (pos(models, r["model"]), r["attack"], pos(settings, r["setting"]), pos(metrics, r["metric"]))
