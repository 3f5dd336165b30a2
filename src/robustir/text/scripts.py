"""Scripts and case: which script a language is written in, and script-level helpers."""
from __future__ import annotations

from functools import lru_cache

from robustir.languages import UNSEGMENTED

__all__ = ["CASED", "SCRIPTS", "has_harakat", "same_script", "strip_harakat", "traditional"]

# Scripts a replacement word may use, per language (keeps the query's script).
SCRIPTS: dict[str, str] = {
    "ar": r"\p{Script=Arabic}", "hi": r"\p{Script=Devanagari}", "th": r"\p{Script=Thai}",
    "ko": r"\p{Script=Hangul}", "zh": r"\p{Script=Han}", "ru": r"\p{Script=Cyrillic}",
    "el": r"\p{Script=Greek}", "ja": r"\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30fc",
}
CASED = frozenset({"de", "el", "en", "es", "fr", "it", "pt", "ru", "tr", "vi"})


@lru_cache(maxsize=None)
def _script_re(lang: str):
    import regex

    letters = SCRIPTS.get(lang, r"\p{Script=Latin}")
    return regex.compile(rf"^[{letters}\p{{M}}\p{{N}}][{letters}\p{{M}}\p{{N}}'\u2019\- ]*$")


def same_script(word: str, lang: str) -> bool:
    """True if `word` is written only in `lang`'s script (plus marks, digits, hyphens; spaces
    only for languages that separate words with spaces). Chinese must stay Simplified (MUSE
    and the Wiktionary wordnet mix in Traditional forms)."""
    if lang in UNSEGMENTED and " " in word:
        return False
    if not _script_re(lang).match(word):
        return False
    return lang != "zh" or not traditional(word)


@lru_cache(maxsize=1)
def _hanzi():
    try:
        import hanzidentifier
    except ImportError:  # optional (robustir[segment]); without it Traditional forms pass
        return None
    return hanzidentifier


@lru_cache(maxsize=None)
def _opencc(config: str):
    from opencc import OpenCC  # opencc-python-reimplemented (robustir[segment])

    return OpenCC(config)


@lru_cache(maxsize=100_000)
def to_traditional(word: str) -> str:
    """`word` in Traditional characters (OpenCC s2t: 球队 -> 球隊); unchanged if already."""
    return _opencc("s2t").convert(word)


@lru_cache(maxsize=100_000)
def to_simplified(word: str) -> str:
    """`word` in Simplified characters (OpenCC t2s: 球隊 -> 球队)."""
    return _opencc("t2s").convert(word)


def traditional(word: str) -> bool:
    """True if `word` has a Traditional-only character (國防, not 国防 nor 防守)."""
    h = _hanzi()
    return h is not None and h.identify(word) in (h.TRADITIONAL, h.MIXED)


def has_harakat(word: str) -> bool:
    """True if an Arabic word carries short-vowel marks (harakat, U+064B-U+0652)."""
    return any("\u064b" <= ch <= "\u0652" for ch in word)


def strip_harakat(word: str) -> str:
    """Drop Arabic short-vowel marks: queries are usually written without them."""
    return "".join(ch for ch in word if not "\u064b" <= ch <= "\u0652")
