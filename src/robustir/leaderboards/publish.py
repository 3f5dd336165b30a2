"""Render the board of one suite from its records into Markdown, CSV and HTML files."""
from __future__ import annotations

from pathlib import Path

from robustir._io import atomic_write_text
from robustir.leaderboards.audit import AUDIT_FILES
from robustir.leaderboards.board import Board, build_board
from robustir.leaderboards.html import render_html
from robustir.leaderboards.render import render_csv, render_markdown
from robustir.leaderboards.store import load_records
from robustir.leaderboards.suite import Suite

__all__ = ["publish"]


def publish(
    root: str | Path, suite: Suite, *, out: str | Path | None = None, alpha: float = 0.05, correction: str | None = None
) -> tuple[Board, list[Path]]:
    """Load and validate every record of `suite` under `root`; write README.md, <table>.csv and index.html.

    An audit of the suite's attacked sets already in the folder (``audit.md`` / ``audit.html``, from
    `robustir audit --suite`) is linked from both pages.

    `correction` (holm | bh) overrides the suite's; output goes to `out` (default ``<root>/<version>``) and is byte-identical for the same records.

    Example:
        >>> board, files = publish("leaderboards", load_suite("v1"))  # doctest: +SKIP
    """
    from robustir.errors import RobustirError
    from robustir.leaderboards.store import submissions_dir

    if not Path(root).is_dir():
        raise RobustirError(f"leaderboard root {root} does not exist (records live under <root>/<suite>/submissions)")
    records = load_records(root, suite)
    if not records:
        raise RobustirError(f"no submissions of suite {suite.version} under {submissions_dir(root, suite.version)}; submit one first")
    board = build_board(records, suite, alpha=alpha, correction=correction)
    folder = Path(out) if out is not None else Path(root) / suite.version
    audit = {fmt: name for fmt, name in AUDIT_FILES.items() if (folder / name).is_file()}  # `robustir audit --suite`
    files = {"README.md": render_markdown(board, audit=audit.get("md")), "index.html": render_html(board, audit=audit.get("html"))}
    files.update({f"csv/{name}": text for name, text in render_csv(board).items()})
    written = []
    for name, text in sorted(files.items()):
        atomic_write_text(folder / name, text)
        written.append(folder / name)
    return board, written
