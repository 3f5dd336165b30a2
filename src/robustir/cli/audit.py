"""`robustir audit`: what each attack in an attacked-set folder did, and whether meaning survived."""
from __future__ import annotations

from pathlib import Path

import click

from robustir.cli.options import resources_option


@click.command("audit")
@click.argument("attacked_dir", type=click.Path(path_type=Path), required=False)
@click.option("--suite", default=None, help="Audit a leaderboard suite's attacked sets instead (e.g. v3); writes audit.md and audit.html into --out.")
@click.option("--data-dir", "data_dirs", multiple=True, metavar="DATASET=DIR", help="With --suite: local copy of a suite dataset (repeatable).")
@resources_option
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html"]), default="text", show_default=True, help="Output format (html: one self-contained page); with --suite both md and html are written.")
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="Write the report to this file (default: stdout); with --suite the folder (default leaderboards/<suite>).")
@click.option("--judge", default=None, help="Meaning-fidelity judge (me5-small-f64, me5-small-q4, muse-v3), or 'none' to skip the similarity "
              "[default: me5-small-f64; with --suite muse-v3, independent of the suite's filter judge].")
@click.option("--samples", default=None, type=click.IntRange(min=0), help="Before/after pairs shown per attack and language [default: 5; with --suite 3].")
@click.option("--max-rows", default=None, type=click.IntRange(min=1), help="Audit a seeded sample of at most this many rows per set [default: all; with --suite 300].")
@click.option("--floor", default=None, type=click.FloatRange(-1.0, 1.0), help="A fixed similarity floor for every language (e.g. 0.8) instead of the judge's calibrated ones.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0), help="Seed of the samples (pairs and rows).")
def audit_cmd(attacked_dir: Path | None, suite: str | None, data_dirs: tuple[str, ...], resources: Path | None, fmt: str,
              out_file: Path | None, judge: str | None, samples: int | None, max_rows: int | None, floor: float | None,
              seed: int) -> None:
    """Audit an attacked-set folder written by `robustir attack`, or a leaderboard suite's sets.

    Per attack and language: rows, share changed, mean chrF, judge similarity (mean, 10th
    percentile, share of all and of the changed rows under the judge's calibrated floor, or
    under --floor), the character edit-operation mix
    against real typos, and a sample of before/after pairs.

    \b
    Examples:
      robustir audit attacked/ --format html --out audit.html
      robustir audit --suite v3 --data-dir xquad-r=../shared/data/xquad-r --resources ../shared/data/resources
    """
    from robustir._io import atomic_write_text
    from robustir.attacks.audit import audit_folder, render
    from robustir.errors import RobustirError

    if (attacked_dir is None) == (suite is None):
        raise RobustirError("give either an ATTACKED_DIR or --suite VERSION (not both)")
    if suite is not None:
        from robustir.leaderboards.audit import audit_suite
        from robustir.leaderboards.submit import parse_data_dirs
        from robustir.leaderboards.suite import load_suite

        the_suite = load_suite(suite)
        judge = "muse-v3" if judge is None else judge
        _audit, files = audit_suite(
            the_suite, data_dirs=parse_data_dirs(data_dirs), resources=resources,
            out=out_file if out_file is not None else Path("leaderboards") / the_suite.version,
            judge=None if judge == "none" else judge, max_rows=300 if max_rows is None else max_rows,
            samples=3 if samples is None else samples, seed=seed, floor=floor, say=lambda m: click.echo(m, err=True))
        for f in files:
            click.echo(f"wrote {f}")
        return
    if data_dirs or resources is not None:
        raise RobustirError("--data-dir and --resources go with --suite (an attacked folder already holds its sets)")
    judge = "me5-small-f64" if judge is None else judge
    report = render(audit_folder(attacked_dir, judge=None if judge == "none" else judge,
                                 samples=5 if samples is None else samples, seed=seed, max_rows=max_rows, floor=floor), fmt)
    if out_file is None:
        click.echo(report, nl=False)
    else:
        atomic_write_text(out_file, report)
        click.echo(f"wrote {out_file}", err=True)
