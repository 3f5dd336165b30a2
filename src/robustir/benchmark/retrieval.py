"""Run every search a report needs for one model, encoding each corpus only once.

Dense retrievers (those with ``encode_queries`` and a ``corpus_matrix`` of one row per
document) index the POOLED corpus
of the chosen languages once; every setting is a slice of that one matrix (monolingual and
cross-lingual: the columns of one language; multilingual: all), scored by inner product of
the query and document vectors, the similarity the models API normalises for. Each query set
(clean or attacked, per language) is encoded once and reused for all its cells. Other
retrievers (BM25) index each needed corpus once and run ``search`` for every query set on it.

Language bias needs the rank of every relevant candidate in the FULL pooled ranking: dense
models get it exactly from the full score vector; other retrievers search with k = pooled
corpus size, and a candidate still not retrieved is given the last rank (the corpus size).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from robustir.benchmark.settings import POOLED, Cell, ranks_of
from robustir.errors import RobustirError
from robustir.types import Corpus, QuerySet, Run

__all__ = ["SearchJob", "SearchResult", "is_dense", "run_searches"]


@dataclass(frozen=True)
class SearchJob:
    cell: Cell
    qkey: str  # identity of the query set: jobs with the same key share one query encoding
    queries: QuerySet
    bias_targets: Mapping[str, Sequence[str]] | None = None  # qid -> parallel relevant docids


@dataclass(frozen=True)
class SearchResult:
    run: Run
    ranks: dict[str, list[int]] | None = None  # qid -> full-ranking ranks of bias targets


def is_dense(retriever: object) -> bool:
    # `dir`, not `hasattr`: a corpus_matrix property may raise until something is indexed
    return callable(getattr(retriever, "encode_queries", None)) and "corpus_matrix" in dir(retriever)


def _pool(corpora: Mapping[str, Corpus], langs: Sequence[str]) -> Corpus:
    return Corpus.concat(corpora[lang] for lang in langs)


def run_searches(
    retriever: object,
    corpora: Mapping[str, Corpus],
    langs: Sequence[str],
    jobs: Sequence[SearchJob],
    *,
    depth: int,
    progress: Callable[[str], None] | None = None,
) -> list[SearchResult]:
    """Results in the order of `jobs`."""
    if depth < 1:
        raise RobustirError(f"retrieval depth must be >= 1, got {depth}")
    if is_dense(retriever):
        return _dense(retriever, corpora, langs, jobs, depth=depth, progress=progress)
    return _generic(retriever, corpora, langs, jobs, depth=depth, progress=progress)


def _dense(retriever, corpora, langs, jobs, *, depth, progress) -> list[SearchResult]:
    pooled = _pool(corpora, langs)
    if progress:
        progress(f"indexing {len(pooled)} documents ({', '.join(langs)})")
    retriever.index(pooled)
    matrix = np.asarray(retriever.corpus_matrix, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[0] != len(pooled):
        # several rows per document (MaxP chunks): let the retriever's own search aggregate them
        return _generic(retriever, corpora, langs, jobs, depth=depth, progress=progress)
    spans: dict[str, slice] = {}
    start = 0
    for lang in langs:
        spans[lang] = slice(start, start + len(corpora[lang]))
        start += len(corpora[lang])
    spans[POOLED] = slice(0, len(pooled))
    encoded: dict[str, np.ndarray] = {}
    out: list[SearchResult] = []
    for job in jobs:
        if job.qkey not in encoded:
            q = np.asarray(retriever.encode_queries(list(job.queries.texts), list(job.queries.langs)), dtype=np.float32)
            if q.shape != (len(job.queries), matrix.shape[1]):
                raise RobustirError(f"encode_queries returned shape {q.shape}, expected {(len(job.queries), matrix.shape[1])}")
            encoded[job.qkey] = q
        cols = spans[job.cell.corpus_lang]
        ids = pooled.ids[cols]
        scores = encoded[job.qkey] @ matrix[cols].T
        k = min(depth, scores.shape[1])
        run: dict[str, dict[str, float]] = {}
        for i, qid in enumerate(job.queries.ids):
            row = scores[i]
            top = np.argpartition(-row, k - 1)[:k] if k < len(row) else np.arange(len(row))
            run[qid] = {ids[j]: float(row[j]) for j in top}
        ranks = None
        if job.bias_targets is not None:
            index = {d: i for i, d in enumerate(ids)}
            ranks = {}
            for i, qid in enumerate(job.queries.ids):
                targets = [index[d] for d in job.bias_targets.get(qid, ()) if d in index]
                if targets:
                    ranks[qid] = ranks_of(scores[i], ids, targets)
        out.append(SearchResult(Run(run), ranks))
    return out


def _generic(retriever, corpora, langs, jobs, *, depth, progress) -> list[SearchResult]:
    results: list[SearchResult | None] = [None] * len(jobs)
    targets = list(dict.fromkeys(job.cell.corpus_lang for job in jobs))
    for target in targets:
        corpus = _pool(corpora, langs) if target == POOLED else corpora[target]
        if progress:
            progress(f"indexing {len(corpus)} documents ({target})")
        retriever.index(corpus)
        for n, job in enumerate(jobs):
            if job.cell.corpus_lang != target:
                continue
            k = len(corpus) if job.bias_targets is not None else min(depth, len(corpus))
            full = retriever.search(job.queries, k=k)
            ranks = None
            if job.bias_targets is not None:
                ranks = {}
                for qid in job.queries.ids:
                    pos = {d: r for r, (d, _) in enumerate(full.ranked(qid), start=1)}
                    want = job.bias_targets.get(qid, ())
                    if want:
                        ranks[qid] = [pos.get(d, len(corpus)) for d in want]
            run = Run({qid: dict(full.ranked(qid)[:depth]) for qid in job.queries.ids if qid in full})
            results[n] = SearchResult(run, ranks)
    return [r for r in results if r is not None]
