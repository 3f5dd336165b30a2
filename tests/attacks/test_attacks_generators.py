"""Unit tests of the core generators: keyboard geometry, IME slips, grapheme-safe char edits,
orthographic noise, word order and stopword removal."""
from __future__ import annotations

import unicodedata

import numpy as np
import pytest

from robustir.attacks import build
from robustir.text.segment import graphemes
from robustir.attacks.families.typo_char import alphabet_for
from robustir.attacks.families.typo_ime import hangul_compose, hangul_decompose, ja_candidates, ko_candidates, zh_candidates
from robustir.attacks.families.typo_keyboard import slip_candidates
from robustir.errors import RobustirError


def test_keyboard_neighbours_are_physically_adjacent():
    assert set(slip_candidates("q", "en")) == {"w", "a"}
    assert set(slip_candidates("g", "en")) == {"t", "y", "f", "h", "v", "b"}
    assert set(slip_candidates("G", "en")) == {"T", "Y", "F", "H", "V", "B"}  # shift level kept
    assert "t" in slip_candidates("z", "de") and "u" in slip_candidates("z", "de")  # QWERTZ
    assert {"z", "q"} <= set(slip_candidates("a", "fr"))  # AZERTY
    assert "ц" in slip_candidates("й", "ru") and "ф" in slip_candidates("й", "ru")
    assert "ñ" in slip_candidates("l", "es")
    assert "ş" in slip_candidates("l", "tr")
    assert "ς" in slip_candidates("ε", "el")
    assert "ห" in slip_candidates("ก", "th")  # Kedmanee: ก (D) next to ห (S)
    assert "ب" in slip_candidates("ل", "ar")
    assert "ै" in slip_candidates("ौ", "hi")  # InScript top row
    assert slip_candidates("1", "en") == ()  # digits are not slipped


def test_vietnamese_slips_the_base_letter_and_keeps_marks():
    out = slip_candidates("ệ", "vi")
    assert out and all(unicodedata.normalize("NFD", c)[0] in "wrdsđ" for c in out)


def test_hangul_arithmetic_round_trips_every_syllable():
    for code in range(0xAC00, 0xD7A4):
        syl = chr(code)
        assert hangul_compose(*hangul_decompose(syl)) == syl
    assert hangul_decompose("a") is None and hangul_compose("ㅏ", "ㅏ") is None


def test_korean_slips_are_dubeolsik_neighbours():
    # 한 = ㅎ(g) ㅏ(k) ㄴ(s); g's neighbours t y f h v b -> ㅅ ㅛ ㄹ ㅗ ㅍ ㅠ; only consonants fit as lead
    assert {"산", "란", "판"} <= set(ko_candidates("한"))
    assert all(hangul_decompose(c) for c in ko_candidates("닭"))


def test_japanese_romaji_slips_give_wrong_kana():
    assert "ま" in ja_candidates("か")  # k -> m
    assert "じゃ" in ja_candidates("か")  # k -> j
    assert "マ" in ja_candidates("カ")  # katakana stays katakana
    assert ja_candidates("漢") == ()


def test_chinese_homophones_share_the_reading():
    from pypinyin import Style, lazy_pinyin

    near = zh_candidates("队", False)
    assert near and all(lazy_pinyin(c, style=Style.NORMAL) == ["dui"] for c in near)
    assert "字" in zh_candidates("紫", True) or "子" in zh_candidates("紫", True)
    assert zh_candidates("a") == ()


@pytest.mark.parametrize("lang,text", [("hi", "लूथर के अंतिम कथन का कौन सा भाग जर्मन में था?"), ("th", "ใครเป็นผู้ก่อตั้งบริษัทแอปเปิลคอมพิวเตอร์"), ("ko", "한국의 수도는 어디입니까?")])
def test_char_typos_never_split_grapheme_clusters(lang, text):
    pipe = build("typo.char(rate=0.5)")
    original = set(graphemes(text))
    for seed in range(40):
        out = pipe.perturb(text, lang=lang, qid="q", seed=seed).perturbed
        for cluster in graphemes(out):
            # every cluster is an original one or one inserted letter of the same script
            assert cluster in original or (len(cluster) == 1 and alphabet_for(cluster, lang)), (out, cluster)


def test_char_typos_use_the_same_script():
    pipe = build("typo.char(rate=1.0,ops=substitute)")
    out = pipe.perturb("Кто написал роман", lang="ru", qid="q", seed=0).perturbed
    assert out != "Кто написал роман"
    assert all("CYRILLIC" in unicodedata.name(c) for c in out if c.isalpha())


def test_char_ops_are_validated():
    with pytest.raises(RobustirError, match="accepted"):
        build("typo.char(ops=swap)")
    assert "ops=\"delete,transpose\"" in str(build("typo.char(ops='transpose,delete')").spec)


@pytest.mark.parametrize("lang,text,expected", [
    ("de", "Straße in München", "Strasse in Munchen"),
    ("fr", "Où est la forêt ?", "Ou est la foret ?"),
    ("ar", "ما هي عاصمة أستراليا", "ما هى عاصمه استراليا"),
    ("ru", "Её ёлка", "Ее елка"),
    ("el", "Ποια είναι η πρωτεύουσα", "Ποια ειναι η πρωτευουσα"),
    ("tr", "Işık nerede", "Isik nerede"),
    ("th", "ผู้ก่อตั้ง", "ผูกอตัง"),
    ("hi", "क़िले का चाँद", "किले का चांद"),
    ("zh", "多少分？", "多少分?"),
    ("ja", "ＡＢＣ社", "ABC社"),
])
def test_diacritics_noise_applies_the_language_rules(lang, text, expected):
    assert build("noise.diacritics").perturb(text, lang=lang, qid="q", seed=0).perturbed == expected


def test_diacritics_does_not_claim_english():
    assert not build("noise.diacritics").supports("en")


def test_shuffle_keeps_the_words_and_drop_keeps_one_word():
    text = "what is the capital of france"
    for seed in range(20):
        out = build("order.shuffle(mode=shuffle)").perturb(text, lang="en", qid="q", seed=seed).perturbed
        assert sorted(out.split()) == sorted(text.split())
    swapped = build("order.shuffle").perturb(text, lang="en", qid="q", seed=0)
    assert swapped.changed and sorted(swapped.perturbed.split()) == sorted(text.split())
    dropped = build("drop.stopwords").perturb(text, lang="en", qid="q", seed=0).perturbed
    assert dropped == "capital france"
    only_stop = build("drop.stopwords").perturb("what is it", lang="en", qid="q", seed=0).perturbed
    assert only_stop.split() and len(only_stop.split()) == 1


def test_composed_pipeline_is_canonical_and_seeded_per_step():
    pipe = build("typo.keyboard + order.shuffle(mode=adjacent)")
    assert str(pipe.spec) == "typo.keyboard(max_edits=10,min_edits=1,mode=typist,near_pinyin=true,rate=0.1)+order.shuffle(max_edits=10,min_edits=1,mode=adjacent,rate=0.1)"
    assert str(build(str(pipe.spec)).spec) == str(pipe.spec)
    a = pipe.perturb("where is the eiffel tower", lang="en", qid="q1", seed=0)
    assert a.edits == 2 and a == pipe.perturb("where is the eiffel tower", lang="en", qid="q1", seed=0)
    assert {pipe.perturb("where is the eiffel tower", lang="en", qid="q1", seed=s).perturbed for s in range(5)} != {a.perturbed}


def test_unknown_attack_suggests_close_match():
    with pytest.raises(RobustirError, match="did you mean 'typo.keyboard'"):
        build("typo.keybord")
    with pytest.raises(RobustirError, match="does not support language 'en'"):
        build("noise.diacritics").perturb("cafe", lang="en", qid="q", seed=0)


def test_budget_edges():
    pipe = build("typo.keyboard(rate=1.0,max_edits=2)")
    p = pipe.perturb("one two three four five", lang="en", qid="q", seed=0)
    assert p.edits == 2 and len(np.nonzero([a != b for a, b in zip(p.perturbed.split(), "one two three four five".split())])[0]) == 2
