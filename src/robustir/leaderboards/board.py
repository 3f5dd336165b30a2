"""From validated records to leaderboard tables with significance marks.

A *cell* is (dataset, setting, query language, document language, attack). A model's value
in a column is the mean, over the cells of that column, of the cell's mean headline metric
(macro average: every cell weighs the same, whatever its query count). The headline score
is that mean over every attacked cell; beside it, the relative drop sum(clean - attacked) /
sum(clean) over the same cells (the per-cell relative drops weighted by clean score).

Significance: in each column the best entry is compared with every other entry by a paired
test (the scorer's `paired_test`, t-test) whose units are the *queries*: the (cell, query)
scores both entries have are averaged per (dataset, query id) first. A query id names one
parallel question in every language of XQuAD-R / MLQA-R, so all its languages, settings and
attacks form one unit; treating each (cell, query) score as independent would count the
same question dozens of times and overstate significance. The p-values of one table are
Holm-corrected together, and a cell is marked when its adjusted p is below `alpha`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import fmean

from robustir.benchmark.settings import SETTINGS
from robustir.leaderboards.cells import Cell, Table
from robustir.leaderboards.schema import CLEAN, Record
from robustir.leaderboards.significance import paired_p
from robustir.leaderboards.uncertainty import adjust
from robustir.leaderboards.suite import JUDGE_MARK, Suite

__all__ = ["Board", "Cell", "Entry", "Table", "build_board"]

CellKey = tuple[str, str, str, str, str]  # dataset, setting, lang, doc_lang, attack
Unit = tuple[CellKey, str]  # (cell, query id)


@dataclass(frozen=True)
class Entry:
    """One record's numbers for the headline metric."""

    record: Record
    cells: dict[CellKey, tuple[float, float]]  # cell -> (clean mean, attacked mean)
    attacked: dict[Unit, float]
    clean: dict[Unit, float]
    complete: bool
    judge: str | None = None  # the suite's meaning judge this entry is (or shares weights with)

    @property
    def name(self) -> str:
        return f"{self.record.name} {JUDGE_MARK}" if self.judge else self.record.name

    @property
    def headline(self) -> float:
        return fmean(a for _, a in self.cells.values()) if self.cells else 0.0

    @property
    def clean_mean(self) -> float:
        """Clean score averaged over the same cells as the headline (each cell's clean baseline)."""
        return fmean(c for c, _ in self.cells.values()) if self.cells else 0.0

    def rel_drop(self, keys: Sequence[CellKey] | None = None) -> float | None:
        """sum(clean - attacked) / sum(clean) over the cells: the mean of the per-cell relative
        drops weighted by clean score, so cells a model cannot solve at all (clean ~ 0, e.g.
        BM25 across scripts) do not swamp it with huge ratios of tiny numbers."""
        keys = list(self.cells) if keys is None else [k for k in keys if k in self.cells]
        clean = sum(self.cells[k][0] for k in keys)
        return (clean - sum(self.cells[k][1] for k in keys)) / clean if clean > 0 else None


@dataclass(frozen=True)
class Board:
    suite: Suite
    metric: str
    entries: tuple[Entry, ...]  # ranked
    tables: tuple[Table, ...]
    alpha: float
    n_cells: int


def _entry(record: Record, metric: str) -> tuple[dict[CellKey, tuple[float, float]], dict[Unit, float], dict[Unit, float]]:
    cells: dict[CellKey, tuple[float, float]] = {}
    attacked: dict[Unit, float] = {}
    clean: dict[Unit, float] = {}
    for g in record.groups:
        base = g.runs[CLEAN][metric]
        clean_mean = fmean(base)
        for qid, s in zip(g.qids, base):
            clean[((*g.key, CLEAN), qid)] = s
        for attack, by_metric in sorted(g.runs.items()):
            if attack == CLEAN:
                continue
            key: CellKey = (*g.key, attack)
            scores = by_metric[metric]
            cells[key] = (clean_mean, fmean(scores))
            for qid, s in zip(g.qids, scores):
                attacked[(key, qid)] = s
    return cells, attacked, clean


def _by_query(ref: dict[Unit, float], mine: dict[Unit, float]) -> tuple[list[float], list[float]]:
    """Paired per-query means over the units both entries have, clustered by (dataset, query id)."""
    sums: dict[tuple[str, str], list[float]] = {}
    for u in sorted(set(ref) & set(mine)):  # sorted: the same float sums whatever the hash seed
        acc = sums.setdefault((u[0][0], u[1]), [0.0, 0.0, 0])
        acc[0] += ref[u]
        acc[1] += mine[u]
        acc[2] += 1
    keys = sorted(sums)
    return [sums[k][0] / sums[k][2] for k in keys], [sums[k][1] / sums[k][2] for k in keys]


def _fmt_date(date: str) -> str:
    return date[:10]


def _column_table(
    key: str,
    title: str,
    entries: Sequence[Entry],
    columns: Sequence[tuple[str, Callable[[CellKey], bool]]],
    alpha: float,
    note: str,
    correction: str = "holm",
) -> Table:
    """Rows = entries, columns = cell filters; value = mean attacked cell mean; marks vs best."""
    values: list[list[float | None]] = []
    for e in entries:
        row = []
        for _, keep in columns:
            means = [a for k, (_, a) in e.cells.items() if keep(k)]
            row.append(fmean(means) if means else None)
        values.append(row)
    raw: dict[tuple[int, int], float] = {}
    for j, (_, keep) in enumerate(columns):
        present = [i for i in range(len(entries)) if values[i][j] is not None]
        if len(present) < 2:
            continue
        best = max(present, key=lambda i: (values[i][j], -i))
        units_best = {u: s for u, s in entries[best].attacked.items() if keep(u[0])}
        for i in present:
            if i == best:
                continue
            units = {u: s for u, s in entries[i].attacked.items() if keep(u[0])}
            raw[(i, j)] = paired_p(*_by_query(units_best, units))
    adjusted = dict(zip(raw, adjust(list(raw.values()), correction)))
    rows = []
    for i, e in enumerate(entries):
        cells = [Cell(e.name)]
        for j in range(len(columns)):
            p = adjusted.get((i, j))
            cells.append(Cell(values[i][j], mark=p is not None and p < alpha, p=p))
        rows.append(tuple(cells))
    return Table(key, title, ("Model", *(c for c, _ in columns)), tuple(rows), note)


def _overall(entries: Sequence[Entry], n_cells: int, metric: str, alpha: float, correction: str = "holm") -> Table:
    raw: dict[tuple[int, str], float] = {}
    if len(entries) > 1:
        for what in ("attacked", "clean"):
            vals = [e.headline if what == "attacked" else e.clean_mean for e in entries]
            best = max(range(len(entries)), key=lambda i: (vals[i], -i))
            ref = getattr(entries[best], what)
            for i, e in enumerate(entries):
                if i != best:
                    raw[(i, what)] = paired_p(*_by_query(ref, getattr(e, what)))
    adjusted = dict(zip(raw, adjust(list(raw.values()), correction)))
    rows = []
    for i, e in enumerate(entries):
        pa, pc = adjusted.get((i, "attacked")), adjusted.get((i, "clean"))
        drop = e.rel_drop()
        fp = e.record.data["fingerprint"]
        rows.append((
            Cell(i + 1 if e.complete else "-"),
            Cell(e.name),
            Cell(e.headline, mark=pa is not None and pa < alpha, p=pa),
            Cell(None if drop is None else 100 * drop),
            Cell(e.clean_mean, mark=pc is not None and pc < alpha, p=pc),
            Cell(f"{len(e.cells)}/{n_cells}"),
            Cell(str(e.record.model.get("kind", "?"))),
            Cell(f"{fp['sha256'][:12]} ({fp['method'].split('-')[0]})"),
            Cell(_fmt_date(e.record.date)),
        ))
    headers = ("Rank", "Model", f"Attacked {metric}", "Rel. drop %", f"Clean {metric}", "Cells", "Kind", "Fingerprint", "Submitted")
    note = (
        f"Headline: mean attacked {metric} over all cells (dataset x setting x language pair x attack); "
        "relative drop = sum over cells of (clean - attacked) / sum of clean (per-cell drops weighted by clean score); "
        "clean = the same cells' clean baselines. Entries missing cells other entries have are unranked (-)."
    )
    return Table("overall", "Overall ranking", headers, tuple(rows), note)


def build_board(records: Sequence[Record], suite: Suite, *, alpha: float = 0.05, correction: str | None = None) -> Board:
    """Rank `records` (all of `suite`) and build the overall / language / attack / setting tables
    (plus, for suites whose [board] asks for it, the uncertainty and model tables)."""
    correction = correction or suite.board.correction
    adjust([], correction)  # an unknown correction fails before any work
    metric = suite.headline_metric
    parts = [(r, *_entry(r, metric)) for r in records]
    universe = set().union(*(set(c) for _, c, _, _ in parts)) if parts else set()
    judged = {id(r): suite.judge_of(r.model) for r, *_ in parts}
    entries = [Entry(r, c, a, cl, set(c) >= universe, (judged[id(r)] or (None,))[0]) for r, c, a, cl in parts]
    entries.sort(key=lambda e: (not e.complete, -round(e.headline, 12), e.name, e.record.fingerprint))
    how = "Holm-corrected" if correction == "holm" else "Benjamini-Hochberg-corrected (false discovery rate)"
    sig = f"* = below the column's best entry, paired t-test over queries (each query's scores averaged over the column's cells), {how} per table, p < {alpha}"
    langs = sorted({k[2] for k in universe})
    attacks = [a for a in suite.attack_labels if any(k[4] == a for k in universe)]
    # a task's own settings, then any its attacks add (translate sets are cross-lingual cells of a mono task)
    settings = [(t.dataset, s) for t in suite.tasks for s in (*t.settings, *(x for x in SETTINGS if x not in t.settings))
                if any(k[:2] == (t.dataset, s) for k in universe)]
    approx = suite.approximation_note(attacks)
    flagged = sorted({judged[id(e.record)] for e in entries if e.judge}, key=str)
    if flagged:
        approx = " ".join([approx] * bool(approx) + [
            f"{JUDGE_MARK} = the suite's meaning judge {j}, or a model sharing its weights: it filtered "
            f"{', '.join(labels)} at generation, so those attacks keep what it finds harmless and its robustness "
            "to them is overstated." for j, labels in flagged])
    marked = (lambda note: f"{note.rstrip('.')}. {approx}") if approx else (lambda note: note)
    tables = [
        _overall(entries, len(universe), metric, alpha, correction),
        _column_table(
            "by_language", f"Attacked {metric} by query language", entries,
            [(lang, lambda k, lang=lang: k[2] == lang) for lang in langs], alpha, sig, correction,
        ),
        _column_table(
            "by_attack", f"Attacked {metric} by attack", entries,
            [(suite.attack_header(a), lambda k, a=a: k[4] == a) for a in attacks], alpha, marked(sig), correction,
        ),
        _column_table(
            "by_setting", f"Attacked {metric} by dataset and setting", entries,
            [(f"{d}/{s}", lambda k, d=d, s=s: k[:2] == (d, s)) for d, s in settings], alpha, sig, correction,
        ),
    ]
    drop_rows = []
    for e in entries:
        cells = [Cell(e.name)]
        for a in attacks:
            d = e.rel_drop([k for k in e.cells if k[4] == a])
            cells.append(Cell(None if d is None else 100 * d))
        drop_rows.append(tuple(cells))
    tables.append(Table("drop_by_attack", "Relative drop % by attack", ("Model", *map(suite.attack_header, attacks)),
                        tuple(drop_rows), marked("sum over the attack's cells of (clean - attacked) / sum of clean, in percent; higher = less robust")))
    tables[0] = Table(tables[0].key, tables[0].title, tables[0].headers, tables[0].rows, marked(tables[0].note + " " + sig))
    if suite.board.uncertainty:
        from robustir.leaderboards.board_stats import model_table, uncertainty_table

        ut = uncertainty_table(entries, suite, metric, alpha, correction)
        tables[1:1] = [Table(ut.key, ut.title, ut.headers, ut.rows, marked(ut.note)), model_table(entries)]
    return Board(suite, metric, tuple(entries), tuple(tables), alpha, len(universe))
