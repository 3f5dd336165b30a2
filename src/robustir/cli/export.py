"""`robustir export ATTACKED_DIR --format beir|trec --out DIR`."""
from __future__ import annotations

from pathlib import Path

import click

from robustir.cli.options import data_dir_option


@click.command("export")
@click.argument("attacked_dir", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["beir", "trec"]), required=True,
              help="beir: one BEIR folder per attacked set; trec: TREC topic files and qrels.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder to write (must be empty, or --overwrite).")
@click.option("--copy-corpus", is_flag=True, default=False,
              help="beir: copy corpus.jsonl into every set folder (default: a symlink to one copy per language).")
@click.option("--overwrite", is_flag=True, default=False, help="Replace a non-empty --out folder.")
@data_dir_option
def export_cmd(attacked_dir: Path, fmt: str, out: Path, copy_corpus: bool, overwrite: bool, data_dir: Path | None) -> None:
    """Write the attacked sets of ATTACKED_DIR for BEIR, pyserini, MTEB or trec_eval users."""
    from robustir.attacks.export import export_attacked

    folders = export_attacked(attacked_dir, fmt, out, data_dir=data_dir, copy_corpus=copy_corpus, overwrite=overwrite)
    click.echo(f"wrote {len(folders)} {fmt} set(s) under {out} (see {out / 'README.md'})")
