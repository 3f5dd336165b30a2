"""`typo.keyboard`: a typist's slips on each language's standard keyboard, in real typos' proportions.

Layouts (package data `robustir/text/data/keyboards/keyboards.json`, built by scripts/build_keyboards.py
from the xkeyboard-config symbol files of Debian's xkb-data, X11/MIT): US QWERTY (en), German
QWERTZ, French AZERTY, Spanish, Italian, Portuguese, Russian ЙЦУКЕН, Arabic 101, Hindi InScript,
Thai Kedmanee, Greek, Turkish Q. A shifted character slips to the shifted neighbour. A
character not on the layout (é on a US keyboard) slips through its base letter. Vietnamese is
typed with Telex on a US layout: the base Latin letter slips and the tone/vowel marks stay when
the result still composes. Chinese, Japanese and Korean use their input methods' slips (see
`typo_ime`), in both modes.

`mode=typist` (default): each touched word gets one of four slips, drawn in the proportions
fitted on the language's real typo lists (`_typo_profile`, package data typo_profiles.json):
a neighbouring key instead of the right one (substitute), a second key hit (insert: the same key
twice or a neighbour of an adjacent letter), a missed key (delete) or two keys in the wrong
order (transpose); where in the word it lands follows the fitted first/middle/last shares.
Words are edited as grapheme clusters (`segment.graphemes`): a cluster's base letter slips to a
letter key, a combining mark (Thai vowel or tone mark, Devanagari matra) to a mark key, and an
edit that would change the word's clustering is not made. Languages without a real list (ar,
el, hi) use the mix pooled over the listed languages. `mode=substitute`: the earlier behaviour,
one neighbour substitution per touched word, byte-identical to it. `rate` is the share of
words touched, one slip per touched word.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

from robustir.attacks.base import STRENGTH_PARAMS, Attack, Param, edit_budget, register
from robustir.attacks.families._typo_profile import LAYOUT_OF, OPS, POSITIONS, default_mix, position_of, profile
from robustir.attacks.families.typo_ime import ja_candidates, ko_candidates, zh_candidates
from robustir.text.keyboards import layout_neighbours
from robustir.text.segment import graphemes
from robustir.text.segment import word_spans as segment_word_spans
from robustir.types import Perturbation

__all__ = ["KeyboardTypo", "LAYOUT_OF", "MODES", "slip_candidates", "typist_profile", "word_spans"]

_IME = frozenset({"zh", "ja", "ko"})
_DIGIT = re.compile(r"\d")
MODES = ("typist", "substitute")


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


# --- words ------------------------------------------------------------------------------------


@lru_cache(maxsize=2048)
def word_spans(text: str, lang: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of the word tokens of `segment.tokenize(text, lang)` (`segment.word_spans`).
    Cached: the adversarial search re-reads a query many times."""
    return tuple(segment_word_spans(text, lang))


# --- mode=substitute (the earlier behaviour) --------------------------------------------------


_SLIPPABLE: dict[tuple[str, bool], dict[str, bool]] = {}  # (lang, near) -> char -> has a slip


@lru_cache(maxsize=65536)
def _spots(word: str, lang: str, near: bool) -> tuple[int, ...]:
    table = _SLIPPABLE.setdefault((lang, near), {})
    out = []
    for i, ch in enumerate(word):
        ok = table.get(ch)
        if ok is None:
            ok = table[ch] = bool(slip_candidates(ch, lang, near_pinyin=near))
        if ok:
            out.append(i)
    return tuple(out)


def _substitute(text: str, lang: str, cfg: dict, rng: np.random.Generator) -> Perturbation:
    near = cfg["near_pinyin"]
    words = [(s, e, text[s:e]) for s, e in word_spans(text, lang)]
    eligible = [(w, spots) for w in words if (spots := _spots(w[2], lang, near))]
    n = edit_budget(len(words), rate=cfg["rate"], min_edits=cfg["min_edits"], max_edits=cfg["max_edits"], rng=rng)
    n = min(n, len(eligible))
    if n == 0:
        return Perturbation(text, text, 0)
    if n == 1:  # rng.choice(m, size=1, replace=False) is this same draw (Floyd's first step), in a third of the time
        chosen = [int(rng.integers(len(eligible)))]
    else:
        chosen = sorted((int(k) for k in rng.choice(len(eligible), size=n, replace=False)), key=lambda k: eligible[k][0][0])
    pieces, pos = [], 0
    for k in chosen:
        (start, end, word), spots = eligible[k]
        i = spots[int(rng.integers(len(spots)))]
        options = slip_candidates(word[i], lang, near_pinyin=near)
        new = options[int(rng.integers(len(options)))]
        pieces += [text[pos:start], word[:i], new, word[i + 1 :]]
        pos = end
    pieces.append(text[pos:])
    return Perturbation(text, "".join(pieces), n, ("keyboard",) * n)


# --- mode=typist -------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def typist_profile(lang: str) -> tuple[dict[str, float], dict[str, dict[str, float]], float, bool]:
    """(operation mix, position shares per op, share of doubled keys among insertions, real list?)."""
    prof = profile(lang)
    real = prof is not None
    prof = prof or default_mix()
    return dict(prof["mix"]), {op: dict(prof["positions"][op]) for op in OPS}, prof["insert_kinds"]["double"], real


def _is_letter(cluster: str) -> bool:
    return cluster[0].isalpha()  # a letter (Unicode L*), not a mark, digit or sign


@lru_cache(maxsize=65536)
def _clusters(word: str) -> tuple[str, ...]:
    if word.isascii():
        return tuple(word)
    return tuple(graphemes(word))


_DEVA_VOWELS = frozenset("A AA I II U UU E AI O AU".split())


@lru_cache(maxsize=4096)
def _kind(ch: str) -> str:
    """What a key types, for keeping a cluster well formed: a consonant or vowel letter, or a
    vowel sign / tone mark / other sign (a cluster takes at most one of each)."""
    name = unicodedata.name(ch, "")
    words = name.split()
    if unicodedata.category(ch)[0] == "L":
        vowel = "SARA" in words or "LAKKHANGYAO" in words or (words[:2] == ["DEVANAGARI", "LETTER"] and (
            words[2] in _DEVA_VOWELS or "VOCALIC" in words or "CANDRA" in words or "SHORT" in words))
        return "vowel letter" if vowel else "letter"
    if "VOWEL" in words or "SARA" in words or "HAN-AKAT" in words or "MAITAIKHU" in words:
        return "vowel sign"
    if words[:2] == ["THAI", "CHARACTER"] and words[2:3] == ["MAI"]:
        return "tone mark"
    return name  # virama, nukta, anusvara...: only itself


@lru_cache(maxsize=65536)
def _sub_options(cluster: str, layout: str) -> tuple[str, ...]:
    """Clusters one slipped key away: a letter key for a letter; inside a cluster with marks, a
    key of the same kind (consonant, vowel sign, tone mark), so the cluster stays well formed."""
    if len(cluster) == 1:
        return tuple(c for c in _layout_candidates(cluster, layout) if _is_letter(c))
    table = _neighbours(layout)
    out = []
    for j, ch in enumerate(cluster):
        kind = _kind(ch)
        for near in table.get(ch, ""):
            if _kind(near) != kind:
                continue
            new = cluster[:j] + near + cluster[j + 1 :]
            if len(graphemes(new)) == 1:
                out.append(new)
    return tuple(dict.fromkeys(c for c in out if c != cluster))


@lru_cache(maxsize=65536)
def _standalone(ch: str) -> bool:
    probe = "a" if ch.isascii() else ch
    return _is_letter(ch) and len(graphemes(probe + ch)) == 2 and len(graphemes(ch + probe)) == 2


@lru_cache(maxsize=65536)
def _second_keys(cluster: str, layout: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the key hit twice, neighbour keys hit with it) for a letter cluster: standalone letters only."""
    base = cluster[0]
    double = (cluster,) if len(cluster) == 1 and _standalone(cluster) else ()
    near = tuple(c for c in _layout_candidates(base, layout) if _standalone(c))
    return double, near


def _pick(weights: list[float], u: float) -> int:
    total = sum(weights)
    acc = 0.0
    for k, w in enumerate(weights):
        acc += w
        if u * total < acc:
            return k
    return len(weights) - 1


def _spot(spots: list[int], length: int, shares: dict[str, float], u: float) -> int:
    """One of `spots` (ascending), so that first / middle / last get the fitted shares; one
    uniform draw `u` picks the class and, rescaled inside the class's band, the spot."""
    n = len(spots)
    first = 1 if spots[0] <= 0 else 0
    last = 1 if spots[-1] >= length - 1 and n > first else 0
    bands = []  # (share, index of the class's first spot, number of spots in it)
    if first:
        bands.append((shares["first"], 0, 1))
    if n - first - last:
        bands.append((shares["middle"], first, n - first - last))
    if last:
        bands.append((shares["last"], n - 1, 1))
    total = sum(w for w, _, _ in bands)
    x = u * total
    end = len(bands) - 1
    for k, (w, start, size) in enumerate(bands):
        if x < w or k == end:
            return spots[start + min(int(x / w * size), size - 1)]
        x -= w
    return spots[-1]


_SUBSTITUTABLE: dict[str, dict[str, bool]] = {}  # layout -> cluster -> has a letter key next to it


def _ops_for(cl: tuple[str, ...], layout: str) -> dict[str, list[int]]:
    n = len(cl)
    flags = [c[0].isalpha() for c in cl]
    if all(flags):
        letters = list(range(n))
        gaps = list(range(n + 1))
        pairs = [i for i in range(n - 1) if cl[i] != cl[i + 1]]
    else:
        letters = [i for i in range(n) if flags[i]]
        gaps = [g for g in range(n + 1) if (g > 0 and flags[g - 1]) or (g < n and flags[g])]
        pairs = [i for i in range(n - 1) if cl[i] != cl[i + 1] and flags[i] and flags[i + 1]]
    table = _SUBSTITUTABLE.setdefault(layout, {})
    subs = []
    for i in letters:
        ok = table.get(cl[i])
        if ok is None:
            ok = table[cl[i]] = bool(_sub_options(cl[i], layout))
        if ok:
            subs.append(i)
    ops = {"substitute": subs, "insert": gaps, "delete": letters if n >= 2 else [], "transpose": pairs}
    return {op: spots for op, spots in ops.items() if spots}


def _insertion(cl: tuple[str, ...], g: int, layout: str, p_double: float, rng: np.random.Generator) -> str | None:
    """The key typed into gap `g`: one of its letters hit twice, or a key next to one of them."""
    doubles: list[str] = []
    nears: list[str] = []
    for k in (g - 1, g):
        if 0 <= k < len(cl) and cl[k][0].isalpha():
            d, near = _second_keys(cl[k], layout)
            doubles += d
            nears += near
    kinds = [(w, pool) for w, pool in ((p_double, doubles), (1.0 - p_double, nears)) if pool]
    if not kinds:
        return None
    pool = kinds[_pick([w for w, _ in kinds], rng.random())][1]
    return pool[int(rng.random() * len(pool))]


@lru_cache(maxsize=65536)
def _plan(word: str, lang: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[float, ...], dict[str, list[int]]] | None:
    """(clusters, feasible ops, their fitted weights, spots per op) of one word; cached per word."""
    cl = _clusters(word)
    ops = _ops_for(cl, LAYOUT_OF[lang])
    if not ops:
        return None
    mix = typist_profile(lang)[0]
    names = tuple(ops)
    return cl, names, tuple(mix[o] for o in names), ops


def _slip(word: str, lang: str, rng: np.random.Generator) -> str | None:
    """`word` after one typist's slip, or None when it cannot take one."""
    plan = _plan(word, lang)
    if plan is None:
        return None
    cl, names, weights, ops = plan
    _, positions, p_double, _ = typist_profile(lang)
    op = names[_pick(weights, rng.random())] if len(names) > 1 else names[0]
    n = len(cl)
    layout = LAYOUT_OF[lang]
    if op == "insert":
        g = _spot(ops[op], n + 1, positions[op], rng.random())
        new = _insertion(cl, g, layout, p_double, rng)
        if new is None:
            return None
        out, expected = cl[:g] + (new,) + cl[g:], n + 1
    elif op == "transpose":
        i = _spot(ops[op], n, positions[op], rng.random())
        out, expected = cl[:i] + (cl[i + 1], cl[i]) + cl[i + 2 :], n
    else:
        i = _spot(ops[op], n, positions[op], rng.random())
        if op == "delete":
            out, expected = cl[:i] + cl[i + 1 :], n - 1
        else:
            options = _sub_options(cl[i], layout)
            out, expected = cl[:i] + (options[int(rng.random() * len(options))],) + cl[i + 1 :], n
    result = "".join(out)
    if not result.isascii() and len(graphemes(result)) != expected:
        return None  # the edit would merge or split clusters
    return result


def _typist(text: str, lang: str, cfg: dict, rng: np.random.Generator) -> Perturbation:
    spans = word_spans(text, lang)
    eligible = list(spans) if _DIGIT.search(text) is None else [s for s in spans if not text[s[0] : s[1]].isdecimal()]
    n = edit_budget(len(spans), rate=cfg["rate"], min_edits=cfg["min_edits"], max_edits=cfg["max_edits"], rng=rng)
    n = min(n, len(eligible))
    if n == 0:
        return Perturbation(text, text, 0)
    chosen = []
    for _ in range(n):  # n draws without replacement
        chosen.append(eligible.pop(int(rng.random() * len(eligible))))
    chosen.sort()
    pieces, pos, edits = [], 0, 0
    for start, end in chosen:
        new = _slip(text[start:end], lang, rng)
        if new is None:
            continue
        pieces += [text[pos:start], new]
        pos = end
        edits += 1
    if not edits:
        return Perturbation(text, text, 0)
    pieces.append(text[pos:])
    return Perturbation(text, "".join(pieces), edits, ("keyboard",) * edits)


def _description() -> str:
    return ("a typist's slips on the language's standard keyboard: neighbour key, key hit twice or next to it, "
            "missed key, two keys swapped, in the proportions of real typo lists (de en es fr it pt ru th tr vi; "
            "ar el hi: no real list, the pooled mix); mode=substitute: neighbour substitutions only; "
            "pinyin homophones (zh), romaji-kana slips (ja), Dubeolsik jamo slips (ko)")


@register("typo.keyboard")
class KeyboardTypo(Attack):
    description = _description()
    languages = frozenset(LAYOUT_OF) | _IME
    params = STRENGTH_PARAMS + (
        Param("near_pinyin", bool, True, "zh: also near-pinyin (IME fuzzy) characters, not only homophones"),
        Param("mode", str, "typist", "typist: real typos' mix of substitute/insert/delete/transpose; substitute: neighbour keys only",
              choices=MODES),
    )
    citation = ("Layouts: xkeyboard-config (xkb-data 2.35.1), X11/MIT. Mix: LibreOffice AutoCorrect (MPL-2.0) and "
                "th_TH typo lists (LGPL).")

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        if lang in _IME or self.config["mode"] == "substitute":
            return _substitute(text, lang, self.config, rng)
        return _typist(text, lang, self.config, rng)
