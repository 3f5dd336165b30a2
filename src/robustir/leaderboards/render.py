"""Markdown and CSV renderings of a `Board` (deterministic: same records, same bytes)."""
from __future__ import annotations

import csv
import io

from robustir.leaderboards.board import Board, Cell, Table

__all__ = ["fmt_cell", "render_csv", "render_markdown"]

_PERCENT = ("Rel. drop %",)


def fmt_cell(cell: Cell, *, percent: bool = False) -> str:
    """Display text of a cell: metrics with 4 decimals, percentages with 1, '-' when absent."""
    v = cell.value
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}" if percent else f"{v:.4f}"
    return str(v)


def _is_percent(table: Table, header: str) -> bool:
    return table.key == "drop_by_attack" or header in _PERCENT


def _md_escape(text: str) -> str:
    """Text of a Markdown table cell that stays text: no table breaks, HTML, code spans, links
    or images (`[x](http://...)`, `![..](..)`: the brackets are escaped) from a submission name."""
    out = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ")
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "\\`")
    return out.replace("[", "\\[").replace("]", "\\]")


def csv_safe(text: str) -> str:
    """A CSV field a spreadsheet shows as text: a leading = + - @ (a formula, e.g. a submission
    named '=HYPERLINK(...)') gets a quote mark; plain numbers and a lone '-' stay as they are."""
    if text[:1] not in ("=", "+", "-", "@", "\t", "\r") or text == "-":
        return text
    try:
        float(text)
        return text
    except ValueError:
        return "'" + text


def markdown_table(table: Table) -> str:
    heads = [_md_escape(h) for h in table.headers]
    lines = ["| " + " | ".join(heads) + " |"]
    aligns = []
    for j, _h in enumerate(table.headers):
        numeric = any(isinstance(r[j].value, (int, float)) for r in table.rows)
        aligns.append("---:" if numeric else "---")
    lines.append("|" + "|".join(aligns) + "|")
    for row in table.rows:
        texts = []
        for h, cell in zip(table.headers, row):
            t = _md_escape(fmt_cell(cell, percent=_is_percent(table, h)))
            texts.append(t + ("*" if cell.mark else ""))
        lines.append("| " + " | ".join(texts) + " |")
    return "\n".join(lines)


def render_markdown(board: Board, *, audit: str | None = None) -> str:
    """The board as Markdown; `audit` is the relative link of the attacked sets' audit, if any."""
    s = board.suite
    out = [
        f"# robustir leaderboard: suite {s.version}",
        "",
        s.description,
        "",
        f"Suite content hash `{s.content_hash[:16]}`; {len(board.entries)} submissions; "
        f"{board.n_cells} attacked cells; headline metric {board.metric}.",
        "",
    ]
    if audit:
        out += [f"What the attacks did to the queries (meaning similarity, edit mix, before/after pairs): [audit]({audit}).", ""]
    for table in board.tables:
        out += [f"## {table.title}", "", markdown_table(table), ""]
        if table.note:
            out += [table.note, ""]
    skipped: dict[tuple[str, str, str], set[str]] = {}
    for e in board.entries:
        for d in e.record.skipped:
            skipped.setdefault((d["dataset"], d["attack"], d["reason"]), set()).add(f"{d['lang']} ({e.name})")
    if skipped:
        out += ["## Skipped cells", "", "Not scored, with the reason (the attack does not support the language, its "
                "resource is missing, or the retriever failed); per language (submission):", ""]
        for (d, a, r), who in sorted(skipped.items()):
            out.append(f"- {_md_escape(d)}, {_md_escape(s.attack_header(a))}: {_md_escape(r)}: {_md_escape(', '.join(sorted(who)))}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render_csv(board: Board) -> dict[str, str]:
    """One CSV text per table, keyed by file name; marked columns get a `<column> p_holm` neighbour."""
    files: dict[str, str] = {}
    for table in board.tables:
        with_p = [any(r[j].p is not None for r in table.rows) for j in range(len(table.headers))]
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        header: list[str] = []
        for h, p in zip(table.headers, with_p):
            header += [h, f"{h} p_holm", f"{h} significant"] if p else [h]
        w.writerow(header)
        for row in table.rows:
            vals: list[str] = []
            for cell, p in zip(row, with_p):
                v = cell.value
                vals.append("" if v is None else f"{v:.6f}" if isinstance(v, float) else csv_safe(str(v)))
                if p:
                    vals += ["" if cell.p is None else f"{cell.p:.6g}", "yes" if cell.mark else "no"]
            w.writerow(vals)
        files[f"{table.key}.csv"] = buf.getvalue()
    return files
