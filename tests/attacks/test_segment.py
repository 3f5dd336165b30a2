"""Word segmentation, stopwords and grapheme clusters (interface 1)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from robustir.text.segment import Token, graphemes, is_stopword, stopwords, tokenize, words
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
