"""Word-order and naturality variations of Penha et al. (ECIR 2022).

`order.shuffle` reorders words (their "RandomOrderSwap" swaps two random words; `mode=adjacent`
swaps neighbours, `mode=shuffle` permutes every word); `drop.stopwords` removes stopwords (their
"RemoveStopWords"), never every word. Words come from `segment.tokenize`, so Thai, Chinese
and Japanese are split by real segmenters; separators and punctuation stay in place. Both work
on units (`text.analysis`): an elided clitic stays with its host (c'est, l'homme), a verb with
its hyphenated clitics (est-ce, a-t-il), the French question frame qu'est-ce que is one unit,
and the pieces of a name (a Thai name the segmenter split, Josh Norman) move together.

Penha, Câmara, Hauff. "Evaluating the Robustness of Retrieval Pipelines with Query Variation
Generators." ECIR 2022.
"""
from __future__ import annotations

import numpy as np

from robustir.attacks.base import Attack, Param, edit_budget, register
from robustir.text.analysis import analyse
from robustir.text.segment import Token, is_stopword
from robustir.text.stopwords import is_function_word
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
        analysis = analyse(text, lang)
        tokens, units = analysis.tokens, analysis.units
        if len(units) < 2:
            return Perturbation(text, text, 0)
        order = [text[tokens[a].start : tokens[b].end] for a, b in units]
        mode = self.config["mode"]
        if mode == "shuffle":
            perm = list(rng.permutation(len(order)))
            new = [order[k] for k in perm]
            edits = sum(1 for a, b in zip(new, order) if a != b)
        else:
            cfg = self.config
            count = max(len(order) // 2, 1) if mode == "swap" else len(order) - 1
            n = edit_budget(count, rate=cfg["rate"], min_edits=cfg["min_edits"], max_edits=cfg["max_edits"], rng=rng)
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
        out, pos = [], 0
        for (a, b), unit in zip(units, new):
            out.append(text[pos : tokens[a].start])
            out.append(unit)
            pos = tokens[b].end
        result = "".join(out) + text[pos:]
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
        analysis = analyse(text, lang)
        tokens = analysis.tokens
        spans = droppable(analysis, lang)
        if not spans:
            return Perturbation(text, text, 0)
        cfg = self.config
        n = edit_budget(len(spans), rate=cfg["rate"], min_edits=cfg["min_edits"], max_edits=cfg["max_edits"], rng=rng)
        n = min(n, len(analysis.units) - 1)  # never remove every word
        if n <= 0:
            return Perturbation(text, text, 0)
        picked = sorted(int(i) for i in rng.choice(len(spans), size=n, replace=False))
        drop = {k for i in picked for k in range(spans[i][0], spans[i][1] + 1)}
        result = _join_without(tokens, drop, spaced=lang not in UNSEGMENTED)
        if not result.strip():
            return Perturbation(text, text, 0)
        return Perturbation(text, result, n if result != text else 0, ("drop",) * n)


def droppable(analysis, lang: str) -> list[tuple[int, int]]:
    """Token spans drop.stopwords may remove: a unit made only of stopwords (qu'il, de), or the
    elided article before a content word (l' of l'histoire). A unit holding a copula or any
    other non-stopword stays whole (c'est, qu'est-ce que: never est-est). Numbers never go."""
    tokens, out = analysis.tokens, []
    for a, b in analysis.units:
        words = [i for i in range(a, b + 1) if tokens[i].is_word]
        stops = [is_stopword(tokens[i].text, lang) and not tokens[i].text.isdigit() for i in words]
        if all(stops):
            out.append((a, b))
        elif (len(words) == 2 and stops[0] and tokens[words[0]].text[-1:] in ("'", "\u2019")
              and not is_function_word(tokens[words[1]].text, lang)):
            out.append((words[0], words[0]))
    return out


def _join_without(tokens: list[Token], drop: set[int], *, spaced: bool) -> str:
    """Concatenate tokens minus `drop` (whole units: runs of indices), removing one run of
    whitespace per dropped run: the one on its left if there is one, else the one on its right.
    A word glued to the next one (an elided article: French "l'" in "l'histoire") takes no
    whitespace with it."""
    keep = [i not in drop for i in range(len(tokens))]
    for i in sorted(drop):
        if i + 1 < len(tokens) and (i + 1) in drop:
            continue  # inside a dropped run: handle its whitespace at its last token
        first = i
        while first - 1 in drop:
            first -= 1
        if not spaced or (i + 1 < len(tokens) and tokens[i + 1].is_word):
            continue
        left = first - 1
        if left >= 0 and keep[left] and not tokens[left].is_word and tokens[left].text.isspace():
            keep[left] = False
        elif i + 1 < len(tokens) and not tokens[i + 1].is_word and tokens[i + 1].text.isspace():
            keep[i + 1] = False
    return "".join(t.text for t, k in zip(tokens, keep) if k)
