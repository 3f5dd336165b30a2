"""The Ray engine: corpus shards fan out over Ray actors that each load the model once.

One actor per GPU when the cluster has GPUs (``num_gpus=1`` each, so Ray pins one device per
actor through CUDA_VISIBLE_DEVICES), else one actor per ``cpus_per_worker`` CPUs. Results come
back through Ray's object store and the *driver* writes them into the corpus cache, so the
cluster needs no shared file system and the shard files are byte-for-byte what the local
engine writes. Shards are pulled from the (possibly streaming) iterator only as actors free
up, so memory on the driver stays at a few shards whatever the corpus size.

A worker that dies (out of memory, node lost, process killed) is replaced by a fresh actor and
its shard is retried up to `retries` times; after that the shard is reported as failed, the
finished ones stay in the cache, and a rerun (on either engine) encodes only what is missing.
"""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from robustir.errors import ResourceMissingError, RobustirError
from robustir.models.engines import EncodeFn, EncodeReport, Shard, ShardFailure

__all__ = ["RayEngine", "import_ray"]


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ResourceMissingError(
            "the ray engine needs Ray: pip install 'robustir[ray]' (or use --engine local)"
        ) from None
    return ray


class _EncoderWorker:
    """Body of the Ray actor: builds the encoder once, then encodes shard after shard."""

    def __init__(self, factory: Callable[[], EncodeFn]) -> None:
        self._encode = factory()

    def encode(self, texts: tuple[str, ...], langs: tuple[str, ...]) -> Any:
        return self._encode(texts, langs)

    def usage(self) -> tuple[int, float]:
        """(process id, CPU seconds used so far by this worker, model loading included)."""
        import os
        import resource

        ru = resource.getrusage(resource.RUSAGE_SELF)
        return os.getpid(), ru.ru_utime + ru.ru_stime


@dataclass
class _Slot:
    """One shard on its way through the window."""

    shard: Shard
    attempt: int = 0
    worker: int = 0
    actor: Any = None
    ref: Any = None
    done: bool = False
    result: Any = None
    error: str | None = None


class RayEngine:
    """Encode shards on a Ray cluster (``address``) or a local Ray instance (``address=None``).

    Example:
        >>> engine = RayEngine(address="auto")                       # doctest: +SKIP
        >>> for shard, rows in engine.map_ordered(factory, shards):  # doctest: +SKIP
        ...     cache_write(shard, rows)
    """

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        *,
        num_workers: int | None = None,
        cpus_per_worker: float = 1.0,
        gpus_per_worker: float | None = None,
        in_flight_per_worker: int = 2,
        num_cpus: int | None = None,
    ) -> None:
        if num_workers is not None and num_workers < 1:
            raise RobustirError(f"ray engine: num_workers must be >= 1, got {num_workers}")
        if cpus_per_worker <= 0:
            raise RobustirError(f"ray engine: cpus_per_worker must be > 0, got {cpus_per_worker}")
        if in_flight_per_worker < 1:
            raise RobustirError(f"ray engine: in_flight_per_worker must be >= 1, got {in_flight_per_worker}")
        self.address = address
        self.num_workers = num_workers
        self.cpus_per_worker = cpus_per_worker
        self.gpus_per_worker = gpus_per_worker
        self.in_flight_per_worker = in_flight_per_worker
        self.num_cpus = num_cpus  # only for a local instance started here
        self._started_here = False
        self._actors: list[Any] = []
        self._factory: Callable[[], EncodeFn] | None = None
        self.last_report: EncodeReport | None = None

    # -- cluster ---------------------------------------------------------------------------
    def _connect(self) -> Any:
        ray = import_ray()
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"log_to_driver": False, "include_dashboard": False}
            if self.address is None:
                if self.num_cpus is not None:
                    kwargs["num_cpus"] = self.num_cpus
            else:
                kwargs["address"] = self.address
            try:
                ray.init(**kwargs)
            except (ConnectionError, RuntimeError) as exc:
                raise RobustirError(f"ray engine: cannot reach a Ray cluster at {self.address!r} ({exc})") from None
            self._started_here = True
        return ray

    def _shape(self, ray: Any) -> tuple[int, float]:
        """(number of actors, GPUs per actor) from the cluster's resources."""
        resources = ray.cluster_resources()
        gpus = float(resources.get("GPU", 0.0))
        per_gpu = self.gpus_per_worker if self.gpus_per_worker is not None else (1.0 if gpus >= 1 else 0.0)
        if per_gpu > gpus:
            raise RobustirError(f"ray engine: {per_gpu} GPU(s) per worker requested, cluster has {gpus:g}")
        if self.num_workers is not None:
            return self.num_workers, per_gpu
        if per_gpu > 0:
            return max(1, int(gpus // per_gpu)), per_gpu
        return max(1, int(float(resources.get("CPU", 1.0)) // self.cpus_per_worker)), 0.0

    def _spawn(self, ray: Any, factory: Callable[[], EncodeFn], gpus: float) -> Any:
        actor_cls = ray.remote(num_cpus=self.cpus_per_worker, num_gpus=gpus, max_restarts=0)(_EncoderWorker)
        return actor_cls.remote(factory)

    # -- work ------------------------------------------------------------------------------
    def map_ordered(
        self, factory: Callable[[], EncodeFn], shards: Iterable[Shard], *, retries: int = 1
    ) -> Iterator[tuple[Shard, Any]]:
        ray = self._connect()
        n_workers, gpus = self._shape(ray)
        if self._factory != factory or len(self._actors) != n_workers:
            self._kill_actors(ray)
            self._actors = [self._spawn(ray, factory, gpus) for _ in range(n_workers)]
            self._factory = factory
        report = self.last_report = EncodeReport(engine=self.name, workers=n_workers, details={"gpus_per_worker": gpus})
        t0 = time.perf_counter()
        try:
            for item in self._ordered(ray, factory, gpus, iter(shards), retries, report):
                report.seconds = time.perf_counter() - t0
                yield item
        finally:
            report.seconds = time.perf_counter() - t0

    def _ordered(
        self, ray: Any, factory: Callable[[], EncodeFn], gpus: float, shards: Iterator[Shard],
        retries: int, report: EncodeReport,
    ) -> Iterator[tuple[Shard, Any]]:
        window = len(self._actors) * self.in_flight_per_worker
        order: deque[int] = deque()  # sequence numbers, in shard order
        slots: dict[int, _Slot] = {}
        by_ref: dict[Any, int] = {}
        load = [0] * len(self._actors)
        try:
            yield from self._loop(ray, factory, gpus, shards, retries, report, window, order, slots, by_ref, load)
        finally:
            # An error or an abandoned generator: cancel what is still queued (the actors stay
            # up for the next call; a task already running just finishes and is dropped).
            for ref in by_ref:
                try:
                    ray.cancel(ref)
                except Exception:  # cancelling is best effort
                    pass

    def _loop(
        self, ray: Any, factory: Callable[[], EncodeFn], gpus: float, shards: Iterator[Shard],
        retries: int, report: EncodeReport, window: int, order: deque[int], slots: dict[int, _Slot],
        by_ref: dict[Any, int], load: list[int],
    ) -> Iterator[tuple[Shard, Any]]:
        from ray.exceptions import RayActorError, RayTaskError

        exhausted = False
        seq = 0

        def submit(n: int) -> None:
            slot = min(range(len(load)), key=load.__getitem__)
            item = slots[n]
            item.worker, item.actor = slot, self._actors[slot]
            item.ref = item.actor.encode.remote(item.shard.texts, item.shard.langs)
            by_ref[item.ref] = n
            load[slot] += 1

        while True:
            while not exhausted and len(order) < window:
                nxt = next(shards, None)
                if nxt is None:
                    exhausted = True
                    break
                slots[seq] = _Slot(nxt)
                order.append(seq)
                submit(seq)
                seq += 1
            if not order:
                return
            head = slots[order[0]]
            if head.error is not None:
                report.failed = (ShardFailure(head.shard.index, head.error),)
                report.raise_for_failures()
            if head.done:
                del slots[order.popleft()]
                report.encoded += 1
                report.texts += len(head.shard)
                yield head.shard, head.result
                continue
            ready, _ = ray.wait(list(by_ref), num_returns=1)
            n = by_ref.pop(ready[0])
            item = slots[n]
            load[item.worker] -= 1
            try:
                item.result = ray.get(ready[0])
                item.done = True
            except RayTaskError as exc:
                if isinstance(getattr(exc, "cause", None), RobustirError):
                    raise exc.cause from None  # a user error: retrying will not help
                self._retry(item, n, retries, exc, report, submit)
            except RayActorError as exc:
                # The worker process is gone (killed, out of memory, node lost). Every call queued
                # on it fails the same way, so replace it once and retry those calls elsewhere.
                if self._actors[item.worker] is item.actor:
                    self._actors[item.worker] = self._spawn(ray, factory, gpus)
                    report.details["workers_replaced"] = report.details.get("workers_replaced", 0) + 1
                self._retry(item, n, retries, exc, report, submit)

    @staticmethod
    def _retry(item: _Slot, n: int, retries: int, exc: Exception, report: EncodeReport,
               submit: Callable[[int], None]) -> None:
        if item.attempt < retries:
            item.attempt += 1
            report.retried += 1
            submit(n)
        else:
            text = str(exc).strip()
            item.error = f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"[:300]

    def worker_usage(self) -> list[tuple[int, float]]:
        """(pid, CPU seconds) of each live worker: what the engine cost beyond the driver."""
        ray = import_ray()
        return ray.get([a.usage.remote() for a in self._actors]) if self._actors else []

    def _kill_actors(self, ray: Any) -> None:
        for actor in self._actors:
            try:
                ray.kill(actor)
            except Exception:  # already dead: nothing to release
                pass
        self._actors = []
        self._factory = None

    def close(self) -> None:
        """Release the actors; shut Ray down only if this engine started it."""
        ray = import_ray()
        if ray.is_initialized():
            self._kill_actors(ray)
            if self._started_here:
                ray.shutdown()
        self._started_here = False
