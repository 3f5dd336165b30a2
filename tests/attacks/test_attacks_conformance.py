"""Conformance of every registered attack (STYLE.md): determinism, strength 0, ids, non-empty
output, scripts preserved; on real XQuAD-R questions and inline examples in other languages."""
from __future__ import annotations

import unicodedata
from collections import Counter

import pytest

from robustir import attacks
from robustir.attacks import build
from robustir.attacks.runner import attack_queries
from robustir.errors import RobustirError
from robustir.types import QuerySet

ALL = attacks.names()


def scripts(text: str) -> Counter:
    """Letters per script (Japanese kana counted with kanji: the language mixes them)."""
    names = (unicodedata.name(c, "?").split(" ")[0] for c in text if unicodedata.category(c).startswith("L"))
    return Counter("CJK" if s in ("HIRAGANA", "KATAKANA") else s for s in names)


@pytest.fixture(autouse=True, scope="module")
def _resources(resources_dir):
    attacks.use_resources(resources_dir)
    yield
    from robustir.attacks import lexicons as resources

    resources.set_resource_dir(None)


def _runnable(name: str, samples) -> tuple[object, list[str]]:
    """The default pipeline of `name` and the sample languages it claims; skip model attacks
    whose default needs a model this machine cannot load (their wiring is tested elsewhere)."""
    pipe = build(name)
    langs = sorted(lang for lang in samples if pipe.supports(lang))
    assert langs, f"{name} supports none of the sample languages"
    if attacks.attacks.get(name).needs_model:
        try:
            pipe.perturb(samples[langs[0]][0][1], lang=langs[0], qid="probe", seed=0)
        except RobustirError as exc:
            pytest.skip(f"{name} needs a model: {exc}")
    return pipe, langs


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_output_and_never_empty(name, samples):
    pipe, langs = _runnable(name, samples)
    fresh = build(name)  # a second instance: nothing may depend on instance state
    for lang in langs:
        for qid, text in samples[lang][:8]:
            a = pipe.perturb(text, lang=lang, qid=qid, seed=7)
            b = fresh.perturb(text, lang=lang, qid=qid, seed=7)
            assert a == b, (name, lang, text)
            assert a.perturbed.strip(), (name, lang, text)
            assert a.original == text
            if not a.changed:
                assert a.edits == 0, (name, a)


@pytest.mark.parametrize("name", ALL)
def test_strength_zero_is_identity(name, samples):
    cls = attacks.attacks.get(name)
    if "rate" not in {p.name for p in cls.params}:
        pytest.skip(f"{name} has no strength parameter (it rewrites the whole query)")
    pipe = build(f"{name}(rate=0)")
    for lang in sorted(lang for lang in samples if pipe.supports(lang)):
        for qid, text in samples[lang]:
            p = pipe.perturb(text, lang=lang, qid=qid, seed=3)
            assert p.perturbed == text and p.edits == 0


@pytest.mark.parametrize("name", ALL)
def test_ids_preserved_and_script_survives(name, samples):
    pipe, langs = _runnable(name, samples)
    for lang in langs:
        qs = QuerySet.from_dict(dict(samples[lang]), lang=lang)
        rows, summary = attack_queries(pipe, qs, lang=lang, seed=1)
        assert [r["query_id"] for r in rows] == list(qs.ids)
        assert summary["changed"] + summary["unchanged"] == len(qs)
        if pipe.query_lang(lang) != lang:
            continue  # translation: the script is the target language's
        for r in rows:
            before, after = scripts(r["original"]), scripts(r["perturbed"])
            main = before.most_common(1)[0][0] if before else "LATIN"
            if main != "LATIN":  # the query's own script is still there (code_switch adds Latin words)
                assert after[main] >= min(2, before[main]), (name, lang, r["original"], r["perturbed"])


@pytest.mark.parametrize("name", ["typo.keyboard", "typo.char"])
def test_typos_change_nearly_every_real_question(name, real_questions, samples):
    pipe = build(name)
    for lang in sorted(samples):
        qs = real_questions.get(lang) or samples[lang]
        changed = sum(pipe.perturb(t, lang=lang, qid=q, seed=0).changed for q, t in qs)
        assert changed >= 0.9 * len(qs), (name, lang, changed, len(qs))
