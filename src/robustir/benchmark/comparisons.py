"""Every comparison a score report draws from its per-query scores, Holm-adjusted together.

Each attacked run is compared with its baseline: the clean run of the same model and cell
(``baseline`` names the cell; for translate sets it is the monolingual cell of the dataset
language). Means are in the metric's own units; ``abs_drop`` = clean - attacked (for
``lang_bias``, where lower is better, attacked - clean), so a positive drop always means the
attack hurt; ``wins`` counts queries where clean is better, ``losses`` where attacked is.
Model-vs-model rows test model A's per-query drops against model B's on the same queries.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from robustir.benchmark.rows import ComparisonRow, ModelComparisonRow, RunRow
from robustir.benchmark.settings import LANG_BIAS
from robustir.benchmark.stats import TESTS, Comparison, compare_paired, holm
from robustir.errors import DataError, unknown_name

__all__ = ["LOWER_IS_BETTER", "DropKey", "build_comparisons", "clean_baseline", "compare_attacks", "compare_models",
           "orientation", "paired_scores"]

LOWER_IS_BETTER = frozenset({LANG_BIAS})
DropKey = tuple[str, str, str, str, str, str]  # (model, setting, query_lang, corpus_lang, attack, metric)


def orientation(metric: str) -> float:
    """+1 for metrics where larger is better, -1 for those where lower is (``lang_bias``)."""
    return -1.0 if metric in LOWER_IS_BETTER else 1.0


def paired_scores(clean: Mapping[str, float], attacked: Mapping[str, float], metric: str) -> tuple[list[str], list[float], list[float]]:
    """Common query ids and the paired (clean, attacked) values, oriented so larger = better."""
    qids = [q for q in clean if q in attacked]
    sign = orientation(metric)
    return qids, [sign * clean[q] for q in qids], [sign * attacked[q] for q in qids]


def clean_baseline(index: Mapping[tuple, RunRow], run: RunRow) -> RunRow | None:
    """The clean run an attacked `run` is compared with, from runs indexed by `RunRow.key`."""
    key = run.baseline_key
    return None if key is None else index.get(key)


def _finite(v: float) -> float | None:
    return None if not math.isfinite(v) else float(v)


def _test_fields(cmp: Comparison, test: str) -> dict[str, Any]:
    """The fields every comparison row shares: counts, the test and its statistics."""
    return {
        "wins": cmp.wins, "ties": cmp.ties, "losses": cmp.losses, "test": test, "statistic": _finite(cmp.statistic),
        "p": cmp.p, "ci_low": _finite(cmp.ci_low), "ci_high": _finite(cmp.ci_high),
        "effect_size": _finite(cmp.effect_size),
    }


def compare_attacks(
    runs: Sequence[RunRow], *, test: str = "t", seed: int = 0, n_resamples: int = 10_000
) -> tuple[list[ComparisonRow], dict[DropKey, dict[str, float]]]:
    """Clean-vs-attacked rows (before Holm) and each row's per-query drops (oriented, clean - attacked)."""
    index = {r.key: r for r in runs}
    rows: list[ComparisonRow] = []
    drops: dict[DropKey, dict[str, float]] = {}
    for r in runs:
        if r.attack is None:
            continue
        clean_run = clean_baseline(index, r)
        if clean_run is None:
            b = r.baseline.to_dict() if r.baseline else None
            raise DataError(f"report has no clean run for {r.model} {b} (baseline of attack {r.attack})")
        for metric, att_scores in r.scores.items():
            if metric not in clean_run.scores:
                continue
            qids, c, a = paired_scores(clean_run.scores[metric], att_scores, metric)
            if len(qids) < 2:
                continue
            cmp = compare_paired(c, a, test=test, seed=seed, n_resamples=n_resamples)
            sign = orientation(metric)
            clean_mean, att_mean = sign * cmp.mean_a, sign * cmp.mean_b
            rows.append(ComparisonRow(
                model=r.model, setting=r.setting, query_lang=r.query_lang, corpus_lang=r.corpus_lang, attack=r.attack,
                baseline=r.baseline, metric=metric, n=cmp.n, clean=clean_mean, attacked=att_mean, abs_drop=cmp.diff,
                rel_drop=_finite(cmp.diff / abs(clean_mean)) if clean_mean else None, **_test_fields(cmp, test),
            ))
            drops[(r.model, r.setting, r.query_lang, r.corpus_lang, r.attack, metric)] = {
                q: x - y for q, x, y in zip(qids, c, a)
            }
    return rows, drops


def compare_models(
    drops: Mapping[DropKey, Mapping[str, float]], models: Sequence[str], *, test: str = "t", seed: int = 0,
    n_resamples: int = 10_000,
) -> list[ModelComparisonRow]:
    """Model-vs-model rows (before Holm): every pair of `models` (in order) on every shared drop key."""
    out: list[ModelComparisonRow] = []
    for i, ma in enumerate(models):
        for mb in models[i + 1 :]:
            for key, da in drops.items():
                if key[0] != ma:
                    continue
                db = drops.get((mb, *key[1:]))
                if db is None:
                    continue
                qids = [q for q in da if q in db]
                if len(qids) < 2:
                    continue
                cmp = compare_paired([da[q] for q in qids], [db[q] for q in qids], test=test, seed=seed, n_resamples=n_resamples)
                out.append(ModelComparisonRow(
                    model_a=ma, model_b=mb, setting=key[1], query_lang=key[2], corpus_lang=key[3], attack=key[4],
                    metric=key[5], n=cmp.n, drop_a=cmp.mean_a, drop_b=cmp.mean_b, diff=cmp.diff,
                    **_test_fields(cmp, test),
                ))
    return out


def build_comparisons(
    runs: Sequence[RunRow],
    *,
    test: str = "t",
    seed: int = 0,
    n_resamples: int = 10_000,
    models: Sequence[str] | None = None,
) -> tuple[list[ComparisonRow], list[ModelComparisonRow]]:
    """(clean-vs-attacked rows, model-vs-model rows), Holm-adjusted together (see the module doc)."""
    if test not in TESTS:
        raise unknown_name("statistical test", test, TESTS)
    rows, drops = compare_attacks(runs, test=test, seed=seed, n_resamples=n_resamples)
    names = list(models) if models is not None else list(dict.fromkeys(r.model for r in runs))
    mrows = compare_models(drops, names, test=test, seed=seed, n_resamples=n_resamples)
    adjusted = holm([x.p for x in rows] + [x.p for x in mrows])
    return ([replace(x, p_holm=p) for x, p in zip(rows, adjusted[: len(rows)])],
            [replace(x, p_holm=p) for x, p in zip(mrows, adjusted[len(rows):])])
