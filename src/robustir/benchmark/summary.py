"""A summary over languages: per (model, setting, attack, metric), every query of every cell pooled.

The per-cell tables answer "which language breaks"; the summary answers the first question a
user asks, "how much does this attack hurt this model overall, and is it real?". Per-query
clean/attacked pairs of all language cells of one (model, setting, attack, metric) are pooled
(a query id is qualified by its cell, so parallel questions stay distinct samples) and tested
with the report's own paired test; Holm-Bonferroni runs over the summary rows as one family.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from robustir.benchmark.comparisons import clean_baseline, orientation, paired_scores
from robustir.benchmark.rows import ReportView, RunRow, SummaryRow
from robustir.benchmark.settings import SETTINGS
from robustir.benchmark.stats import compare_paired, holm

__all__ = ["SUMMARY_HEAD", "pool_pairs", "summary_rows"]

SUMMARY_HEAD = ("model", "setting", "attack", "metric", "cells", "n", "clean", "attacked", "drop", "drop %",
                "W/T/L", "p", "p Holm")
Pooled = dict[tuple[str, str, str, str], tuple[list[float], list[float], set[str]]]


def pool_pairs(runs: Sequence[RunRow]) -> Pooled:
    """(model, setting, attack, metric) -> (clean values, attacked values, cells), oriented so
    larger = better, over every attacked run that has its clean baseline."""
    index = {r.key: r for r in runs}
    pooled: Pooled = {}
    for r in runs:
        if r.attack is None:
            continue
        clean = clean_baseline(index, r)
        if clean is None:
            continue
        cell = f"{r.query_lang}->{r.corpus_lang}"
        for metric, att in r.scores.items():
            if metric not in clean.scores:
                continue
            c_list, a_list, cells = pooled.setdefault((r.model, r.setting, r.attack, metric), ([], [], set()))
            _, c, a = paired_scores(clean.scores[metric], att, metric)
            c_list += c
            a_list += a
            cells.add(cell)
    return pooled


def summary_rows(report: ReportView) -> list[SummaryRow]:
    """Pooled comparisons, in the order the report lists models, attacks and settings."""
    opts = report.header["options"]
    rows = []
    for (model, setting, attack, metric), (c, a, cells) in pool_pairs(report.runs).items():
        if len(c) < 2:
            continue
        cmp = compare_paired(c, a, test=opts["test"], seed=opts["seed"], n_resamples=opts["n_resamples"])
        sign = orientation(metric)
        clean_mean = sign * cmp.mean_a
        rows.append(SummaryRow(
            model=model, setting=setting, attack=attack, metric=metric, cells=len(cells), n=cmp.n, clean=clean_mean,
            attacked=sign * cmp.mean_b, abs_drop=cmp.diff, rel_drop=cmp.diff / abs(clean_mean) if clean_mean else None,
            wins=cmp.wins, ties=cmp.ties, losses=cmp.losses, p=cmp.p,
        ))
    rows = [replace(row, p_holm=p) for row, p in zip(rows, holm([r.p for r in rows]))]
    return sorted(rows, key=_order_key(report))


def _order_key(report: ReportView) -> Callable[[SummaryRow], tuple]:
    models = [m["name"] for m in report.header["models"]]
    metrics = list(report.header["metrics"])

    def pos(seq: Sequence[str], x: str) -> int:
        return seq.index(x) if x in seq else len(seq)

    return lambda r: (pos(models, r.model), r.attack, pos(SETTINGS, r.setting), pos(metrics, r.metric))
