"""code_switch: replace a share of content words by their translation into another language.

Mixed-language queries are how many bilingual users search. Only content words are switched
(nouns, verbs, adjectives; never function words, names or numbers; Korean: the noun stem, its
particle kept), each by its single best translation. Words are translated with the
MUSE bilingual dictionaries (Conneau et al. 2018): en<->X exists for all 12 non-English MLDR
languages; for X->Y with neither side English and no local X-Y dictionary, the word pivots
through English (X->en->Y), which adds translation noise.

    >>> from robustir.attacks import build
    >>> build("code_switch(rate=0.5)").perturb("Wo liegt die Hauptstadt", lang="de", qid="q", seed=0).perturbed  # doctest: +SKIP
    'Wo liegt die capital'
"""
from __future__ import annotations

import numpy as np

from robustir.attacks.families._wordswap import CASED, MULTIWORD, Slot, match_case, swap_words, translations
from robustir.attacks.base import STRENGTH_PARAMS, Attack, Param, register
from robustir.languages import MLDR_LANGS
from robustir.text.segment import tokenize
from robustir.types import Perturbation

__all__ = ["CodeSwitch", "acronym_words"]

# Arabic spellings of Latin letter names, as acronyms are written (أيه بي سي ABC, دي إي سي DEC,
# بي سكاي بي BSkyB); MUSE translates them as words (بي -> bea, دي -> dee, يو -> yoo). Letter
# names that are also Arabic function words (أي أو في إن كي) are left to the stopword list.
ARABIC_LETTER_NAMES = frozenset(
    "إيه أيه ايه بي بى سي دي إي إف جي إتش إتس اتش آي جاي جيه إل إم إس تي يو دبليو إكس اكس واي زد".split()
)
REVISION = Param(
    "revision", str, "v2",
    "v2: the rules suite v2 was built with; v3: Arabic spellings of Latin letter names and the "
    "words next to them (acronyms and brand names: أيه بي سي, سكاي بلس إتش دي) are never switched",
    choices=("v2", "v3"), omit_default=True)


def acronym_words(text: str, lang: str) -> frozenset[str]:
    """The words of `text` that spell out an acronym or stand beside one: Arabic letter names
    (ARABIC_LETTER_NAMES) and the words next to them (empty for other languages)."""
    if lang != "ar":
        return frozenset()
    words = [t.text.removeprefix("لــ") for t in tokenize(text, lang) if t.is_word]
    out: set[str] = set()
    for i, w in enumerate(words):
        if w in ARABIC_LETTER_NAMES:
            out.update(x for x in words[max(i - 1, 0):i + 2] if x)
    return frozenset(out)

ZH_VARIANTS = Param(
    "zh_variants", bool, False,
    "Chinese: also look a word up in Traditional characters (OpenCC s2t) and write Chinese results in Simplified "
    "(t2s); MUSE's zh dictionaries are mostly Traditional, so most Simplified words have no entry without it "
    "(off: the lookup of suite v2; paraphrase.pivot uses it under revision=v3, with a wordnet vote against English homonyms)", omit_default=True)


def translated_word(word: str, src: str, tgt: str, *, first: bool = False, variants: bool = False) -> str | None:
    """The best MUSE translation of `word` that differs from it (None if none)."""
    found = translated_words(word, src, tgt, first=first, variants=variants)
    return found[0] if found else None


def translated_words(word: str, src: str, tgt: str, *, first: bool = False, variants: bool = False) -> list[str]:
    """MUSE translations of `word` that differ from it, best first (those that translate back
    to the word, then the more frequent), cased like the word when both scripts are cased."""
    key = word.casefold()
    return [
        match_case(word, cand, lang=src, first=first) if src in CASED and tgt in CASED else cand
        for cand in translations(word, src, tgt, variants=variants) if cand.casefold() != key
    ]


@register("code_switch")
class CodeSwitch(Attack):
    description = (
        "Replace a share of content words (never function words or names) by their best MUSE "
        "dictionary translation into `target` "
        "(X->Y without an X-Y dictionary pivots through English)."
    )
    languages = frozenset(MLDR_LANGS) - {"en"}
    params = (
        *STRENGTH_PARAMS,
        Param("target", str, "en", "language the switched words are taken from", choices=tuple(MLDR_LANGS)),
        MULTIWORD,
        ZH_VARIANTS,
        REVISION,
    )
    resource = "muse"
    substitutes_words = True
    citation = "Conneau et al. 2018, Word Translation Without Parallel Data (MUSE dictionaries)"

    def supports(self, lang: str) -> bool:
        return lang in MLDR_LANGS and lang != self.config["target"]

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        target, variants = self.config["target"], self.config["zh_variants"]
        keep = acronym_words(text, lang) if self.config["revision"] == "v3" else frozenset()

        def replace(slot: Slot) -> list[str]:
            if slot.word in keep:
                return []
            return translated_words(slot.word, lang, target, first=slot.first, variants=variants)[:1]

        return swap_words(
            text,
            lang=lang,
            rng=rng,
            config=self.config,
            replacement=replace,
            out_lang=target,
            label=f"code_switch[{target}]",
        )
