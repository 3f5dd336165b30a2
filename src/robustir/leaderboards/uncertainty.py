"""Uncertainty on the board, from the stored per-query scores (no retrieval is re-run).

Units are queries: a query id of a dataset names one question in every language, setting and
attack, so an entry's score of a unit is the mean of its (cell, query) scores over the cells
that unit appears in (as the board's significance marks already do).

- `rank_intervals`: the 95% interval of each entry's rank, by a seeded paired bootstrap over
  units (every resample draws the same units for every entry).
- `tied_ranks`: rank ranges from all pairwise paired tests, corrected together (Holm or
  Benjamini-Hochberg): an entry's best possible rank is 1 + the number of entries
  significantly better than it, its worst is n - the number significantly worse. The entries
  whose range starts at 1 form the group not separable from the best (shown as `1-3`).
- `worst_case`: per unit the lowest of its per-attack scores, averaged over units (the
  analogue of MTEB's robustness@10 over instructions).
- `effects_vs_best`: the mean per-query difference to the best entry with its bootstrap 95%
  interval and the paired Cohen's d.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from robustir.errors import RobustirError

__all__ = [
    "CORRECTIONS",
    "Effect",
    "adjust",
    "effects_vs_best",
    "rank_intervals",
    "shared_units",
    "tied_ranks",
    "unit_matrix",
    "worst_case",
]

CORRECTIONS = ("holm", "bh")
UnitKey = tuple[str, str]  # (dataset, query id)


def adjust(pvalues: Sequence[float], correction: str) -> list[float]:
    """Holm-Bonferroni (family-wise error) or Benjamini-Hochberg (false discovery rate,
    `scipy.stats.false_discovery_control`) adjusted p-values, in input order."""
    if correction not in CORRECTIONS:
        from robustir.errors import unknown_name

        raise unknown_name("multiple-testing correction", correction, CORRECTIONS)
    if not pvalues:
        return []
    if correction == "holm":
        from robustir.benchmark.stats import holm

        return holm(pvalues)
    from scipy.stats import false_discovery_control

    return [float(min(1.0, p)) for p in false_discovery_control(np.asarray(pvalues, dtype=np.float64), method="bh")]


def per_unit(scores: Mapping[tuple[tuple, str], float]) -> dict[UnitKey, float]:
    """(cell, qid) -> score  ==>  (dataset, qid) -> mean score over the unit's cells."""
    sums: dict[UnitKey, list[float]] = {}
    for (cell, qid), s in sorted(scores.items()):  # sorted: the same float sums whatever the hash seed
        acc = sums.setdefault((cell[0], qid), [0.0, 0])
        acc[0] += s
        acc[1] += 1
    return {k: v[0] / v[1] for k, v in sums.items()}


def shared_units(tables: Sequence[Mapping[UnitKey, float]]) -> list[UnitKey]:
    if not tables:
        return []
    common = set(tables[0])
    for t in tables[1:]:
        common &= set(t)
    return sorted(common)


def unit_matrix(tables: Sequence[Mapping[UnitKey, float]]) -> np.ndarray:
    """entries x shared units, float64."""
    units = shared_units(tables)
    return np.array([[t[u] for u in units] for t in tables], dtype=np.float64).reshape(len(tables), len(units))


def _ranks(means: np.ndarray) -> np.ndarray:
    """1-based ranks of each column's entries by descending mean (rows = resamples); ties share
    the better rank."""
    order = -means
    return (order[..., :, None] > order[..., None, :]).sum(axis=-1) + 1


def rank_intervals(
    matrix: np.ndarray, *, n_resamples: int = 2000, seed: int = 0, level: float = 0.95, chunk: int = 250
) -> list[tuple[int, int]]:
    """Percentile interval of each entry's rank over a paired bootstrap of the units."""
    n_entries, n_units = matrix.shape
    if n_entries == 0:
        return []
    if n_units < 2:
        raise RobustirError(f"rank intervals need at least 2 shared queries, got {n_units}")
    rng = np.random.default_rng(seed)
    ranks = np.empty((n_resamples, n_entries), dtype=np.int64)
    for start in range(0, n_resamples, chunk):
        stop = min(n_resamples, start + chunk)
        idx = rng.integers(0, n_units, size=(stop - start, n_units))
        means = matrix[:, idx].mean(axis=2).T  # resamples x entries
        ranks[start:stop] = _ranks(means)
    tail = (1.0 - level) / 2
    lo = np.quantile(ranks, tail, axis=0, method="inverted_cdf")
    hi = np.quantile(ranks, 1.0 - tail, axis=0, method="inverted_cdf")
    return [(int(a), int(b)) for a, b in zip(lo, hi)]


def tied_ranks(matrix: np.ndarray, *, alpha: float = 0.05, correction: str = "holm", test: str = "t") -> list[tuple[int, int]]:
    """(best rank, worst rank) of each entry from every pairwise paired test, corrected together."""
    from robustir.benchmark.stats import paired_test

    n = matrix.shape[0]
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    raw = []
    for i, j in pairs:
        same = np.array_equal(matrix[i], matrix[j])
        raw.append(1.0 if same or matrix.shape[1] < 2 else paired_test(matrix[i], matrix[j], test=test, seed=0).p)
    adjusted = adjust(raw, correction)
    better = [0] * n  # entries significantly better than i
    worse = [0] * n
    means = matrix.mean(axis=1) if matrix.size else np.zeros(n)
    for (i, j), p in zip(pairs, adjusted):
        if p >= alpha or means[i] == means[j]:
            continue
        hi, lo = (i, j) if means[i] > means[j] else (j, i)
        better[lo] += 1
        worse[hi] += 1
    return [(1 + better[i], n - worse[i]) for i in range(n)]


def worst_case(by_attack: Mapping[str, Mapping[UnitKey, float]]) -> float | None:
    """Mean over units of the unit's lowest per-attack score (units every attack has)."""
    units = shared_units(list(by_attack.values()))
    if not units:
        return None
    return float(np.mean([min(t[u] for t in by_attack.values()) for u in units]))


@dataclass(frozen=True)
class Effect:
    """An entry against the best one on the shared units."""

    diff: float  # mean(entry - best) per query
    ci_low: float
    ci_high: float
    d: float  # paired Cohen's d


def effects_vs_best(matrix: np.ndarray, best: int, *, seed: int = 0, n_resamples: int = 2000) -> list[Effect | None]:
    from robustir.benchmark.stats import bootstrap_ci, cohens_d_paired

    out: list[Effect | None] = []
    for i in range(matrix.shape[0]):
        if i == best or matrix.shape[1] < 2:
            out.append(None)
            continue
        diffs = matrix[i] - matrix[best]
        lo, hi = bootstrap_ci(diffs, seed=seed, n_resamples=n_resamples)
        out.append(Effect(float(diffs.mean()), lo, hi, cohens_d_paired(matrix[i], matrix[best])))
    return out
