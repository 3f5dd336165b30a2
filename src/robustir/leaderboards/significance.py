"""Paired tests and Holm correction for the board: the scorer's own statistics, reused."""
from __future__ import annotations

from collections.abc import Sequence

__all__ = ["holm", "paired_p"]


def paired_p(best: Sequence[float], other: Sequence[float], *, test: str = "t") -> float:
    """Two-sided paired p-value of `other` against `best` on the same units.

    Uses `robustir.benchmark.stats.paired_test`; fewer than two shared units give p = 1
    (nothing to mark).
    """
    if len(best) < 2:
        return 1.0
    from robustir.benchmark.stats import paired_test

    return paired_test(best, other, test=test, seed=0).p


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values in input order (`robustir.benchmark.stats.holm`)."""
    from robustir.benchmark.stats import holm as _holm

    return _holm(pvalues)
