"""Shared machinery of the word-swapping attacks (synonym, code_switch, paraphrase.pivot,
translate): which words may be touched, script and case checks, and rebuilding the text."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from robustir.attacks.base import edit_budget
from robustir.attacks import lexicons
from robustir.text.scripts import CASED, SCRIPTS, has_harakat, same_script, strip_harakat
from robustir.text.segment import Token, is_stopword, tokenize
from robustir.languages import UNSEGMENTED
from robustir.types import Perturbation

def match_case(template: str, word: str, *, lang: str = "", first: bool = True) -> str:
    """Give `word` the case pattern of `template` (UPPER, Title or lower as found). German
    capitalises every noun, so a capitalised German word passes its Title case on only when it
    starts the query (pass lang="de"); same-language swaps should leave lang empty."""
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper() and not (lang == "de" and not first):
        return word[:1].upper() + word[1:]
    return word  # lower-case template: keep the lexicon's own case (German nouns, acronyms)


def content_positions(tokens: Sequence[Token], lang: str) -> list[int]:
    """Indices of word tokens that are not stopwords (the candidates for swapping). Japanese
    also needs a part of speech: only nouns and adjectives, since a verb stem swapped for a
    noun breaks the conjugation (教えてください -> 教訓てください)."""
    out = [i for i, t in enumerate(tokens) if t.is_word and not is_stopword(t.text, lang)]
    if lang == "ja" and out:
        text = "".join(t.text for t in tokens)
        starts = _ja_content_starts(text)
        out = [i for i in out if tokens[i].start in starts]
    return out


@lru_cache(maxsize=1)
def _janome_pos():
    from janome.tokenizer import Tokenizer

    return Tokenizer()


def _ja_content_starts(text: str) -> frozenset[int]:
    """Start offsets of janome tokens tagged noun (名詞) or adjective (形容詞), excluding
    non-independent and suffix nouns (非自立, 接尾)."""
    starts: set[int] = set()
    pos = 0
    for tok in _janome_pos().tokenize(text):
        at = text.find(tok.surface, pos)
        if at < 0:
            continue
        pos = at + len(tok.surface)
        tags = tok.part_of_speech.split(",")
        if tags[0] in ("名詞", "形容詞") and not {"非自立", "接尾", "代名詞", "数"} & set(tags[1:]):
            starts.add(at)
    return frozenset(starts)


def swap_words(
    text: str,
    *,
    lang: str,
    rng: np.random.Generator,
    config: dict,
    replacement: Callable[[str, np.random.Generator, bool], str | None],
    out_lang: str | None = None,
    label: str,
) -> Perturbation:
    """Replace a budgeted share of content words by `replacement(word, rng, first)` (None = no
    option; `first` tells whether the word starts the query, for case decisions).

    The budget is counted over content words; when a chosen word has no replacement the next
    candidate is tried, so the budget is met whenever enough words have one.
    """
    tokens = tokenize(text, lang)
    cands = content_positions(tokens, lang)
    budget = edit_budget(
        len(cands), rate=config["rate"], min_edits=config["min_edits"], max_edits=config["max_edits"], rng=rng
    )
    if budget == 0:
        return Perturbation(text, text, 0)
    new = [t.text for t in tokens]
    first_word = next((i for i, t in enumerate(tokens) if t.is_word), -1)
    ops: list[str] = []
    for i in rng.permutation(len(cands)):
        if len(ops) >= budget:
            break
        pos = cands[int(i)]
        old = tokens[pos].text
        rep = replacement(old, rng, pos == first_word)
        if not rep and lang == "ko":  # 한국에서 -> 한국 + 에서: swap the stem, keep the particle
            rep = _korean_stem_swap(old, lambda stem: replacement(stem, rng, pos == first_word))
        if not rep or rep == old:
            continue
        new[pos] = pad(rep, tokens, pos, lang, out_lang or lang)
        ops.append(f"{label}:{old}->{rep}")
    return Perturbation(text, "".join(new), len(ops), tuple(ops))


def _korean_stem_swap(word: str, replace: Callable[[str], str | None], *, max_suffix: int = 3) -> str | None:
    """Korean attaches particles and endings to the stem; try the longest known stem."""
    for cut in range(len(word) - 1, max(0, len(word) - 1 - max_suffix), -1):
        rep = replace(word[:cut])
        if rep:
            return rep + word[cut:]
    return None


@lru_cache(maxsize=None)
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


@lru_cache(maxsize=None)
def _ranks(src: str, tgt: str) -> dict[str, int]:
    """Frequency rank of each source word of a MUSE dictionary (files list frequent words first)."""
    muse = lexicons.muse

    return {w: i for i, w in enumerate(muse(src, tgt))}


@lru_cache(maxsize=200_000)
def _lookup(word: str, src: str, tgt: str) -> tuple[str, ...]:
    """Translations of one word, best first: those that translate back to the word, then the
    more frequent (MUSE lists a word's translations in no useful order: punkte -> dots, points)."""
    available, muse = lexicons.available, lexicons.muse

    table = muse(src, tgt)
    key = word if word in table else word.casefold()
    cands = table.get(key, ())
    if len(cands) < 2 or not available("muse", f"{tgt}-{src}.txt"):
        return cands
    back, ranks = muse(tgt, src), _ranks(tgt, src)
    return tuple(sorted(cands, key=lambda c: (key not in back.get(c, ()), ranks.get(c, len(ranks)))))


def translations(word: str, src: str, tgt: str, *, via: int = 2) -> tuple[str, ...]:
    """MUSE translations of `word` from `src` to `tgt`, most frequent first. Pairs without a
    dictionary (neither side English, no local src-tgt file) pivot through English, using
    the first `via` English translations."""
    if src == tgt:
        return (word,)
    if _direct(src, tgt):
        found = _lookup(word, src, tgt)
    else:
        out: dict[str, None] = {}
        for mid in _lookup(word, src, "en")[:via]:
            out.update(dict.fromkeys(_lookup(mid, "en", tgt)))
        found = tuple(out)
    if tgt == "zh":  # MUSE zh mixes in Traditional forms: Simplified ones first
        found = tuple(sorted(found, key=_traditional))
    return found
