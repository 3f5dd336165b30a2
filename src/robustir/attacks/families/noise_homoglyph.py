"""`noise.homoglyph`: characters swapped for Unicode confusables (look-alikes from other code points).

The table is Unicode's own confusables data (UTS #39, ``confusables.txt``) as the PyPI package
``confusable_homoglyphs`` ships it (``confusables.json``, regenerated from unicode.org by the
package; MIT). Nothing is written by hand here. A replacement must be one code point, of the
same general category class (letter for letter, mark for mark), and already in NFKC form (so
mathematical alphanumerics and full-width forms, which NFKC folds back and which
`noise.diacritics` covers, are left out).

``targets="common"`` (the default) keeps the replacements seen in real spoofing: letters of
the core Latin (incl. IPA), Greek and Cyrillic blocks (below U+0530), and for other scripts
the query's own script (Thai; kana and kanji counted as one). ``targets="any"`` allows every confusable (small capitals, Cherokee,
Lisu, Warang Citi ...).

Claimed languages are those whose script has confusables in the data: Latin-script languages,
Russian, Greek, Thai (Thai/Lao pairs) and Japanese (katakana/kanji pairs such as タ/夕, ー/一).
Arabic, Chinese and Korean letters have none there (Arabic confusables are presentation forms
that NFKC folds); Hindi only its virama.
"""
from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np

from robustir.attacks.base import Attack, Param, register
from robustir.attacks.families._edit_sites import Site, apply_sites, strength_params
from robustir.errors import RobustirError
from robustir.types import Perturbation

__all__ = ["Homoglyph", "homoglyphs"]

_COMMON = frozenset({"LATIN", "CYRILLIC", "GREEK"})


def _script(ch: str) -> str:
    first = unicodedata.name(ch, "?").split(" ")[0]
    return "JAPANESE" if first in ("CJK", "KATAKANA", "HIRAGANA", "KATAKANA-HIRAGANA") else first


@lru_cache(maxsize=1)
def _table() -> dict[str, list[dict[str, str]]]:
    try:
        import confusable_homoglyphs
    except ImportError:
        raise RobustirError(
            "noise.homoglyph needs the Unicode confusables data: pip install confusable_homoglyphs"
        ) from None
    path = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=4096)
def homoglyphs(ch: str, targets: str = "common") -> tuple[str, ...]:
    """The confusables of one character that `noise.homoglyph` may put in its place."""
    own = _script(ch)
    out = []
    for entry in _table().get(ch, ()):
        c = entry["c"]
        if len(c) != 1 or c == ch or unicodedata.normalize("NFKC", c) != c:
            continue
        if unicodedata.category(c)[0] != unicodedata.category(ch)[0]:
            continue
        core = ord(c) < 0x0530 and _script(c) in _COMMON
        if targets == "common" and not (core or (own not in _COMMON and _script(c) == own)):
            continue
        out.append(c)
    return tuple(sorted(set(out)))


@register("noise.homoglyph")
class Homoglyph(Attack):
    description = "swap characters for Unicode confusables (UTS #39 data via confusable_homoglyphs): Latin a -> Cyrillic а, Greek ο -> Latin o"
    languages = frozenset({"de", "en", "es", "fr", "it", "pt", "tr", "vi", "ru", "el", "th", "ja"})
    params = (
        *strength_params(0.1, 10),
        Param("targets", str, "common", "common: core Latin/Greek/Cyrillic and own-script look-alikes; any: all", choices=("common", "any")),
    )
    citation = "Unicode Technical Standard #39 confusables; TextAttack's WordSwapHomoglyphSwap (Morris et al. 2020)"

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        targets = self.config["targets"]
        sites: list[Site] = []
        for i, ch in enumerate(text):
            options = homoglyphs(ch, targets) if not ch.isspace() else ()
            if options:
                sites.append((i, i + 1, options, "homoglyph"))
        return apply_sites(text, sites, self.config, rng)
