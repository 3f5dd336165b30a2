"""The options several commands share, defined once (same concept, same name everywhere)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

__all__ = ["data_dir_option", "retriever_kwargs", "retriever_options"]


def data_dir_option(f):  # shared by every command that loads a dataset
    return click.option(
        "--data-dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Local copy of the dataset (release layout); otherwise downloaded into the cache.",
    )(f)


def retriever_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """Options for how a model is loaded and encodes (not --model itself)."""
    opts = [
        click.option("--pooling", type=click.Choice(["cls", "mean", "max"]), default=None, help="Pooling for a checkpoint without a sentence-transformers config."),
        click.option("--query-prefix", default=None, help="Text put before every query (e.g. 'query: ')."),
        click.option("--passage-prefix", default=None, help="Text put before every document (e.g. 'passage: ')."),
        click.option("--max-length", type=int, default=None, help="Truncate documents to this many tokens."),
        click.option("--chunking", type=click.Choice(["truncate", "maxp"]), default=None, help="Long documents: truncate (default) or chunk and take the best chunk (MaxP)."),
        click.option("--device", default=None, help="torch device (default: cuda when present, else cpu)."),
        click.option("--batch-size", type=int, default=None, help="Texts per encoder batch."),
        click.option("--cache-dtype", type=click.Choice(["float32", "float16"]), default=None, help="Precision of cached corpus vectors."),
        click.option("--allow-unsafe-weights", is_flag=True, help="Load pickle weights (pytorch_model.bin): only for checkpoints you trust."),
        click.option("--trust-remote-code", is_flag=True, help="Run code shipped with a checkpoint: only for checkpoints you trust."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def retriever_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    """Turn the parsed `retriever_options` into `load_retriever` keyword options."""
    out: dict[str, Any] = {}
    for key in ("pooling", "query_prefix", "passage_prefix", "max_length", "chunking", "device", "batch_size", "cache_dtype"):
        if params.get(key) is not None:
            out[key] = params[key]
    if params.get("allow_unsafe_weights"):
        out["allow_pickle"] = True
    if params.get("trust_remote_code"):
        out["trust_remote_code"] = True
    return out
