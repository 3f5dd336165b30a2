"""Render a score report as a table: plain text, Markdown, CSV or LaTeX.

Like ranx's Report, each attacked value carries a significance mark: ``*`` when its
Holm-adjusted p-value is below the report's alpha (0.05 by default). Raw and adjusted
p-values are both shown. Model-vs-model comparisons follow in a second table.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

from robustir._table import format_table
from robustir.benchmark.rows import ComparisonRow, ModelComparisonRow, ReportView, SummaryRow
from robustir.benchmark.settings import SETTINGS
from robustir.benchmark.summary import SUMMARY_HEAD, summary_rows
from robustir.errors import unknown_name

__all__ = ["FORMATS", "MARK", "attack_labels", "render"]

FORMATS = ("text", "md", "csv", "latex")
MARK = "*"
LABEL_WIDTH = 40

_ATTACK_HEAD = ("model", "setting", "queries->corpus", "attack", "metric", "n", "clean", "attacked",
                "drop", "drop %", "W/T/L", "p", "p Holm")
_MODEL_HEAD = ("model A", "model B", "setting", "queries->corpus", "attack", "metric", "n", "drop A", "drop B",
               "diff", "p", "p Holm")
_CSV_FIELDS = ("table", "model", "model_b", "setting", "query_lang", "corpus_lang", "attack", "metric", "n",
               "clean", "attacked", "abs_drop", "rel_drop", "wins", "ties", "losses", "test", "statistic", "p",
               "p_holm", "significant", "ci_low", "ci_high", "effect_size")
Row = ComparisonRow | ModelComparisonRow | SummaryRow


def _num(v: Any, digits: int = 4) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        if abs(v) >= 100:
            return f"{v:.1f}"
        return f"{v:.{digits}f}"
    return str(v)


def _p(v: float | None) -> str:
    if v is None:
        return "-"
    return "<0.0001" if v < 1e-4 else f"{v:.4f}"


def _mark(row: Row, alpha: float) -> str:
    return MARK if row.p_holm is not None and row.p_holm < alpha else ""


def attack_labels(report: ReportView) -> dict[str, str]:
    """Short table labels for long canonical specs: the spec itself when short, else A1, A2, ..."""
    specs = list(dict.fromkeys([r.attack for r in report.comparisons] + [r.attack for r in report.model_comparisons]))
    if all(len(s) <= LABEL_WIDTH for s in specs):
        return {s: s for s in specs}
    return {s: f"A{i}" for i, s in enumerate(specs, start=1)}


def _legend(labels: dict[str, str]) -> str:
    return "".join(f"\n{label} = {spec}" for spec, label in labels.items() if label != spec)


def _order(report: ReportView) -> Callable[[ComparisonRow | ModelComparisonRow], tuple]:
    """Display order: model, attack, setting (mono, cross, multi), then the report's language order."""
    models = [m["name"] for m in report.header["models"]]
    langs = list(report.header["dataset"]["langs"])
    metrics = list(report.header["metrics"])

    def pos(seq: Sequence[str], x: str) -> int:
        return seq.index(x) if x in seq else len(seq)

    def key(r: ComparisonRow | ModelComparisonRow) -> tuple:
        a, b = (r.model_a, r.model_b) if isinstance(r, ModelComparisonRow) else (r.model, "")
        return (pos(models, a), pos(models, b), r.attack, pos(SETTINGS, r.setting), pos(langs, r.query_lang),
                pos(langs, r.corpus_lang), pos(metrics, r.metric))

    return key


def _drop_cells(r: ComparisonRow | SummaryRow, alpha: float) -> list[str]:
    """clean, attacked (marked), drop, drop %, W/T/L, p, p Holm."""
    return [
        _num(r.clean), _num(r.attacked) + _mark(r, alpha), _num(r.abs_drop),
        "-" if r.rel_drop is None else f"{100 * r.rel_drop:.1f}",
        f"{r.wins}/{r.ties}/{r.losses}", _p(r.p), _p(r.p_holm),
    ]


def _attack_rows(report: ReportView, alpha: float, labels: dict[str, str]) -> list[list[str]]:
    return [
        [r.model, r.setting, f"{r.query_lang}->{r.corpus_lang}", labels[r.attack], r.metric, str(r.n), *_drop_cells(r, alpha)]
        for r in sorted(report.comparisons, key=_order(report))
    ]


def _model_rows(report: ReportView, alpha: float, labels: dict[str, str]) -> list[list[str]]:
    return [
        [r.model_a, r.model_b, r.setting, f"{r.query_lang}->{r.corpus_lang}", labels[r.attack], r.metric, str(r.n),
         _num(r.drop_a), _num(r.drop_b), _num(r.diff) + _mark(r, alpha), _p(r.p), _p(r.p_holm)]
        for r in sorted(report.model_comparisons, key=_order(report))
    ]


def _latex_escape(text: str) -> str:
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"),
                 ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}"), ("^", r"\^{}")):
        text = text.replace(a, b) if a != "\\" else text.replace(a, "\0")
    return text.replace("\0", r"\textbackslash{}").replace("->", r"$\rightarrow$")


def _latex(headers: Sequence[str], rows: Sequence[Sequence[str]], caption: str) -> str:
    lines = [
        r"\begin{table}[t]", r"\centering", r"\small",
        r"\begin{tabular}{" + "l" * 5 + "r" * (len(headers) - 5) + "}", r"\toprule",
        " & ".join(_latex_escape(h) for h in headers) + r" \\", r"\midrule",
    ]
    for row in rows:
        cells = []
        for c in row:
            if c.endswith(MARK) and c[:-1].replace(".", "", 1).lstrip("-").isdigit():
                cells.append(_latex_escape(c[:-1]) + r"$^{*}$")
            else:
                cells.append(_latex_escape(c))
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", rf"\caption{{{_latex_escape(caption.replace(chr(10), '; '))}}}", r"\end{table}"]
    return "\n".join(lines)


def _summary_table(report: ReportView, alpha: float, labels: dict[str, str], md: bool) -> str:
    rows = [[r.model, r.setting, labels.get(r.attack, r.attack), r.metric, str(r.cells), str(r.n), *_drop_cells(r, alpha)]
            for r in summary_rows(report)]
    title = "Summary: queries of all language cells pooled per model, setting, attack and metric (Holm over these rows)"
    return ("### " + title + "\n\n" if md else title + "\n") + format_table(SUMMARY_HEAD, rows, markdown=md)


def _csv(report: ReportView, alpha: float) -> str:
    """Full precision, one row per comparison, both tables in one file."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(_CSV_FIELDS), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in report.comparisons:
        w.writerow({**r.to_dict(), "table": "attack", "significant": bool(_mark(r, alpha))})
    for m in report.model_comparisons:  # clean/attacked columns hold model A's / B's mean drop
        w.writerow({**m.to_dict(), "table": "models", "model": m.model_a, "model_b": m.model_b, "clean": m.drop_a,
                    "attacked": m.drop_b, "abs_drop": m.diff, "significant": bool(_mark(m, alpha))})
    return buf.getvalue()


def _note(report: ReportView, alpha: float, labels: dict[str, str]) -> str:
    opts = report.header["options"]
    ds = report.header["dataset"]
    note = (
        f"{ds['name']} ({', '.join(ds['langs'])}); test: {opts['test']}; {MARK} = p < {alpha:g} after Holm-Bonferroni "
        f"over {len(report.comparisons) + len(report.model_comparisons)} comparisons; drop = clean - attacked "
        "(lang_bias: attacked - clean); W/T/L = queries where clean is better/equal/worse"
    )
    return note + _legend(labels)


def render(report: ReportView, fmt: str = "text", *, summary_only: bool = False) -> str:
    """The report's tables in `fmt` (text, md, csv or latex); text and md open with a pooled summary."""
    if fmt not in FORMATS:
        raise unknown_name("report format", fmt, FORMATS)
    alpha = report.alpha
    labels = attack_labels(report)
    note = _note(report, alpha, labels)
    if fmt == "csv":
        return _csv(report, alpha)
    attack_rows = _attack_rows(report, alpha, labels)
    model_rows = _model_rows(report, alpha, labels)
    if fmt == "latex":
        out = _latex(_ATTACK_HEAD, attack_rows, "Clean vs attacked. " + note)
        if model_rows:
            out += "\n\n" + _latex(_MODEL_HEAD, model_rows, "Model vs model: per-query drops. " + note)
        return out + "\n"
    md = fmt == "md"
    if not attack_rows:
        body = "(no attacked sets scored: clean means only)\n" + _clean_table(report, md)
    else:
        summary = _summary_table(report, alpha, labels, md)
        if summary_only:
            return summary + "\n\n" + note + "\n"
        body = summary + "\n\n" + ("### Per cell\n\n" if md else "Per cell\n") + format_table(_ATTACK_HEAD, attack_rows, markdown=md)
    if model_rows and not summary_only:
        body += "\n\n" + format_table(_MODEL_HEAD, model_rows, markdown=md)
    return body + "\n\n" + note + "\n"


def _clean_table(report: ReportView, md: bool) -> str:
    rows = []
    for r in report.runs:
        if r.attack is not None:
            continue
        for metric, vals in r.scores.items():
            mean = sum(vals.values()) / len(vals) if vals else 0.0
            rows.append([r.model, r.setting, f"{r.query_lang}->{r.corpus_lang}", metric, str(len(vals)), _num(mean)])
    return format_table(("model", "setting", "queries->corpus", "metric", "n", "mean"), rows, markdown=md)
