"""noise.ocr, noise.homoglyph, noise.case and noise.punct on real XQuAD-R questions and inline
examples: what each changes is what its docstring says, and nothing else."""
from __future__ import annotations

import unicodedata

import pytest

from robustir.attacks import build
from robustir.attacks.families.noise_homoglyph import homoglyphs
from robustir.attacks.families.noise_ocr import confusions
from robustir.errors import RobustirError


def _changed_chars(a: str, b: str) -> list[tuple[str, str]]:
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b) if x != y]


@pytest.mark.parametrize("name", ["noise.ocr", "noise.homoglyph", "noise.case", "noise.punct"])
def test_changes_most_real_questions(name, real_questions):
    pipe = build(name)
    for lang, qs in real_questions.items():
        if not pipe.supports(lang):
            continue
        changed = sum(pipe.perturb(t, lang=lang, qid=q, seed=0).changed for q, t in qs[:100])
        floor = 35 if (name, lang) == ("noise.ocr", "zh") else 90  # 16 Han confusion groups only
        assert changed >= floor, (name, lang, changed)


def test_ocr_replaces_only_listed_shapes(real_questions):
    pipe = build("noise.ocr(rate=0.3)")
    arabic_skeleton = {"ب": "ٮ", "ت": "ٮ", "ث": "ٮ", "ن": "ٮ", "ي": "ٮ", "ج": "ح", "خ": "ح", "ذ": "د", "ز": "ر", "ش": "س",
                       "ض": "ص", "ظ": "ط", "غ": "ع", "ق": "ف", "ة": "ه", "ى": "ٮ"}
    for q, t in real_questions["ar"][:50]:
        p = pipe.perturb(t, lang="ar", qid=q, seed=2)
        if len(p.perturbed) == len(t):  # Arabic groups are one letter each: skeletons survive
            for a, b in _changed_chars(t, p.perturbed):
                assert b in confusions("ar")[a]
                assert arabic_skeleton.get(a, a) == arabic_skeleton.get(b, b)
    p = build("noise.ocr(rate=1.0,max_edits=1000)").perturb("modern", lang="en", qid="x", seed=0)
    assert p.changed and set(p.perturbed) <= set("modernclvwhI10Og5q82SBZri")


def test_homoglyph_uses_unicode_confusables(real_questions):
    pipe = build("noise.homoglyph(rate=0.5)")
    for q, t in real_questions["en"][:50]:
        p = pipe.perturb(t, lang="en", qid=q, seed=0)
        pairs = _changed_chars(t, p.perturbed)
        assert pairs
        for a, b in pairs:
            assert b in homoglyphs(a)
            assert ord(b) < 0x0530  # "common": core Latin / Greek / Cyrillic look-alikes
    assert "а" in homoglyphs("a") and "o" in homoglyphs("о")  # Cyrillic <-> Latin
    assert all(unicodedata.normalize("NFKC", c) == c for c in homoglyphs("a", "any"))
    with pytest.raises(RobustirError):
        build("noise.homoglyph(targets=all)")


def test_case_keeps_letters_and_turkish_i():
    pipe = build("noise.case(rate=1.0,max_edits=1000)")
    text = "Wer schrieb den Faust?"
    p = pipe.perturb(text, lang="de", qid="x", seed=0)
    assert p.perturbed == text.swapcase()
    tr = build("noise.case(mode=lower,rate=1.0)").perturb("IĞDIR İLİ", lang="tr", qid="x", seed=0)
    assert tr.perturbed == "ığdır ili"
    el = build("noise.case(mode=lower,rate=1.0)").perturb("ΟΔΥΣΣΕΑΣ ΚΑΙ ΟΜΗΡΟΣ", lang="el", qid="x", seed=0)
    assert el.perturbed == "οδυσσεας και ομηρος"
    with pytest.raises(RobustirError):
        build("noise.case").perturb("中国的首都", lang="zh", qid="x", seed=0)


def test_punct_only_moves_spaces_and_punctuation(real_questions):
    spaces = build("noise.punct(ops='join,split',rate=0.5)")
    marks = build("noise.punct(ops='drop,double',rate=1.0)")
    for lang, qs in real_questions.items():
        for q, t in qs[:30]:
            p = spaces.perturb(t, lang=lang, qid=q, seed=0)
            assert p.perturbed.replace(" ", "") == t.replace(" ", ""), (lang, t, p.perturbed)
            m = marks.perturb(t, lang=lang, qid=q, seed=0)
            strip = lambda s: "".join(c for c in s if not unicodedata.category(c).startswith("P"))  # noqa: E731
            assert strip(m.perturbed) == strip(t)
    zh = build("noise.punct(ops=split,rate=1.0)").perturb("黑豹队的防守丢了多少分", lang="zh", qid="x", seed=0)
    assert " " in zh.perturbed and all(len(w) >= 1 for w in zh.perturbed.split(" "))
    with pytest.raises(RobustirError):
        build("noise.punct(ops='drop,shout')")
