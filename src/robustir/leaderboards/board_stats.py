"""The tables of a suite whose `[board]` asks for uncertainty: ranks with intervals and ties,
effect sizes, worst-case robustness, and the model metadata."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from robustir.leaderboards.cells import Cell, Table
from robustir.leaderboards.suite import Suite
from robustir.leaderboards.uncertainty import (
    effects_vs_best,
    per_unit,
    rank_intervals,
    shared_units,
    tied_ranks,
    unit_matrix,
    worst_case,
)

Entry = Any  # robustir.leaderboards.board.Entry (board imports this module)

__all__ = ["model_table", "uncertainty_table"]


def _range(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _worst(entry: Entry, attacks: Sequence[str]) -> float | None:
    by_attack = {a: per_unit({u: s for u, s in entry.attacked.items() if u[0][4] == a}) for a in attacks}
    return worst_case({a: t for a, t in by_attack.items() if t})


def uncertainty_table(entries: Sequence[Entry], suite: Suite, metric: str, alpha: float, correction: str) -> Table:
    ranked = [e for e in entries if e.complete]
    units = [per_unit(e.attacked) for e in ranked]
    matrix = unit_matrix(units)
    n_units = len(shared_units(units))
    opts = suite.board
    cis = rank_intervals(matrix, n_resamples=opts.n_resamples, seed=opts.seed) if ranked and n_units >= 2 else []
    ties = tied_ranks(matrix, alpha=alpha, correction=correction) if ranked else []
    effects = effects_vs_best(matrix, 0, seed=opts.seed, n_resamples=opts.n_resamples) if ranked else []
    attacks = list(suite.attack_labels)
    rows = []
    for i, e in enumerate(ranked):
        eff = effects[i] if effects else None
        rows.append((
            Cell(_range(*ties[i])),
            Cell(e.name),
            Cell(e.headline),
            Cell(_range(*cis[i]) if cis else "-"),
            Cell(None if eff is None else eff.diff),
            Cell("-" if eff is None else f"[{eff.ci_low:+.4f}, {eff.ci_high:+.4f}]"),
            Cell(None if eff is None else round(eff.d, 2)),
            Cell(_worst(e, attacks)),
            Cell(n_units),
        ))
    for e in entries:
        if not e.complete:
            rows.append((Cell("-"), Cell(e.name), Cell(e.headline), *(Cell("-") for _ in range(6))))
    how = "Holm" if correction == "holm" else "Benjamini-Hochberg"
    note = " ".join((
        f"Units are queries: each query's {metric} is averaged over every attacked cell it appears in (all languages, settings and attacks), so a parallel question counts once.",
        f"Rank: all pairwise paired t-tests between complete entries, {how}-corrected together at alpha {alpha}; an entry's range runs from 1 + the number of entries significantly better to n - the number significantly worse, so entries sharing a range that starts at 1 are not separable from the best.",
        f"Rank 95% CI: percentiles of the entry's rank over {opts.n_resamples} paired bootstrap resamples of the queries (seed {opts.seed}).",
        f"Δ vs best: mean per-query difference to the top entry with its bootstrap 95% interval (BCa); d: paired Cohen's d of the same differences.",
        "Worst-case: for each query its lowest score over the attack families (each family's score averaged over its cells), then averaged over queries; the analogue of MTEB's robustness@10.",
        "Entries missing cells are not ranked (-).",
    ))
    headers = ("Rank", "Model", f"Attacked {metric}", "Rank 95% CI", "Δ vs best", "Δ 95% CI", "d", f"Worst-case {metric}", "Queries")
    return Table("uncertainty", "Ranking with uncertainty", headers, tuple(rows), note)


def _policy(model: dict) -> str:
    if model.get("long_document_policy"):
        return str(model["long_document_policy"])
    if model.get("kind") == "sparse":
        return "whole document (BM25)"
    n = model.get("max_length")
    return f"truncate at {n} tokens" if n else "whole text (model's own limit)"


def model_table(entries: Sequence[Entry]) -> Table:
    rows = []
    for e in entries:
        m = e.record.model
        overlap = e.record.data.get("provenance", {}).get("training_overlap")
        langs = m.get("languages") or []
        rows.append((
            Cell(e.name),
            Cell(str(m.get("kind", "?"))),
            Cell(m.get("parameters") if isinstance(m.get("parameters"), int) else "-"),
            Cell(m.get("dim") if isinstance(m.get("dim"), int) else "-"),
            Cell(m.get("max_length") if isinstance(m.get("max_length"), int) else "-"),
            Cell(f"{len(langs)}: {','.join(langs)}" if langs else "-"),
            Cell(str(m.get("license") or "-")),
            Cell(f"yes ({overlap['dataset']})" if isinstance(overlap, dict) else "no"),
            Cell(_policy(m)),
        ))
    note = " ".join((
        "Metadata as declared in the model's spec and recorded at submission; parameters are counted from the checkpoint's weight files when it has any.",
        "Saw suite data: the checkpoint's robustir training record names a dataset this suite evaluates on (submitted with --allow-training-overlap).",
    ))
    headers = ("Model", "Kind", "Parameters", "Dim", "Max length", "Languages", "Licence", "Saw suite data", "Long-document policy")
    return Table("models", "Models", headers, tuple(rows), note)
