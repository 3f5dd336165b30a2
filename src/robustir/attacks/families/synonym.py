"""synonym: swap content words for synonyms from wordnets and thesauri of the same language.

Sources: Open Multilingual Wordnet (Wiktionary-derived wordnets for all 13 MLDR languages, plus
the hand-built Arabic, Chinese, French, Italian and Portuguese wordnets when present) and the
LibreOffice MyThes thesauri (ar es it pt ru th locally; de en fr downloadable). Stopwords are
never touched; a replacement must be written in the query's script; the case pattern
(UPPER/Title) is kept for cased scripts; th/ja/zh are segmented with real segmenters.

    >>> from robustir.attacks import build
    >>> build("synonym(rate=0.5)").perturb("the big house", lang="en", qid="q", seed=0).perturbed  # doctest: +SKIP
    'the large house'
"""
from __future__ import annotations

import numpy as np

from robustir.attacks.families._wordswap import (
    CASED,
    foreign_english,
    has_harakat,
    match_case,
    pick,
    same_script,
    strip_harakat,
    swap_words,
)
from robustir.attacks.base import STRENGTH_PARAMS, Attack, Param, register
from robustir.attacks.lexicons import OMW_FILES, THESAURUS_FILES, available, thesaurus, wordnet
from robustir.text.segment import is_stopword
from robustir.languages import MLDR_LANGS
from robustir.types import Perturbation

__all__ = ["Synonym", "synonyms"]

SOURCES = ("any", "wordnet", "thesaurus")
# Thesauri present in the reference layout (shared/data/resources/libreoffice-thesauri).
THESAURUS_LANGS = frozenset({"ar", "es", "it", "pt", "ru", "th"})
WORDNET_LANGS = frozenset(MLDR_LANGS) & frozenset(OMW_FILES)
_TOP = 8  # choose among the first few synonyms: earlier senses are the commoner ones


def synonyms(word: str, lang: str, *, source: str = "any") -> tuple[str, ...]:
    """Same-script synonyms of `word` in `lang` from the chosen source, best first."""
    out: dict[str, None] = {}
    # de/en/fr thesauri are absent from the reference layout: used when present locally.
    if source in ("any", "thesaurus") and lang in THESAURUS_FILES and (
        source == "thesaurus" or lang in THESAURUS_LANGS
        or available("libreoffice-thesauri", THESAURUS_FILES[lang])
    ):
        key = strip_harakat(word) if lang == "ar" else word.casefold()
        out.update(dict.fromkeys(thesaurus(lang).get(key, ())))
    if source in ("any", "wordnet") and lang in OMW_FILES:
        out.update(dict.fromkeys(wordnet(lang).synonyms(word)))
    key = word.casefold()
    keep_marks = lang != "ar" or has_harakat(word)
    found = (s if keep_marks else strip_harakat(s) for s in out)
    return tuple(dict.fromkeys(
        s for s in found
        if s.casefold() != key and same_script(s, lang) and not is_stopword(s, lang) and not foreign_english(s, lang)
    ))


@register("synonym")
class Synonym(Attack):
    description = (
        "Replace content words (not stopwords) with same-language synonyms from OMW wordnets "
        "and LibreOffice MyThes thesauri; keeps script and case."
    )
    languages = frozenset(WORDNET_LANGS | THESAURUS_LANGS)
    params = (
        *STRENGTH_PARAMS,
        Param("source", str, "any", "lexicon: wordnet, thesaurus or any (both)", choices=SOURCES),
    )
    resource = "omw-data, libreoffice-thesauri"
    citation = (
        "Bond and Foster 2013 (Open Multilingual Wordnet); LibreOffice MyThes thesauri; "
        "word-swap recipe after Jin et al. 2020 (TextFooler) without a victim model"
    )

    def supports(self, lang: str) -> bool:
        source = self.config["source"]
        if source == "thesaurus":
            return lang in THESAURUS_LANGS
        if source == "wordnet":
            return lang in WORDNET_LANGS
        return lang in self.languages

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        source = self.config["source"]

        def replace(word: str, r: np.random.Generator, first: bool) -> str | None:
            choice = pick(synonyms(word, lang, source=source), r, top=_TOP)
            if choice is None:
                return None
            return match_case(word, choice) if lang in CASED else choice

        return swap_words(text, lang=lang, rng=rng, config=self.config, replacement=replace, label="synonym")
