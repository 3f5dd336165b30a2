"""Encode a corpus into the shared corpus cache through an engine (local or Ray).

The cache (`robustir.models.cache.EncodingCache`) visits shards in order and calls back for
each missing one. Here the missing shards are predicted from the manifest, handed to the
engine ahead of time (a bounded window of them in flight), and the callback only collects
their results in order, so the files, manifest and checks are exactly the single-process
ones. A shard the prediction missed (damaged in place) is encoded on the driver.

Example:
    >>> from robustir.models import load_retriever                        # doctest: +SKIP
    >>> r = load_retriever("minilm-l6")                                    # doctest: +SKIP
    >>> report = index_with_engine(r, corpus, engine=get_engine("ray"),
    ...                            factory=RetrieverFactory("minilm-l6"))  # doctest: +SKIP
    >>> r.search(queries, k=10)                                            # doctest: +SKIP
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from robustir.errors import RobustirError
from robustir.models.engines import EncodeFn, EncodeReport, Engine, Shard
from robustir.models.engines.stream import corpus_shards

__all__ = [
    "DriverEncoder", "EngineIndexed", "RetrieverFactory", "fill_cache", "index_with_engine", "load_with_engine",
    "missing_shards", "open_cache",
]

# load_retriever options that only concern the driver's cache, not the vectors a worker computes
_DRIVER_ONLY = frozenset({"cache", "cache_dir", "cache_dtype", "shard_docs", "progress"})


@dataclass(frozen=True)
class RetrieverFactory:
    """Picklable recipe that rebuilds the retriever on a worker and encodes passages with it.

    `options` are the keyword options given to `load_retriever` on the driver (they change the
    vectors, so the workers must get the same ones).
    """

    model: str
    options: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, model: str, **options: Any) -> RetrieverFactory:
        return cls(model, tuple(sorted(options.items())))

    def __call__(self) -> EncodeFn:
        from robustir.models import load_retriever

        retriever = load_retriever(self.model, **dict(self.options))
        if not hasattr(retriever, "encode_passages"):
            raise RobustirError(f"model {self.model!r} is not a dense retriever; engines encode dense corpora only")

        def encode(texts: Any, langs: Any) -> Any:
            return retriever.encode_passages(list(texts))

        return encode


class DriverEncoder:
    """The driver's own retriever as a factory (local engine: no second model load)."""

    def __init__(self, retriever: Any) -> None:
        self.retriever = retriever

    def __call__(self) -> EncodeFn:
        retriever = self.retriever

        def encode(texts: Any, langs: Any) -> Any:
            return retriever.encode_passages(list(texts))

        return encode


def open_cache(retriever: Any, corpus: Any) -> Any:
    """The `EncodingCache` that `retriever.index(corpus)` reads and writes (same key, root, dtype)."""
    from robustir.models.cache import EncodingCache

    if not getattr(retriever, "use_cache", False):
        raise RobustirError("engines write the corpus cache; this retriever was loaded with cache=False")
    root = Path(retriever.cache_dir) if retriever.cache_dir else None
    return EncodingCache(
        retriever.cache_key(corpus), root=root, dtype=retriever.cache_dtype, shard_docs=retriever.shard_docs
    )


def missing_shards(cache: Any, n_docs: int) -> list[int]:
    """Shard numbers the cache does not hold yet (manifest entry absent or file size wrong).

    A cheap prediction (no hashing): the cache still checks sha256 of every shard it reads
    and re-encodes a damaged one, so a wrong guess costs time, never correctness. Reading the
    manifest adopts its shard layout (an encoding written with another shard size is reused).
    """
    try:
        entries = cache._read_manifest(n_docs)["shards"]  # the cache's own key checks; adopts the layout
    except (AttributeError, KeyError, TypeError):
        entries = None
    n_shards = (n_docs + cache.shard_docs - 1) // cache.shard_docs
    if entries is None:
        return list(range(n_shards))
    out = []
    for j in range(n_shards):
        entry = entries.get(f"shard-{j:05d}")
        try:
            ok = entry is not None and (cache.folder / entry["file"]).stat().st_size == entry["bytes"]
        except (OSError, KeyError, TypeError):
            ok = False
        if not ok:
            out.append(j)
    return out


def _as_rows(result: Any) -> tuple[np.ndarray, np.ndarray | None]:
    if isinstance(result, tuple):
        rows, counts = result
        return np.asarray(rows), None if counts is None else np.asarray(counts)
    return np.asarray(result), None


class _InOrder:
    """Pulls (shard, result) pairs from an engine until the asked shard number comes up."""

    def __init__(self, results: Iterator[tuple[Shard, Any]]) -> None:
        self._results = results
        self._ahead: tuple[Shard, Any] | None = None

    def take(self, index: int) -> Any | None:
        while True:
            if self._ahead is None:
                self._ahead = next(self._results, None)
                if self._ahead is None:
                    return None
            shard, result = self._ahead
            if shard.index > index:
                return None  # never predicted missing: the caller encodes it itself
            self._ahead = None
            if shard.index == index:
                return result
            # shard.index < index: predicted missing but the cache found it valid; drop it

    def close(self) -> None:
        close = getattr(self._results, "close", None)
        if close is not None:
            close()


def fill_cache(
    cache: Any, n_docs: int, shards_for: Any, *, engine: Engine, factory: Any,
    fallback: Any, dim: int | None, retries: int = 1, on_rows: Any = None,
) -> tuple[Any, EncodeReport]:
    """Run `cache.load_or_encode` with the missing shards encoded by `engine`.

    `shards_for(indices)` yields those shards in order; `fallback(start, end)` encodes a range
    on the driver (for a shard the prediction missed); `on_rows(n)` counts encoded documents.
    """
    todo = missing_shards(cache, n_docs)
    pulled = _InOrder(engine.map_ordered(factory, shards_for(todo), retries=retries))

    def encode_range(start: int, end: int) -> tuple[np.ndarray, np.ndarray | None]:
        result = pulled.take(start // cache.shard_docs)
        if result is None:
            result = fallback(start, end)
        rows, counts = _as_rows(result)
        if on_rows is not None:
            on_rows(end - start)
        return rows, counts

    try:
        encoding = cache.load_or_encode(n_docs, encode_range if todo else None, dim=dim)
    finally:
        pulled.close()
    report = engine.last_report
    if report is None:
        report = EncodeReport(engine=engine.name, workers=0)
    report.details["shards_missing_before"] = len(todo)
    report.details["shards"] = (n_docs + cache.shard_docs - 1) // cache.shard_docs
    report.details["shard_docs"] = cache.shard_docs
    return encoding, report


def resolve_factory(retriever: Any, engine: Engine, factory: Any) -> Any:
    if factory is not None:
        return factory
    if engine.name == "local":
        return DriverEncoder(retriever)
    raise RobustirError(
        f"the {engine.name} engine rebuilds the model on its workers: pass "
        "factory=RetrieverFactory.of(name, **the same options given to load_retriever)"
    )


def index_with_engine(
    retriever: Any, corpus: Any, *, engine: Engine, factory: Any = None, retries: int = 1
) -> EncodeReport:
    """Encode `corpus` into the retriever's cache with `engine`, then `retriever.index(corpus)`.

    Only missing shards are encoded (a rerun after a failure resumes); the retriever then
    loads every shard from the cache, so its search is the single-process search.
    `factory` rebuilds the model on each worker (required for Ray; the local engine uses
    `retriever` itself when it is None).
    """
    factory = resolve_factory(retriever, engine, factory)
    cache = open_cache(retriever, corpus)
    texts = corpus.full_texts()
    n = len(texts)

    def shards_for(indices: list[int]) -> Iterator[Shard]:
        return corpus_shards(corpus.ids, texts, corpus.langs, cache.shard_docs, only=indices)

    def fallback(start: int, end: int) -> Any:
        return retriever.encode_passages(texts[start:end])

    def count(k: int) -> None:
        retriever.stats["corpus_texts_encoded"] += k

    _, report = fill_cache(
        cache, n, shards_for, engine=engine, factory=factory, fallback=fallback,
        dim=getattr(retriever.encoder, "dim", None), retries=retries, on_rows=count,
    )
    retriever.index(corpus)  # everything is cached now: loads and verifies, encodes nothing
    return report


class EngineIndexed:
    """A dense retriever whose `index(corpus)` first encodes the missing cache shards with an engine.

    Everything else is the wrapped retriever's (searches, query encoding, stats), so a scorer
    given this object scores exactly as with the retriever itself; only the corpus encoding
    runs on the engine's workers (e.g. Ray actors), and a corpus already cached encodes nothing.
    """

    def __init__(self, inner: Any, *, engine: Engine, factory: Any, retries: int = 1) -> None:
        self._inner = inner
        self.engine = engine
        self.factory = factory
        self.retries = retries
        self.reports: list[EncodeReport] = []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_inner":
            raise AttributeError(name)
        return getattr(self._inner, name)

    @property
    def wrapped(self) -> Any:
        """The retriever itself."""
        return self._inner

    def index(self, corpus: Any) -> None:
        self.reports.append(
            index_with_engine(self._inner, corpus, engine=self.engine, factory=self.factory, retries=self.retries)
        )

    def search(self, queries: Any, k: int = 100) -> Any:
        return self._inner.search(queries, k=k)

    def encode_queries(self, texts: Any, langs: Any = None) -> Any:
        return self._inner.encode_queries(texts, langs)

    def encode_passages(self, texts: Any) -> Any:
        return self._inner.encode_passages(texts)

    @property
    def corpus_matrix(self) -> Any:
        return self._inner.corpus_matrix


def load_with_engine(model: str, *, engine: Engine, retries: int = 1, **options: Any) -> Any:
    """`load_retriever(model, **options)`; a dense one on a non-local engine comes back as
    `EngineIndexed`, its workers rebuilding the model with the same vector-changing options."""
    from robustir.models import get_spec, load_retriever

    retriever = load_retriever(model, **options)
    if engine.name == "local" or get_spec(model, **options).kind != "dense":
        return retriever  # the local engine is what `index` does anyway; sparse models are not cached
    worker = {k: v for k, v in options.items() if k not in _DRIVER_ONLY}
    factory = RetrieverFactory.of(model, progress=False, **worker)
    return EngineIndexed(retriever, engine=engine, factory=factory, retries=retries)
