"""Translation attacks: paraphrase.pivot, translate, back_translation.

Note for the attack runner: `translate` changes the language of the query; it defines
`output_lang(lang) -> target`, which the pipeline uses for each row's `query_lang` (every
other attack returns `lang`). The corpus and qrels stay those of the dataset language.

- ``paraphrase.pivot(pivot=auto)``: a *lexical approximation* of round-trip paraphrasing:
  content words go X -> pivot -> X through the MUSE dictionaries, choosing a back-translation
  different from the original word. ``auto`` = English, or German for English queries.
- ``translate(target=en, method=dictionary|mt)``: the whole query into `target`. ``dictionary``
  is word-by-word MUSE (an approximation: no reordering, untranslatable words kept); ``mt`` runs
  a transformers seq2seq model (default OPUS-MT ``Helsinki-NLP/opus-mt-{src}-{tgt}``).
- ``back_translation(pivot=auto)``: X -> pivot -> X with real MT models.

MT weights are never fetched when offline; pass `model=` a local folder (safetensors).
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
    korean_split,
    left_alone,
    match_case,
    same_script,
    spells_translation,
    swap_words,
    translations,
    variant,
)
from robustir.text.analysis import korean_morphemes
from robustir.text.arabic import arabic_prefix
from robustir.attacks.base import STRENGTH_PARAMS, Attack, Param, register
from robustir.text.segment import tokenize
from robustir.text.stopwords import is_function_word
from robustir.errors import RobustirError
from robustir.languages import MLDR_LANGS, UNSEGMENTED
from robustir.types import Perturbation

__all__ = ["PivotParaphrase", "Translate", "BackTranslation", "arabic_round_trips", "resolve_pivot", "dictionary_translate"]

_LANGS = tuple(MLDR_LANGS)
_SYNONYM_LANGS = frozenset(_LANGS)
_MT_PARAMS = (
    Param("allow_pickle", bool, False, "allow loading pickle (.bin) weights; only for trusted files"),
)


def resolve_pivot(pivot: str, lang: str) -> str:
    """`auto` -> English, or German when the query itself is English."""
    if pivot == "auto":
        return "de" if lang == "en" else "en"
    return pivot


def word_diff(a: str, b: str) -> int:
    """Word-level edit count between two texts (replacements, insertions, deletions)."""
    import difflib

    sm = difflib.SequenceMatcher(a=a.split(), b=b.split(), autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")


@register("paraphrase.pivot")
class PivotParaphrase(Attack):
    description = (
        "Lexical approximation of pivot paraphrasing: content words go X -> pivot -> X through "
        "MUSE dictionaries, taking a back-translation that differs from the original word."
    )
    languages = frozenset(_LANGS)
    params = (
        *STRENGTH_PARAMS,
        Param("pivot", str, "auto", "pivot language (auto: en, or de for English)", choices=("auto", *_LANGS)),
        MULTIWORD,
        Param("revision", str, "v2",
              "v2: the rules suite v2 was built with; v3: Chinese words also looked up in Traditional "
              "characters (OpenCC), and a Chinese round trip kept only when a wordnet also relates the "
              "two words (through English alone, homonyms: 转换 -> 变形); other languages as v2; "
              "v4: v3, and in Arabic, Hindi and Russian names and loans that spell their English "
              "translation are left alone (جون, थॉमस) and candidates that spell an English word or "
              "respell the word are dropped (سيتي, स्तिथ); in Arabic the replacement also keeps the "
              "word's article and proclitic (الشركة never becomes bare رفقة) and is no form of the "
              "word itself (يقول -> تقول)",
              choices=("v2", "v3", "v4"), omit_default=True),
    )
    resource = "muse"
    substitutes_words = True
    citation = "Bannard and Callison-Burch 2005 (pivot paraphrasing); MUSE dictionaries (Conneau et al. 2018)"

    def supports(self, lang: str) -> bool:
        return lang in _LANGS and resolve_pivot(self.config["pivot"], lang) != lang

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        pivot = resolve_pivot(self.config["pivot"], lang)
        revision = self.config["revision"]
        v3_zh = revision in ("v3", "v4") and lang == "zh"

        def replace(slot: Slot) -> list[str]:
            if revision == "v4" and lang == "ar":
                return arabic_round_trips(slot.word, pivot, pos=slot.pos)
            if revision == "v4" and lang in NAMELESS:
                return loan_aware_round_trips(slot.word, lang, pivot, pos=slot.pos)
            found = round_trips(slot.word, lang, pivot, pos=slot.pos, variants=v3_zh, wordnet_vote=v3_zh)
            return [match_case(slot.word, c) if lang in CASED else c for c in found]

        return swap_words(
            text, lang=lang, rng=rng, config=self.config, replacement=replace, label=f"pivot[{pivot}]"
        )


def round_trips(word: str, lang: str, pivot: str, *, pos: str | None = None, via: int = 3,
                variants: bool = False, wordnet_vote: bool = False) -> list[str]:
    """Words of `lang` that `word` reaches through its first `via` translations into `pivot`
    and back, keeping those whose sense has two supports: two translations shared with the
    word; or one, when it is the first translation of both words (their first senses meet) or
    a wordnet/thesaurus also relates them (one shared translation alone is a homonym's risk:
    Saison -> season -> Jahreszeit). Inflected or
    derived forms of the word itself (ville -> villes, season -> seasonal) are no paraphrase.
    `variants`: Chinese looked up in Traditional too (see `translations`); `wordnet_vote`: a
    candidate must also share a synset with the word in a wordnet (revision v3 in Chinese).
    Best supported first."""
    from robustir.attacks.families.synonym import votes as synonym_votes

    key = word.casefold()
    mine = translations(word, lang, pivot, variants=variants)
    untranslated = {m.casefold() for m in mine}  # a round trip that returns the pivot word
    reached: dict[str, None] = {}
    for mid in mine[:via]:
        reached.update(dict.fromkeys(translations(mid, pivot, lang, variants=variants)))
    lexical = synonym_votes(word, lang, pos=pos) if wordnet_vote else None
    in_wordnet = {s for s, v in lexical.items() if any(x.startswith("wn") for x in v)} if lexical is not None else None
    support: dict[str, int] = {}
    for b in reached:
        if b.casefold() == key or b.casefold() in untranslated or variant(word, b, lang):
            continue
        if in_wordnet is not None and b not in in_wordnet:
            continue
        back = [t.casefold() for t in translations(b, lang, pivot, variants=variants)]
        shared = len(untranslated & set(back))
        first = bool(mine) and back[:1] == [mine[0].casefold()]  # both first senses meet
        support[b] = shared + int(first)
    if any(n == 1 for n in support.values()):
        if lexical is None:
            lexical = synonym_votes(word, lang, pos=pos)
        support = {b: n + int(b in lexical) for b, n in support.items()}
    ranked = sorted((b for b, n in support.items() if n >= 2), key=lambda b: -support[b])
    return [b for b in ranked if same_script(b, lang) and not is_function_word(b, lang) and not foreign_english(b, lang)]


def loan_aware_round_trips(word: str, lang: str, pivot: str, *, pos: str | None = None) -> list[str]:
    """Round trips under revision v4 in Hindi and Russian: none for a name or a loan (थॉमस
    thomas, रिकॉर्ड record: `left_alone`), and none that respells the word or spells an English
    word (स्थित -> स्तिथ, समूह -> ग्रुप: `drop_lookalikes`)."""
    return [] if left_alone(word, lang) else drop_lookalikes(word, round_trips(word, lang, pivot, pos=pos), lang)


def _join_ar(prefix: str, stem: str) -> str:
    # li- + al- before a stem that starts with lam writes two lams, not three (للعبة, not لللعبة)
    return "ل" + stem if prefix == "لل" and stem.startswith("ل") else prefix + stem


def arabic_round_trips(word: str, pivot: str, *, pos: str | None = None) -> list[str]:
    """Round trips of an Arabic word under revision v4. MUSE lists Arabic words both bare and
    with the article, and English marks neither, so a plain round trip mixes them: عدد "number
    (of)" -> الرقم "the digit", الشركة "the company" -> رفقة "companionship". It also lists
    English words spelled in Arabic letters (المدينة -> city -> سيتي, فاز "won" -> وون), and
    forms of the word itself (يقول "he says" -> تقول "she says", خارج -> خرج). So:
    - a word that spells its first English translation is a name or a loan (جون john, لوك luke,
      كارولينا carolina), which Arabic cannot mark with capitals: it is left alone, as are the
      light verbs of a verbal noun (تم بناء "was built", قام بـ);
    - a candidate that spells its own first translation or one of the word's first three is
      dropped (سيتي city, الكاسل castle), and so is a form of the word (`same_root`) or a
      respelling of it (الثاني -> التاني);
    - a candidate is kept only with the word's own article and proclitic (`arabic_prefix`); a
      definite word with none left has its bare stem round-tripped and the prefix put back
      (الحصن -> القلعة; للمباراة -> للعبة)."""
    if left_alone(word, "ar"):
        return []
    agrees = arabic_prefix(word, loose=True)
    found = drop_lookalikes(word, [c for c in round_trips(word, "ar", pivot, pos=pos)
                                   if arabic_prefix(c, loose=True) == agrees], "ar")
    prefix = arabic_prefix(word)
    if prefix and not found and not spells_translation(word[len(prefix):], "ar"):
        bare = [c for c in round_trips(word[len(prefix):], "ar", pivot, pos=pos)
                if not arabic_prefix(c, loose=True) and not c.startswith("ال") and " " not in c]
        found = [_join_ar(prefix, c) for c in drop_lookalikes(word, bare, "ar")]
    return found


def dictionary_translate(text: str, src: str, tgt: str) -> tuple[str, int]:
    """Word-by-word MUSE translation; returns (text, words translated). Untranslatable words
    and all separators are kept; spacing follows the target's writing system."""
    tokens = tokenize(text, src)
    morphs = korean_morphemes(text) if src == "ko" else []
    first = next((i for i, t in enumerate(tokens) if t.is_word), -1)
    words: list[str | None] = []  # translation of each word token, None for separators/untranslated
    for i, tok in enumerate(tokens):
        word = None
        if tok.is_word:
            cands = translations(tok.text, src, tgt)
            word = cands[0] if cands else None
            split = korean_split(tok, morphs) if word is None and src == "ko" else None
            if split:  # 한국에서 -> korea에서 (the noun stem translated, the particle kept)
                found = translations(split[0], src, tgt)
                word = found[0] + split[1] if found else None
            if word == tok.text:
                word = None
            elif word is not None and src in CASED and tgt in CASED:
                word = match_case(tok.text, word, lang=src, first=i == first)
        words.append(word)
    out: list[str] = []
    for i, tok in enumerate(tokens):
        if not tok.is_word:
            # 東京 の 首都 -> 東京の首都: drop a space only between two words both translated
            joins = 0 < i < len(tokens) - 1 and words[i - 1] is not None and words[i + 1] is not None
            if not (joins and tgt in UNSEGMENTED and src not in UNSEGMENTED and tok.text.isspace()):
                out.append(tok.text)
            continue
        # 黑豹队的防守 -> 黑豹队的 defense: a space where a translated word meets another word
        if (i > 0 and tokens[i - 1].is_word and (words[i] is not None or words[i - 1] is not None)
                and src in UNSEGMENTED and tgt not in UNSEGMENTED):
            out.append(" ")
        out.append(words[i] if words[i] is not None else tok.text)
    return "".join(out), sum(w is not None for w in words)


@register("translate")
class Translate(Attack):
    description = (
        "Translate the whole query into `target`: method=dictionary is word-by-word MUSE "
        "(approximation: no reordering, unknown words kept); method=mt uses a seq2seq MT model."
    )
    languages = frozenset(_LANGS) - {"en"}
    params = (
        Param("target", str, "en", "language of the output query", choices=_LANGS),
        Param("method", str, "dictionary", "dictionary (MUSE word by word) or mt (seq2seq model)",
              choices=("dictionary", "mt")),
        Param("model", str, "", "MT model name or local folder (mt only; default OPUS-MT of the pair)"),
        *_MT_PARAMS,
    )
    resource = "muse"
    substitutes_words = True
    citation = "MUSE (Conneau et al. 2018); OPUS-MT (Tiedemann and Thottingal 2020)"

    def check_config(self) -> None:
        super().check_config()
        if self.config["method"] == "dictionary" and self.config["model"]:
            raise RobustirError("translate: model= applies only to method='mt'")

    def supports(self, lang: str) -> bool:
        return lang in _LANGS and lang != self.config["target"]

    def output_lang(self, lang: str) -> str:
        return self.config["target"]

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        target = self.config["target"]
        if self.config["method"] == "dictionary":
            out, n = dictionary_translate(text, lang, target)
            return Perturbation(text, out, n, (f"translate[dictionary]:{lang}->{target}",))
        from robustir.attacks.families._mt import translate_texts

        (out,) = translate_texts([text], lang, target, model=self.config["model"],
                                 allow_pickle=self.config["allow_pickle"])
        return Perturbation(text, out, len(out.split()), (f"translate[mt]:{lang}->{target}",))


@register("back_translation")
class BackTranslation(Attack):
    description = "Round trip X -> pivot -> X through machine translation models."
    languages = frozenset(_LANGS)
    params = (
        Param("pivot", str, "auto", "pivot language (auto: en, or de for English)", choices=("auto", *_LANGS)),
        Param("model", str, "", "X->pivot MT model or local folder (default OPUS-MT of the pair)"),
        Param("reverse_model", str, "", "pivot->X model (default: OPUS-MT, or `model` when it is given)"),
        *_MT_PARAMS,
    )
    needs_model = True
    substitutes_words = True
    citation = "Sennrich et al. 2016 (back-translation); OPUS-MT (Tiedemann and Thottingal 2020)"

    def supports(self, lang: str) -> bool:
        return lang in _LANGS and resolve_pivot(self.config["pivot"], lang) != lang

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        from robustir.attacks.families._mt import translate_texts

        pivot = resolve_pivot(self.config["pivot"], lang)
        fwd = self.config["model"]
        rev = self.config["reverse_model"] or fwd
        kw = {"allow_pickle": self.config["allow_pickle"]}
        (mid,) = translate_texts([text], lang, pivot, model=fwd, **kw)
        (out,) = translate_texts([mid], pivot, lang, model=rev, **kw)
        return Perturbation(text, out, word_diff(text, out), (f"back_translation:{lang}->{pivot}->{lang}",))
