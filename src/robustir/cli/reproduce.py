"""`robustir reproduce RECORD`: re-run a leaderboard record's cells and print OK / FAIL per cell."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from robustir.cli.options import resources_option


@click.command("reproduce")
@click.argument("record", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--cells", multiple=True, metavar="GLOB",
              help="Only the cells whose name dataset/setting/lang/doc_lang/run matches (repeatable), "
                   "e.g. 'mldr-sample/mono/de/*/typo.char'.")
@click.option("--model", default=None, help="The checkpoint folder of a local-checkpoint record (its fingerprint must match).")
@click.option("--data-dir", "data_dirs", multiple=True, metavar="DATASET=DIR",
              help="Local copy of a suite dataset, e.g. xquad-r=../shared/data/xquad-r (repeatable).")
@resources_option
def reproduce_cmd(record: Path, cells: tuple[str, ...], model: str | None, data_dirs: tuple[str, ...],
                  resources: Path | None) -> None:
    """Rebuild the record's attacked sets from the pinned specs and seeds, re-score its model, and
    compare every (chosen) cell with the stored per-query scores; exit 1 on any FAIL.

    \b
    Example:
      robustir reproduce leaderboards/v1/submissions/bm25-01d8f32d1c77.json \\
          --cells 'mldr-sample/mono/de/*/typo.char' --cells 'mldr-sample/mono/de/*/clean'
    """
    from robustir.leaderboards.reproduce import reproduce
    from robustir.leaderboards.submit import parse_data_dirs

    checks, integrity = reproduce(record, cells=cells, model=model, data_dirs=parse_data_dirs(data_dirs),
                                  resources=resources, say=lambda m: click.echo(m, err=True))
    for line in integrity:
        click.echo(line)
    for c in checks:
        click.echo(c.line())
    failed = sum(not c.ok for c in checks) + sum(line.startswith("FAIL") for line in integrity)
    unsure = sum(line.startswith("DIFF") for line in integrity)
    tail = f", {unsure} DIFF (not checkable from this record, or a lexicon file of another release; see above)" if unsure else ""
    click.echo(f"{len(checks) + len(integrity) - failed - unsure} OK, {failed} FAIL{tail}")
    if failed:
        sys.exit(1)
