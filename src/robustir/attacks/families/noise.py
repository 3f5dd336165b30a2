"""Orthographic noise: what people type when they type fast.

`noise.diacritics` applies per-language rules, each a known informal spelling:
- Latin-script languages (de fr es it pt tr vi) and Greek: accents, umlauts, cedillas, tonos
  and dialytika dropped (NFD, combining marks removed); also de ß -> ss, tr ı -> i, vi đ -> d.
- Arabic: hamza/madda alef variants أ إ آ ٱ -> ا, ؤ -> و, ئ -> ي, ta marbuta ة -> ه, alef maqsura
  ى -> ي and a word-final ي -> ى (both confusions occur), harakat dropped.
- Russian: ё -> е.  Hindi: nukta dropped (also in precomposed क़ ज़ ...), chandrabindu ँ -> anusvara ं.
- Thai: tone marks ่ ้ ๊ ๋ dropped.
- Japanese, Chinese, Korean: full-width <-> half-width forms of ASCII letters, digits and
  punctuation (and the ideographic space), in either direction.
English is not claimed: no rule applies to it. `rate` is the share of eligible characters changed.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable

import numpy as np

from robustir.attacks.base import Attack, Param, edit_budget, register
from robustir.types import Perturbation

__all__ = ["Diacritics", "candidates"]

_LATIN_EXTRA = {"de": {"ß": "ss", "ẞ": "SS"}, "tr": {"ı": "i", "İ": "I"}, "vi": {"đ": "d", "Đ": "D"}}
_ARABIC = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ؤ": "و", "ئ": "ي", "ة": "ه", "ى": "ي"}
_HARAKAT = frozenset(chr(c) for c in range(0x064B, 0x0653))
_THAI_TONES = frozenset("\u0e48\u0e49\u0e4a\u0e4b")


def _strip_marks(ch: str) -> str | None:
    decomposed = unicodedata.normalize("NFD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if base == ch or not base:
        return None
    return unicodedata.normalize("NFC", base)


def _latin(lang: str) -> Callable[[str, int], str | None]:
    extra = _LATIN_EXTRA.get(lang, {})

    def rule(text: str, i: int) -> str | None:
        ch = text[i]
        if ch in extra:
            return extra[ch]
        if unicodedata.combining(ch):  # a stray combining mark (decomposed input): drop it
            return ""
        return _strip_marks(ch) if ch.isalpha() else None

    return rule


def _arabic(text: str, i: int) -> str | None:
    ch = text[i]
    if ch in _ARABIC:
        return _ARABIC[ch]
    if ch in _HARAKAT:
        return ""
    if ch == "ي" and (i + 1 == len(text) or not text[i + 1].isalpha()) and i > 0 and text[i - 1].isalpha():
        return "ى"
    return None


def _russian(text: str, i: int) -> str | None:
    return {"ё": "е", "Ё": "Е"}.get(text[i])


def _hindi(text: str, i: int) -> str | None:
    ch = text[i]
    if ch == "\u093c":
        return ""
    if ch == "\u0901":
        return "\u0902"
    if "\u0958" <= ch <= "\u095f" or ch in "\u0929\u0931\u0934":
        return unicodedata.normalize("NFD", ch)[0]
    return None


def _thai(text: str, i: int) -> str | None:
    return "" if text[i] in _THAI_TONES else None


def _width(text: str, i: int) -> str | None:
    c = ord(text[i])
    if 0xFF01 <= c <= 0xFF5E:
        return chr(c - 0xFEE0)
    if c == 0x3000:
        return " "
    if 0x21 <= c <= 0x7E:
        return chr(c + 0xFEE0)
    return None


_RULES: dict[str, Callable[[str, int], str | None]] = {
    **{lang: _latin(lang) for lang in ("de", "el", "es", "fr", "it", "pt", "tr", "vi")},
    "ar": _arabic,
    "ru": _russian,
    "hi": _hindi,
    "th": _thai,
    "ja": _width,
    "zh": _width,
    "ko": _width,
}


def candidates(text: str, lang: str) -> list[tuple[int, str]]:
    """Every (position, replacement) the rules of `lang` allow in `text`."""
    rule = _RULES[lang]
    out = []
    for i in range(len(text)):
        rep = rule(text, i)
        if rep is not None and rep != text[i]:
            out.append((i, rep))
    return out


@register("noise.diacritics")
class Diacritics(Attack):
    description = "drop accents/umlauts/tonos, Arabic hamza/ta marbuta/alef maqsura variants, ё->е, nukta, Thai tone marks, full/half width"
    languages = frozenset(_RULES)
    params = (
        Param("rate", float, 1.0, "share of eligible characters changed", 0.0, 1.0),
        Param("min_edits", int, 1, "at least this many changes", 0, 1000),
        Param("max_edits", int, 1000, "at most this many changes", 0, 1000),
    )

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        cands = candidates(text, lang)
        cfg = self.config
        n = edit_budget(len(cands), rate=cfg["rate"], min_edits=cfg["min_edits"], max_edits=cfg["max_edits"], rng=rng)
        if n == 0:
            return Perturbation(text, text, 0)
        picked = sorted(int(k) for k in rng.choice(len(cands), size=n, replace=False))
        chars = list(text)
        for k in picked:
            i, rep = cands[k]
            chars[i] = rep
        result = "".join(chars)
        if not result.strip():
            return Perturbation(text, text, 0)
        return Perturbation(text, result, n, ("diacritic",) * n)
