"""`robustir audit`: what each attack in an attacked-set folder did, and whether meaning survived."""
from __future__ import annotations

from pathlib import Path

import click


@click.command("audit")
@click.argument("attacked_dir", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html"]), default="text", show_default=True, help="Output format (html: one self-contained page).")
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None, help="Write the report to this file (default: stdout).")
@click.option("--judge", default="me5-small-q4", show_default=True, help="Meaning-fidelity judge (me5-small-q4, muse-v3), or 'none' to skip the similarity.")
@click.option("--samples", default=5, show_default=True, type=click.IntRange(min=0), help="Before/after pairs shown per attack and language.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0), help="Seed of the sample of pairs.")
def audit_cmd(attacked_dir: Path, fmt: str, out_file: Path | None, judge: str, samples: int, seed: int) -> None:
    """Audit an attacked-set folder written by `robustir attack`.

    Per attack and language: rows, share changed, mean chrF, judge similarity (mean, 10th
    percentile, share under the judge's calibrated floor), the character edit-operation mix
    against real typos, and a sample of before/after pairs.

    \b
    Example:
      robustir audit attacked/ --format html --out audit.html
    """
    from robustir._io import atomic_write_text
    from robustir.attacks.audit import audit_folder, render

    report = render(audit_folder(attacked_dir, judge=None if judge == "none" else judge, samples=samples, seed=seed), fmt)
    if out_file is None:
        click.echo(report, nl=False)
    else:
        atomic_write_text(out_file, report)
        click.echo(f"wrote {out_file}", err=True)
