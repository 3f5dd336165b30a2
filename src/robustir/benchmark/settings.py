"""Retrieval settings: which queries are searched against which corpus, judged by which qrels.

- ``mono``: queries in X against the corpus of X (one cell per language).
- ``cross``: queries in X against the corpus of Y. For parallel sets (XQuAD-R, MLQA-R) every
  ordered pair of the chosen languages (110 for XQuAD-R's 11, 42 for MLQA-R's 7), judged by the
  relevant sentence of the same question in Y. For other datasets (MLDR) cross-lingual cells
  come only from `translate` attacked sets (query language differs from the dataset language).
- ``multi``: queries of each language against the POOLED corpus of all chosen languages (one
  pooled setting, one cell per query language); for parallel sets every parallel relevant
  sentence counts as relevant.

Language bias (pooled setting, parallel sets): per query, the rank (from 1) of the worst-ranked
minus the rank of the best-ranked of its parallel relevant candidates, over the FULL ranking of
the pooled corpus; lower is better (Elmahdy et al. 2024, after Huang et al. 2023).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import math

import numpy as np

from robustir.errors import RobustirError, unknown_name
from robustir.types import Qrels

__all__ = ["SETTINGS", "POOLED", "Cell", "plan_cells", "qrels_for", "language_bias", "ranks_of", "score_range", "valid_score"]

SETTINGS = ("mono", "cross", "multi")
POOLED = "pooled"
LANG_BIAS = "lang_bias"


def score_range(metric: str) -> tuple[float, float]:
    """Valid per-query values of a metric: [0, 1] for retrieval metrics, [0, inf) for language
    bias (a rank gap). Reports and leaderboard records refuse anything else."""
    return (0.0, math.inf) if metric == LANG_BIAS else (0.0, 1.0)


def valid_score(value: object, metric: str) -> bool:
    """A finite number (not a bool) inside `score_range(metric)`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    low, high = score_range(metric)
    return low <= value <= high


@dataclass(frozen=True, order=True)
class Cell:
    """One (setting, query language, corpus language) combination; corpus ``pooled`` for multi."""

    setting: str
    query_lang: str
    corpus_lang: str

    def __str__(self) -> str:
        return f"{self.setting}:{self.query_lang}->{self.corpus_lang}"

    def to_dict(self) -> dict[str, str]:
        return {"setting": self.setting, "query_lang": self.query_lang, "corpus_lang": self.corpus_lang}


def parse_settings(items: str | Sequence[str]) -> list[str]:
    parts = [p.strip() for p in (items.split(",") if isinstance(items, str) else items) if p.strip()]
    if not parts:
        raise RobustirError(f"no retrieval setting given; choose from {', '.join(SETTINGS)}")
    out: list[str] = []
    for p in parts:
        if p == "all":
            return list(SETTINGS)
        if p not in SETTINGS:
            raise unknown_name("retrieval setting", p, SETTINGS)
        if p not in out:
            out.append(p)
    return out


def plan_cells(settings: Sequence[str], langs: Sequence[str], *, parallel: bool) -> list[Cell]:
    """The clean cells of a report, in a stable order (mono, cross, multi)."""
    cells: list[Cell] = []
    chosen = parse_settings(settings)
    if "mono" in chosen:
        cells += [Cell("mono", x, x) for x in langs]
    if "cross" in chosen and parallel:
        cells += [Cell("cross", x, y) for x in langs for y in langs if x != y]
    if "multi" in chosen:
        cells += [Cell("multi", x, POOLED) for x in langs]
    return cells


def qrels_for(cell: Cell, qrels: Mapping[str, Qrels], *, parallel: bool, langs: Sequence[str]) -> Qrels:
    """Judgements of one cell, from the per-language qrels of the dataset."""
    if cell.setting == "mono":
        return qrels[cell.query_lang]
    if cell.setting == "cross":
        # parallel sets: same question ids in every language; translate sets: judged in corpus_lang
        return qrels[cell.corpus_lang]
    if not parallel:
        return qrels[cell.query_lang]
    own = qrels[cell.query_lang]
    pooled: dict[str, dict[str, int]] = {}
    for qid in own:
        merged: dict[str, int] = {}
        for lang in langs:
            for doc, grade in qrels[lang].get(qid, {}).items():
                merged[doc] = max(grade, merged.get(doc, grade))
        pooled[qid] = merged
    return Qrels(pooled)


def ranks_of(scores: np.ndarray, doc_ids: Sequence[str], targets: Sequence[int]) -> list[int]:
    """1-based ranks of the documents at indexes `targets` in the full ranking by `scores`.

    Ties are broken by document id (ascending), as `Run.ranked` does.
    """
    out = []
    for t in targets:
        s = scores[t]
        higher = int(np.count_nonzero(scores > s))
        tied = np.flatnonzero(scores == s)
        before = sum(1 for i in tied if doc_ids[i] < doc_ids[t])
        out.append(higher + before + 1)
    return out


def language_bias(ranks: Sequence[int]) -> float:
    """Worst minus best rank of one query's parallel relevant candidates (0 with one candidate)."""
    if not ranks:
        raise RobustirError("language bias needs at least one relevant candidate")
    return float(max(ranks) - min(ranks))
