"""`noise.punct`: punctuation and word spacing as people actually type them.

Four operations (``ops``, a comma-separated subset, all by default):
- ``drop``: a punctuation mark is left out (``?``, ``¿``, ``、``, ``。``, ``؟``, ``।`` ...);
- ``double``: a punctuation mark is typed twice;
- ``join``: the space between two words is lost (``the eiffel tower`` -> ``the eiffeltower``);
- ``split``: a space appears where there was none: inside a word in languages written with
  spaces (one site per word, the space after any of its inner grapheme clusters, so a
  Devanagari conjunct stays whole),
  and between two words in Chinese, Japanese and Thai (word boundaries from robustir's
  segmenters: jieba, janome, pythainlp), which is what changes their tokenisation most.

Every language is claimed; `rate` is the share of eligible sites edited.
"""
from __future__ import annotations

import unicodedata

import numpy as np

from robustir.attacks.base import Attack, Param, register
from robustir.attacks.families._edit_sites import Site, apply_sites, strength_params
from robustir.errors import RobustirError
from robustir.languages import LANGUAGES, UNSEGMENTED
from robustir.text.segment import graphemes, tokenize
from robustir.types import Perturbation

__all__ = ["PunctNoise", "punct_sites"]

OPS = ("drop", "double", "join", "split")


def _split_sites(word: str, start: int) -> list[Site]:
    """One site per word: the word with a space after any one of its inner grapheme clusters."""
    clusters = graphemes(word)
    variants = tuple("".join(clusters[:k]) + " " + "".join(clusters[k:]) for k in range(1, len(clusters)))
    return [(start, start + len(word), variants, "split")] if variants else []


def punct_sites(text: str, lang: str, ops: frozenset[str]) -> list[Site]:
    """Every edit site of `text` for the chosen `ops`."""
    sites: list[Site] = []
    tokens = tokenize(text, lang)
    for k, tok in enumerate(tokens):
        if tok.is_word:
            nxt = tokens[k + 1] if k + 1 < len(tokens) else None
            if "split" in ops and lang in UNSEGMENTED and nxt is not None and nxt.is_word:
                sites.append((tok.end, tok.end, (" ",), "split"))
            elif "split" in ops and lang not in UNSEGMENTED:
                sites += _split_sites(tok.text, tok.start)
            continue
        for j, ch in enumerate(tok.text):
            i = tok.start + j
            if unicodedata.category(ch).startswith("P"):
                if "drop" in ops:
                    sites.append((i, i + 1, ("",), "drop"))
                if "double" in ops:
                    sites.append((i, i + 1, (ch + ch,), "double"))
        between = 0 < k < len(tokens) - 1 and tokens[k - 1].is_word and tokens[k + 1].is_word
        if "join" in ops and between and tok.text == " ":
            sites.append((tok.start, tok.end, ("",), "join"))
    return sites


@register("noise.punct")
class PunctNoise(Attack):
    description = "punctuation dropped or doubled, spaces lost between words or added (inside words; between zh/ja/th words)"
    languages = frozenset(LANGUAGES)
    params = (
        *strength_params(0.1, 10),
        Param("ops", str, ",".join(OPS), "comma-separated subset of drop,double,join,split"),
    )

    def check_config(self) -> None:
        super().check_config()
        ops = [o.strip() for o in self.config["ops"].split(",") if o.strip()]
        bad = [o for o in ops if o not in OPS]
        if bad or not ops:
            raise RobustirError(f"noise.punct: ops must be a comma-separated subset of {','.join(OPS)}, got {self.config['ops']!r}")
        self._ops = frozenset(ops)

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        return apply_sites(text, punct_sites(text, lang, self._ops), self.config, rng)
