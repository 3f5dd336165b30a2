"""`noise.case`: the letter case people type (or their phone gives them).

Modes:
- ``flip`` (default): swap the case of `rate` of the cased letters (caps lock and shift slips).
- ``lower`` / ``upper`` / ``title``: rewrite `rate` of the words all lower case (the most
  common query form), all upper case, or capitalised.

Case is a property of the Latin, Cyrillic and Greek scripts only, so those languages are claimed
(en de es fr it pt tr vi ru el). Turkish uses its own dotted/dotless pairs (I <-> ı, İ <-> i)
and Greek lower-cases a word-final Σ to ς, as a keyboard produces them.
"""
from __future__ import annotations

import numpy as np

from robustir.attacks.base import Attack, Param, register
from robustir.attacks.families._edit_sites import Site, apply_sites, strength_params
from robustir.text.segment import tokenize
from robustir.types import Perturbation

__all__ = ["CaseNoise", "lower", "upper"]

_TR_LOWER = {"I": "ı", "İ": "i"}
_TR_UPPER = {"i": "İ", "ı": "I"}


def lower(s: str, lang: str, *, final: bool = False) -> str:
    if lang == "tr":
        s = "".join(_TR_LOWER.get(c, c) for c in s)
    if lang == "el" and s.endswith("Σ") and (final or len(s) > 1):
        return s[:-1].lower() + "ς"
    return s.lower()


def upper(s: str, lang: str) -> str:
    if lang == "tr":
        s = "".join(_TR_UPPER.get(c, c) for c in s)
    return s.upper()


def _flip_sites(text: str, lang: str) -> list[Site]:
    sites: list[Site] = []
    for i, ch in enumerate(text):
        if ch.isupper():
            final = i + 1 == len(text) or not text[i + 1].isalpha()
            rep = lower(ch, lang, final=final and i > 0 and text[i - 1].isalpha())
        elif ch.islower():
            rep = upper(ch, lang)
        else:
            continue
        if rep != ch and len(rep) == 1:  # ß -> SS is a word-mode change, not a flip
            sites.append((i, i + 1, (rep,), "case"))
    return sites


def _word_sites(text: str, lang: str, mode: str) -> list[Site]:
    sites: list[Site] = []
    for tok in tokenize(text, lang):
        if not tok.is_word:
            continue
        w = tok.text
        if mode == "lower":
            rep = lower(w, lang)
        elif mode == "upper":
            rep = upper(w, lang)
        else:
            rep = upper(w[:1], lang) + lower(w[1:], lang)
        if rep != w:
            sites.append((tok.start, tok.end, (rep,), mode))
    return sites


@register("noise.case")
class CaseNoise(Attack):
    description = "letter case: flip random letters, or lower/upper/title-case words (Turkish dotted i, Greek final sigma)"
    languages = frozenset({"de", "el", "en", "es", "fr", "it", "pt", "ru", "tr", "vi"})
    params = (
        *strength_params(0.1, 10),
        Param("mode", str, "flip", "flip letters, or lower/upper/title-case whole words", choices=("flip", "lower", "upper", "title")),
    )

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        mode = self.config["mode"]
        sites = _flip_sites(text, lang) if mode == "flip" else _word_sites(text, lang, mode)
        return apply_sites(text, sites, self.config, rng)
