"""The Retriever protocol and the dense retriever shared by every embedding backend.

A backend only turns a batch of texts into vectors (`Encoder`); `DenseRetriever` does the
rest the same way for all of them: truncation or passage chunking (MaxP), length-sorted
batches, normalisation, the on-disk corpus cache and exact blockwise search.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from robustir.errors import RobustirError
from robustir.models.chunking import Spans, chunk_text, truncate_text
from robustir.models.spec import ModelSpec
from robustir.types import Corpus, QuerySet, Run

__all__ = ["DenseRetriever", "Encoder", "Retriever"]

CACHE_FORMAT = 1
CHUNKINGS = ("truncate", "maxp")


@runtime_checkable
class Retriever(Protocol):
    """What every retriever offers: `index(corpus)` once, then `search(queries, k)`."""

    spec: ModelSpec
    stats: dict[str, int]

    def index(self, corpus: Corpus) -> None: ...

    def search(self, queries: QuerySet, k: int = 100) -> Run: ...


class Encoder(Protocol):
    """A backend's encoder: a batch of raw texts -> float32 vectors (one row per text)."""

    dim: int | None
    device: str
    native_truncation: bool  # True when encode() truncates to max_length itself

    def encode(self, texts: list[str], *, is_query: bool, max_length: int | None) -> np.ndarray: ...

    def token_spans(self, text: str) -> Spans: ...


class DenseRetriever:
    """Embedding retrieval with a reusable corpus cache.

    Example:
        >>> r = load_retriever("me5-small-q4")            # doctest: +SKIP
        >>> r.index(corpus); run = r.search(queries, k=10)  # doctest: +SKIP
        >>> r.stats["corpus_texts_encoded"]                 # doctest: +SKIP
    """

    def __init__(
        self,
        spec: ModelSpec,
        encoder: Encoder,
        *,
        batch_size: int = 32,
        chunking: str = "truncate",
        chunk_length: int | None = None,
        chunk_overlap: int | None = None,
        cache: bool = True,
        cache_dir: str | None = None,
        cache_dtype: str = "float32",
        shard_docs: int = 8192,
        progress: bool | None = None,
    ) -> None:
        if chunking not in CHUNKINGS:
            raise RobustirError(f"chunking must be one of {', '.join(CHUNKINGS)}, got {chunking!r}")
        if batch_size < 1:
            raise RobustirError(f"batch_size must be positive, got {batch_size!r}")
        self.spec = spec
        self.encoder = encoder
        self.batch_size = batch_size
        self.chunking = chunking
        self.chunk_length = chunk_length or max(16, (spec.max_length or 512) - 16)
        self.chunk_overlap = min(32, self.chunk_length // 4) if chunk_overlap is None else chunk_overlap
        if self.chunk_length < 1 or not 0 <= self.chunk_overlap < self.chunk_length:
            raise RobustirError(
                f"chunking needs chunk_length >= 1 and 0 <= chunk_overlap < chunk_length, got {self.chunk_length} and {self.chunk_overlap}"
            )
        self.use_cache = cache
        self.cache_dir = cache_dir
        self.cache_dtype = cache_dtype
        self.shard_docs = shard_docs
        self.progress = progress
        self.stats: dict[str, int] = {
            "corpus_texts_encoded": 0,
            "corpus_chunks_encoded": 0,
            "query_texts_encoded": 0,
            "cache_shards_reencoded": 0,
        }
        self._corpus: Corpus | None = None
        self._fingerprint: str | None = None
        self._encoding: Any = None
        self._matrix: np.ndarray | None = None

    # --- encoding ---------------------------------------------------------------------
    def _encode(self, texts: Sequence[str], *, is_query: bool, desc: str = "") -> np.ndarray:
        max_len = self.spec.max_query_length if is_query else self.spec.max_length
        texts = list(texts)
        if max_len and not self.encoder.native_truncation:
            texts = [truncate_text(t, max_len, self.encoder.token_spans) for t in texts]
        n = len(texts)
        order = sorted(range(n), key=lambda i: -len(texts[i]))  # similar lengths share a batch
        out: np.ndarray | None = None
        show = self.progress if self.progress is not None else n >= 2000
        bar = None
        if show:
            from tqdm.auto import tqdm

            bar = tqdm(total=n, desc=desc or ("queries" if is_query else "corpus"), unit="text", file=sys.stderr)
        for b0 in range(0, n, self.batch_size):
            idx = order[b0 : b0 + self.batch_size]
            vecs = np.asarray(self.encoder.encode([texts[i] for i in idx], is_query=is_query, max_length=max_len))
            if out is None:
                out = np.empty((n, vecs.shape[1]), dtype=np.float32)
            out[idx] = vecs
            if bar is not None:
                bar.update(len(idx))
        if bar is not None:
            bar.close()
        if out is None:
            out = np.zeros((0, self.encoder.dim or 0), dtype=np.float32)
        if self.spec.normalize and len(out):
            norms = np.linalg.norm(out, axis=1, keepdims=True)
            out /= np.maximum(norms, 1e-12)
        return out

    def encode_queries(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> np.ndarray:
        """Query vectors (float32, normalised when the model is), one row per text."""
        if langs is not None and len(langs) != len(texts):
            raise RobustirError(f"got {len(texts)} query texts but {len(langs)} languages")
        vecs = self._encode(texts, is_query=True)
        self.stats["query_texts_encoded"] += len(texts)
        return vecs

    def encode_passages(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray | None]:
        """Passage vectors, bypassing the cache; with MaxP also the chunk count per text."""
        if self.chunking == "truncate":
            return self._encode(texts, is_query=False), None
        chunks: list[str] = []
        counts = np.zeros(len(texts), dtype=np.int32)
        for i, t in enumerate(texts):
            parts = chunk_text(t, self.chunk_length, self.chunk_overlap, self.encoder.token_spans)
            chunks += parts
            counts[i] = len(parts)
        self.stats["corpus_chunks_encoded"] += len(chunks)
        return self._encode(chunks, is_query=False), counts

    # --- index and search -------------------------------------------------------------
    def cache_key(self, corpus: Corpus) -> dict[str, Any]:
        return {
            "format": CACHE_FORMAT,
            "model": self.spec.encoding_key(),
            "chunking": {"mode": self.chunking, "length": self.chunk_length, "overlap": self.chunk_overlap}
            if self.chunking == "maxp"
            else {"mode": "truncate"},
            "corpus": corpus.fingerprint(),
        }

    def index(self, corpus: Corpus) -> None:
        """Encode `corpus` (or load it from the cache) for the following searches."""
        fp = corpus.fingerprint()
        if fp == self._fingerprint and self._encoding is not None:
            return
        texts = corpus.full_texts()

        def encode_range(start: int, end: int) -> tuple[np.ndarray, np.ndarray | None]:
            rows, counts = self.encode_passages(texts[start:end])
            self.stats["corpus_texts_encoded"] += end - start
            return rows, counts

        from robustir.models.cache import CachedEncoding, EncodingCache

        if self.use_cache:
            from pathlib import Path

            root = Path(self.cache_dir) if self.cache_dir else None
            cache = EncodingCache(self.cache_key(corpus), root=root, dtype=self.cache_dtype, shard_docs=self.shard_docs)
            enc = cache.load_or_encode(len(texts), encode_range, dim=self.encoder.dim)
            self.stats["cache_shards_reencoded"] += enc.reencoded_shards
        else:
            rows, counts = encode_range(0, len(texts))
            enc = CachedEncoding([rows], [counts], len(texts), len(texts))
        self._corpus, self._fingerprint, self._encoding, self._matrix = corpus, fp, enc, None

    @property
    def corpus_matrix(self) -> np.ndarray:
        """The indexed corpus embeddings, one row per document (per chunk with MaxP)."""
        if self._encoding is None:
            raise RobustirError("no corpus indexed yet: call index(corpus) first")
        if self._matrix is None:
            self._matrix = self._encoding.matrix()
        return self._matrix

    def search(self, queries: QuerySet, k: int = 100) -> Run:
        """Top-k documents per query by exact inner product (MaxP over chunks if chunked)."""
        if self._encoding is None or self._corpus is None:
            raise RobustirError("no corpus indexed yet: call index(corpus) before search()")
        if k < 1:
            raise RobustirError(f"k must be a positive integer, got {k!r}")
        from robustir.models.search import exact_topk

        qv = self.encode_queries(queries.texts, queries.langs)
        enc = self._encoding
        counts = enc.counts if any(c is not None for c in enc.counts) else None
        idx, scores = exact_topk(qv, enc.shards, k, counts=counts)
        ids = self._corpus.ids
        return Run({q: {ids[i]: float(s) for i, s in zip(idx[r], scores[r])} for r, q in enumerate(queries.ids)})
