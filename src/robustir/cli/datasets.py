"""`robustir datasets` and `robustir datasets show`."""
from __future__ import annotations

from pathlib import Path

import click

from robustir._table import format_table
from robustir.cli.options import data_dir_option


@click.group("datasets", invoke_without_command=True)
@click.pass_context
def datasets_cmd(ctx: click.Context) -> None:
    """List the datasets with languages, splits and licences."""
    if ctx.invoked_subcommand is not None:
        return
    from robustir.datasets import datasets

    rows = []
    for name in datasets.names():
        info = datasets.get(name).info
        rows.append([name, ",".join(info.languages), ",".join(info.splits), info.license])
    click.echo(format_table(["dataset", "languages", "splits", "licence"], rows))


@datasets_cmd.command("show")
@click.argument("name")
@click.option("--lang", default=None, help="Comma-separated languages, or 'all' (default: all).")
@click.option("--split", default=None, help="Split (default: the dataset's evaluation split).")
@data_dir_option
def show_cmd(name: str, lang: str | None, split: str | None, data_dir: Path | None) -> None:
    """Load a dataset and print its counts per language."""
    from robustir.datasets import datasets, parse_langs

    loader = datasets.get(name)
    info = loader.info
    langs = parse_langs(lang or "all", info)
    click.echo(f"{info.name}: {info.description}")
    click.echo(f"licence: {info.license}    source: {info.source}    revision: {info.revision}")
    if info.notes:
        click.echo(f"notes: {info.notes}")
    rows = []
    for code in langs:
        st = loader.load(code, split, data_dir=data_dir).stats()
        rows.append([code, st["split"], st["queries"], st["documents"], st["judged"], st["mean_query_chars"], st["mean_doc_chars"]])
    click.echo(format_table(["lang", "split", "queries", "documents", "judged", "query chars", "doc chars"], rows))
