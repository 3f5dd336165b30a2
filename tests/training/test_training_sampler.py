"""Hybrid batch sampler: mono share ~ alpha, language rules, no group twice, determinism."""
from __future__ import annotations

import math
from types import MappingProxyType

import pytest

from robustir.errors import DataError, RobustirError
from robustir.training.data import ParallelData, ParallelGroup
from robustir.training.sampler import HybridBatchSampler, SamplerFactory, build_pairs, strategy_alpha

LANGS = ("ar", "de", "en", "hi", "zh")


def _data(n_groups: int = 60, langs: tuple[str, ...] = LANGS, *, ragged: bool = False) -> ParallelData:
    groups = []
    for i in range(n_groups):
        ls = langs[: 2 + i % (len(langs) - 1)] if ragged else langs
        items = {lang: (f"q{i}-{lang}", f"p{i}-{lang}") for lang in ls}
        groups.append(ParallelGroup(f"g{i:03d}", f"a{i // 5}", MappingProxyType(items)))
    return ParallelData(tuple(groups), "synthetic")


def _sampler(data: ParallelData, alpha: float, *, batch_size: int = 8, seed: int = 0, **kw) -> HybridBatchSampler:
    layout, _q, _p = build_pairs(data, alpha)
    return HybridBatchSampler(range(len(layout)), batch_size, False, seed=seed, layout=layout, alpha=alpha, **kw)


def _batches(sampler: HybridBatchSampler, epochs: int):
    out = []
    for e in range(epochs):
        sampler.set_epoch(e)
        for rows in sampler:
            out.append([sampler.layout.row(i) for i in rows])
    return out


@pytest.mark.parametrize("alpha", [0.5, 0.2, 0.8])
def test_mono_share_is_alpha_within_binomial_tolerance(alpha):
    batches = _batches(_sampler(_data(), alpha), epochs=40)
    n = len(batches)
    assert n >= 1000
    mono = sum(all(q == p for _g, q, p in b) for b in batches)
    sigma = math.sqrt(n * alpha * (1 - alpha))
    assert abs(mono - alpha * n) <= 4 * sigma, (mono, n, alpha)


@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0])
def test_batches_are_monolingual_or_fully_cross_lingual(alpha):
    for batch in _batches(_sampler(_data(ragged=True), alpha), epochs=10):
        qlangs = {q for _g, q, _p in batch}
        plangs = {p for _g, _q, p in batch}
        assert len(qlangs) == 1 and len(plangs) == 1  # one query language, one passage language
        if alpha == 1.0:
            assert qlangs == plangs
        if alpha == 0.0:
            assert not qlangs & plangs  # no query's own language on the passage side


def test_no_batch_holds_two_items_of_one_group():
    sampler = _sampler(_data(n_groups=23), 0.5, batch_size=10)  # 23 groups: passes wrap mid-batch
    batches = _batches(sampler, epochs=20)
    for batch in batches:
        groups = [g for g, _q, _p in batch]
        assert len(groups) == len(set(groups))
    assert all(len(b) == 10 for b in batches)


def test_epoch_uses_every_query_text_about_once():
    data = _data(n_groups=40)
    sampler = _sampler(data, 1.0, batch_size=8)
    assert len(sampler) == 40 * len(LANGS) // 8
    rows = [r for batch in _batches(sampler, 1) for r in batch]
    assert len(rows) == 40 * len(LANGS)


def test_same_seed_same_order_other_seed_or_epoch_differs():
    data = _data()
    a = _batches(_sampler(data, 0.5, seed=7), epochs=2)
    b = _batches(_sampler(data, 0.5, seed=7), epochs=2)
    c = _batches(_sampler(data, 0.5, seed=8), epochs=2)
    assert a == b
    assert a != c
    half = len(a) // 2
    assert a[:half] != a[half:]  # a new epoch reshuffles


def test_size_weighted_languages_follow_data_size():
    data = _data(n_groups=200, ragged=True)  # ar, de in every group; zh in a quarter
    counts = {lang: 0 for lang in LANGS}
    for batch in _batches(_sampler(data, 1.0, lang_sampling="size"), epochs=5):
        counts[batch[0][1]] += 1
    assert counts["ar"] > 2 * counts["zh"] > 0
    uniform = {lang: 0 for lang in LANGS}
    for batch in _batches(_sampler(data, 1.0), epochs=5):
        uniform[batch[0][1]] += 1
    assert uniform["zh"] > counts["zh"]


def test_strategy_alpha_and_bad_input():
    assert strategy_alpha("mono") == 1.0
    assert strategy_alpha("cross") == 0.0
    assert strategy_alpha("hybrid") == 0.5
    assert strategy_alpha("hybrid", 0.3) == 0.3
    with pytest.raises(RobustirError, match="accepted: hybrid, mono, cross"):
        strategy_alpha("mixed")
    with pytest.raises(RobustirError, match="alpha=1"):
        strategy_alpha("mono", 0.5)
    with pytest.raises(RobustirError, match=r"\[0, 1\]"):
        strategy_alpha("hybrid", 1.5)
    with pytest.raises(DataError, match="at least two languages"):
        build_pairs(_data(langs=("en",)), 0.5)
    with pytest.raises(RobustirError, match="batch size"):
        _sampler(_data(), 0.5, batch_size=1)


def test_build_pairs_rows_match_texts():
    layout, queries, passages = build_pairs(_data(n_groups=3, langs=("de", "en")), 0.5)
    assert len(layout) == 3 * 4
    for i in range(len(layout)):
        gid, ql, pl = layout.row(i)
        n = int(gid[1:])
        assert queries[i] == f"q{n}-{ql}" and passages[i] == f"p{n}-{pl}"
    mono_layout, _, _ = build_pairs(_data(n_groups=3, langs=("de", "en")), 1.0)
    assert len(mono_layout) == 6


def test_factory_refuses_unregistered_dataset():
    layout, _q, _p = build_pairs(_data(n_groups=4), 0.5)
    factory = SamplerFactory(alpha=0.5)
    ds = list(range(len(layout)))
    factory.register(ds, layout)
    assert len(factory(ds, batch_size=2, drop_last=False, seed=1)) > 0
    with pytest.raises(RobustirError, match="not registered"):
        factory(list(ds), batch_size=2)
    with pytest.raises(DataError, match="rows"):
        factory.register([1, 2], layout)
