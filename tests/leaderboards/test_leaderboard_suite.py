"""The versioned suite: shipped versions match their pinned hashes; edits need a new version."""
from __future__ import annotations

import tomllib

import pytest

from robustir.errors import UnknownNameError
from robustir.leaderboards.suite import KNOWN_SUITES, SuiteError, available_suites, load_suite, suite_hash
from robustir.leaderboards.suite import _suites_dir


def test_leaderboard_suite_every_shipped_version_is_pinned():
    assert available_suites() == sorted(KNOWN_SUITES)
    for version in available_suites():
        content = tomllib.loads((_suites_dir() / f"{version}.toml").read_text(encoding="utf-8"))
        assert suite_hash(content) == KNOWN_SUITES[version], f"suite {version} changed: bump its version"
        assert content["version"] == version


def test_leaderboard_suite_v1_declares_the_seed_suite(suite_v1):
    xq = suite_v1.task("xquad-r")
    assert xq.langs == ("ar", "de", "en", "hi", "zh") and xq.settings == ("mono", "cross", "multi")
    assert xq.needs_data_dir and xq.max_queries == 100
    assert len(xq.select(tuple(str(i) for i in range(1190)))) == 100
    ml = suite_v1.task("mldr-sample")
    assert len(ml.langs) == 13 and ml.settings == ("mono",) and ml.max_queries == 0
    assert suite_v1.headline_metric == "ndcg@10" and "ndcg@10" in suite_v1.metrics
    assert len(suite_v1.attacks) == 8 and len({a.seed for a in suite_v1.attacks}) == 8


def test_leaderboard_suite_v3_is_v2_with_the_revised_word_substitutions():
    v2, v3 = load_suite("v2"), load_suite("v3")
    assert v3.tasks == v2.tasks and v3.metrics == v2.metrics and v3.board == v2.board
    assert [(a.label, a.seed, a.judge, a.min_sim) for a in v3.attacks] == [(a.label, a.seed, a.judge, a.min_sim) for a in v2.attacks]
    changed = {a.label: (a.spec, b.spec) for a, b in zip(v2.attacks, v3.attacks) if a.spec != b.spec}
    assert sorted(changed) == ["code_switch", "paraphrase.pivot", "synonym"]
    for old, new in changed.values():
        assert "revision=v3" in new and "revision" not in old  # v2 left the default out
    assert "zh_variants=true" in changed["code_switch"][1]


def test_leaderboard_suite_edit_without_version_bump_is_refused(tmp_path):
    text = (_suites_dir() / "v1.toml").read_text(encoding="utf-8")
    changed = tmp_path / "v1.toml"
    changed.write_text(text.replace("seed = 101", "seed = 999"), encoding="utf-8")
    with pytest.raises(SuiteError, match="changed without a version bump"):
        load_suite(changed)
    # comments and layout are not content
    relaid = tmp_path / "v1-relaid.toml"
    relaid.write_text("# a new comment\n" + text.replace("k = 100", "k   =   100"), encoding="utf-8")
    assert load_suite(relaid).content_hash == KNOWN_SUITES["v1"]


def test_leaderboard_suite_unregistered_and_malformed(tmp_path):
    text = (_suites_dir() / "v1.toml").read_text(encoding="utf-8")
    draft = tmp_path / "draft.toml"
    draft.write_text(text.replace('version = "v1"', 'version = "v2-draft"'), encoding="utf-8")
    with pytest.raises(SuiteError, match="not registered"):
        load_suite(draft)
    assert load_suite(draft, allow_unregistered=True).version == "v2-draft"
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('settings = ["mono"]', 'settings = ["mono", "pooled"]'), encoding="utf-8")
    with pytest.raises(UnknownNameError, match="pooled"):
        load_suite(bad, allow_unregistered=True)
    with pytest.raises(UnknownNameError, match="did you mean 'v1'"):
        load_suite("v11")
