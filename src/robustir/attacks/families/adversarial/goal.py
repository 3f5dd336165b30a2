"""The goal of an adversarial query attack: push the relevant document out of the top k.

Kept apart from the search, as TextAttack keeps `GoalFunction` apart from `SearchMethod`: the
goal only scores candidate queries; the search only decides which candidates to try.

A candidate is scored by the rank of its best relevant document under the victim retriever and
by the *margin* between that document's score and the score of the `target_rank`-th
non-relevant document. The attack succeeds when the margin is negative, i.e. at least
`target_rank` non-relevant documents score strictly higher than every relevant one (rank >
target_rank). The search minimises the margin, a continuous signal even before success.

Dense victims: candidate queries are encoded in batches with `retriever.encode_queries` and
scored against `retriever.corpus_matrix` (the cached corpus encodings); no corpus text is ever
encoded here. Sparse victims (bm25): candidates are searched in one batch per step.
"""
from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from robustir.errors import RobustirError
from robustir.types import Corpus, QuerySet

__all__ = ["GoalResult", "QueryGoal", "RankGoal"]


@dataclass(frozen=True)
class GoalResult:
    """How a candidate query fares: rank of the best relevant document (1 = top) and margin.

    For sparse victims a relevant document not retrieved at `depth` gets rank depth + 1 (a lower
    bound) and margin -inf.
    """

    rank: int
    margin: float
    target_rank: int

    @property
    def success(self) -> bool:
        return self.rank > self.target_rank

    def better_than(self, other: GoalResult) -> bool:
        """Strictly more damaging for the retriever (lower margin, then lower-ranked)."""
        return (self.margin, -self.rank) < (other.margin, -other.rank)


def _is_dense(retriever: Any) -> bool:
    spec = getattr(retriever, "spec", None)
    kind = getattr(spec, "kind", None)
    if kind is not None:
        return kind == "dense"
    return callable(getattr(retriever, "encode_queries", None))


def victim_name(retriever: Any) -> str:
    spec = getattr(retriever, "spec", None)
    return str(getattr(spec, "name", None) or type(retriever).__name__)


class RankGoal:
    """The goal for one victim and one indexed corpus; hands out a `QueryGoal` per query.

    Example:
        >>> goal = RankGoal(retriever, corpus, target_rank=10)  # doctest: +SKIP
        >>> qg = goal.for_query({"en-0-0"}, lang="en")  # doctest: +SKIP
        >>> qg.evaluate(["How many points did the Panthers defense surrender?"])[0].rank  # doctest: +SKIP
        1
    """

    def __init__(self, retriever: Any, corpus: Corpus, *, target_rank: int = 10, depth: int = 100) -> None:
        if isinstance(target_rank, bool) or not isinstance(target_rank, int) or target_rank < 1:
            raise RobustirError(f"target_rank must be a positive integer, got {target_rank!r}")
        if target_rank >= len(corpus):
            raise RobustirError(
                f"target_rank={target_rank} needs a corpus of more than {target_rank} documents; this one has {len(corpus)}"
            )
        self.retriever = retriever
        self.corpus = corpus
        self.target_rank = target_rank
        self.depth = max(depth, target_rank + 1)
        self.dense = _is_dense(retriever)
        self.victim = victim_name(retriever)
        self._index = {doc: i for i, doc in enumerate(corpus.ids)}
        self._matrix: np.ndarray | None = None
        if self.dense:
            matrix = getattr(retriever, "corpus_matrix", None)
            if matrix is None or len(matrix) != len(corpus):
                raise RobustirError(
                    f"victim {self.victim}: corpus_matrix has {0 if matrix is None else len(matrix)} rows but the corpus "
                    f"has {len(corpus)} documents; call retriever.index(corpus) with the dataset's corpus first"
                )
            # One float32 copy up front: candidate scoring is then a single matrix product.
            self._matrix = np.ascontiguousarray(np.asarray(matrix, dtype=np.float32))

    def corpus_texts_encoded(self) -> int | None:
        stats = getattr(self.retriever, "stats", None)
        if isinstance(stats, dict) and "corpus_texts_encoded" in stats:
            return int(stats["corpus_texts_encoded"])
        return None

    def for_query(self, relevant: Collection[str], *, lang: str) -> QueryGoal:
        rel = sorted(set(relevant))
        unknown = [d for d in rel if d not in self._index]
        if not rel or unknown:
            what = f"unknown document {unknown[0]!r}" if unknown else "no relevant document"
            raise RobustirError(f"adversarial goal: the query's judgements name {what}; it cannot be attacked")
        return QueryGoal(self, rel, lang)

    # -- scoring backends ------------------------------------------------------------------

    def _dense(self, texts: Sequence[str], lang: str, rel: Sequence[str]) -> list[GoalResult]:
        assert self._matrix is not None  # set in __init__ for dense victims (internal invariant)
        q = np.asarray(self.retriever.encode_queries(list(texts), [lang] * len(texts)), dtype=np.float32)
        scores = q @ self._matrix.T
        rel_idx = np.array([self._index[d] for d in rel])
        best = scores[:, rel_idx].max(axis=1)
        scores[:, rel_idx] = -np.inf
        ranks = 1 + (scores > best[:, None]).sum(axis=1)
        kth = np.partition(scores, -self.target_rank, axis=1)[:, -self.target_rank]
        return [GoalResult(int(r), float(b - k), self.target_rank) for r, b, k in zip(ranks, best, kth)]

    def _sparse(self, texts: Sequence[str], lang: str, rel: Sequence[str]) -> list[GoalResult]:
        ids = tuple(f"c{i}" for i in range(len(texts)))
        run = self.retriever.search(QuerySet(ids, tuple(texts), (lang,) * len(texts)), k=self.depth)
        relset = set(rel)
        out = []
        for qid in ids:
            ranked = run.ranked(qid)
            pos = next((i for i, (doc, _) in enumerate(ranked) if doc in relset), None)
            if pos is None:
                out.append(GoalResult(self.depth + 1, -math.inf, self.target_rank))
                continue
            best = ranked[pos][1]
            nonrel = [s for doc, s in ranked if doc not in relset]
            kth = nonrel[self.target_rank - 1] if len(nonrel) >= self.target_rank else -math.inf
            out.append(GoalResult(pos + 1, float(best - kth), self.target_rank))
        return out


class QueryGoal:
    """The goal bound to one query's relevant documents; caches results and counts model calls.

    `calls` counts texts sent to the victim (queries encoded, or searched for sparse victims);
    a text already scored for this query is never sent again.
    """

    def __init__(self, goal: RankGoal, relevant: Sequence[str], lang: str) -> None:
        self.goal = goal
        self.relevant = tuple(relevant)
        self.lang = lang
        self.calls = 0
        self._cache: dict[str, GoalResult] = {}

    def evaluate(self, texts: Sequence[str]) -> list[GoalResult]:
        """Score candidate queries in one batch (duplicates and known texts are not re-sent)."""
        new = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if new:
            score = self.goal._dense if self.goal.dense else self.goal._sparse
            for text, result in zip(new, score(new, self.lang, self.relevant)):
                self._cache[text] = result
            self.calls += len(new)
        return [self._cache[t] for t in texts]
