"""synonym: swap content words for synonyms from wordnets and thesauri of the same language.

Sources: Open Multilingual Wordnet (Wiktionary-derived wordnets for all 13 MLDR languages, plus
the hand-built Arabic, Chinese, French, Italian and Portuguese wordnets when present) and the
LibreOffice MyThes thesauri (ar es it pt ru th; de with revision=v3), checked
against the MUSE dictionaries. A synonym is used only when two independent sources support it
(two wordnets, a wordnet and the thesaurus, or either and a translation the two words share
in MUSE): one lexicon alone often lists another sense of the word (Brücke "bridge" ->
Teppichboden, a Wiktionary sense "small rug"; arte -> potencial). Where a tagger exists (zh ja
ko th) only synsets of the word's part of speech count. Function words, names and numbers are
never touched; a replacement is one word (multiword=true allows phrases) in the query's
script; the case pattern (UPPER/Title) is kept for cased scripts.

revision=v3 (opt-in; v2, the default, is what suite v2 was built with on every machine) adds
the German thesaurus (OpenThesaurus), drops thesaurus entries marked as broader or
related terms or of another register (Oberbegriff, generic term, ugs., veraltet, ...), and keeps
German nouns in gender and inflection (`german_synonyms`), and looks Arabic words carrying the
article up by their stem, the prefix put back (`arabic_synonyms`).

    >>> from robustir.attacks import build
    >>> build("synonym(rate=0.5)").perturb("the big house", lang="en", qid="q", seed=0).perturbed  # doctest: +SKIP
    'the large house'
"""
from __future__ import annotations

import numpy as np

from robustir.attacks.families._wordswap import (
    CASED,
    MULTIWORD,
    NAMELESS,
    Slot,
    drop_lookalikes,
    foreign_english,
    has_harakat,
    left_alone,
    match_case,
    same_script,
    strip_harakat,
    swap_words,
    translations,
    variant,
)
from robustir.attacks.base import STRENGTH_PARAMS, Attack, Param, register
from robustir.attacks.lexicons import OMW_FILES, THESAURUS_FILES, thesaurus, wordnets
from robustir.text.stopwords import is_function_word
from robustir.text.arabic import arabic_prefix
from robustir.languages import MLDR_LANGS
from robustir.types import Perturbation

__all__ = ["Synonym", "arabic_synonyms", "german_synonyms", "synonyms", "thesaurus_langs", "votes"]

SOURCES = ("any", "wordnet", "thesaurus")
# Thesauri present in the reference layout (shared/data/resources/libreoffice-thesauri): the
# ones suite v2 was built with, used by default on every machine.
THESAURUS_LANGS = frozenset({"ar", "es", "it", "pt", "ru", "th"})
# revision=v3 adds the German thesaurus (OpenThesaurus; found in the resource folder, the cache,
# downloaded, or Debian's mythes-de in /usr/share/mythes), reads every thesaurus without its
# marked entries (broader/related terms, colloquial, dated, ...), and keeps German nouns in
# gender and inflection (robustir.text.german). The en and fr thesauri stay unused: read on
# XQuAD-R, the English one (WordNet's senses, rarest included: player -> instrumentalist,
# tackle -> rigging) made more wrong swaps than right ones (docs/attacks-lexical.md).
V3_THESAURUS_LANGS = THESAURUS_LANGS | {"de"}
REVISIONS = ("v2", "v3", "v4")
REVISION = Param(
    "revision", str, "v2",
    "v2: the lexicons and rules suite v2 was built with (ar es it pt ru th thesauri), on every "
    "machine; v3: also the German thesaurus (OpenThesaurus), thesaurus entries marked as broader, "
    "related or colloquial dropped, German nouns swapped only for nouns of the same gender, put "
    "in the replaced word's case and number; Arabic words with the article looked up by their stem; "
    "v4: v3, and in Arabic, Hindi and Russian names and loans that spell their English translation "
    "are left alone (جون John is no خليج gulf), as are Arabic light verbs (قام), and a respelling, "
    "an English word in the language's letters or an Arabic form of the word itself is no synonym "
    "(डॉक्टर -> डाक्टर, نقطة -> دوت, توقف -> وقف)",
    choices=REVISIONS, omit_default=True)

WORDNET_LANGS = frozenset(MLDR_LANGS) & frozenset(OMW_FILES)
_TOP = 3  # choose among the best-supported few
_MIN_VOTES = 2  # a synonym two independent sources agree on (the word's intended sense)


def thesaurus_langs(revision: str = "v2") -> frozenset[str]:
    """The languages whose thesaurus is used under `revision` (v2, or v3 and v4)."""
    return V3_THESAURUS_LANGS if revision in ("v3", "v4") else THESAURUS_LANGS


def _thesaurus_on(lang: str, source: str, revision: str = "v2") -> bool:
    # The German thesaurus is only used when asked (revision=v3), en and fr never: a file that
    # happens to be on one machine must not change what a frozen suite's spec produces there.
    return source in ("any", "thesaurus") and lang in thesaurus_langs(revision)


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


def votes(word: str, lang: str, *, source: str = "any", pos: str | None = None,
          revision: str = "v2") -> dict[str, set[str]]:
    """Candidate synonyms of `word` -> the independent sources that support it: each wordnet
    (`wn0`, `wn1`, ...; synsets of part of speech `pos` only when given), the thesaurus
    (`thes`), MUSE (`muse-<pivot>`: the two words share a translation into the pivot) and
    `mono` (the word has one sense in all the wordnets together, so its synonyms there are of
    that sense). Candidates are proposed by the chosen `source`; every source votes. In
    proposal order (thesaurus first: its senses are listed commonest first). `revision`: v2
    v3 or v4 (see REVISION; v4 reads the lexicons as v3)."""
    found: dict[str, set[str]] = {}
    if _thesaurus_on(lang, "any" if source == "wordnet" else source, revision):
        key = strip_harakat(word) if lang == "ar" else word.casefold()
        for s in thesaurus(lang, plain=revision in ("v3", "v4")).get(key, ()):
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


def synonyms(word: str, lang: str, *, source: str = "any", pos: str | None = None, min_votes: int = _MIN_VOTES,
             revision: str = "v2") -> tuple[str, ...]:
    """Same-script synonyms of `word` in `lang` supported by at least `min_votes` sources,
    best supported first (see `votes`)."""
    key = word.casefold()
    keep_marks = lang != "ar" or has_harakat(word)
    ranked = sorted(votes(word, lang, source=source, pos=pos, revision=revision).items(), key=lambda kv: -len(kv[1]))
    found = (s if keep_marks else strip_harakat(s) for s, v in ranked if len(v) >= min_votes)
    return tuple(dict.fromkeys(
        s for s in found
        if s.casefold() != key and same_script(s, lang) and not is_function_word(s, lang)
        and not foreign_english(s, lang) and not variant(word, s, lang)
    ))


def german_synonyms(word: str, *, first: bool = False, source: str = "any") -> list[str]:
    """Synonyms of a German word under revision v3. German capitalises nouns, so case is the
    part of speech: a capitalised word is analysed as a noun (robustir.text.german) and takes
    noun synonyms of its lemma with the same gender, put in the cells (case, number) its form
    fills (seiner Karriere -> seiner Laufbahn, never *seiner Werdegang; zwei Karrieren -> zwei
    Laufbahnen); a form that is no listed noun, or of several nouns, is left alone. A lower-case
    word takes lower-case synonyms only (spielen the verb never becomes a noun). The first word
    of a query is capitalised either way: it is swapped only as a listed noun."""
    from robustir.text import german

    if word[:1].isupper() and not word.isupper():
        noun = german.analyse(word)
        if noun is None:
            return []
        out = []
        for cand in synonyms(noun.lemma, "de", source=source, revision="v3"):
            form = german.inflect(cand, noun.cells) if german.genus(cand) == noun.genus else None
            if form and form != word and german.analyse(form) is not None:
                out.append(form)
        return list(dict.fromkeys(out))
    if first:
        return []
    return [c for c in synonyms(word, "de", source=source, revision="v3") if c[:1].islower()]


def arabic_synonyms(word: str, *, source: str = "any") -> list[str]:
    """Synonyms of an Arabic word under revision v3: the word as written, else, when it carries
    the article (and a proclitic), synonyms of its stem with the same prefix put back
    (الموسم -> الفصل via موسم, للمعلم -> للمدرس); the lexicons list bare stems."""
    found = synonyms(word, "ar", source=source, revision="v3")
    if found:
        return list(found)
    prefix = arabic_prefix(word)
    if prefix:
        return [prefix + c for c in synonyms(word[len(prefix):], "ar", source=source, revision="v3")
                if not c.startswith("ال") and " " not in c]
    return []


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
        REVISION,
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
            return lang in thesaurus_langs(self.config["revision"])
        if source == "wordnet":
            return lang in WORDNET_LANGS
        return lang in self.languages

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        source, revision = self.config["source"], self.config["revision"]

        def replace(slot: Slot) -> list[str]:
            if revision == "v4" and lang in NAMELESS:  # names, loans, respellings (see _wordswap)
                return [] if left_alone(slot.word, lang) else drop_lookalikes(slot.word, lexical(slot), lang)
            return lexical(slot)

        def lexical(slot: Slot) -> list[str]:
            if revision in ("v3", "v4") and lang == "de":
                return german_synonyms(slot.word, first=slot.first, source=source)
            if revision in ("v3", "v4") and lang == "ar":
                return arabic_synonyms(slot.word, source=source)
            found = synonyms(slot.word, lang, source=source, pos=slot.pos, revision=revision)
            return [match_case(slot.word, c) if lang in CASED else c for c in found]

        return swap_words(text, lang=lang, rng=rng, config=self.config, replacement=replace, label="synonym", top=_TOP)
