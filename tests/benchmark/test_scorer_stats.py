"""Statistics against scipy called directly on the same arrays; Holm against a hand computation."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from robustir.benchmark.stats import bootstrap_ci, cohens_d_paired, compare_paired, holm, paired_test
from robustir.errors import RobustirError, UnknownNameError

RNG = np.random.default_rng(12345)
A = RNG.uniform(0, 1, 60)
B = np.clip(A - RNG.normal(0.05, 0.1, 60), 0, 1)


def test_t_test_is_scipy_ttest_rel() -> None:
    r = paired_test(A, B, "t")
    ref = stats.ttest_rel(A, B)
    assert r.p == pytest.approx(ref.pvalue, rel=1e-12)
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-12)


def test_wilcoxon_is_scipy_wilcoxon() -> None:
    r = paired_test(A, B, "wilcoxon")
    ref = stats.wilcoxon(A, B)
    assert r.p == pytest.approx(ref.pvalue, rel=1e-12)


def test_permutation_is_scipy_permutation_test_and_reproducible() -> None:
    r1 = paired_test(A, B, "permutation", seed=7)
    r2 = paired_test(A, B, "permutation", seed=7)
    ref = stats.permutation_test(
        (A, B), lambda x, y, axis: np.mean(x - y, axis=axis), permutation_type="samples", vectorized=True,
        n_resamples=10_000, rng=np.random.default_rng(7),
    )
    assert r1.p == r2.p == pytest.approx(ref.pvalue, rel=1e-12)
    assert r1.statistic == pytest.approx(np.mean(A - B))
    other = [paired_test(A[:15], B[:15], "permutation", seed=s).p for s in (1, 2, 3)]
    assert len(set(other)) > 1  # the seed really drives the resampling


def test_bootstrap_ci_is_scipy_bootstrap() -> None:
    d = A - B
    lo, hi = bootstrap_ci(d, seed=3)
    ref = stats.bootstrap((d,), np.mean, n_resamples=10_000, method="BCa", rng=np.random.default_rng(3))
    assert (lo, hi) == pytest.approx((ref.confidence_interval.low, ref.confidence_interval.high), rel=1e-12)
    assert lo < d.mean() < hi


def test_cohens_d_paired() -> None:
    d = A - B
    assert cohens_d_paired(A, B) == pytest.approx(d.mean() / d.std(ddof=1))


def test_identical_samples_give_p_one() -> None:
    for test in ("t", "permutation", "wilcoxon"):
        assert paired_test(A, A, test).p == 1.0
    c = compare_paired(A, A)
    assert (c.wins, c.ties, c.losses, c.effect_size, c.ci_low, c.ci_high) == (0, 60, 0, 0.0, 0.0, 0.0)


def test_compare_paired_counts_and_means() -> None:
    c = compare_paired([1.0, 0.5, 0.2, 0.0], [0.5, 0.5, 0.4, 0.0], test="t")
    assert (c.wins, c.ties, c.losses, c.n) == (1, 2, 1, 4)
    assert c.mean_a == pytest.approx(0.425) and c.mean_b == pytest.approx(0.35) and c.diff == pytest.approx(0.075)
    assert c.p == pytest.approx(stats.ttest_rel([1.0, 0.5, 0.2, 0.0], [0.5, 0.5, 0.4, 0.0]).pvalue)


def test_holm_matches_hand_computation() -> None:
    # sorted: 0.005 -> 4 * 0.005 = 0.02; 0.01 -> 3 * 0.01 = 0.03; 0.03 -> 2 * 0.03 = 0.06; 0.04 -> max(0.06, 0.04)
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    assert holm([]) == []


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(UnknownNameError, match="statistical test 'ttest'"):
        paired_test(A, B, "ttest")
    with pytest.raises(RobustirError, match="equal length"):
        paired_test([1.0, 2.0], [1.0])
    with pytest.raises(RobustirError, match=r"\[0, 1\]"):
        holm([0.2, 1.5])
