"""Arabic word shape: the article and its proclitics, and telling a transliterated English
word (a name or a loan: بول "Paul", سيتي "city") from an Arabic one.

Arabic writes no case, so names cannot be found by capitals; but MUSE's ar-en dictionary
translates a name or a loan by the English word it spells (جون -> john, بوينت -> point).
`transliterates` compares the two spellings (`robustir.text.translit`).
"""
from __future__ import annotations

from robustir.text.translit import spells

__all__ = ["AR_PREFIXES", "LIGHT_VERBS", "arabic_prefix", "root_key", "same_root", "strip_article", "transliterates"]

# Each with the shortest stem it may carry: a shorter remainder is more likely part of the
# word itself (والدين "parents" is no wa-al-din).
AR_PREFIXES = (("وال", 4), ("بال", 4), ("فال", 4), ("لل", 4), ("ال", 3))


def arabic_prefix(word: str, *, loose: bool = False) -> str:
    """The article with its proclitic that an Arabic word starts with (ال, وال, بال, فال, لل),
    or "" for a bare word or one whose remainder is too short to be split off as a stem
    (والدين, الله). `loose`: any remainder of two letters or more counts (البث, الحل), for
    telling whether two words agree rather than for splitting one."""
    for prefix, shortest in AR_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= (2 if loose else shortest):
            return prefix
    return ""


def strip_article(word: str) -> str:
    """The word without the article and proclitic `arabic_prefix` reads loosely (البث -> بث)."""
    return word[len(arabic_prefix(word, loose=True)):]


def transliterates(arabic: str, english: str, *, shortest: int = 2) -> bool:
    """True if the Arabic word, its article set aside, spells the English one (جون/john,
    سيتي/city, الناشيونال/national; `robustir.text.translit.spells`)."""
    return spells(strip_article(arabic), english, shortest=shortest)


# Verbs Arabic uses as auxiliaries of a verbal noun (تم بناء "was built", قام بتأسيس "founded"):
# their round trips (did, done, completed) give other verbs, never a paraphrase.
LIGHT_VERBS = frozenset("تم تمت يتم تتم قام قامت يقوم تقوم".split())

_WEAK = str.maketrans("", "", "اويىأإآءئؤ")


def root_key(word: str) -> str:
    """An Arabic word without its article, the feminine ending (ة, or ه as it is often
    written), one inflectional prefix (ي ت ن م) and suffix (ت ن), the long vowels and the
    hamza seats: the letters its forms share (يقول and تقول -> قل; مجموعة and جمع -> جمع;
    سنة and سنه -> سن)."""
    w = strip_article(word)
    if len(w) > 2 and w[-1] in "ةه":
        w = w[:-1]
    if len(w) > 3 and w[0] in "يتنم":
        w = w[1:]
    if len(w) > 3 and w[-1] in "تن":
        w = w[:-1]
    return w.translate(_WEAK)


def same_root(a: str, b: str) -> bool:
    """True if two Arabic words are forms of one another (يقول/تقول, خارج/خرج, جديدة/جدد)
    rather than two words."""
    return bool(root_key(a)) and root_key(a) == root_key(b)
