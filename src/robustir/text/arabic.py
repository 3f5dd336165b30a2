"""Arabic word shape: the article and its proclitics, and telling a transliterated English
word (a name or a loan: بول "Paul", سيتي "city") from an Arabic one.

Arabic writes no case, so names cannot be found by capitals; but MUSE's ar-en dictionary
translates a name or a loan by the English word it spells (جون -> john, بوينت -> point).
`transliterates` compares the consonant skeletons of the two spellings.
"""
from __future__ import annotations

import re

__all__ = ["AR_PREFIXES", "LIGHT_VERBS", "arabic_prefix", "consonants_ar", "consonants_en", "root_key", "same_root",
           "transliterates"]

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


# Consonant classes shared by both spellings. Vowels, the glides (w, y / و, ي), h and the
# Arabic letters English has no sound for (ع, ح, hamza) are left out; b/p, f/v, g/j, k/q/c
# and the emphatic/plain pairs fall together, as transliteration merges them.
_AR = {
    "ب": "b", "ت": "t", "ط": "t", "ث": "t", "ذ": "d", "د": "d", "ض": "d", "ج": "g", "غ": "g",
    "ق": "k", "ك": "k", "خ": "k", "ر": "r", "ز": "z", "ظ": "z", "س": "s", "ص": "s", "ش": "x",
    "ف": "f", "ل": "l", "م": "m", "ن": "n", "پ": "b", "ڤ": "f", "گ": "g", "چ": "x",
}
_EN_DIGRAPHS = (  # in this order: x first, since "x" then stands for sh
    (re.compile(r"x"), "ks"), (re.compile(r"ti(?=[aeiou])|sh|ch"), "x"), (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"), (re.compile(r"ck|qu?"), "k"), (re.compile(r"c(?=[eiy])"), "s"),
)
_EN = {"b": "b", "p": "b", "t": "t", "d": "d", "g": "g", "j": "g", "k": "k", "c": "k", "r": "r",
       "z": "z", "s": "s", "f": "f", "v": "f", "l": "l", "m": "m", "n": "n", "x": "x"}


def _collapse(s: str) -> str:
    return re.sub(r"(.)\1+", r"\1", s)


def consonants_ar(word: str) -> str:
    """The consonant skeleton of an Arabic spelling (بوينت -> bnt)."""
    return _collapse("".join(_AR.get(ch, "") for ch in word))


def consonants_en(word: str) -> str:
    """The consonant skeleton of an English spelling (point -> bnt, national -> nxnl)."""
    s = word.casefold()
    for pattern, repl in _EN_DIGRAPHS:
        s = pattern.sub(repl, s)
    return _collapse("".join(_EN.get(ch, "") for ch in s))


def transliterates(arabic: str, english: str) -> bool:
    """True if the Arabic word spells the English one (جون/john, سيتي/city, ناشيونال/national):
    their consonant skeletons are equal and not empty, or, from three Arabic consonants on,
    equal but for one English letter not sounded (كاسل/castle)."""
    a = consonants_ar(arabic[len(arabic_prefix(arabic, loose=True)):])
    e = consonants_en(english)
    if not a or a == e:
        return bool(a)
    return len(a) >= 3 and len(e) == len(a) + 1 and any(e[:i] + e[i + 1:] == a for i in range(len(e)))


# Verbs Arabic uses as auxiliaries of a verbal noun (تم بناء "was built", قام بتأسيس "founded"):
# their round trips (did, done, completed) give other verbs, never a paraphrase.
LIGHT_VERBS = frozenset("تم تمت يتم تتم قام قامت يقوم تقوم".split())

_WEAK = str.maketrans("", "", "اويىأإآءئؤ")


def root_key(word: str) -> str:
    """An Arabic word without its article, the feminine ending (ة, or ه as it is often
    written), one inflectional prefix (ي ت ن م) and suffix (ت ن), the long vowels and the
    hamza seats: the letters its forms share (يقول and تقول -> قل; مجموعة and جمع -> جمع;
    سنة and سنه -> سن)."""
    w = word[len(arabic_prefix(word, loose=True)):]
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
