"""Exact inner-product top-k over a corpus held in shards, in bounded memory.

Scores are computed block by block (a block of queries against a block of corpus rows),
and only the running top-k per query is kept, so a 200,000-document corpus never needs a
full (queries x documents) matrix. With passage chunking a document owns several
consecutive rows; blocks are cut at document boundaries and the chunk scores are reduced
with a max per document (MaxP) before the top-k.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["exact_topk"]

_BLOCK_BYTES = 64 << 20  # score-matrix budget per (query block x corpus block)


def _merge(best_s: np.ndarray, best_i: np.ndarray, s: np.ndarray, i: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    cat_s = np.concatenate([best_s, s], axis=1)
    cat_i = np.concatenate([best_i, i], axis=1)
    if cat_s.shape[1] <= k:
        return cat_s, cat_i
    part = np.argpartition(-cat_s, k - 1, axis=1)[:, :k]
    return np.take_along_axis(cat_s, part, 1), np.take_along_axis(cat_i, part, 1)


def _doc_blocks(counts: np.ndarray, max_rows: int) -> list[tuple[int, int]]:
    """Split documents [0, n) into runs whose total row count stays near `max_rows`."""
    blocks: list[tuple[int, int]] = []
    start = 0
    rows = 0
    for d, c in enumerate(counts):
        if rows and rows + c > max_rows:
            blocks.append((start, d))
            start, rows = d, 0
        rows += int(c)
    if start < len(counts):
        blocks.append((start, len(counts)))
    return blocks


def exact_topk(
    queries: np.ndarray,
    shards: Sequence[np.ndarray],
    k: int,
    *,
    counts: Sequence[np.ndarray | None] | None = None,
    block_bytes: int = _BLOCK_BYTES,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k documents by inner product for every query row.

    `shards` are row blocks of the corpus matrix in document order (memory-mapped arrays
    are fine; each block is cast to float32 on the fly). `counts[j]`, when given, holds the
    number of rows per document in shard j (MaxP); otherwise one row is one document.
    Returns (doc indices, scores), each (n_queries, min(k, n_docs)), best first; ties
    are broken by the lower document index.

    Example:
        >>> c = np.eye(3, dtype=np.float32); q = c[[2]]
        >>> exact_topk(q, [c], 2)[0].tolist()
        [[2, 0]]
    """
    q = np.ascontiguousarray(queries, dtype=np.float32)
    nq = q.shape[0]
    dim = q.shape[1] if q.ndim == 2 else 0
    n_docs = sum(len(c) if c is not None else s.shape[0] for s, c in zip(shards, counts or [None] * len(shards)))
    kk = max(0, min(k, n_docs))
    out_i = np.zeros((nq, kk), dtype=np.int64)
    out_s = np.zeros((nq, kk), dtype=np.float32)
    if nq == 0 or kk == 0:
        return out_i, out_s
    max_rows = max(256, block_bytes // max(1, 4 * max(dim, 64)))
    q_block = max(1, min(nq, block_bytes // (4 * max_rows)))
    for q0 in range(0, nq, q_block):
        qb = q[q0 : q0 + q_block]
        best_s = np.full((qb.shape[0], 0), -np.inf, dtype=np.float32)
        best_i = np.zeros((qb.shape[0], 0), dtype=np.int64)
        doc_base = 0
        for j, shard in enumerate(shards):
            cnt = counts[j] if counts is not None else None
            per_doc = cnt if cnt is not None else np.ones(shard.shape[0], dtype=np.int64)
            row_off = np.concatenate([[0], np.cumsum(per_doc)])
            for d0, d1 in _doc_blocks(per_doc, max_rows):
                r0, r1 = int(row_off[d0]), int(row_off[d1])
                block = np.asarray(shard[r0:r1], dtype=np.float32)
                scores = qb @ block.T
                if cnt is not None:
                    scores = np.maximum.reduceat(scores, (row_off[d0:d1] - r0).astype(np.int64), axis=1)
                idx = np.arange(doc_base + d0, doc_base + d1, dtype=np.int64)
                if scores.shape[1] > kk:
                    part = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
                    scores = np.take_along_axis(scores, part, 1)
                    idx_b = idx[part]
                else:
                    idx_b = np.broadcast_to(idx, scores.shape)
                best_s, best_i = _merge(best_s, best_i, scores, idx_b, kk)
            doc_base += len(per_doc)
        order = np.lexsort((best_i, -best_s), axis=1) if best_s.size else None
        if order is not None:
            out_s[q0 : q0 + qb.shape[0]] = np.take_along_axis(best_s, order, 1)
            out_i[q0 : q0 + qb.shape[0]] = np.take_along_axis(best_i, order, 1)
    return out_i, out_s
