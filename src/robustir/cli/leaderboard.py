"""`robustir submit` and `robustir leaderboard` (thin: parse options, call one function)."""
from __future__ import annotations

from pathlib import Path

import click

from robustir.cli.options import (
    engine_options,
    open_engine,
    resources_option,
    retriever_kwargs,
    retriever_options,
    shard_retries,
)


@click.command("submit")
@click.argument("checkpoint")
@click.option("--name", required=True, help="Display name on the board (any script; escaped when rendered).")
@click.option("--suite", default="v3", show_default=True, help="Suite version (or a suite .toml file): v3 (XQuAD-R, revised word substitutions), v2, demo (the embedded sample), mldr-v1.")
@click.option("--data-dir", "data_dirs", multiple=True, metavar="DATASET=DIR",
              help="Local copy of a suite dataset, e.g. xquad-r=../shared/data/xquad-r (repeatable).")
@resources_option
@click.option("--root", type=click.Path(path_type=Path), default=Path("leaderboards"), show_default=True,
              help="Folder of the published leaderboards.")
@click.option("--replace", is_flag=True, help="Replace an earlier record of the same checkpoint or name.")
@click.option("--allow-missing-cells", is_flag=True,
              help="Write the record even if some suite cells could not be scored (a missing resource or data file); they are listed as skipped.")
@click.option("--allow-training-overlap", is_flag=True,
              help="Submit a robustir-trained checkpoint whose training data is a suite dataset "
                   "(the board name gets '[trained on DATASET]').")
@retriever_options
@engine_options
def submit_cmd(checkpoint, name, suite, data_dirs, resources, root, replace, allow_missing_cells, allow_training_overlap, **params) -> None:
    """Run the leaderboard suite on CHECKPOINT (a registered model name or a local folder) and record it.

    The retriever and engine options are those of `robustir encode` and `robustir score`.

    \b
    Example:
      robustir submit me5-small-q4 --name "mE5-small (4-bit)" \\
          --data-dir xquad-r=../shared/data/xquad-r --resources ../shared/data/resources
    """
    from robustir.leaderboards.submit import parse_data_dirs, submit

    options = retriever_kwargs(params)
    allow_pickle = bool(options.pop("allow_pickle", False))
    engine = open_engine(params)
    try:
        record, path = submit(
            checkpoint, name=name, suite=suite, data_dirs=parse_data_dirs(data_dirs), resources=resources, root=root,
            replace=replace, allow_pickle=allow_pickle, allow_training_overlap=allow_training_overlap,
            model_options=options, engine=engine, shard_retries=shard_retries(params), allow_missing_cells=allow_missing_cells,
            say=lambda m: click.echo(m, err=True),
        )
    finally:
        engine.close()
    from robustir.leaderboards.board import build_board
    from robustir.leaderboards.suite import load_suite

    board = build_board([record], load_suite(suite))
    entry = board.entries[0]
    drop = entry.rel_drop()
    click.echo(f"wrote {path}")
    click.echo(f"{record.name}: attacked {board.metric} "
               f"{entry.headline:.4f}, clean {entry.clean_mean:.4f}, relative drop {100 * (drop or 0):.1f}% "
               f"over {len(entry.cells)} cells ({len(record.skipped)} skipped)")
    click.echo(f"re-render the board: robustir leaderboard --suite {record.suite_version} --root {root}")


@click.command("leaderboard")
@click.option("--suite", default="v1", show_default=True, help="Suite version to render.")
@click.option("--root", type=click.Path(path_type=Path), default=Path("leaderboards"), show_default=True,
              help="Folder of the published leaderboards (records under <root>/<suite>/submissions).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Where to write README.md, csv/*.csv and index.html (default <root>/<suite>).")
@click.option("--alpha", type=float, default=0.05, show_default=True, help="Significance level of the marks.")
@click.option("--correction", type=click.Choice(["holm", "bh"]), default=None,
              help="Multiple-testing correction of the marks: holm (family-wise error) or bh (false discovery rate); default: the suite's.")
def leaderboard_cmd(suite, root, out, alpha, correction) -> None:
    """Render the board of one suite version from its submission records (Markdown, CSV, HTML)."""
    from robustir._table import format_table
    from robustir.errors import RobustirError
    from robustir.leaderboards.publish import publish
    from robustir.leaderboards.render import fmt_cell
    from robustir.leaderboards.suite import load_suite

    if not 0 < alpha < 1:
        raise RobustirError(f"--alpha must lie strictly between 0 and 1, got {alpha}")
    board, files = publish(root, load_suite(suite), out=out, alpha=alpha, correction=correction)
    overall = board.tables[0]
    cols = [0, 1, 2, 3, 4, 5]
    rows = [[fmt_cell(r[j], percent=j == 3) + ("*" if r[j].mark else "") for j in cols] for r in overall.rows]
    click.echo(format_table([overall.headers[j] for j in cols], rows))
    click.echo(f"wrote {len(files)} files to {out if out is not None else Path(root) / board.suite.version}")
