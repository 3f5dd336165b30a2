"""The options several commands share, defined once (same concept, same name everywhere).

Names: `--lang` (languages; comma-separated or repeated), `--max-queries` (the first N queries
per language), `--resources` (attack resource folder), `--seed`, `--split`, `--data-dir`,
the retriever options (`retriever_options`) and where corpora are encoded (`engine_options`).
A renamed option keeps its old name as a hidden alias (`alias_option` + `merge_alias`).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

__all__ = [
    "alias_option",
    "data_dir_option",
    "engine_options",
    "langs_option",
    "max_queries_option",
    "merge_alias",
    "open_engine",
    "resources_option",
    "retriever_kwargs",
    "retriever_options",
    "shard_retries",
    "split_csv",
    "split_option",
]

F = Callable[..., Any]


def _stack(f: F, opts: list[Callable[[F], F]]) -> F:
    for opt in reversed(opts):
        f = opt(f)
    return f


def data_dir_option(f: F) -> F:  # shared by every command that loads a dataset
    return click.option(
        "--data-dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Local copy of the dataset (release layout); otherwise downloaded into the cache.",
    )(f)


def split_option(f: F) -> F:
    return click.option("--split", default=None, help="Dataset split (default: the dataset's own).")(f)


def resources_option(f: F) -> F:
    return click.option(
        "--resources", type=click.Path(path_type=Path), default=None,
        help="Folder of attack resources (MUSE, wordnets, thesauri, keyboards), e.g. ../shared/data/resources "
             "(else ROBUSTIR_RESOURCES or the cache).",
    )(f)


def langs_option(required: bool = True) -> Callable[[F], F]:
    """`--lang` for several languages: comma-separated or repeated; 'all' for every one."""
    return click.option("--lang", "langs", multiple=True, required=required,
                        help="Languages, comma-separated or repeated (e.g. de,ja); 'all' for every one.")


def split_csv(values: tuple[str, ...] | list[str]) -> list[str]:
    """Comma-separated and repeated values as one list (--lang de,ja --lang zh -> [de, ja, zh])."""
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


def alias_option(old: str, dest: str, **kwargs: Any) -> Callable[[F], F]:
    """A hidden, deprecated old name of an option; merge it with `merge_alias`."""
    return click.option(old, dest, hidden=True, default=None, **kwargs)


def merge_alias(value: Any, alias: Any, new: str, old: str) -> Any:
    """The option's value, taken from its deprecated alias `old` when only that was given."""
    if alias is None:
        return value
    if value is not None and value != alias:
        raise click.UsageError(f"{old} is the old name of {new}: give one of them")
    click.echo(f"robustir: {old} is deprecated, use {new}", err=True)
    return alias


def max_queries_option(text: str) -> Callable[[F], F]:
    return click.option("--max-queries", type=click.IntRange(min=1), default=None, help=text)


def retriever_options(f: F) -> F:
    """Options for how a model is loaded and encodes (not --model itself)."""
    return _stack(f, [
        click.option("--pooling", type=click.Choice(["cls", "mean", "max"]), default=None, help="Pooling for a checkpoint without a sentence-transformers config."),
        click.option("--query-prefix", default=None, help="Text put before every query (e.g. 'query: ')."),
        click.option("--passage-prefix", default=None, help="Text put before every document (e.g. 'passage: ')."),
        click.option("--max-length", type=int, default=None, help="Truncate documents to this many tokens."),
        click.option("--chunking", type=click.Choice(["truncate", "maxp"]), default=None, help="Long documents: truncate (default) or chunk and take the best chunk (MaxP)."),
        click.option("--chunk-length", type=click.IntRange(min=1), default=None, help="MaxP chunk length in tokens (default: the model's max length - 16)."),
        click.option("--chunk-overlap", type=click.IntRange(min=0), default=None, help="Tokens shared by consecutive MaxP chunks (default: min(32, chunk length / 4))."),
        click.option("--device", default=None, help="torch device (default: cuda when present, else cpu)."),
        click.option("--batch-size", type=int, default=None, help="Texts per encoder batch."),
        click.option("--cache-dtype", type=click.Choice(["float32", "float16"]), default=None, help="Precision of cached corpus vectors."),
        click.option("--shard-docs", type=click.IntRange(min=1), default=None,
                     help="Documents per cache shard of a NEW corpus encoding (default 8192); an existing "
                          "encoding is reused whatever its shard size."),
        click.option("--allow-unsafe-weights", is_flag=True, help="Load pickle weights (pytorch_model.bin): only for checkpoints you trust."),
        click.option("--trust-remote-code", is_flag=True, help="Run code shipped with a checkpoint: only for checkpoints you trust."),
    ])


def retriever_kwargs(params: dict[str, Any]) -> dict[str, Any]:
    """Turn the parsed `retriever_options` into `load_retriever` keyword options."""
    out: dict[str, Any] = {}
    for key in ("pooling", "query_prefix", "passage_prefix", "max_length", "chunking", "chunk_length", "chunk_overlap",
                "device", "batch_size", "cache_dtype", "shard_docs"):
        if params.get(key) is not None:
            out[key] = params[key]
    if params.get("allow_unsafe_weights"):
        out["allow_pickle"] = True
    if params.get("trust_remote_code"):
        out["trust_remote_code"] = True
    return out


def engine_options(f: F) -> F:
    """Where corpus shards are encoded into the cache: this process or a Ray cluster."""
    return _stack(f, [
        click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                     help="Where corpus shards are encoded: this process, or Ray actors (one per GPU, else per CPU)."),
        click.option("--ray-address", default=None, help="Ray cluster address (e.g. 'auto' or ray://host:10001); default: start a local Ray."),
        click.option("--workers", type=click.IntRange(min=1), default=None, help="Ray actors (default: one per GPU, else one per CPU)."),
        click.option("--shard-retries", type=click.IntRange(min=0), default=None,
                     help="Retries of a failed corpus shard (a dead worker is replaced; default 1)."),
    ])


def shard_retries(params: dict[str, Any]) -> int:
    """The parsed `--shard-retries` (1 when not given)."""
    value = params.get("shard_retries")
    return 1 if value is None else int(value)


def open_engine(params: dict[str, Any]) -> Any:
    """The engine the parsed `engine_options` ask for (close it when done)."""
    from robustir.errors import RobustirError
    from robustir.models.engines import get_engine

    name = params.get("engine") or "local"
    if name == "local":
        if params.get("ray_address") is not None or params.get("workers") is not None:
            raise RobustirError("--ray-address and --workers need --engine ray")
        return get_engine("local")
    return get_engine(name, address=params.get("ray_address"), num_workers=params.get("workers"))
