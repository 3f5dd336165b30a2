"""Property tests: arbitrary Unicode never crashes an attack, edits stay within the budget,
output is valid, non-empty text and deterministic."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from robustir.attacks import build, names

CORE = ["typo.keyboard", "typo.char", "noise.diacritics", "order.shuffle", "drop.stopwords"]
LANGS = ["en", "de", "ar", "hi", "th", "zh", "ja", "ko", "ru", "el", "vi"]

# Mostly the scripts we handle, plus anything Unicode has (controls, marks, emoji, astral).
scripty = st.text(alphabet=st.sampled_from(list("abcXYZ é ü ß Кё αά ضأة हक़ँ् กำ่ เ 中文队？ かカの ＡＢ 한국 1 ,.?")), max_size=40)
anything = st.text(max_size=40)


@pytest.mark.parametrize("name", CORE)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(scripty, anything), lang=st.sampled_from(LANGS), seed=st.integers(0, 2**32 - 1))
def test_arbitrary_unicode_never_crashes(name, text, lang, seed):
    pipe = build(f"{name}(rate=0.5,max_edits=3)")
    if not pipe.supports(lang):
        return
    p = pipe.perturb(text, lang=lang, qid="q", seed=seed)
    assert isinstance(p.perturbed, str)
    p.perturbed.encode("utf-8")  # valid Unicode: no lone surrogates
    assert p.edits <= 3
    if text.strip():
        assert p.perturbed.strip()
    else:
        assert p.perturbed == text
    assert p == pipe.perturb(text, lang=lang, qid="q", seed=seed)


@settings(max_examples=40, deadline=None)
@given(words=st.lists(st.sampled_from(["the", "cat", "of", "house", "and", "river", "is"]), min_size=1, max_size=12))
def test_drop_stopwords_never_empties_a_query(words):
    text = " ".join(words)
    out = build("drop.stopwords").perturb(text, lang="en", qid="q", seed=0).perturbed
    assert out.split() and set(out.split()) <= set(words)


# The lexical attacks (resource-backed; model-backed ones are left to their own tests).
LEXICAL = [n for n in ("synonym", "code_switch", "paraphrase.pivot", "translate") if n in names()]


@pytest.fixture(scope="module")
def lexical_resources(resources_dir):
    from robustir import attacks

    attacks.use_resources(resources_dir)
    yield
    from robustir.attacks import lexicons as resources

    resources.set_resource_dir(None)


@pytest.mark.parametrize("name", LEXICAL)
def test_arbitrary_unicode_never_crashes_lexical_attacks(name, lexical_resources):
    pipe = build(name)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(text=st.one_of(scripty, anything), lang=st.sampled_from(["en", "de", "zh", "ja", "ar"]))
    def check(text, lang):
        if not pipe.supports(lang):
            return
        p = pipe.perturb(text, lang=lang, qid="q", seed=0)
        p.perturbed.encode("utf-8")
        assert p.perturbed.strip() or p.perturbed == text

    check()
