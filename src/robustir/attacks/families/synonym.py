"""synonym: swap content words for synonyms from wordnets and thesauri of the same language.

Sources: Open Multilingual Wordnet (Wiktionary-derived wordnets for all 13 MLDR languages, plus
the hand-built Arabic, Chinese, French, Italian and Portuguese wordnets when present) and the
LibreOffice MyThes thesauri (ar es it pt ru th locally; de en fr downloadable), checked
against the MUSE dictionaries. A synonym is used only when two independent sources support it
(two wordnets, a wordnet and the thesaurus, or either and a translation the two words share
in MUSE): one lexicon alone often lists another sense of the word (Brücke "bridge" ->
Teppichboden, a Wiktionary sense "small rug"; arte -> potencial). Where a tagger exists (zh ja
ko th) only synsets of the word's part of speech count. Function words, names and numbers are
never touched; a replacement is one word (multiword=true allows phrases) in the query's
script; the case pattern (UPPER/Title) is kept for cased scripts.

    >>> from robustir.attacks import build
    >>> build("synonym(rate=0.5)").perturb("the big house", lang="en", qid="q", seed=0).perturbed  # doctest: +SKIP
    'the large house'
"""
from __future__ import annotations

import numpy as np

from robustir.attacks.families._wordswap import (
    CASED,
    MULTIWORD,
    Slot,
    foreign_english,
    has_harakat,
    match_case,
    same_script,
    strip_harakat,
    swap_words,
    translations,
    variant,
)
from robustir.attacks.base import STRENGTH_PARAMS, Attack, Param, register
from robustir.attacks.lexicons import OMW_FILES, THESAURUS_FILES, available, thesaurus, wordnets
from robustir.text.stopwords import is_function_word
from robustir.languages import MLDR_LANGS
from robustir.types import Perturbation

__all__ = ["Synonym", "synonyms", "votes"]

SOURCES = ("any", "wordnet", "thesaurus")
# Thesauri present in the reference layout (shared/data/resources/libreoffice-thesauri).
THESAURUS_LANGS = frozenset({"ar", "es", "it", "pt", "ru", "th"})
WORDNET_LANGS = frozenset(MLDR_LANGS) & frozenset(OMW_FILES)
_TOP = 3  # choose among the best-supported few
_MIN_VOTES = 2  # a synonym two independent sources agree on (the word's intended sense)


def _thesaurus_on(lang: str, source: str) -> bool:
    # de/en/fr thesauri are absent from the reference layout: used when present locally.
    return source in ("any", "thesaurus") and lang in THESAURUS_FILES and (
        source == "thesaurus" or lang in THESAURUS_LANGS or available("libreoffice-thesauri", THESAURUS_FILES[lang])
    )


def _shared_translation(word: str, cand: str, lang: str, pivot: str) -> bool:
    """True if the MUSE dictionaries give `word` and `cand` a common translation into `pivot`."""
    mine = {t.casefold() for t in translations(word, lang, pivot)}
    return bool(mine) and any(t.casefold() in mine for t in translations(cand, lang, pivot))


def _pivots(lang: str) -> tuple[str, ...]:
    # English has dictionaries into every language; the others only into English.
    return ("de", "fr", "es") if lang == "en" else ("en",)


def _monosemous(word: str, lang: str, pos: str | None) -> frozenset[str]:
    """The synset of `word` if all wordnets of `lang` together give it one sense (of `pos`)."""
    from robustir.attacks.lexicons import _POS_SUFFIX

    key, keep = word.casefold(), _POS_SUFFIX.get(pos) if pos else None
    sids = {sid for wn in wordnets(lang) for sid in wn.index.get(key, ())
            if keep is None or sid.rpartition("-")[2] in keep}
    if len(sids) != 1:
        return frozenset()
    (sid,) = sids
    return frozenset(l for wn in wordnets(lang) for l in wn.synsets.get(sid, ()))


def votes(word: str, lang: str, *, source: str = "any", pos: str | None = None) -> dict[str, set[str]]:
    """Candidate synonyms of `word` -> the independent sources that support it: each wordnet
    (`wn0`, `wn1`, ...; synsets of part of speech `pos` only when given), the thesaurus
    (`thes`), MUSE (`muse-<pivot>`: the two words share a translation into the pivot) and
    `mono` (the word has one sense in all the wordnets together, so its synonyms there are of
    that sense). Candidates are proposed by the chosen `source`; every source votes. In
    proposal order (thesaurus first: its senses are listed commonest first)."""
    found: dict[str, set[str]] = {}
    if lang in THESAURUS_FILES and (_thesaurus_on(lang, source) or source == "wordnet" and _thesaurus_on(lang, "any")):
        key = strip_harakat(word) if lang == "ar" else word.casefold()
        for s in thesaurus(lang).get(key, ()):
            found.setdefault(s, set()).add("thes")
    if lang in OMW_FILES:
        for n, wn in enumerate(wordnets(lang)):
            for s in wn.synonyms(word, pos):
                found.setdefault(s, set()).add(f"wn{n}")
        for s in _monosemous(word, lang, pos):
            if s in found:
                found[s].add("mono")
    proposed = {s: v for s, v in found.items() if source == "any"
                or (source == "thesaurus" and "thes" in v) or (source == "wordnet" and v - {"thes"})}
    for s, v in proposed.items():
        for pivot in _pivots(lang):
            if len(v) < _MIN_VOTES and _shared_translation(word, s, lang, pivot):
                v.add(f"muse-{pivot}")
    return proposed


def synonyms(word: str, lang: str, *, source: str = "any", pos: str | None = None, min_votes: int = _MIN_VOTES) -> tuple[str, ...]:
    """Same-script synonyms of `word` in `lang` supported by at least `min_votes` sources,
    best supported first (see `votes`)."""
    key = word.casefold()
    keep_marks = lang != "ar" or has_harakat(word)
    ranked = sorted(votes(word, lang, source=source, pos=pos).items(), key=lambda kv: -len(kv[1]))
    found = (s if keep_marks else strip_harakat(s) for s, v in ranked if len(v) >= min_votes)
    return tuple(dict.fromkeys(
        s for s in found
        if s.casefold() != key and same_script(s, lang) and not is_function_word(s, lang)
        and not foreign_english(s, lang) and not variant(word, s, lang)
    ))


@register("synonym")
class Synonym(Attack):
    description = (
        "Replace content words (nouns, verbs, adjectives; never function words or names) with "
        "same-language synonyms that two sources agree on (OMW wordnets, LibreOffice MyThes "
        "thesauri, a shared MUSE translation); one word for one word; keeps script and case."
    )
    languages = frozenset(WORDNET_LANGS | THESAURUS_LANGS)
    params = (
        *STRENGTH_PARAMS,
        Param("source", str, "any", "lexicon proposing synonyms: wordnet, thesaurus or any (both)", choices=SOURCES),
        MULTIWORD,
    )
    resource = "omw-data, libreoffice-thesauri, muse"
    substitutes_words = True
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

        def replace(slot: Slot) -> list[str]:
            found = synonyms(slot.word, lang, source=source, pos=slot.pos)
            return [match_case(slot.word, c) if lang in CASED else c for c in found]

        return swap_words(text, lang=lang, rng=rng, config=self.config, replacement=replace, label="synonym", top=_TOP)
