"""code_switch: replace a share of content words by their translation into another language.

Mixed-language queries are how many bilingual users search. Words are translated with the
MUSE bilingual dictionaries (Conneau et al. 2018): en<->X exists for all 12 non-English MLDR
languages; for X->Y with neither side English and no local X-Y dictionary, the word pivots
through English (X->en->Y), which adds translation noise.

    >>> from robustir.attacks import build
    >>> build("code_switch(rate=0.5)").perturb("Wo liegt die Hauptstadt", lang="de", qid="q", seed=0).perturbed  # doctest: +SKIP
    'Wo liegt die capital'
"""
from __future__ import annotations

import numpy as np

from robustir.attacks.families._wordswap import CASED, match_case, swap_words, translations
from robustir.attacks.base import STRENGTH_PARAMS, Attack, Param, register
from robustir.languages import MLDR_LANGS
from robustir.types import Perturbation

__all__ = ["CodeSwitch"]


def translated_word(word: str, src: str, tgt: str, *, first: bool = False) -> str | None:
    """The best MUSE translation of `word` that differs from it (None if none)."""
    key = word.casefold()
    for cand in translations(word, src, tgt):
        if cand.casefold() != key:
            return match_case(word, cand, lang=src, first=first) if src in CASED and tgt in CASED else cand
    return None


@register("code_switch")
class CodeSwitch(Attack):
    description = (
        "Replace a share of content words by their MUSE dictionary translation into `target` "
        "(X->Y without an X-Y dictionary pivots through English)."
    )
    languages = frozenset(MLDR_LANGS) - {"en"}
    params = (
        *STRENGTH_PARAMS,
        Param("target", str, "en", "language the switched words are taken from", choices=tuple(MLDR_LANGS)),
    )
    resource = "muse"
    citation = "Conneau et al. 2018, Word Translation Without Parallel Data (MUSE dictionaries)"

    def supports(self, lang: str) -> bool:
        return lang in MLDR_LANGS and lang != self.config["target"]

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        target = self.config["target"]
        return swap_words(
            text,
            lang=lang,
            rng=rng,
            config=self.config,
            replacement=lambda word, _r, first: translated_word(word, lang, target, first=first),
            out_lang=target,
            label=f"code_switch[{target}]",
        )
