"""Paired significance tests, bootstrap intervals, effect sizes and Holm-Bonferroni.

Every test runs on per-query scores of the same queries (clean against attacked, or one
model's per-query drops against another's). All tests are scipy's; randomness comes only
from a `numpy.random.Generator` seeded by the caller, so a p-value is identical across runs.

Example:
    >>> r = paired_test([0.5, 0.7, 0.9, 0.4], [0.4, 0.5, 0.9, 0.1], test="t")
    >>> round(r.p, 4)
    0.1027
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from robustir.errors import RobustirError, unknown_name

__all__ = [
    "TESTS",
    "Comparison",
    "TestResult",
    "bootstrap_ci",
    "cohens_d_paired",
    "compare_paired",
    "holm",
    "paired_test",
]

TESTS = ("t", "permutation", "wilcoxon")
N_RESAMPLES = 10_000


@dataclass(frozen=True)
class TestResult:
    test: str
    statistic: float
    p: float


def _pair(a: Sequence[float], b: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise RobustirError(f"paired samples must be two 1-D arrays of equal length, got {x.shape} and {y.shape}")
    if len(x) < 2:
        raise RobustirError(f"a paired test needs at least 2 queries, got {len(x)}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise RobustirError("paired samples contain NaN or infinite values")
    return x, y


def _mean_diff(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x - y, axis=axis)


def paired_test(
    a: Sequence[float], b: Sequence[float], test: str = "t", seed: int = 0, *, n_resamples: int = N_RESAMPLES
) -> TestResult:
    """Two-sided paired test of mean(a - b) = 0.

    ``t``: scipy.stats.ttest_rel. ``permutation``: scipy.stats.permutation_test with
    ``permutation_type='samples'`` (sign flips of the pairs), statistic mean(a - b),
    `n_resamples` (>= 10,000 by default) drawn from ``np.random.default_rng(seed)``.
    ``wilcoxon``: scipy.stats.wilcoxon signed-rank. When every difference is 0 the
    samples are identical and p is 1.0 (scipy would return NaN or refuse).
    """
    if test not in TESTS:
        raise unknown_name("statistical test", test, TESTS)
    x, y = _pair(a, b)
    if np.all(x == y):
        return TestResult(test, 0.0, 1.0)
    from scipy import stats

    if test == "t":
        r = stats.ttest_rel(x, y)
        stat, p = float(r.statistic), float(r.pvalue)
        if math.isnan(p):  # zero variance of non-zero differences: a constant shift
            p = 0.0
    elif test == "permutation":
        if n_resamples < 1:
            raise RobustirError(f"n_resamples must be positive, got {n_resamples}")
        r = stats.permutation_test(
            (x, y),
            _mean_diff,
            permutation_type="samples",
            vectorized=True,
            n_resamples=n_resamples,
            alternative="two-sided",
            rng=np.random.default_rng(seed),
        )
        stat, p = float(r.statistic), float(r.pvalue)
    else:
        r = stats.wilcoxon(x, y)
        stat, p = float(r.statistic), float(r.pvalue)
    return TestResult(test, stat, min(1.0, p))


def bootstrap_ci(
    diffs: Sequence[float], *, seed: int = 0, n_resamples: int = N_RESAMPLES, level: float = 0.95
) -> tuple[float, float]:
    """Bootstrap (BCa, scipy.stats.bootstrap) confidence interval of the mean of `diffs`."""
    d = np.asarray(diffs, dtype=np.float64)
    if len(d) < 2 or np.all(d == d[0]):
        v = float(d[0]) if len(d) else float("nan")
        return v, v
    from scipy import stats

    r = stats.bootstrap(
        (d,), np.mean, n_resamples=n_resamples, confidence_level=level, method="BCa", rng=np.random.default_rng(seed)
    )
    lo, hi = float(r.confidence_interval.low), float(r.confidence_interval.high)
    if math.isnan(lo) or math.isnan(hi):  # BCa degenerates on very skewed data: use percentiles
        r = stats.bootstrap(
            (d,), np.mean, n_resamples=n_resamples, confidence_level=level, method="percentile",
            rng=np.random.default_rng(seed),
        )
        lo, hi = float(r.confidence_interval.low), float(r.confidence_interval.high)
    return lo, hi


def cohens_d_paired(a: Sequence[float], b: Sequence[float]) -> float:
    """Cohen's d for paired samples (d_z): mean(a - b) / sd(a - b, ddof=1); 0 when a == b."""
    x, y = _pair(a, b)
    d = x - y
    sd = float(np.std(d, ddof=1))
    mean = float(np.mean(d))
    if sd == 0.0:
        return 0.0 if mean == 0.0 else math.copysign(math.inf, mean)
    return mean / sd


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in the input order.

    Sorted ascending, the i-th (from 0) of m p-values becomes max over j <= i of
    min(1, (m - j) * p_j): monotone, and `adjusted <= alpha` is Holm's step-down rule.
    """
    p = [float(v) for v in pvalues]
    for v in p:
        if math.isnan(v) or not 0.0 <= v <= 1.0:
            raise RobustirError(f"p-values must lie in [0, 1], got {v!r}")
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out


@dataclass(frozen=True)
class Comparison:
    """Clean against attacked (or model A's drops against model B's) on the same queries."""

    n: int
    mean_a: float
    mean_b: float
    diff: float  # mean(a - b)
    wins: int  # queries with a > b
    ties: int
    losses: int  # queries with a < b
    test: str
    statistic: float
    p: float
    ci_low: float
    ci_high: float
    effect_size: float  # Cohen's d (paired)

    def to_dict(self) -> dict[str, float | int | str | None]:
        out: dict[str, float | int | str | None] = {}
        for k, v in self.__dict__.items():
            out[k] = None if isinstance(v, float) and not math.isfinite(v) else v
        return out


def compare_paired(
    a: Sequence[float], b: Sequence[float], *, test: str = "t", seed: int = 0, n_resamples: int = N_RESAMPLES
) -> Comparison:
    """Everything the report shows for one paired comparison of `a` against `b`."""
    x, y = _pair(a, b)
    r = paired_test(x, y, test, seed, n_resamples=n_resamples)
    lo, hi = bootstrap_ci(x - y, seed=seed, n_resamples=n_resamples)
    return Comparison(
        n=len(x),
        mean_a=float(x.mean()),
        mean_b=float(y.mean()),
        diff=float((x - y).mean()),
        wins=int((x > y).sum()),
        ties=int((x == y).sum()),
        losses=int((x < y).sum()),
        test=test,
        statistic=r.statistic,
        p=r.p,
        ci_low=lo,
        ci_high=hi,
        effect_size=cohens_d_paired(x, y),
    )
