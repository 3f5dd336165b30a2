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

from pathlib import Path
from typing import Any

from robustir._io import looks_like_path
from robustir.errors import RobustirError, unknown_name
from robustir.models import catalog as _catalog  # noqa: F401  (registration)
from robustir.models.base import DenseRetriever, Retriever
from robustir.models.spec import SPEC_OPTIONS, ModelSpec, backends, model_specs
from robustir.registry import import_submodules

import_submodules("robustir.models.backends")  # each backend file registers its loader

__all__ = ["DenseRetriever", "ModelSpec", "Retriever", "get_spec", "list_models", "load_retriever", "model_specs"]

def list_models() -> list[ModelSpec]:
    return [model_specs.get(n) for n in model_specs.names()]


def get_spec(name_or_path: str, **options: Any) -> ModelSpec:
    """The spec a name or a local checkpoint folder resolves to (nothing is loaded)."""
    spec_opts = {k: options[k] for k in SPEC_OPTIONS if options.get(k) is not None}
    if name_or_path in model_specs:
        spec = model_specs.get(name_or_path)
    elif looks_like_path(name_or_path):
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
    every = SPEC_OPTIONS.union(*(backends.get(n).options for n in backends.names()))
    unknown = set(options) - every
    if unknown:
        raise RobustirError(f"unknown retriever option(s) {', '.join(sorted(unknown))}; accepted: {', '.join(sorted(every))}")
    spec = get_spec(name_or_path, **options)
    backend = backends.get(spec.backend)
    takes = backend.spec_options | backend.options
    bad = set(options) - takes
    if bad:
        owners = sorted({n for n in backends.names() for o in bad if o in backends.get(n).options})
        where = f"apply to {' and '.join(owners)} only, not to {spec.name!r}; " if owners else f"do not apply to {spec.name!r}; "
        raise RobustirError(f"option(s) {', '.join(sorted(bad))} {where}it takes {', '.join(sorted(takes))}")
    return backend.load(spec, {k: v for k, v in options.items() if k in backend.options})
