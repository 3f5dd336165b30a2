"""Promise: the board says which rank differences are real, from the stored per-query scores.

Known answers: two entries with identical scores tie with each other; an entry clearly better
on every query separates from them; intervals and ties are stable under the suite's seed.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from lb_records import make_record
from robustir.errors import RobustirError
from robustir.leaderboards.board import build_board
from robustir.leaderboards.render import render_csv, render_markdown
from robustir.leaderboards.suite import BoardOptions
from robustir.leaderboards.uncertainty import adjust, rank_intervals, tied_ranks, worst_case


@pytest.fixture()
def suite_u(suite_v1):
    return dataclasses.replace(suite_v1, board=BoardOptions(uncertainty=True, n_resamples=1000))


def test_identical_entries_tie_and_a_clearly_better_one_separates() -> None:
    rng = np.random.default_rng(0)
    base = rng.uniform(0.2, 0.6, 60)
    better = base + rng.uniform(0.2, 0.4, 60)
    m = np.vstack([better, base, base.copy()])
    assert tied_ranks(m, alpha=0.05) == [(1, 1), (2, 3), (2, 3)]
    # identical entries have identical bootstrap means, so they always share the better rank
    assert rank_intervals(m, n_resamples=1000, seed=0) == [(1, 1), (2, 2), (2, 2)]


def test_two_close_entries_are_not_separable_from_the_best() -> None:
    rng = np.random.default_rng(1)
    a = rng.uniform(0, 1, 40)
    b = np.clip(a + rng.normal(0, 0.2, 40), 0, 1)  # noise, no real difference
    lo_hi = tied_ranks(np.vstack([a, b]), alpha=0.05)
    assert lo_hi == [(1, 2), (1, 2)]


def test_benjamini_hochberg_is_never_stricter_than_holm() -> None:
    p = [0.01, 0.02, 0.03, 0.2, 0.5]
    holm, bh = adjust(p, "holm"), adjust(p, "bh")
    assert all(b <= h + 1e-12 for b, h in zip(bh, holm))
    assert bh[0] == pytest.approx(0.05)  # 0.01 * 5 / 1, monotone step-up
    with pytest.raises(RobustirError, match="did you mean 'bh'"):
        adjust(p, "bhh")


def test_worst_case_takes_each_querys_lowest_attack() -> None:
    by_attack = {"a": {("d", "q1"): 0.9, ("d", "q2"): 0.2}, "b": {("d", "q1"): 0.5, ("d", "q2"): 0.4}}
    assert worst_case(by_attack) == pytest.approx((0.5 + 0.2) / 2)


def test_board_with_uncertainty_renders_ranges_effects_and_models(suite_u) -> None:
    recs = [
        make_record("strong", suite_u, seed=1, quality=0.9, damage=0.02),
        make_record("weak-a", suite_u, seed=2, quality=0.3),
        make_record("weak-b", suite_u, seed=2, quality=0.3),  # same scores as weak-a
    ]
    board = build_board(recs, suite_u)
    keys = [t.key for t in board.tables]
    assert keys[:3] == ["overall", "uncertainty", "models"]
    table = board.tables[1]
    ranks = {row[1].value: row[0].value for row in table.rows}
    assert ranks == {"strong": "1", "weak-a": "2-3", "weak-b": "2-3"}
    strong = next(r for r in table.rows if r[1].value == "strong")
    assert strong[4].value is None  # no effect against itself
    weak = next(r for r in table.rows if r[1].value == "weak-a")
    assert weak[4].value < 0 and weak[6].value < 0
    md = render_markdown(board)
    assert "## Ranking with uncertainty" in md and "Rank 95% CI" in md and "Worst-case ndcg@10" in md
    assert "uncertainty.csv" in render_csv(board) and "models.csv" in render_csv(board)
    assert render_markdown(build_board(recs, suite_u)) == md  # seeded: same bytes


def test_correction_option_changes_the_note(suite_u) -> None:
    recs = [make_record("x", suite_u, seed=1), make_record("y", suite_u, seed=3, quality=0.4)]
    assert "Benjamini-Hochberg" in render_markdown(build_board(recs, suite_u, correction="bh"))
    assert "Benjamini-Hochberg" not in render_markdown(build_board(recs, suite_u))
