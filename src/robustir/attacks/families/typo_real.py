"""`typo.real`: replay misspellings people really made, where the query holds a listed word.

The lists (see `_typo_profile`): LibreOffice AutoCorrect for de en es fr it pt ru tr vi (MPL-2.0),
nlpaug's English misspelling list (MIT) and the th_TH typo lists of LibreOffice's Thai
dictionary (LGPL), read through `robustir.attacks.lexicons` (``--resources DIR``,
``ROBUSTIR_RESOURCES`` or the cache). Entries are single words of letters and marks that differ
beyond case. A word of the query whose lower-cased NFC form is a listed correction is eligible;
`rate` is the share of the query's words touched (at least `min_edits` when any word is
eligible), and a touched word becomes one of its listed misspellings, drawn uniformly, in the
word's case (lower, Title or UPPER). A query with no listed word stays unchanged.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping

import numpy as np

from robustir.attacks import lexicons
from robustir.attacks.base import STRENGTH_PARAMS, Attack, edit_budget, register
from robustir.attacks.families._typo_profile import LISTS, typo_pairs
from robustir.attacks.families.typo_keyboard import word_spans
from robustir.types import Perturbation

__all__ = ["RealTypo", "misspellings"]


@lexicons.tracked_cache()
def misspellings(lang: str) -> Mapping[str, tuple[str, ...]]:
    """lower-cased NFC correction -> its listed misspellings (sorted), for `lang`."""
    table: dict[str, list[str]] = {}
    for typo, right in typo_pairs(lang):
        table.setdefault(right, []).append(typo)
    return {right: tuple(sorted(typos)) for right, typos in table.items()}


lexicons.on_clear(misspellings.cache_clear)


def _in_case_of(typo: str, word: str) -> str:
    if word.isupper() and len(word) > 1:
        return typo.upper()
    if word[:1].isupper():
        return typo[:1].upper() + typo[1:]
    return typo


@register("typo.real")
class RealTypo(Attack):
    description = ("real misspellings replayed from typo lists (LibreOffice AutoCorrect; nlpaug's English list; "
                   "th_TH typo lists) where the query holds a listed word; other queries unchanged")
    languages = frozenset(LISTS)
    params = STRENGTH_PARAMS
    resource = "libreoffice-autocorrect"
    citation = ("LibreOffice AutoCorrect lists (MPL-2.0); nlpaug word/spelling/spelling_en.txt (MIT); "
                "LibreOffice th_TH typos-*.txt (LGPL).")

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        table = misspellings(lang)
        spans = word_spans(text, lang)
        eligible = []
        for start, end in spans:
            key = text[start:end]
            key = (key if key.isascii() else unicodedata.normalize("NFC", key)).lower()
            if key in table:
                eligible.append((start, end, table[key]))
        cfg = self.config
        n = edit_budget(len(spans), rate=cfg["rate"], min_edits=cfg["min_edits"], max_edits=cfg["max_edits"], rng=rng)
        n = min(n, len(eligible))
        if n == 0:
            return Perturbation(text, text, 0)
        chosen = sorted(eligible.pop(int(rng.random() * len(eligible))) for _ in range(n))
        pieces, pos = [], 0
        for start, end, typos in chosen:
            typo = typos[int(rng.random() * len(typos))]
            pieces += [text[pos:start], _in_case_of(typo, text[start:end])]
            pos = end
        pieces.append(text[pos:])
        return Perturbation(text, "".join(pieces), n, ("real",) * n)
