"""Is a word an English word spelled in another script? (a name or a loan: جون "John",
थॉमस "Thomas", सिटी "city", сити). The word is romanised with `anyascii` and both spellings
are reduced to consonant classes that transliteration keeps apart; MUSE translates a name or
a loan by the English word it spells, so comparing a word with its own translations finds
names in scripts without capitals.
"""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["skeleton", "spells", "respelling"]

# Sounds spelled with two letters; for English also x (ks), c (k, or s before e i y) and -ti-
# before a vowel (nation), which other scripts write as they sound.
_DIGRAPHS = ((re.compile(r"sh|ch|zh"), "s"), (re.compile(r"ph"), "f"), (re.compile(r"th"), "t"),
             (re.compile(r"kh"), "k"), (re.compile(r"dh"), "d"), (re.compile(r"bh"), "b"),
             (re.compile(r"ck|qu?"), "k"))
# English gh is a g first (ghost, Ghent) and mostly silent after (light, high); in romanised
# text it is a g (غ, घ). A romanised v is the one letter of scripts that write v and w alike
# (व, в): it comes out as V and may stand for either.
_ENGLISH = ((re.compile(r"^gh"), "g"), (re.compile(r"gh"), ""), (re.compile(r"ti(?=[aeiou])"), "s"),
            (re.compile(r"c(?=[eiy])"), "s"), (re.compile(r"c"), "k"))
_OTHER = ((re.compile(r"gh"), "g"), (re.compile(r"v"), "V"))
# Consonant classes: voicing pairs that scripts merge (b/p, f/v, g/j, k/q, s/sh, m/n) fall
# together; vowels, glides (w, y) and h carry no class.
_CLASS = str.maketrans({"p": "b", "v": "f", "j": "g", "q": "k", "c": "s", "x": "s", "m": "n",
                        **{ch: None for ch in "aeiouwyh"}})


def _romanise(word: str) -> str:
    try:
        from anyascii import anyascii
    except ImportError:
        from robustir.errors import ResourceMissingError

        raise ResourceMissingError(
            "telling names and loans in other scripts needs the anyascii package: pip install 'robustir[segment]'"
        ) from None
    return anyascii(word)


@lru_cache(maxsize=65536)
def _sounds(word: str, english: bool) -> str:
    """The spelling romanised (anyascii) or, for English, as is, lower-case, with two-letter
    sounds written as one; letters only (V: a romanised v)."""
    s = word.casefold().replace("x", "ks").replace("sch", "sk") if english else _romanise(word).casefold()
    for pattern, repl in _DIGRAPHS:
        s = pattern.sub(repl, s)
    for pattern, repl in _ENGLISH if english else _OTHER:  # after the digraphs: ch is one sound
        s = pattern.sub(repl, s)
    return re.sub(r"[^a-zV]", "", re.sub(r"['`]", "h", s))  # hamza, ain: a vowel onset, like h


def skeleton(word: str, *, english: bool = False) -> str:
    """The consonant classes of a spelling, repeats merged (point -> bnt; بوينت -> bnt;
    चैम्पियन -> snbn); a romanised v stays V."""
    return re.sub(r"(.)\1+", r"\1", _sounds(word, english).translate(_CLASS))


def _onsets(word: str, english: bool) -> set[str]:
    """The class of the first sound: a consonant's class, w, y, or "" for a vowel (h and the
    Arabic glottals count as vowels); a romanised v may be f or w."""
    s = _sounds(word, english)
    first = s[:1]
    if first == "V":
        return {"f", "w"}
    if english and (s.startswith("eu") or s.startswith("u") and s[2:3] in tuple("aeiou")):
        return {"", "y"}  # unit, use, Europe
    if first in ("w", "y"):
        return {first}
    return {first.translate(_CLASS)}


def _readings(word: str) -> set[str]:
    sk = skeleton(word)
    return {sk.replace("V", "f"), re.sub(r"(.)\1+", r"\1", sk.replace("V", ""))}


def spells(word: str, english: str, *, shortest: int = 2) -> bool:
    """True if `word` (any script) spells the English word: the two begin with the same sound
    (vowel, glide or consonant class), and their skeletons, of `shortest` consonants or more, are
    equal, or, from three on, equal but for one English letter not sounded (كاسل/castle). One
    consonant tells little (نام, नाम "name" is a cognate, not a loan); `shortest=1` is for
    dropping a candidate, where a false match only costs a swap (وون "won")."""
    if not _onsets(word, False) & _onsets(english, True):
        return False
    e = skeleton(english, english=True)
    for a in _readings(word):
        if len(a) >= shortest and a and (a == e or len(a) >= 3 and len(e) == len(a) + 1
                            and any(e[:i] + e[i + 1:] == a for i in range(len(e)))):
            return True
    return False


def respelling(a: str, b: str) -> bool:
    """True if two words of one script sound the same (स्थित/स्तिथ, थॉमस/थामस): a spelling
    variant, not another word. Two consonants or more: वायु and हवा share only a v."""
    sa = skeleton(a)
    return len(sa.replace("V", "")) >= 2 and sa == skeleton(b)
