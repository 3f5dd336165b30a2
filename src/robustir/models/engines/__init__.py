"""Encoding engines: where corpus shards get encoded (`local` process or a `ray` cluster).

An engine only moves work. `engine.map_ordered(factory, shards)` takes an encoder *factory*
(a picklable zero-argument callable, built once per worker, returning
``encode(texts, langs) -> rows`` or ``-> (rows, counts)``) and an iterator of shards, and
yields ``(shard, result)`` in shard order while keeping only a bounded window of shards in
flight. The caller feeds the results to the on-disk corpus cache (`robustir.models.cache`),
so both engines write the very same shard files and a run interrupted on one engine resumes
on the other: only missing shards are encoded.

Example:
    >>> engine = get_engine("local")
    >>> for shard, rows in engine.map_ordered(factory, shards):   # doctest: +SKIP
    ...     save(shard.index, rows)
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from robustir.errors import RobustirError, unknown_name

__all__ = [
    "ENGINES",
    "EncodeFn",
    "EncodeReport",
    "Engine",
    "EngineError",
    "LocalEngine",
    "Shard",
    "ShardFailure",
    "get_engine",
]

ENGINES = ("local", "ray")

EncodeFn = Callable[[Sequence[str], Sequence[str]], Any]
"""encode(texts, langs) -> float array of shape (len(texts), dim)."""


class EngineError(RobustirError):
    """Some shards could not be encoded; the others are in the cache and a rerun resumes."""


@dataclass(frozen=True)
class Shard:
    """One slice of a corpus: rows ``start:start+len(ids)`` of shard number `index`."""

    index: int
    start: int
    ids: tuple[str, ...]
    texts: tuple[str, ...]
    langs: tuple[str, ...]

    def __post_init__(self) -> None:
        if not (len(self.ids) == len(self.texts) == len(self.langs)):
            raise RobustirError(f"shard {self.index}: ids, texts and langs differ in length")

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class ShardFailure:
    index: int
    error: str


@dataclass
class EncodeReport:
    """What one engine call did; `seconds` is wall time on the driver."""

    engine: str
    workers: int
    encoded: int = 0
    texts: int = 0
    seconds: float = 0.0
    failed: tuple[ShardFailure, ...] = ()
    retried: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def docs_per_second(self) -> float:
        return self.texts / self.seconds if self.seconds > 0 else 0.0

    def raise_for_failures(self) -> None:
        if self.failed:
            first = self.failed[0]
            raise EngineError(
                f"{self.engine} engine: {len(self.failed)} shard(s) failed (first: shard {first.index}: "
                f"{first.error}); the shards finished before it are in the cache; run again (with either "
                "engine) to encode only the missing shards"
            )


class Engine(Protocol):
    name: str
    last_report: EncodeReport | None

    def map_ordered(
        self, factory: Callable[[], EncodeFn], shards: Iterable[Shard], *, retries: int = 1
    ) -> Iterator[tuple[Shard, Any]]: ...

    def close(self) -> None: ...


class LocalEngine:
    """Everything in this process, shard after shard (the reference the Ray path must equal)."""

    name = "local"

    def __init__(self) -> None:
        self._encode: EncodeFn | None = None
        self._factory: Callable[[], EncodeFn] | None = None
        self.last_report: EncodeReport | None = None

    def map_ordered(
        self, factory: Callable[[], EncodeFn], shards: Iterable[Shard], *, retries: int = 1
    ) -> Iterator[tuple[Shard, Any]]:
        if self._encode is None or self._factory != factory:
            self._encode, self._factory = factory(), factory
        report = self.last_report = EncodeReport(engine=self.name, workers=1)
        t0 = time.perf_counter()
        for shard in shards:
            for attempt in range(retries + 1):
                try:
                    result = self._encode(shard.texts, shard.langs)
                except RobustirError:
                    raise  # a user error (bad model, bad language) will not go away on retry
                except Exception as exc:  # a transient failure: retry, then give up on the run
                    if attempt < retries:
                        report.retried += 1
                        continue
                    report.failed = (ShardFailure(shard.index, f"{type(exc).__name__}: {exc}"),)
                    report.seconds = time.perf_counter() - t0
                    report.raise_for_failures()
                break
            report.encoded += 1
            report.texts += len(shard)
            report.seconds = time.perf_counter() - t0
            yield shard, result

    def close(self) -> None:
        self._encode = self._factory = None


def get_engine(name: str = "local", **options: Any) -> Engine:
    """Build an engine by name: ``local`` or ``ray`` (options: address, num_workers, num_gpus, ...)."""
    if name == "local":
        if options:
            raise RobustirError(f"the local engine takes no options, got {sorted(options)}")
        return LocalEngine()
    if name == "ray":
        from robustir.models.engines.ray_engine import RayEngine

        return RayEngine(**options)
    raise unknown_name("engine", name, ENGINES)
