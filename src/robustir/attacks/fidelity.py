"""How far a perturbed query strays from its original: chrF and character edit distance.

chrF is sacrebleu's `CHRF(char_order=6, word_order=0, beta=2)` (chrF2, the WMT22 metrics-task
baseline) computed per sentence with the original as the single reference. `word_order=0`
uses character n-grams only, so it needs no word segmentation and works for Chinese and
Japanese; sacrebleu's default `whitespace=False` ignores spaces when building n-grams.
Scores are on sacrebleu's 0-100 scale (100 = identical). The edit distance is the
Levenshtein distance over Unicode code points (rapidfuzz).
"""
from __future__ import annotations

from functools import lru_cache

__all__ = ["CHRF_SETTINGS", "chrf", "char_edit_distance"]

CHRF_SETTINGS = {"char_order": 6, "word_order": 0, "beta": 2, "lowercase": False, "whitespace": False}


@lru_cache(maxsize=1)
def _metric():
    from sacrebleu.metrics import CHRF

    return CHRF(**CHRF_SETTINGS)


def chrf(perturbed: str, original: str) -> float:
    """Sentence chrF2 of `perturbed` against `original` (0-100), rounded to 4 decimals."""
    if perturbed == original:
        return 100.0
    return round(float(_metric().sentence_score(perturbed, [original]).score), 4)


def char_edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings, counted in code points."""
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(a, b))
