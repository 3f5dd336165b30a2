"""Word segmentation, stopwords and grapheme clusters (interface 1)."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from robustir.text.segment import Token, graphemes, is_stopword, stopwords, tokenize, word_spans, words
from robustir.errors import RobustirError, UnknownNameError
from robustir.languages import LANGUAGES

SAMPLES = {
    "th": "ภาษาไทยเป็นภาษาที่สวยงามมาก",
    "zh": "我爱北京天安门。",
    "ja": "東京都に住んでいます。",
    "ko": "한국어 문장을 나눕니다.",
    "hi": "भारत की राजधानी क्या है?",
    "ar": "ما هي عاصمة مصر؟",
    "en": "Don't stop, the 2024 rock'n'roll!",
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_round_trip_and_offsets(lang: str) -> None:
    text = SAMPLES[lang]
    toks = tokenize(text, lang)
    assert "".join(t.text for t in toks) == text
    for t in toks:
        assert text[t.start : t.end] == t.text
    assert [t.start for t in toks[1:]] == [t.end for t in toks[:-1]]


def test_real_segmenters_split_unspaced_scripts() -> None:
    assert words(SAMPLES["zh"], "zh") == ["我", "爱", "北京", "天安门"]
    assert words(SAMPLES["ja"], "ja")[:3] == ["東京", "都", "に"]
    th = words(SAMPLES["th"], "th")
    assert th[:2] == ["ภาษาไทย", "เป็น"] and len(th) >= 5
    assert words(SAMPLES["ko"], "ko") == ["한국어", "문장을", "나눕니다"]
    # Devanagari matras/viramas and Arabic letters stay inside their words.
    assert words(SAMPLES["hi"], "hi") == ["भारत", "की", "राजधानी", "क्या", "है"]
    assert words(SAMPLES["ar"], "ar") == ["ما", "هي", "عاصمة", "مصر"]
    assert words(SAMPLES["en"], "en") == ["Don't", "stop", "the", "2024", "rock'n'roll"]


def test_punctuation_is_not_a_word() -> None:
    toks = tokenize("我爱北京。", "zh")
    assert toks[-1] == Token("。", 4, 5, False)
    assert [t.is_word for t in tokenize("a, b", "en")] == [True, False, True]


def test_french_elision_is_split() -> None:
    assert words("l'homme qu'il aime", "fr") == ["l'", "homme", "qu'", "il", "aime"]
    assert words("dell'anno", "it") == ["dell'", "anno"]


def test_stopwords_cover_all_16_languages() -> None:
    assert len(LANGUAGES) == 16
    for lang in LANGUAGES:
        assert len(stopwords(lang)) > 50, lang
    assert is_stopword("The", "en") and not is_stopword("volcano", "en")
    assert is_stopword("und", "de") and is_stopword("的", "zh") and is_stopword("की", "hi")
    assert is_stopword("และ", "th") and not is_stopword("ภาษาไทย", "th")
    assert is_stopword("в", "ru") and not is_stopword("вулкан", "ru")


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(UnknownNameError, match="'xx'"):
        tokenize("abc", "xx")
    with pytest.raises(UnknownNameError):
        is_stopword("abc", "english")
    with pytest.raises(RobustirError, match="string"):
        tokenize(None, "en")  # type: ignore[arg-type]


def test_graphemes_keep_combining_marks_and_syllables() -> None:
    assert graphemes("नमस्ते") == ["न", "म", "स्ते"]
    assert graphemes("한국어") == ["한", "국", "어"]
    assert "ที่" in graphemes("ที่นี่")  # base + above vowel + tone mark = one cluster
    assert graphemes("e\u0301a") == ["e\u0301", "a"]
    assert "".join(graphemes("क्षत्रिय ภาษา")) == "क्षत्रिय ภาษา"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=60), lang=st.sampled_from(["en", "ar", "hi", "ko", "fr", "zh", "ja", "th"]))
def test_arbitrary_unicode_round_trips(text: str, lang: str) -> None:
    toks = tokenize(text, lang)
    assert "".join(t.text for t in toks) == text
    assert all(t.text for t in toks)
    assert "".join(graphemes(text)) == text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=60), lang=st.sampled_from(sorted(LANGUAGES)))
def test_word_spans_are_the_word_tokens(text: str, lang: str) -> None:
    assert word_spans(text, lang) == [(t.start, t.end) for t in tokenize(text, lang) if t.is_word]


def test_word_spans_of_real_samples_and_elisions() -> None:
    cases = [*SAMPLES.items(), ("fr", "l'homme qu'il aime aujourd'hui"), ("it", "dell'anno"), ("pt", "d'água")]
    for lang, text in cases:
        assert word_spans(text, lang) == [(t.start, t.end) for t in tokenize(text, lang) if t.is_word], lang


def _jieba_tokenizer():
    import jieba

    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


def _zh_sentences(tok, n: int) -> list[str]:
    """Random sentences of dictionary words, rare hanzi, Latin, digits and punctuation: routes
    with ties, unknown runs for the HMM and every kind of block jieba splits on."""
    r = random.Random(3)
    vocab = [w for w, f in tok.FREQ.items() if f]
    vocab = [vocab[i] for i in sorted(r.sample(range(len(vocab)), 20000))]
    rare = [chr(c) for c in range(0x4E00, 0x9FD6, 37)]
    other = ["", " ", "，", "。", "？", "NFL", "2015", "3.5%", "Wi-Fi", "C++", "a_b", "\u3000", "\n", "（", "·", "x.y"]
    out = []
    for _ in range(n):
        parts = [r.choice(vocab) if r.random() < 0.6 else r.choice(rare) if r.random() < 0.6 else r.choice(other)
                 for _ in range(r.randint(1, 12))]
        out.append("".join(parts))
    return out


def test_fast_jieba_cut_equals_jiebas_own(xquad_dir) -> None:
    pytest.importorskip("jieba")
    import json

    from robustir.text._jieba_cut import fast_cut

    tok = _jieba_tokenizer()
    fast = fast_cut(tok)
    assert fast is not None, "the installed jieba is not the version _jieba_cut copies"
    data = json.loads((xquad_dir / "zh.json").read_text(encoding="utf-8"))["data"]
    real = [p["context"] for a in data for p in a["paragraphs"]]
    real += [q["question"] for a in data for p in a["paragraphs"] for q in p["qas"]]
    for text in real + _zh_sentences(tok, 3000):
        assert fast(text) == list(tok.cut(text, HMM=True)), text


def test_fast_jieba_cut_breaks_ties_as_jieba() -> None:
    jieba = pytest.importorskip("jieba")
    from robustir.text._jieba_cut import fast_cut

    # Every word has frequency 1, so 甲乙|丙 and 甲|乙丙 score exactly alike: jieba's max()
    # over (score, end) takes the longer first word.
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total, tok.initialized = {"甲": 1, "乙": 1, "丙": 1, "甲乙": 1, "乙丙": 1}, 5, True
    fast = fast_cut(tok)
    for text in ["甲乙丙", "甲乙丙甲乙丙", "乙丙甲乙", "甲乙丙丁戊"]:
        assert fast(text) == list(tok.cut(text, HMM=True)), text
    assert fast("甲乙丙") == ["甲乙", "丙"]


def test_fast_hmm_cut_equals_jiebas_finalseg() -> None:
    pytest.importorskip("jieba")
    from jieba import finalseg

    from robustir.text._jieba_cut import _hmm_cutter

    cut = _hmm_cutter(finalseg)
    r = random.Random(11)
    hanzi = [chr(c) for c in range(0x4E00, 0x9FD6, 7)]
    common = list("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可")
    other = list("ab9 .%-，。\u3000") + ["NFL", "3.5%"]
    for _ in range(3000):
        text = "".join(r.choice(common) if r.random() < 0.5 else r.choice(hanzi) if r.random() < 0.8 else r.choice(other)
                       for _ in range(r.randint(1, 30)))
        assert cut(text) == list(finalseg.cut(text)), text


def _x_clusters(text: str) -> list[str]:
    import regex

    return regex.findall(r"\X", text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=40))
def test_graphemes_fast_path_equals_the_cluster_regex(text: str) -> None:
    assert graphemes(text) == _x_clusters(text)


def test_characters_alone_never_join_each_other() -> None:
    from robustir.text.segment import _alone

    r = random.Random(2)
    blocks = [(0x0041, 0x007A), (0x00C0, 0x024F), (0x0370, 0x03FF), (0x0400, 0x04FF), (0x0600, 0x06FF),
              (0x0900, 0x097F), (0x0E00, 0x0E7F), (0x1100, 0x11FF), (0x3040, 0x30FF), (0x4E00, 0x4E80),
              (0xAC00, 0xAC80), (0x1F1E6, 0x1F1FF), (0x1F300, 0x1F3FF), (0x0000, 0x0020), (0x200B, 0x200F)]
    chars = [chr(c) for lo, hi in blocks for c in range(lo, hi + 1)]
    alone = [c for c in chars if _alone(c)]
    assert "\u0915" in alone and "\u093e" not in alone and "\u1100" not in alone and "\u200d" not in alone
    assert "\r" not in alone and "\U0001f1e6" not in alone and "\uac00" in alone
    for _ in range(20000):
        text = "".join(r.choice(alone) for _ in range(r.randint(1, 6)))
        assert _x_clusters(text) == list(text), [hex(ord(c)) for c in text]
    for _ in range(20000):
        text = "".join(r.choice(chars) for _ in range(r.randint(1, 6)))
        assert graphemes(text) == _x_clusters(text), [hex(ord(c)) for c in text]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_word_spans_equal_the_unicode_pattern(text: str) -> None:
    from robustir.text.segment import _regex

    assert word_spans(text, "en") == [m.span() for m in _regex()[0].finditer(text)]
    assert word_spans(text, "de") == [(t.start, t.end) for t in tokenize(text, "de") if t.is_word]


def test_bmp_word_spans_equal_the_regex_module() -> None:
    from robustir.text.segment import _regex

    r = random.Random(4)
    blocks = [(0x0020, 0x02FF), (0x0300, 0x036F), (0x0370, 0x052F), (0x0600, 0x06FF), (0x0900, 0x097F),
              (0x0E00, 0x0E7F), (0x2000, 0x206F), (0x3000, 0x30FF), (0x4E00, 0x4E40), (0xAC00, 0xAC40),
              (0xFE00, 0xFFFF), (0x1F600, 0x1F64F), (0x10400, 0x1044F)]
    chars = [chr(c) for lo, hi in blocks for c in range(lo, hi + 1) if not 0xD800 <= c <= 0xDFFF] + ["'", "\u2019", "\u200d"]
    for _ in range(20000):
        text = "".join(r.choice(chars) for _ in range(r.randint(1, 25)))
        for lang in ("ar", "hi", "ru"):
            assert word_spans(text, lang) == [m.span() for m in _regex()[0].finditer(text)], text
