"""`typo.keyboard`: slips to physically adjacent keys on each language's standard keyboard.

Layouts (package data `robustir/text/data/keyboards/keyboards.json`, built by scripts/build_keyboards.py
from the xkeyboard-config symbol files of Debian's xkb-data, X11/MIT): US QWERTY (en), German
QWERTZ, French AZERTY, Spanish, Italian, Portuguese, Russian ЙЦУКЕН, Arabic 101, Hindi InScript,
Thai Kedmanee, Greek, Turkish Q. A shifted character slips to the shifted neighbour. A
character not on the layout (é on a US keyboard) slips through its base letter. Vietnamese is
typed with Telex on a US layout: the base Latin letter slips and the tone/vowel marks stay when
the result still composes. Chinese, Japanese and Korean use their input methods' slips (see
`typo_ime`). `rate` is the share of words touched, one slip per touched word.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np

from robustir.attacks.base import STRENGTH_PARAMS, Attack, Param, edit_budget, register
from robustir.text.segment import tokenize
from robustir.attacks.families.typo_ime import ja_candidates, ko_candidates, zh_candidates
from robustir.text.keyboards import layout_neighbours
from robustir.types import Perturbation

__all__ = ["KeyboardTypo", "LAYOUT_OF", "slip_candidates"]

LAYOUT_OF = {lang: lang for lang in ("ar", "de", "el", "en", "es", "fr", "hi", "it", "pt", "ru", "th", "tr")} | {"vi": "en"}
_IME = frozenset({"zh", "ja", "ko"})


@lru_cache(maxsize=None)
def _neighbours(layout: str) -> dict[str, str]:
    return layout_neighbours(layout)


@lru_cache(maxsize=65536)
def _layout_candidates(ch: str, layout: str) -> tuple[str, ...]:
    table = _neighbours(layout)
    if ch in table:
        return tuple(table[ch])
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or base not in table:
        return ()
    out = []
    for near in table[base]:
        composed = unicodedata.normalize("NFC", near + marks)
        out.append(composed if len(composed) == 1 else near)
    return tuple(dict.fromkeys(c for c in out if c != ch))


def slip_candidates(ch: str, lang: str, *, near_pinyin: bool = True) -> tuple[str, ...]:
    """What `ch` may become after one slip when typing `lang` (empty: not slippable)."""
    if lang == "zh":
        return zh_candidates(ch, near_pinyin)
    if lang == "ja":
        return ja_candidates(ch)
    if lang == "ko":
        return ko_candidates(ch)
    return _layout_candidates(ch, LAYOUT_OF[lang])


@register("typo.keyboard")
class KeyboardTypo(Attack):
    description = "adjacent-key slips on the language's standard keyboard; pinyin homophones (zh), romaji-kana slips (ja), Dubeolsik jamo slips (ko)"
    languages = frozenset(LAYOUT_OF) | _IME
    params = STRENGTH_PARAMS + (
        Param("near_pinyin", bool, True, "zh: also near-pinyin (IME fuzzy) characters, not only homophones"),
    )
    citation = "Layouts: xkeyboard-config (xkb-data 2.35.1), X11/MIT."

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        tokens = tokenize(text, lang)
        words = [t for t in tokens if t.is_word]
        near = self.config["near_pinyin"]
        eligible = []
        for t in words:
            spots = [i for i, ch in enumerate(t.text) if slip_candidates(ch, lang, near_pinyin=near)]
            if spots:
                eligible.append((t, spots))
        cfg = self.config
        n = edit_budget(len(words), rate=cfg["rate"], min_edits=cfg["min_edits"], max_edits=cfg["max_edits"], rng=rng)
        n = min(n, len(eligible))
        if n == 0:
            return Perturbation(text, text, 0)
        chosen = sorted((int(k) for k in rng.choice(len(eligible), size=n, replace=False)), key=lambda k: eligible[k][0].start)
        pieces, pos = [], 0
        for k in chosen:
            tok, spots = eligible[k]
            i = spots[int(rng.integers(len(spots)))]
            options = slip_candidates(tok.text[i], lang, near_pinyin=near)
            new = options[int(rng.integers(len(options)))]
            pieces += [text[pos : tok.start], tok.text[:i], new, tok.text[i + 1 :]]
            pos = tok.end
        pieces.append(text[pos:])
        result = "".join(pieces)
        return Perturbation(text, result, n, ("keyboard",) * n)
