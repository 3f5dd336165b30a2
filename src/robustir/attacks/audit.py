"""Audit an attacked-set folder: what did each attack do to the queries, and did it keep their meaning?

Per (attack, language): the rows, the share changed, mean chrF, the meaning-fidelity judge's
similarity (mean, 10th percentile, share under the judge's calibrated floor; `attacks.judge`),
the mix of character edit operations (insert / delete / substitute / transpose, from an
optimal string alignment over grapheme clusters of original -> perturbed) set against the mix
of real typos where `families._typo_profile.real_mix(lang)` has one (total-variation
distance), and a seeded sample of before/after pairs. Rendered as text, Markdown or one
self-contained HTML page (inline CSS, every text escaped, before/after side by side).

Statistics cover all rows of a set (unchanged rows count with similarity 1.0 and chrF 100),
so "share under the floor" is the share a ``--min-sim`` filter with that judge would drop;
beside it, the share of the *changed* rows under the floor. `floor=X` replaces the judge's
calibrated floors by one fixed cosine (e.g. 0.8, the validity issue's muse-v3 target).
The similarity is computed here, so folders written without a judge audit the same way.

    >>> a = audit_folder("attacked/", judge="me5-small-f64", samples=5)   # doctest: +SKIP
    >>> print(render(a, "md"))                                            # doctest: +SKIP
"""
from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from robustir.attacks.families._typo_profile import OPS, real_mix, tv
from robustir.errors import RobustirError, unknown_name
from robustir.text.segment import graphemes

__all__ = ["FORMATS", "OPS", "Audit", "SetAudit", "align", "audit_collection", "audit_folder", "edit_counts", "render"]

FORMATS = ("text", "md", "html")
_MAX_CELLS = 250_000  # beyond this the alignment falls back to rapidfuzz (no transpositions)


# -- edit operations ------------------------------------------------------------------------------


def _osa_ops(a: list[str], b: list[str]) -> list[tuple[str, str, str]]:
    """Optimal string alignment of cluster lists: (op, piece of a, piece of b) in order."""
    n, m = len(a), len(b)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and a[i - 1] != b[j - 1]:
                best = min(best, d[i - 2][j - 2] + 1)
            d[i][j] = best
    ops: list[tuple[str, str, str]] = []
    i, j = n, m
    while i or j:  # backtrace, preferring equal > transpose > substitute > delete > insert
        if i and j and a[i - 1] == b[j - 1] and d[i][j] == d[i - 1][j - 1]:
            ops.append(("equal", a[i - 1], b[j - 1])); i, j = i - 1, j - 1
        elif i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and d[i][j] == d[i - 2][j - 2] + 1:
            ops.append(("transpose", a[i - 2] + a[i - 1], b[j - 2] + b[j - 1])); i, j = i - 2, j - 2
        elif i and j and d[i][j] == d[i - 1][j - 1] + 1:
            ops.append(("substitute", a[i - 1], b[j - 1])); i, j = i - 1, j - 1
        elif i and d[i][j] == d[i - 1][j] + 1:
            ops.append(("delete", a[i - 1], "")); i -= 1
        else:
            ops.append(("insert", "", b[j - 1])); j -= 1
    return ops[::-1]


def _fallback_ops(a: list[str], b: list[str]) -> list[tuple[str, str, str]]:
    from rapidfuzz.distance import Levenshtein

    ops: list[tuple[str, str, str]] = []
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(a, b):
        if tag == "equal":
            ops += [("equal", x, x) for x in a[i1:i2]]
        elif tag == "replace":
            ops += [("substitute", x, y) for x, y in zip(a[i1:i2], b[j1:j2])]
        elif tag == "delete":
            ops += [("delete", x, "") for x in a[i1:i2]]
        else:
            ops += [("insert", "", y) for y in b[j1:j2]]
    return ops


def align(a: str, b: str) -> list[tuple[str, str, str]]:
    """The character edits turning `a` into `b`: (op, piece of a, piece of b), op one of equal,
    insert, delete, substitute, transpose; over extended grapheme clusters. Common prefix and
    suffix are matched first, so only the differing middle is aligned."""
    ga, gb = graphemes(a), graphemes(b)
    p = 0
    while p < min(len(ga), len(gb)) and ga[p] == gb[p]:
        p += 1
    s = 0
    while s < min(len(ga), len(gb)) - p and ga[-1 - s] == gb[-1 - s]:
        s += 1
    mid_a, mid_b = ga[p:len(ga) - s], gb[p:len(gb) - s]
    core = _osa_ops(mid_a, mid_b) if len(mid_a) * len(mid_b) <= _MAX_CELLS else _fallback_ops(mid_a, mid_b)
    return [("equal", x, x) for x in ga[:p]] + core + [("equal", x, x) for x in ga[len(ga) - s:]]


def edit_counts(a: str, b: str) -> Counter:
    """How many edits of each operation (OPS) turn `a` into `b`."""
    return Counter(op for op, _, _ in align(a, b) if op != "equal")


def _real_mix(lang: str) -> dict[str, float] | None:
    """The real typo mix of `lang` from the typo-profile module, when it exists and has one."""
    try:
        mix = real_mix(lang)
    except (RobustirError, KeyError, OSError):
        return None
    if not mix:
        return None
    total = sum(float(mix.get(op, 0.0)) for op in OPS)
    return {op: float(mix.get(op, 0.0)) / total for op in OPS} if total > 0 else None


# -- one set --------------------------------------------------------------------------------------


@dataclass
class SetAudit:
    spec: str
    lang: str
    query_lang: str
    rows: int
    changed: float
    mean_chrf: float | None
    sim_mean: float | None = None
    sim_p10: float | None = None
    floor: float | None = None
    under_floor: float | None = None
    under_floor_changed: float | None = None  # share of the changed rows under the floor
    edits: int = 0
    mix: dict[str, float] = field(default_factory=dict)
    real_mix: dict[str, float] | None = None
    tv: float | None = None
    samples: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total_rows: int | None = None  # rows in the set, when `rows` is a seeded sample of them
    dropped: int | None = None  # queries the generator dropped (no perturbation passed its floors)


def _is_typo(spec: str) -> bool:
    from robustir.types import AttackSpec

    try:
        steps = AttackSpec.parse(spec).steps
    except RobustirError:
        return False
    return bool(steps) and all(s.name.startswith("typo.") for s in steps)


def _mix(rows: list[dict[str, Any]]) -> tuple[int, dict[str, float], list[list[tuple[str, str, str]]]]:
    aligned = [align(r["original"], r["perturbed"]) for r in rows]
    counts = Counter(op for ops in aligned for op, _, _ in ops if op != "equal")
    total = sum(counts.values())
    return total, ({op: counts[op] / total for op in OPS} if total else {}), aligned


def _judge_stats(out: SetAudit, rows: list[dict[str, Any]], changed: list[int], judge: Any,
                 floor: float | None = None) -> list[float] | None:
    if judge is None:
        return None
    if not judge.supports(out.lang):
        out.notes.append(f"judge {judge.name} does not cover {out.lang}: no similarity")
        return None
    sims = judge.similarity([r["original"] for r in rows], [r["perturbed"] for r in rows], out.lang)
    if not sims:
        return sims
    arr = np.asarray(sims, dtype=np.float64)
    out.sim_mean, out.sim_p10 = round(float(arr.mean()), 4), round(float(np.percentile(arr, 10)), 4)
    if out.query_lang == out.lang:
        out.floor = judge.floor(out.lang) if floor is None else floor
        out.under_floor = round(float((arr < out.floor).mean()), 4)
        if changed:
            out.under_floor_changed = round(float((arr[changed] < out.floor).mean()), 4)
    else:
        out.notes.append(f"cross-lingual set ({out.lang} -> {out.query_lang}): the {out.lang} floor does not apply")
    return sims


def _bias_notes(out: SetAudit, victim: str | None, judge: Any, filtered_by: str | None) -> None:
    """The trap: a judge that is also the victim (or the scored model) rates its own blind spots."""
    if judge is not None and victim and victim == judge.name:
        out.notes.append(f"the judge {judge.name} is this set's victim model: its similarities favour what fools it")
    if filtered_by and victim and filtered_by == victim:
        out.notes.append(f"filtered with judge {filtered_by}, which is also the victim: the set is biased toward that model")


def audit_set(s: Any, judge: Any = None, *, samples: int = 5, seed: int = 0, filtered_by: str | None = None,
              max_rows: int | None = None, floor: float | None = None) -> SetAudit:
    """Audit one `AttackedSet` (rows with original and perturbed texts); `filtered_by` names the
    judge the folder was filtered with at generation (its manifest's ``judge`` record).
    `max_rows` audits a seeded sample of that many rows (in file order) instead of all of them;
    `floor` is a fixed similarity floor instead of the judge's calibrated one."""
    rows = list(s.rows)
    total = len(rows)
    if max_rows is not None and total > max_rows:
        keep = np.sort(np.random.default_rng(seed).choice(total, size=max_rows, replace=False))
        rows = [rows[int(k)] for k in keep]
    changed = [k for k, r in enumerate(rows) if r["perturbed"] != r["original"]]
    chrfs = [float(r["chrf"]) for r in rows if isinstance(r.get("chrf"), (int, float))]
    out = SetAudit(s.spec, s.lang, s.query_lang, len(rows), round(len(changed) / len(rows), 4) if rows else 0.0,
                   round(sum(chrfs) / len(chrfs), 2) if chrfs else None)
    entry = s.entry if isinstance(s.entry, dict) else {}
    if len(rows) < total:
        out.total_rows = total
        out.notes.append(f"statistics over a seeded sample of {len(rows)} of the set's {total} rows")
    if isinstance(entry.get("dropped"), int):
        out.dropped = int(entry["dropped"])
        if out.dropped:
            out.notes.append(f"{out.dropped} of {entry.get('queries', '?')} queries dropped at generation "
                             "(no attempt passed the floors); the rows above are the kept ones")
    sims = _judge_stats(out, rows, changed, judge, floor)
    out.edits, out.mix, aligned = _mix(rows)
    real = _real_mix(s.query_lang) if _is_typo(s.spec) else None
    if real is not None and out.mix:
        out.real_mix = real
        out.tv = round(tv(out.mix, real), 4)
    _bias_notes(out, entry.get("victim"), judge, filtered_by)
    rng = np.random.default_rng(seed)
    pick = sorted(rng.choice(changed, size=min(samples, len(changed)), replace=False).tolist()) if changed and samples > 0 else []
    out.samples = [{"query_id": rows[k]["query_id"], "original": rows[k]["original"], "perturbed": rows[k]["perturbed"],
                    "chrf": rows[k].get("chrf"), "sim": sims[k] if sims else None, "ops": aligned[k]} for k in pick]
    return out


# -- a folder -------------------------------------------------------------------------------------


@dataclass
class Audit:
    path: str
    dataset: str
    seed: Any
    judge: str | None
    judge_version: str | None
    sets: list[SetAudit]
    generation_judge: str | None = None  # the judge that filtered the folder when it was written
    floor: float | None = None  # a fixed floor for every language (None: the judge's calibrated ones)
    resources: list[dict[str, Any]] | None = None  # the manifest's lexicon files (None: not recorded)


def audit_collection(coll: Any, *, judge: str | None = "me5-small-f64", samples: int = 5, seed: int = 0,
                     max_rows: int | None = None, floor: float | None = None) -> Audit:
    """Audit every set of an `AttackedCollection`; `judge=None` skips the similarity; `max_rows`
    audits a seeded sample of at most that many rows per set; `floor` is one fixed similarity
    floor for every language instead of the judge's calibrated ones."""
    if samples < 0:
        raise RobustirError(f"samples must be >= 0, got {samples}")
    if max_rows is not None and (isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1):
        raise RobustirError(f"max_rows must be a positive integer, got {max_rows!r}")
    if floor is not None and (isinstance(floor, bool) or not isinstance(floor, (int, float)) or not -1.0 <= floor <= 1.0):
        raise RobustirError(f"floor must be a cosine between -1 and 1, got {floor!r}")
    j = None
    if judge is not None:
        from robustir.attacks.judge import get_judge

        j = get_judge(judge)
    m = coll.manifest
    rec = m.get("judge")
    filtered_by = str(rec.get("name")) if isinstance(rec, dict) and rec.get("name") else None
    floor = None if floor is None else float(floor)
    sets = [audit_set(s, j, samples=samples, seed=seed, filtered_by=filtered_by, max_rows=max_rows, floor=floor)
            for s in sorted(coll.sets, key=lambda s: (s.spec, s.lang))]
    generation = None
    if filtered_by:
        generation = f"{filtered_by} ({rec.get('version')}), min_sim {rec.get('min_sim')}, floors {rec.get('floor')}"
    res = m.get("resources")
    return Audit(str(coll.path or ""), str(m.get("dataset", "")), m.get("seed"), j.name if j else None,
                 j.version if j else None, sets, generation, floor, res if isinstance(res, list) else None)


def audit_folder(path: str | Path, *, judge: str | None = "me5-small-f64", samples: int = 5, seed: int = 0,
                 max_rows: int | None = None, floor: float | None = None) -> Audit:
    """Read an attacked-set folder (`robustir.attacked_set.read_attacked`) and audit it."""
    from robustir.attacked_set import read_attacked

    return audit_collection(read_attacked(path), judge=judge, samples=samples, seed=seed, max_rows=max_rows, floor=floor)


# -- rendering ------------------------------------------------------------------------------------

_HEAD = ["attack", "lang", "rows", "changed", "chrF", "sim mean", "sim p10", "< floor", "edits",
         "ins/del/sub/tra", "real ins/del/sub/tra", "TV"]


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def _num(x: float | None, fmt: str = ".3f") -> str:
    return "-" if x is None else format(x, fmt)


def _mix_cell(mix: dict[str, float] | None) -> str:
    return "/".join(f"{mix.get(op, 0.0) * 100:.0f}" for op in OPS) if mix else "-"


def _row(s: SetAudit) -> list[str]:
    under = "-" if s.under_floor is None else f"{s.under_floor:.0%} (<{s.floor:.3f})"
    if s.under_floor_changed is not None:
        under += f"; {s.under_floor_changed:.0%} of changed"
    rows = str(s.rows) if s.total_rows is None else f"{s.rows}/{s.total_rows}"
    return [s.spec, s.lang if s.lang == s.query_lang else f"{s.lang}->{s.query_lang}", rows, _pct(s.changed),
            _num(s.mean_chrf, ".1f"), _num(s.sim_mean), _num(s.sim_p10), under, str(s.edits), _mix_cell(s.mix),
            _mix_cell(s.real_mix), _num(s.tv)]


def _header_lines(a: Audit) -> list[str]:
    judge = f"{a.judge} ({a.judge_version})" if a.judge else "none (no similarity)"
    filtered = f"filtered at generation by judge {a.generation_judge}" if a.generation_judge else "not filtered by a judge at generation"
    floor = "calibrated per language" if a.floor is None else f"fixed cosine {a.floor:g} for every language"
    if a.resources is None:
        lexicons = "lexicon files: not recorded (a manifest written before robustir recorded them)"
    elif not a.resources:
        lexicons = "lexicon files: none read"
    else:
        lexicons = "lexicon files: " + "; ".join(
            f"{r.get('collection')}/{r.get('file')} ({r.get('origin')}{' ' + str(r['path']) if r.get('path') else ''}, "
            f"sha256 {str(r.get('sha256'))[:12]})" for r in a.resources if isinstance(r, dict))
    return [f"attacked set: {a.path}", f"dataset: {a.dataset}, seed {a.seed}; {filtered}", f"audit judge: {judge}, floor {floor}", lexicons,
            "edit mix: % of character edits (grapheme clusters) that insert/delete/substitute/transpose; "
            "TV = total-variation distance to real typos of the language (typo.* attacks with a real profile)"]


def _render_text(a: Audit) -> str:
    from robustir._table import format_table

    out = _header_lines(a) + ["", format_table(_HEAD, [_row(s) for s in a.sets])]
    for s in a.sets:
        if not (s.samples or s.notes):
            continue
        out += ["", f"{s.spec} [{s.lang}]"] + [f"  note: {n}" for n in s.notes]
        for x in s.samples:
            out += [f"  {x['query_id']}  chrF {_num(x['chrf'], '.1f')}  sim {_num(x['sim'])}",
                    f"    before: {x['original']}", f"    after:  {x['perturbed']}"]
    return "\n".join(out) + "\n"


def _md(text: Any) -> str:
    return html.escape(str(text).replace("\n", " ").replace("\r", " "), quote=False).replace("|", "\\|")


def _render_md(a: Audit) -> str:
    from robustir._table import format_table

    out = ["# Attack audit", ""] + [f"- {_md(x)}" for x in _header_lines(a)]
    out += ["", format_table(_HEAD, [[_md(c) for c in _row(s)] for s in a.sets], markdown=True)]
    for s in a.sets:
        if not (s.samples or s.notes):
            continue
        out += ["", f"## {_md(s.spec)} [{s.lang}]"] + [f"\n> note: {_md(n)}" for n in s.notes]
        if s.samples:
            out += ["", "| query | chrF | sim | before | after |", "|---|---:|---:|---|---|"]
            out += [f"| {_md(x['query_id'])} | {_num(x['chrf'], '.1f')} | {_num(x['sim'])} | {_md(x['original'])} | {_md(x['perturbed'])} |"
                    for x in s.samples]
    return "\n".join(out) + "\n"


_CSS = """body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.pair td.t{font-family:ui-monospace,monospace;white-space:pre-wrap;max-width:40em}
.del{background:#fdd;text-decoration:line-through}.ins{background:#dfd}.sub{background:#ffe08a}.tra{background:#cde}
.note{color:#a40}"""
_MARK = {"delete": "del", "insert": "ins", "substitute": "sub", "transpose": "tra"}


def _marked(ops: list[tuple[str, str, str]], side: int) -> str:
    """One side of an aligned pair as HTML, edited clusters wrapped in a class per operation."""
    out = []
    for op, *pieces in ops:
        text = html.escape(pieces[side])
        if op == "equal" or not text:
            out.append(text)
        else:
            out.append(f'<span class="{_MARK[op]}" title="{op}">{text}</span>')
    return "".join(out)


def _render_html(a: Audit) -> str:
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', "<title>robustir attack audit</title>",
           f"<style>{_CSS}</style></head><body>", "<h1>Attack audit</h1>", "<ul>"]
    out += [f"<li>{e(x)}</li>" for x in _header_lines(a)] + ["</ul>", "<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in _HEAD) + "</tr>"]
    for s in a.sets:
        out.append("<tr>" + "".join(f'<td{"" if k < 2 else " class=n"}>{e(c)}</td>' for k, c in enumerate(_row(s))) + "</tr>")
    out.append("</table>")
    for s in a.sets:
        if not (s.samples or s.notes):
            continue
        out.append(f"<h2>{e(s.spec)} [{e(s.lang)}]</h2>")
        out += [f'<p class="note">{e(n)}</p>' for n in s.notes]
        if s.samples:
            out.append('<table class="pair"><tr><th>query</th><th>chrF</th><th>sim</th><th>before</th><th>after</th></tr>')
            out += [f"<tr><td>{e(str(x['query_id']))}</td><td class=n>{_num(x['chrf'], '.1f')}</td><td class=n>{_num(x['sim'])}</td>"
                    f'<td class="t">{_marked(x["ops"], 0)}</td><td class="t">{_marked(x["ops"], 1)}</td></tr>' for x in s.samples]
            out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render(a: Audit, fmt: str = "text") -> str:
    """The audit as `fmt`: text, md (Markdown) or html (one self-contained page)."""
    renderers = {"text": _render_text, "md": _render_md, "html": _render_html}
    if fmt not in renderers:
        raise unknown_name("audit format", fmt, FORMATS)
    return renderers[fmt](a)
