"""ModelSpec: what a retriever is, declared as data (after mteb's ModelMeta).

A spec names the backend that loads it, the checkpoint (hub id, local folder or bundled
package), the pinned revision, and everything that changes the vectors: pooling,
normalisation, prefixes and maximum lengths. The canonical JSON of the encoding-relevant
fields is part of every corpus-cache key, so changing any of them re-encodes.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from robustir.errors import RobustirError
from robustir.registry import Registry

__all__ = [
    "DENSE_OPTIONS", "KINDS", "LOAD_OPTIONS", "POOLINGS", "SPEC_OPTIONS", "Backend", "ModelSpec",
    "backends", "model_specs", "register_backend",
]

KINDS = ("dense", "sparse")
POOLINGS = ("cls", "mean", "max", "backend")  # "backend": the model pools by itself
# Options every retriever takes (they replace spec fields), and the ones dense backends share.
SPEC_OPTIONS = frozenset({"pooling", "query_prefix", "passage_prefix", "normalize", "max_length", "max_query_length", "revision"})
DENSE_OPTIONS = frozenset({"batch_size", "chunking", "chunk_length", "chunk_overlap", "cache", "cache_dir", "cache_dtype", "shard_docs", "progress"})
LOAD_OPTIONS = frozenset({"device", "allow_pickle", "trust_remote_code"})


@dataclass(frozen=True)
class Backend:
    """How one kind of checkpoint is loaded: `load(spec, options)` returns a Retriever, and
    `options` names the retriever options it takes besides SPEC_OPTIONS."""

    name: str
    load: Callable[..., Any]
    options: frozenset[str]
    spec_options: frozenset[str] = SPEC_OPTIONS  # the spec fields a user may override
    # For a backend whose models are torch checkpoints made on demand (converted, downloaded):
    # spec -> the local sentence-transformers folder, e.g. what `robustir train --base` fine-tunes.
    checkpoint_folder: Callable[[ModelSpec], str] | None = None


backends: Registry[Backend] = Registry("model backend", entry_point_group="robustir.backends")


def register_backend(
    name: str,
    *,
    options: frozenset[str] | set[str],
    spec_options: frozenset[str] | set[str] = SPEC_OPTIONS,
    checkpoint_folder: Callable[[ModelSpec], str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for a backend's loader (one file in models/backends/ registers one backend).

    Example:
        >>> @register_backend("toy-backend", options={"device"})   # doctest: +SKIP
        ... def load(spec, options): ...
    """

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        backends.add(name, Backend(name, fn, frozenset(options), frozenset(spec_options), checkpoint_folder))
        return fn

    return deco


def _known_backend(name: str) -> bool:
    if name not in backends:
        from robustir.registry import import_submodules

        import_submodules("robustir.models.backends")
    return name in backends


@dataclass(frozen=True)
class ModelSpec:
    """One retriever, declared. `revision` pins hub weights (or a bundled package version).

    Example:
        >>> s = ModelSpec("toy", backend="hf", checkpoint="./ckpt", pooling="mean")
        >>> s.kind, s.normalize
        ('dense', True)
    """

    name: str
    backend: str
    checkpoint: str = ""
    revision: str = "main"
    kind: str = "dense"
    pooling: str = "mean"
    normalize: bool = True
    query_prefix: str = ""
    passage_prefix: str = ""
    max_query_length: int | None = 64
    max_length: int | None = 512
    languages: tuple[str, ...] = ()
    license: str = ""
    dim: int | None = None
    description: str = ""
    reference: str = ""
    params: tuple[tuple[str, Any], ...] = field(default_factory=tuple)  # backend extras, e.g. bm25 k1/b

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise RobustirError(f"model {self.name!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if not _known_backend(self.backend):
            raise RobustirError(f"model {self.name!r}: backend {self.backend!r} is not one of {', '.join(backends.names())}")
        if self.pooling not in POOLINGS:
            raise RobustirError(f"model {self.name!r}: pooling {self.pooling!r} is not one of {', '.join(POOLINGS)}")
        for what, n in (("max_length", self.max_length), ("max_query_length", self.max_query_length)):
            if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
                raise RobustirError(f"model {self.name!r}: {what} must be a positive integer or None, got {n!r}")

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)

    def with_options(self, **changes: Any) -> ModelSpec:
        """A copy with some fields replaced (None values are ignored)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        unknown = set(changes) - set(self.__dataclass_fields__)
        if unknown:
            raise RobustirError(
                f"unknown model option(s) {', '.join(sorted(unknown))}; accepted: {', '.join(sorted(self.__dataclass_fields__))}"
            )
        return replace(self, **changes)

    def encoding_key(self) -> dict[str, Any]:
        """The fields that change corpus vectors (part of the cache key)."""
        return {
            "name": self.name,
            "backend": self.backend,
            "checkpoint": self.checkpoint,
            "revision": self.revision,
            "pooling": self.pooling,
            "normalize": self.normalize,
            "passage_prefix": self.passage_prefix,
            "max_length": self.max_length,
            "params": [list(p) for p in self.params],
        }

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["languages"] = list(self.languages)
        d["params"] = dict(self.params)
        return d


model_specs: Registry[ModelSpec] = Registry("model", entry_point_group="robustir.models")
