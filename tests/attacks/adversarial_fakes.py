"""Small, fast stand-in victims for the adversarial tests (the real-model test is separate).

`HashDense` embeds texts as L2-normalised hashed character trigram counts: a real (if weak)
lexical retriever, deterministic and instant, that honours interface 3 (index, corpus_matrix,
encode_queries, search, stats). `HashSparse` ranks with the same scores through `search` only,
as bm25 does, so the goal's sparse path is exercised.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from robustir.types import Corpus, QuerySet, Run

DIM = 512


@dataclass(frozen=True)
class FakeSpec:
    name: str
    kind: str
    revision: str = "test"
    languages: tuple[str, ...] = ()


def embed(texts: Sequence[str]) -> np.ndarray:
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, t in enumerate(texts):
        s = f"  {t.lower()}  "
        for j in range(len(s) - 2):
            h = int.from_bytes(hashlib.blake2b(s[j : j + 3].encode("utf-8"), digest_size=4).digest(), "little")
            out[i, h % DIM] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


class HashDense:
    def __init__(self, name: str = "hash-dense") -> None:
        self.spec = FakeSpec(name, "dense")
        self.stats = {"corpus_texts_encoded": 0, "query_texts_encoded": 0}
        self._corpus: Corpus | None = None
        self._matrix: np.ndarray | None = None

    def index(self, corpus: Corpus) -> None:
        if self._corpus is not None and self._corpus.fingerprint() == corpus.fingerprint():
            return  # as the real cache does: an indexed corpus is never encoded again
        self._corpus = corpus
        self._matrix = embed(corpus.full_texts())
        self.stats["corpus_texts_encoded"] += len(corpus)

    @property
    def corpus_matrix(self) -> np.ndarray:
        assert self._matrix is not None
        return self._matrix

    def encode_queries(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> np.ndarray:
        self.stats["query_texts_encoded"] += len(texts)
        return embed(list(texts))

    def search(self, queries: QuerySet, k: int = 100) -> Run:
        assert self._corpus is not None
        scores = self.encode_queries(queries.texts) @ self.corpus_matrix.T
        out = {}
        for qid, row in zip(queries.ids, scores):
            top = np.argsort(-row, kind="stable")[:k]
            out[qid] = {self._corpus.ids[i]: float(row[i]) for i in top}
        return Run(out)


class HashSparse(HashDense):
    """Same scores, but only through `search` (no encode_queries / corpus_matrix), like bm25."""

    def __init__(self) -> None:
        super().__init__("hash-sparse")
        self.spec = FakeSpec("hash-sparse", "sparse")
