"""Stopword lists hold function words only (scripts/build_stopwords.py, resources/stopwords/SOURCES.md).

Stopwords ISO alone listed Russian "война", "мир", "год", so drop.stopwords turned
"Кто написал роман «Война и мир»?" into "написал роман «»?"; these tests pin the fix.
"""
from __future__ import annotations

import unicodedata
from importlib.resources import files

import pytest

from robustir.attacks import build
from robustir.text.segment import STOPWORD_LANGS, is_stopword, stopwords

# Common content words (nouns, verbs, adjectives) that must never count as stopwords.
CONTENT = {
    "ru": "война мир год жизнь рука дело время человек день раз",
    "de": "Krieg Frieden Jahr Zeit Tag Leben Mensch Welt Beispiel",
    "en": "war peace year life time world part place man day",
    "fr": "guerre paix année vie temps monde homme jour",
    "es": "guerra paz año vida tiempo día mundo estado",
    "it": "guerra pace anno vita tempo mondo uomo giorno casa",
    "pt": "guerra paz ano vida tempo dia mundo",
    "ar": "حرب سلام سنة حياة",
    "hi": "युद्ध शांति साल जीवन घर",
    "el": "πόλεμος ειρήνη χρόνος ζωή",
    "tr": "savaş barış yıl hayat şey",
    "vi": "chiến tranh hòa bình năm người nhà",
    "ko": "전쟁 평화 년 사람",
    "zh": "战争 和平 年 人 生活",
    "ja": "戦争 平和 年 人",
    "th": "สงคราม สันติภาพ วัน ปี",
}
# Function words (articles, pronouns, prepositions, conjunctions, auxiliaries, particles).
FUNCTION = {
    "ru": "и в не на что Он",
    "de": "und der die das nicht Ist",
    "en": "the and of is what The don't don’t",
    "fr": "le la et de ne qui l' d’",
    "es": "el la y de que Los",
    "it": "il la e di che dell'",
    "pt": "o a e de que não",
    "ar": "في من على و",
    "hi": "की के में और है",
    "el": "και το της που είναι",
    "tr": "ve ile bu için",
    "vi": "và của là những các",
    "ko": "그리고 그러나 우리 및",
    "zh": "的 了 是 在 和",
    "ja": "の は が を に",
    "th": "และ ของ ใน ที่ ไม่",
}


def test_every_language_is_checked() -> None:
    assert set(CONTENT) == set(FUNCTION) == set(STOPWORD_LANGS)


@pytest.mark.parametrize("lang", sorted(CONTENT))
def test_content_words_are_not_stopwords(lang: str) -> None:
    wrong = [w for w in CONTENT[lang].split() if is_stopword(w, lang)]
    assert not wrong, f"{lang}: content words listed as stopwords: {wrong}"


@pytest.mark.parametrize("lang", sorted(FUNCTION))
def test_function_words_are_stopwords(lang: str) -> None:
    missing = [w for w in FUNCTION[lang].split() if not is_stopword(w, lang)]
    assert not missing, f"{lang}: function words missing: {missing}"


@pytest.mark.parametrize("lang", sorted(STOPWORD_LANGS))
def test_list_files_are_normalised_and_sorted(lang: str) -> None:
    text = files("robustir.text").joinpath("data", "stopwords", f"{lang}.txt").read_text(encoding="utf-8")
    lines = text.split("\n")
    assert lines[-1] == "" and all(lines[:-1]), lang  # one word per line, newline-terminated
    entries = lines[:-1]
    assert entries == sorted(set(entries)), lang
    assert all(w == unicodedata.normalize("NFC", w).casefold() == w.strip() for w in entries), lang
    assert 50 <= len(stopwords(lang)) <= 500, (lang, len(stopwords(lang)))


def test_drop_stopwords_keeps_war_and_peace() -> None:
    out = build("drop.stopwords").perturb("Кто написал роман «Война и мир»?", lang="ru", qid="q", seed=0)
    assert "Война" in out.perturbed and "мир" in out.perturbed
    assert out.perturbed == "написал роман «Война мир»?"


def test_drop_stopwords_elided_article_keeps_spacing() -> None:
    out = build("drop.stopwords").perturb("Qui a écrit l'histoire de la guerre ?", lang="fr", qid="q", seed=0).perturbed
    assert "histoire" in out.split() and "guerre" in out.split() and "l'" not in out
