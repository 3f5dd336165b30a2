"""Shared machinery of the word-swapping attacks (synonym, code_switch, paraphrase.pivot,
translate): which words may be touched, script and case checks, and rebuilding the text.

A word may be swapped only if it is a content word: not a function word (stopwords, copulas,
auxiliaries, interrogatives, numerals, anything with a digit: `text.stopwords.is_function_word`),
not inside a proper name, not a verb carrying hyphenated clitics (est-il), and, where a tagger
exists (zh ja ko th), tagged noun, verb or adjective (ja: noun or adjective; ko: the noun stem of
an eojeol, whose particles and endings are kept). A replacement is one word unless the attack
is given multiword=true, and after an elided clitic (l', dell') it must start with a vowel.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from robustir.attacks.base import Param, edit_budget
from robustir.attacks import lexicons
from robustir.text.analysis import CONTENT_POS, Analysis, analyse, korean_morphemes
from robustir.text.scripts import (
    CASED, SCRIPTS, has_harakat, same_script, strip_harakat, to_simplified, to_traditional, traditional,
)
from robustir.text.segment import Token, is_stopword, tokenize
from robustir.text.stopwords import is_function_word
from robustir.languages import UNSEGMENTED
from robustir.types import Perturbation

MULTIWORD = Param("multiword", bool, False, "allow replacements of several words (wordnet phrases)")
# Parts of speech whose words are swapped, per language with a tagger (default: CONTENT_POS).
_SWAP_POS = {"ja": frozenset({"NOUN", "ADJ"}), "ko": frozenset({"NOUN"})}
_VOWELS = frozenset("aeiouyhàâäéèêëîïôöùûüÿœæáíóúãõ")


@dataclass(frozen=True)
class Slot:
    """One word to replace, as the replacement function sees it."""

    word: str  # the word (Korean: the noun stem of the eojeol)
    first: bool  # starts the query (case decisions)
    pos: str | None  # coarse part of speech from the language's tagger (None: no tagger)


def match_case(template: str, word: str, *, lang: str = "", first: bool = True) -> str:
    """Give `word` the case pattern of `template` (UPPER, Title or lower as found). German
    capitalises every noun, so a capitalised German word passes its Title case on only when it
    starts the query (pass lang="de"); same-language swaps should leave lang empty."""
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper() and not (lang == "de" and not first):
        return word[:1].upper() + word[1:]
    return word  # lower-case template: keep the lexicon's own case (German nouns, acronyms)


def content_positions(analysis: Analysis, lang: str) -> list[int]:
    """Indices of the word tokens that may be swapped (see the module docstring)."""
    toks, allowed = analysis.tokens, _SWAP_POS.get(lang, CONTENT_POS)
    out = []
    for i, t in enumerate(toks):
        if not t.is_word or i in analysis.names or is_function_word(t.text, lang):
            continue
        if analysis.pos[i] is not None and analysis.pos[i] not in allowed:
            continue
        first, last = analysis.unit_of(i) or (i, i)
        if "-" in "".join(x.text for x in toks[first : last + 1] if not x.is_word):
            continue  # est-il, a-t-il, encontra-se: a verb with its clitics
        if i != last:
            continue  # l' of l'homme: only the host of an elided clitic
        out.append(i)
    return out


def single_word(word: str, lang: str) -> bool:
    """One word: no spaces, and one segmenter word in unsegmented scripts."""
    if not word or any(ch.isspace() for ch in word):
        return False
    return lang not in UNSEGMENTED or sum(t.is_word for t in tokenize(word, lang)) <= 1


def _elided_before(tokens: Sequence[Token], pos: int) -> bool:
    return pos > 0 and tokens[pos - 1].is_word and tokens[pos - 1].text[-1:] in ("'", "\u2019")


def _usable(cand: str, old: str, *, lang: str, out_lang: str, multiword: bool, elided: bool) -> bool:
    if not cand or cand.casefold() == old.casefold():
        return False
    if not multiword and not single_word(cand, out_lang):
        return False
    if elided and cand[:1].casefold() not in _VOWELS:
        return False  # l'histoire -> l'récit
    return not is_function_word(cand, out_lang)


def swap_words(
    text: str,
    *,
    lang: str,
    rng: np.random.Generator,
    config: dict,
    replacement: Callable[[Slot], Sequence[str]],
    out_lang: str | None = None,
    label: str,
    top: int = 3,
) -> Perturbation:
    """Replace a budgeted share of content words by one of the first `top` usable candidates
    of `replacement(slot)` (best first; empty = no option).

    The budget is counted over content words; when a chosen word has no replacement the next
    candidate is tried, so the budget is met whenever enough words have one.
    """
    analysis = analyse(text, lang)
    tokens = analysis.tokens
    cands = content_positions(analysis, lang)
    budget = edit_budget(
        len(cands), rate=config["rate"], min_edits=config["min_edits"], max_edits=config["max_edits"], rng=rng
    )
    if budget == 0:
        return Perturbation(text, text, 0)
    target = out_lang or lang
    multiword = bool(config.get("multiword", False))
    morphs = korean_morphemes(text) if lang == "ko" else []
    new = [t.text for t in tokens]
    first_word = next((i for i, t in enumerate(tokens) if t.is_word), -1)
    ops: list[str] = []
    for i in rng.permutation(len(cands)):
        if len(ops) >= budget:
            break
        pos = cands[int(i)]
        old, rest = tokens[pos].text, ""
        if lang == "ko":  # 의원들은 -> 의원 + 들은: swap the noun stem, keep particles and endings
            split = korean_split(tokens[pos], morphs)
            if split is None:
                continue
            old, rest = split
        slot = Slot(old, pos == first_word, analysis.pos[pos])
        usable = [c for c in replacement(slot) if _usable(
            c, old, lang=lang, out_lang=target, multiword=multiword, elided=_elided_before(tokens, pos))]
        if not usable:
            continue
        rep = usable[int(rng.integers(min(top, len(usable))))]
        if lang == "ko":
            rep += harmonise(rep, rest, morphs, tokens[pos])
        new[pos] = pad(rep, tokens, pos, lang, target)
        ops.append(f"{label}:{tokens[pos].text}->{rep}")
    return Perturbation(text, "".join(new), len(ops), tuple(ops))


def _fold(word: str, lang: str) -> str:
    """Case, accents and Arabic letter variants (ة/ه, أ/إ/آ/ا, ى/ي) folded away."""
    import unicodedata

    out = "".join(ch for ch in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(ch))
    if lang == "ar":
        out = strip_harakat(out).translate(str.maketrans("ةأإآى", "هاااي"))
        out = out[2:] if out.startswith("ال") and len(out) > 4 else out  # the article al-
    return out


def variant(word: str, cand: str, lang: str) -> bool:
    """True if `cand` is a spelling, inflected or derived form of `word` rather than another
    word (ciel/ciels, moderno/moderna, season/seasonal, journée/journee, القاهرة/القاهره)."""
    a, b = _fold(word, lang), _fold(cand, lang)
    if a == b:
        return True
    if lang in UNSEGMENTED or lang == "ko":
        return a in b or b in a
    shortest = min(len(a), len(b))
    common = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), shortest)
    return common >= max(3, shortest - 2)


# --- names and loans in scripts without capitals (revision v4) -----------------------------

# Scripts where an English name or loan shows only by its sound, and MUSE's candidates that
# spell an English word are mostly wrong (revision v4 of synonym and paraphrase.pivot).
# Japanese and Korean write loans as ordinary words, with good native paraphrases (シーズン ->
# 季節, 커뮤니티 -> 공동체), so they are not among them.
NAMELESS = frozenset({"ar", "hi", "ru"})


def spells_translation(word: str, lang: str, *, n: int = 1, also: tuple[str, ...] = (), shortest: int = 2) -> bool:
    """`word` spells one of its first `n` MUSE English translations, or one of `also`
    (`robustir.text.translit.spells`; an Arabic article set aside): a name or a loan (جون
    john, थॉमस thomas), or an English word written in the language's letters (سيتي city).
    Only first translations speak for the word itself: MUSE lists romanised Hindi beside the
    English (वक्त -> time, waqt). `shortest`: see `spells` (1 to drop a candidate)."""
    from robustir.text.arabic import transliterates
    from robustir.text.translit import spells

    match = transliterates if lang == "ar" else spells
    return any(match(word, t, shortest=shortest) for t in (*translations(word, lang, "en")[:n], *also))


def left_alone(word: str, lang: str) -> bool:
    """Revision v4: a word no swap touches: a name or a loan (it spells its first English
    translation), or an Arabic light verb (تم بناء "was built", قام بـ "carried out")."""
    from robustir.text.arabic import LIGHT_VERBS

    return lang == "ar" and word in LIGHT_VERBS or spells_translation(word, lang)


def drop_lookalikes(word: str, candidates: Sequence[str], lang: str) -> list[str]:
    """Revision v4: `candidates` without respellings of `word` (डॉक्टर -> डाक्टर), English words
    in the language's letters (its own first translation or one of the word's first three:
    نقطة -> دوت, समूह -> ग्रुप) and, in Arabic, forms of the word itself (يقول -> تقول)."""
    from robustir.text.arabic import same_root

    mine = translations(word, lang, "en")[:3]
    return [c for c in candidates
            if not respells(word, c, lang) and not spells_translation(c, lang, also=mine, shortest=1)
            and not (lang == "ar" and same_root(word, c))]


def respells(word: str, cand: str, lang: str) -> bool:
    """`cand` is `word` spelled another way (डॉक्टर/डाक्टर, स्थित/स्तिथ, الثاني/التاني; Arabic
    articles set aside), not another word."""
    from robustir.text.arabic import strip_article
    from robustir.text.translit import respelling

    if lang == "ar":
        word, cand = strip_article(word), strip_article(cand)
    return respelling(word, cand)


# --- Korean: stems and particles -----------------------------------------------------------

_FUNCTIONAL = ("J", "E", "XSN", "XSV", "XSA", "VCP")
_PARTICLE_PAIRS = {"은": "는", "이": "가", "을": "를", "과": "와", "으로": "로"}


def korean_split(token: Token, morphs: Sequence) -> tuple[str, str] | None:
    """(noun stem, the rest) of a Korean eojeol that is one common noun (NNG) followed only by
    particles, suffixes and endings (의원들은 -> 의원, 들은); None for anything else."""
    inside = [m for m in morphs if token.start <= m.start < token.end]
    if not inside or inside[0].tag != "NNG" or inside[0].start != token.start:
        return None
    stem = inside[0]
    if token.text[: stem.end - stem.start] != stem.form:
        return None
    if any(not m.tag.startswith(_FUNCTIONAL) for m in inside[1:]):
        return None
    return stem.form, token.text[len(stem.form):]


def _batchim(syllable: str) -> int:
    """Final consonant index of a Hangul syllable (0: none; 8: ㄹ; -1: not Hangul)."""
    return (ord(syllable) - 0xAC00) % 28 if "\uac00" <= syllable <= "\ud7a3" else -1


def harmonise(stem: str, rest: str, morphs: Sequence, token: Token) -> str:
    """The particle after a new stem in the form its last syllable takes (산은 -> 산맥은,
    수도는 -> 도읍은): 은/는, 이/가, 을/를, 과/와, 으로/로."""
    final = _batchim(stem[-1:]) if stem else -1
    if final < 0 or not rest:
        return rest
    inside = [m for m in morphs if token.start <= m.start < token.end]
    particle = inside[1] if len(inside) > 1 else None
    if particle is None or not particle.tag.startswith("J") or not rest.startswith(particle.form):
        return rest
    pairs = {**_PARTICLE_PAIRS, **{v: k for k, v in _PARTICLE_PAIRS.items()}}
    form = particle.form
    if form not in pairs:
        return rest
    heavy = form in _PARTICLE_PAIRS  # the form used after a consonant
    want_heavy = final != 0 and not (form in ("으로", "로") and final == 8)
    if heavy != want_heavy:
        form = pairs[form]
    return form + rest[len(particle.form):]


@lexicons.tracked_cache()
def _vocab(lang: str) -> frozenset[str]:
    """Words of `lang` per its MUSE dictionary with English (empty if none is present)."""
    available, muse = lexicons.available, lexicons.muse

    pair = (lang, "en") if lang != "en" else ("en", "de")
    if not available("muse", f"{pair[0]}-{pair[1]}.txt"):
        return frozenset()
    return frozenset(muse(*pair))


def foreign_english(word: str, lang: str) -> bool:
    """True for an English word that is not a word of `lang` (wordnets built by translation,
    like WOLF, keep some English lemmas; a dictionary round trip can return the pivot word)."""
    if lang == "en" or lang in SCRIPTS or " " in word:  # other scripts: same_script() decides
        return False
    key = word.casefold()
    own, eng = _vocab(lang), _vocab("en")
    return bool(own) and key in eng and key not in own


def clear_caches() -> None:
    _ranks.cache_clear()
    _reverse.cache_clear()
    _lookup.cache_clear()
    _vocab.cache_clear()


lexicons.on_clear(clear_caches)  # its ranked lookups derive from the lexicon tables


def pad(word: str, tokens: Sequence[Token], pos: int, lang: str, out_lang: str) -> str:
    """Put spaces around a word from a space-separated language inserted into unsegmented text
    (日本 + 'capital' + の -> 日本 capital の)."""
    if lang not in UNSEGMENTED or out_lang in UNSEGMENTED:
        return word
    before = pos > 0 and not tokens[pos - 1].text[-1:].isspace()
    after = pos + 1 < len(tokens) and not tokens[pos + 1].text[:1].isspace()
    return (" " if before else "") + word + (" " if after else "")


def pick(options: Sequence[str], rng: np.random.Generator, *, top: int) -> str | None:
    """A random choice among the first `top` options (earlier = more frequent or first sense)."""
    if not options:
        return None
    return options[int(rng.integers(min(top, len(options))))]


# --- bilingual lookups (MUSE) -----------------------------------------------------------


def _direct(src: str, tgt: str) -> bool:
    available = lexicons.available

    return "en" in (src, tgt) or available("muse", f"{src}-{tgt}.txt")


@lexicons.tracked_cache()
def _ranks(src: str, tgt: str) -> dict[str, int]:
    """Frequency rank of each source word of a MUSE dictionary (files list frequent words first)."""
    muse = lexicons.muse

    return {w: i for i, w in enumerate(muse(src, tgt))}


@lexicons.tracked_cache()
def _reverse(src: str, tgt: str) -> dict[str, tuple[str, ...]]:
    """The MUSE dictionary src -> tgt read backwards: target word -> source words, in file order."""
    out: dict[str, list[str]] = {}
    for w, ts in lexicons.muse(src, tgt).items():
        for t in ts:
            out.setdefault(t, []).append(w)
    return {k: tuple(v) for k, v in out.items()}


@lexicons.tracked_cache(maxsize=200_000)
def _lookup(word: str, src: str, tgt: str) -> tuple[str, ...]:
    """Translations of one word, best first: those that translate back to the word, then the
    more frequent (MUSE lists a word's translations in no useful order: punkte -> dots, points)."""
    available, muse = lexicons.available, lexicons.muse

    table = muse(src, tgt)
    key = word if word in table else word.casefold()
    cands = table.get(key, ())
    if not cands and available("muse", f"{tgt}-{src}.txt"):
        # MUSE zh-en is mostly Traditional (比賽, not 比赛); en-zh lists Simplified forms too
        cands = _reverse(tgt, src).get(key, ())
    if len(cands) < 2 or not available("muse", f"{tgt}-{src}.txt"):
        return cands
    back, ranks = muse(tgt, src), _ranks(tgt, src)
    return tuple(sorted(cands, key=lambda c: (key not in back.get(c, ()), ranks.get(c, len(ranks)))))


def translations(word: str, src: str, tgt: str, *, via: int = 2, variants: bool = False) -> tuple[str, ...]:
    """MUSE translations of `word` from `src` to `tgt`, most frequent first. Pairs without a
    dictionary (neither side English, no local src-tgt file) pivot through English, using
    the first `via` English translations. `variants` (Chinese): a Chinese
    word is also looked up in Traditional characters, and Chinese results come in Simplified
    (code_switch's `zh_variants`)."""
    if src == tgt:
        return (word,)
    if variants and "zh" in (src, tgt):
        keys = dict.fromkeys((word, to_traditional(word))) if src == "zh" else (word,)
        found_all: dict[str, None] = {}
        for k in keys:
            found_all.update(dict.fromkeys(translations(k, src, tgt, via=via)))
        if tgt == "zh":
            return tuple(dict.fromkeys(to_simplified(c) for c in found_all))
        return tuple(found_all)
    if _direct(src, tgt):
        found = _lookup(word, src, tgt)
    else:
        out: dict[str, None] = {}
        for mid in _lookup(word, src, "en")[:via]:
            out.update(dict.fromkeys(_lookup(mid, "en", tgt)))
        found = tuple(out)
    if tgt == "zh":  # MUSE zh mixes in Traditional forms: Simplified ones first
        found = tuple(sorted(found, key=traditional))
    return found
