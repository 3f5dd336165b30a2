"""The submission record: one JSON file per (model, suite version), versioned and validated.

Layout (``format = "robustir.submission/1"``)::

    {"format", "name", "date", "robustir_version",
     "suite": {"version", "hash"},
     "fingerprint": {"method": "weights-sha256" | "spec-sha256", "sha256", "files": {path: sha256}, "note"},
     "model": {...model spec...},
     "provenance": {...datasets, revisions, canonical attack specs, seeds, query counts...},
     "results": [{"dataset", "setting", "lang", "doc_lang", "qids": [...],
                  "runs": {"clean" | <suite attack spec>: {<metric>: [score per qid]}},
                  "baseline"?: {"setting", "lang", "doc_lang"},  # a translate group: whose clean run "clean" is
                  "unattacked"?: {<attack>: [qids its attacked set dropped, scored as clean]}}],
     "skipped": [{"dataset", "lang", "attack", "reason"}],
     "checksum": sha256 of the canonical JSON of everything else}

Per-query scores are stored (numbers and ids only, never query or document text) so that
every significance test on the board can be redone from the records. The checksum makes a
hand-edited record fail validation with a clear reason; it is an integrity check, not a
signature.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from robustir.benchmark.settings import SETTINGS, score_range, valid_score
from robustir.errors import DataError

__all__ = ["CLEAN", "FORMAT", "Record", "ResultGroup", "RecordError", "record_checksum", "seal", "validate_record"]

FORMAT = "robustir.submission/1"
CLEAN = "clean"


class RecordError(DataError):
    """A submission record is malformed, truncated, edited or from another suite."""


@dataclass(frozen=True)
class ResultGroup:
    """Per-query scores of one (dataset, setting, query language, document language)."""

    dataset: str
    setting: str
    lang: str
    doc_lang: str
    qids: tuple[str, ...]
    runs: dict[str, dict[str, tuple[float, ...]]]  # "clean" | attack -> metric -> scores

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.dataset, self.setting, self.lang, self.doc_lang)


@dataclass(frozen=True)
class Record:
    """A validated submission record; `data` is the JSON object as stored."""

    data: dict[str, Any]
    groups: tuple[ResultGroup, ...]
    source: str

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def suite_version(self) -> str:
        return str(self.data["suite"]["version"])

    @property
    def suite_hash(self) -> str:
        return str(self.data["suite"]["hash"])

    @property
    def fingerprint(self) -> str:
        return str(self.data["fingerprint"]["sha256"])

    @property
    def date(self) -> str:
        return str(self.data["date"])

    @property
    def model(self) -> dict[str, Any]:
        return dict(self.data["model"])

    @property
    def skipped(self) -> list[dict[str, str]]:
        return list(self.data["skipped"])


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode("utf-8")


def record_checksum(obj: dict[str, Any]) -> str:
    """sha256 over the canonical JSON of the record without its "checksum" field."""
    return hashlib.sha256(_canonical({k: v for k, v in obj.items() if k != "checksum"})).hexdigest()


def seal(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of `obj` with its checksum set, validated (raises RecordError if malformed)."""
    out = {k: v for k, v in obj.items() if k != "checksum"}
    out["format"] = FORMAT
    out["checksum"] = record_checksum(out)
    validate_record(out, source="new record")
    return out


def _need(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict):
        raise RecordError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    if key not in obj:
        raise RecordError(f"{where}: missing field {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise RecordError(f"{where}: field {key!r} must be {name}, got {type(value).__name__}")
    if isinstance(value, str) and not value:
        raise RecordError(f"{where}: field {key!r} is empty")
    return value


def _group(obj: Any, where: str) -> ResultGroup:
    dataset = _need(obj, "dataset", str, where)
    setting = _need(obj, "setting", str, where)
    if setting not in SETTINGS:
        raise RecordError(f"{where}: setting {setting!r} is not one of {list(SETTINGS)}")
    lang = _need(obj, "lang", str, where)
    doc_lang = _need(obj, "doc_lang", str, where)
    qids = _need(obj, "qids", list, where)
    if not qids or not all(isinstance(q, str) and q for q in qids) or len(set(qids)) != len(qids):
        raise RecordError(f"{where}: 'qids' must be a non-empty list of distinct strings")
    runs_in = _need(obj, "runs", dict, where)
    if CLEAN not in runs_in:
        raise RecordError(f"{where}: runs lack the {CLEAN!r} run")
    runs: dict[str, dict[str, tuple[float, ...]]] = {}
    metrics_ref: set[str] | None = None
    for attack, by_metric in runs_in.items():
        w = f"{where} run {attack!r}"
        if not isinstance(by_metric, dict) or not by_metric:
            raise RecordError(f"{w}: expected an object of metric -> scores")
        if metrics_ref is None:
            metrics_ref = set(by_metric)
        elif set(by_metric) != metrics_ref:
            raise RecordError(f"{w}: metrics {sorted(by_metric)} differ from {sorted(metrics_ref)}")
        runs[attack] = {}
        for metric, scores in by_metric.items():
            if not isinstance(scores, list) or len(scores) != len(qids):
                raise RecordError(f"{w} {metric}: expected {len(qids)} scores (one per qid)")
            low, high = score_range(metric)
            for s in scores:
                if not valid_score(s, metric):
                    raise RecordError(f"{w} {metric}: score {s!r} is not a number in [{low:g}, {high:g}]")
            runs[attack][metric] = tuple(float(s) for s in scores)
    return ResultGroup(dataset, setting, lang, doc_lang, tuple(qids), runs)


def validate_record(obj: Any, *, source: str) -> Record:
    """Check a parsed record completely; raise RecordError saying what is wrong and where."""
    if not isinstance(obj, dict):
        raise RecordError(f"{source}: a record is a JSON object, got {type(obj).__name__}")
    fmt = obj.get("format")
    if fmt != FORMAT:
        raise RecordError(f"{source}: unsupported record format {fmt!r} (this robustir reads {FORMAT!r})")
    checksum = _need(obj, "checksum", str, source)
    if checksum != record_checksum(obj):
        raise RecordError(f"{source}: checksum mismatch: the record was edited after it was written; resubmit instead")
    for key in ("name", "date", "robustir_version"):
        _need(obj, key, str, source)
    suite = _need(obj, "suite", dict, source)
    _need(suite, "version", str, f"{source} suite")
    _need(suite, "hash", str, f"{source} suite")
    fp = _need(obj, "fingerprint", dict, source)
    method = _need(fp, "method", str, f"{source} fingerprint")
    if method not in ("weights-sha256", "spec-sha256"):
        raise RecordError(f"{source}: fingerprint method {method!r} is not weights-sha256 or spec-sha256")
    sha = _need(fp, "sha256", str, f"{source} fingerprint")
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise RecordError(f"{source}: fingerprint sha256 {sha!r} is not 64 lowercase hex digits")
    _need(fp, "files", dict, f"{source} fingerprint")
    _need(obj, "model", dict, source)
    _need(obj, "provenance", dict, source)
    groups = []
    seen: set[tuple[str, str, str, str]] = set()
    for i, g in enumerate(_need(obj, "results", list, source)):
        group = _group(g, f"{source} results[{i}]")
        if group.key in seen:
            raise RecordError(f"{source} results[{i}]: duplicate cell {group.key}")
        seen.add(group.key)
        groups.append(group)
    if not groups:
        raise RecordError(f"{source}: 'results' is empty")
    for i, s in enumerate(_need(obj, "skipped", list, source)):
        for key in ("dataset", "lang", "attack", "reason"):
            _need(s, key, str, f"{source} skipped[{i}]")
    return Record(obj, tuple(groups), source)
