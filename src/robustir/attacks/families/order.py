"""Word-order and naturality variations of Penha et al. (ECIR 2022).

`order.shuffle` reorders words (their "RandomOrderSwap" swaps two random words; `mode=adjacent`
swaps neighbours, `mode=shuffle` permutes every word); `drop.stopwords` removes stopwords (their
"RemoveStopWords"), never every word. Words come from `segment.tokenize`, so Thai, Chinese
and Japanese are split by real segmenters; separators and punctuation stay in place.

Penha, Câmara, Hauff. "Evaluating the Robustness of Retrieval Pipelines with Query Variation
Generators." ECIR 2022.
"""
from __future__ import annotations

import numpy as np

from robustir.attacks.base import Attack, Param, edit_budget, register
from robustir.text.segment import Token, is_stopword, tokenize
from robustir.languages import LANGUAGES, UNSEGMENTED
from robustir.types import Perturbation

__all__ = ["DropStopwords", "OrderShuffle"]

_CITATION = "Penha, Câmara, Hauff. Evaluating the Robustness of Retrieval Pipelines with Query Variation Generators. ECIR 2022."


@register("order.shuffle")
class OrderShuffle(Attack):
    description = "swap two words (Penha et al. RandomOrderSwap), adjacent words, or shuffle all words"
    languages = frozenset(LANGUAGES)
    citation = _CITATION
    params = (
        Param("mode", str, "swap", "swap: random pairs; adjacent: neighbouring pairs; shuffle: permute all words", choices=("swap", "adjacent", "shuffle")),
        Param("rate", float, 0.1, "share of words moved by swaps (ignored by mode=shuffle except 0)", 0.0, 1.0),
        Param("min_edits", int, 1, "at least this many swaps", 0, 1000),
        Param("max_edits", int, 10, "at most this many swaps", 0, 1000),
    )

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        tokens = tokenize(text, lang)
        slots = [i for i, t in enumerate(tokens) if t.is_word]
        if len(slots) < 2:
            return Perturbation(text, text, 0)
        order = [tokens[i].text for i in slots]
        mode = self.config["mode"]
        if mode == "shuffle":
            perm = list(rng.permutation(len(order)))
            new = [order[k] for k in perm]
            edits = sum(1 for a, b in zip(new, order) if a != b)
        else:
            cfg = self.config
            units = max(len(order) // 2, 1) if mode == "swap" else len(order) - 1
            n = edit_budget(units, rate=cfg["rate"], min_edits=cfg["min_edits"], max_edits=cfg["max_edits"], rng=rng)
            new = list(order)
            edits = 0
            for _ in range(n):
                if mode == "swap":
                    a, b = (int(x) for x in rng.choice(len(new), size=2, replace=False))
                else:
                    a = int(rng.integers(len(new) - 1))
                    b = a + 1
                if new[a] != new[b]:
                    new[a], new[b] = new[b], new[a]
                    edits += 1
        out = list(tokens)
        for i, word in zip(slots, new):
            t = out[i]
            out[i] = Token(word, t.start, t.end, True)
        result = "".join(t.text for t in out)
        return Perturbation(text, result, edits if result != text else 0, ("order",) * (result != text))


@register("drop.stopwords")
class DropStopwords(Attack):
    description = "remove stopwords (Penha et al. RemoveStopWords); at least one word always stays"
    languages = frozenset(LANGUAGES)
    citation = _CITATION
    params = (
        Param("rate", float, 1.0, "share of the query's stopwords removed", 0.0, 1.0),
        Param("min_edits", int, 1, "at least this many removals", 0, 1000),
        Param("max_edits", int, 1000, "at most this many removals", 0, 1000),
    )

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        tokens = tokenize(text, lang)
        word_idx = [i for i, t in enumerate(tokens) if t.is_word]
        # numbers are never dropped: a year or a count is the query's content here
        stops = [i for i in word_idx if not tokens[i].text.isdigit() and is_stopword(tokens[i].text, lang)]
        if not stops:
            return Perturbation(text, text, 0)
        cfg = self.config
        n = edit_budget(len(stops), rate=cfg["rate"], min_edits=cfg["min_edits"], max_edits=cfg["max_edits"], rng=rng)
        n = min(n, len(word_idx) - 1)  # never remove every word
        if n <= 0:
            return Perturbation(text, text, 0)
        drop = set(int(i) for i in rng.choice(stops, size=n, replace=False))
        result = _join_without(tokens, drop, spaced=lang not in UNSEGMENTED)
        if not result.strip():
            return Perturbation(text, text, 0)
        return Perturbation(text, result, n if result != text else 0, ("drop",) * n)


def _join_without(tokens: list[Token], drop: set[int], *, spaced: bool) -> str:
    """Concatenate tokens minus `drop`, removing one run of whitespace per dropped word: the
    one on its left if there is one, else the one on its right. A word glued to the next one
    (an elided article: French "l'" in "l'histoire") takes no whitespace with it."""
    keep = [True] * len(tokens)
    for i in sorted(drop):
        keep[i] = False
        if not spaced or (i + 1 < len(tokens) and tokens[i + 1].is_word):
            continue
        left = i - 1
        if left >= 0 and keep[left] and not tokens[left].is_word and tokens[left].text.isspace():
            keep[left] = False
        elif i + 1 < len(tokens) and not tokens[i + 1].is_word and tokens[i + 1].text.isspace():
            keep[i + 1] = False
    return "".join(t.text for t, k in zip(tokens, keep) if k)
