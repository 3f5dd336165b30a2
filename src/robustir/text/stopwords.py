"""Stopword lists (function words only) for the 16 languages robustir knows.

They ship as package data (`text/data/stopwords/{lang}.txt`: from Snowball, Lucene and Savoy
lists, Stopwords ISO and spaCy; see `text/data/stopwords/SOURCES.md`), NFC and case-folded.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib.resources import files

from robustir.errors import unknown_name
from robustir.languages import LANGUAGES

__all__ = ["STOPWORD_LANGS", "is_stopword", "stopwords"]

STOPWORD_LANGS = frozenset(LANGUAGES)


@lru_cache(maxsize=None)
def stopwords(lang: str) -> frozenset[str]:
    """The stopword set of `lang` (NFC, case-folded)."""
    if lang not in LANGUAGES:
        raise unknown_name("language", lang, LANGUAGES)
    path = files("robustir.text").joinpath("data", "stopwords", f"{lang}.txt")
    return frozenset(w for w in path.read_text(encoding="utf-8").split("\n") if w)


def is_stopword(word: str, lang: str) -> bool:
    """True if `word` (any case) is a stopword of `lang`; digits-only words count as stopwords."""
    key = unicodedata.normalize("NFC", word).casefold()
    return key in stopwords(lang) or key.isdigit()
