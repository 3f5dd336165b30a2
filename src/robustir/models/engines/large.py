"""Corpora too large to hold: index a (gzipped) JSONL corpus file straight into the cache.

Nothing here keeps the corpus texts: one streaming pass fingerprints the file (the same key
`Corpus.fingerprint()` gives, so the in-memory path shares the cache), the engine encodes the
missing shards as the file streams past, and search runs blockwise over the memory-mapped
shards (`robustir.models.search.exact_topk`). Resident memory is the document ids, a window of
shards, and one score block per query block; see docs/scale.md for measured figures.

Example:
    >>> index, report = index_jsonl(retriever, "mldr-v1.0-en/corpus.jsonl.gz", "en",
    ...                             engine=get_engine("ray"), factory=RetrieverFactory("me5-small-q4"))  # doctest: +SKIP
    >>> run = index.search(queries, k=100)                                       # doctest: +SKIP
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from robustir.errors import RobustirError
from robustir.models.engines import EncodeReport, Engine, Shard
from robustir.models.engines.corpus import fill_cache, open_cache, resolve_factory
from robustir.models.engines.stream import CorpusScan, iter_shards, scan_corpus
from robustir.types import QuerySet, Run

__all__ = ["StreamedIndex", "index_jsonl"]


class _Fingerprinted:
    """Stands in for a `Corpus` where only its fingerprint is needed (the cache key)."""

    def __init__(self, fingerprint: str) -> None:
        self._fingerprint = fingerprint

    def fingerprint(self) -> str:
        return self._fingerprint


@dataclass
class StreamedIndex:
    """A cached corpus encoding searched without loading it: ids in memory, rows memory-mapped."""

    retriever: Any
    scan: CorpusScan
    ids: tuple[str, ...]
    encoding: Any  # robustir.models.cache.CachedEncoding

    def search(self, queries: QuerySet, k: int = 100) -> Run:
        if k < 1:
            raise RobustirError(f"k must be a positive integer, got {k!r}")
        from robustir.models.search import exact_topk

        qv = self.retriever.encode_queries(queries.texts, queries.langs)
        counts = self.encoding.counts if any(c is not None for c in self.encoding.counts) else None
        idx, scores = exact_topk(qv, self.encoding.shards, k, counts=counts)
        ids = self.ids
        return Run({q: {ids[i]: float(s) for i, s in zip(idx[r], scores[r])} for r, q in enumerate(queries.ids)})


def index_jsonl(
    retriever: Any, path: str | Path, lang: str, *, engine: Engine, factory: Any = None, retries: int = 1
) -> tuple[StreamedIndex, EncodeReport]:
    """Encode the corpus file `path` (MLDR layout: one {docid, text} per line, .gz or plain)."""
    factory = resolve_factory(retriever, engine, factory)
    path = Path(path)
    scan = scan_corpus(path, lang)
    cache = open_cache(retriever, _Fingerprinted(scan.fingerprint))
    size = cache.adopt_layout(scan.documents)  # an existing encoding keeps its shard size

    def shards_for(indices: list[int]) -> Iterator[Shard]:
        if not indices:
            return iter(())
        return iter_shards(path, lang, size, only=indices)

    def fallback(start: int, end: int) -> Any:
        shard = next(iter_shards(path, lang, size, only=[start // size]))
        return retriever.encode_passages(list(shard.texts))

    def count(k: int) -> None:
        retriever.stats["corpus_texts_encoded"] += k

    encoding, report = fill_cache(
        cache, scan.documents, shards_for, engine=engine, factory=factory, fallback=fallback,
        dim=getattr(retriever.encoder, "dim", None), retries=retries, on_rows=count,
    )
    ids = tuple(i for shard in iter_shards(path, lang, size) for i in shard.ids)
    return StreamedIndex(retriever, scan, ids, encoding), report
