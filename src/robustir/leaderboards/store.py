"""Submission records on disk: ``<root>/<suite version>/submissions/<name>-<fingerprint12>.json``.

One folder per suite version, so records of different versions never meet in a ranking;
`load_records` also checks every record's suite version and hash against the suite it is
loaded for. Writes are atomic. A second record with the same fingerprint (or name) in the
same suite is refused unless ``replace=True``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from robustir._io import atomic_write_text
from robustir.errors import RobustirError
from robustir.leaderboards.schema import Record, RecordError, validate_record
from robustir.leaderboards.suite import Suite

__all__ = ["DuplicateSubmissionError", "find_clashes", "load_records", "read_record", "save_record", "submissions_dir"]


class DuplicateSubmissionError(RobustirError):
    """The same checkpoint (or name) is already on the board of this suite."""


def submissions_dir(root: str | Path, version: str) -> Path:
    return Path(root) / version / "submissions"


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._")[:60]
    return slug or "submission"


def read_record(path: str | Path) -> Record:
    """Read and validate one record; a truncated or edited file raises RecordError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RecordError(f"record not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(f"{path}: cannot read ({exc})") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(f"{path}: not valid JSON (truncated or hand-edited?): {exc.msg} at line {exc.lineno}") from None
    return validate_record(obj, source=str(path))


def load_records(root: str | Path, suite: Suite) -> list[Record]:
    """Every record of `suite`, validated; any bad record stops the render with its reason."""
    folder = submissions_dir(root, suite.version)
    records = [read_record(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []
    for rec in records:
        check_suite(rec, suite)
    fps: dict[str, str] = {}
    for rec in records:
        other = fps.setdefault(rec.fingerprint, rec.source)
        if other != rec.source:
            raise RecordError(f"{rec.source}: same checkpoint fingerprint as {other}; keep one of them")
    return records


def check_suite(rec: Record, suite: Suite) -> None:
    """A record belongs to exactly one suite version and content hash."""
    if rec.suite_version != suite.version:
        raise RecordError(
            f"{rec.source}: record is for suite {rec.suite_version!r}, not {suite.version!r}; "
            "results of different suite versions are never ranked together"
        )
    if rec.suite_hash != suite.content_hash:
        raise RecordError(f"{rec.source}: suite hash {rec.suite_hash[:12]} differs from suite {suite.version}'s {suite.content_hash[:12]}")
    allowed = {"clean", *suite.attack_labels}
    datasets = {t.dataset for t in suite.tasks}
    for g in rec.groups:
        if g.dataset not in datasets:
            raise RecordError(f"{rec.source}: dataset {g.dataset!r} is not in suite {suite.version}")
        extra = set(g.runs) - allowed
        if extra:
            raise RecordError(f"{rec.source}: attack {sorted(extra)[0]!r} is not in suite {suite.version}")
        for by_metric in g.runs.values():
            if set(by_metric) != set(suite.metrics):
                raise RecordError(f"{rec.source}: metrics {sorted(by_metric)} differ from suite {list(suite.metrics)}")


def find_clashes(root: str | Path, version: str, name: str, fingerprint: str) -> list[Path]:
    """Records of `version` with the same fingerprint or name (unreadable ones named like the target too)."""
    folder = submissions_dir(root, version)
    target = folder / f"{_slug(name)}-{fingerprint[:12]}.json"
    clashes: list[Path] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            other = read_record(path)
        except RecordError:
            if path == target:
                clashes.append(path)
            continue
        if other.fingerprint == fingerprint or other.name == name:
            clashes.append(path)
    return clashes


def save_record(record: Record, root: str | Path, *, replace: bool = False) -> Path:
    """Write a validated record atomically; refuse a duplicate fingerprint or name unless `replace`."""
    folder = submissions_dir(root, record.suite_version)
    target = folder / f"{_slug(record.name)}-{record.fingerprint[:12]}.json"
    clashes = find_clashes(root, record.suite_version, record.name, record.fingerprint)
    if clashes and not replace:
        what = ", ".join(str(p) for p in clashes)
        raise DuplicateSubmissionError(
            f"{record.name!r} (fingerprint {record.fingerprint[:12]}) clashes with {what} on suite "
            f"{record.suite_version} (same checkpoint or name); pass --replace to replace it"
        )
    text = json.dumps(record.data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    atomic_write_text(target, text)
    for path in clashes:
        if path != target:
            path.unlink()
    return target
