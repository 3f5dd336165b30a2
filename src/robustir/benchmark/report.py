"""The score report: per-query scores with provenance, the comparisons drawn from them, file I/O.

A report (format ``robustir.score/1``) keeps everything needed to redo any test without
retrieving again: the per-query scores of every (model, setting, languages, attack) run, the
data and model provenance, and the options of the tests. Its comparisons come from
`robustir.benchmark.comparisons.build_comparisons`, with Holm-Bonferroni over all of them;
`robustir report` re-renders (`robustir.benchmark.render`) or re-tests a saved report.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from robustir._io import atomic_write_text, dump_json, read_json
from robustir.benchmark.comparisons import build_comparisons
from robustir.benchmark.settings import score_range, valid_score
from robustir.benchmark.rows import ComparisonRow, ModelComparisonRow, RunRow
from robustir.benchmark.stats import TESTS
from robustir.errors import DataError, RobustirError, unknown_name

__all__ = ["REPORT_FORMAT", "ROW_KEYS", "ScoreReport", "check_same_data", "load_report", "merge_reports",
           "validate_report"]

REPORT_FORMAT = "robustir.score/1"
ROW_KEYS = ("runs", "comparisons", "model_comparisons")  # the report's lists of rows; the rest is its header
_HEADER_KINDS = (("dataset", dict), ("models", list), ("options", dict), ("metrics", list), ("settings", dict),
                 ("query_counts", dict))
_ROW_TYPES = (("runs", RunRow), ("comparisons", ComparisonRow), ("model_comparisons", ModelComparisonRow))


@dataclass(frozen=True)
class ScoreReport:
    """A score report: `header` (dataset, models, options, ... everything but the rows) and its rows.

    See docs/scorer.md for the format. ``to_dict`` is the JSON object as saved, and
    ``ScoreReport.from_dict(report.to_dict()) == report``.
    """

    header: Mapping[str, Any]
    runs: tuple[RunRow, ...]
    comparisons: tuple[ComparisonRow, ...] = ()
    model_comparisons: tuple[ModelComparisonRow, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreReport:
        """The report of a JSON object (unchecked: `validate_report` checks and names what is wrong)."""
        rows = {key: tuple(kind.from_dict(r) for r in data[key]) for key, kind in _ROW_TYPES}
        return cls({k: v for k, v in data.items() if k not in ROW_KEYS}, **rows)

    def to_dict(self) -> dict[str, Any]:
        return {**self.header, **{key: [r.to_dict() for r in getattr(self, key)] for key in ROW_KEYS}}

    @cached_property
    def data(self) -> dict[str, Any]:
        """The JSON object (built once; read it, do not change it)."""
        return self.to_dict()

    @property
    def alpha(self) -> float:
        return float(self.header["options"].get("alpha", 0.05))

    def scores(self, model: str, setting: str, query_lang: str, corpus_lang: str, attack: str | None, metric: str) -> dict[str, float]:
        """Per-query scores of one run (KeyError-free: unknown runs raise RobustirError)."""
        for r in self.runs:
            if r.key == (model, setting, query_lang, corpus_lang, attack):
                if metric not in r.scores:
                    raise unknown_name("metric in this run", metric, r.scores)
                return dict(r.scores[metric])
        raise RobustirError(f"report has no run {model} {setting}:{query_lang}->{corpus_lang} attack={attack}")

    def retest(self, *, test: str | None = None, seed: int | None = None, n_resamples: int | None = None) -> ScoreReport:
        """A copy whose comparisons are recomputed from the stored per-query scores."""
        opts = dict(self.header["options"])
        opts["test"] = test or opts["test"]
        opts["seed"] = opts["seed"] if seed is None else seed
        opts["n_resamples"] = n_resamples or opts["n_resamples"]
        rows, mrows = build_comparisons(
            self.runs, test=opts["test"], seed=opts["seed"], n_resamples=opts["n_resamples"],
            models=[m["name"] for m in self.header["models"]],
        )
        return replace(self, header={**self.header, "options": opts}, comparisons=tuple(rows), model_comparisons=tuple(mrows))

    def to_json(self) -> str:
        return dump_json(self.to_dict())

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        atomic_write_text(path, self.to_json())
        return path

    def render(self, fmt: str = "text", *, summary_only: bool = False) -> str:
        from robustir.benchmark.render import render

        return render(self, fmt, summary_only=summary_only)


def _check_runs(source: str, runs: Sequence[RunRow]) -> None:
    for i, r in enumerate(runs):
        if r.attack is not None and r.baseline is None:
            raise DataError(f"{source}: runs[{i}] is attacked but names no baseline")
        if not isinstance(r.scores, dict):
            raise DataError(f"{source}: runs[{i}] scores must map metrics to per-query scores")
        for metric, per_query in r.scores.items():
            if not isinstance(per_query, dict) or not all(isinstance(v, (int, float)) for v in per_query.values()):
                raise DataError(f"{source}: runs[{i}] scores for {metric!r} must map query ids to numbers")
            bad = next((q for q, v in per_query.items() if not valid_score(v, metric)), None)
            low, high = score_range(metric)
            if bad is not None:
                raise DataError(f"{source}: runs[{i}] {metric} of query {bad!r} is {per_query[bad]!r}, "
                                f"outside [{low:g}, {high:g}] (an edited or corrupted report)")


def _parse_rows(data: Mapping[str, Any], source: str) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for key, kind in _ROW_TYPES:
        if not isinstance(data.get(key), list):
            raise DataError(f"{source}: missing or malformed {key!r} (expected a list)")
        rows = []
        for i, r in enumerate(data[key]):
            try:
                rows.append(kind.from_dict(r))
            except (DataError, TypeError) as e:
                raise DataError(f"{source}: {key}[{i}]: {e}") from None
        out[key] = tuple(rows)
    return out


def validate_report(data: Any, *, source: str = "report") -> ScoreReport:
    """Check the structure of a report object; raise DataError naming what is wrong."""
    if not isinstance(data, dict):
        raise DataError(f"{source}: expected a JSON object, got {type(data).__name__}")
    if data.get("format") != REPORT_FORMAT:
        raise DataError(f"{source}: format {data.get('format')!r} is not {REPORT_FORMAT!r} (not a robustir score report)")
    for key, kind in _HEADER_KINDS:
        if not isinstance(data.get(key), kind):
            raise DataError(f"{source}: missing or malformed {key!r} (expected a {kind.__name__})")
    for key in ("name", "revision", "langs"):
        if key not in data["dataset"]:
            raise DataError(f"{source}: dataset lacks {key!r}")
    rows = _parse_rows(data, source)
    _check_runs(source, rows["runs"])
    if data["options"].get("test") not in TESTS:
        raise DataError(f"{source}: options.test {data['options'].get('test')!r} is not one of {', '.join(TESTS)}")
    return ScoreReport({k: v for k, v in data.items() if k not in ROW_KEYS}, **rows)


def load_report(path: str | Path, *, dataset: str | None = None, revision: str | None = None) -> ScoreReport:
    """Read and validate a report; with `dataset`/`revision`, refuse a report of other data."""
    report = validate_report(read_json(path), source=str(path))
    check_same_data([report], dataset=dataset, revision=revision, sources=[str(path)])
    return report


def check_same_data(
    reports: Sequence[ScoreReport], *, dataset: str | None = None, revision: str | None = None, sources: Sequence[str] = ()
) -> None:
    """Reports to be combined must come from one dataset revision (and the expected one, if given)."""
    for i, rep in enumerate(reports):
        ds = rep.header["dataset"]
        name = sources[i] if i < len(sources) else f"report {i + 1}"
        want_name = dataset if dataset is not None else reports[0].header["dataset"]["name"]
        want_rev = revision if revision is not None else reports[0].header["dataset"]["revision"]
        if ds["name"] != want_name or ds["revision"] != want_rev:
            raise DataError(
                f"{name} scores dataset {ds['name']!r} revision {ds['revision']!r}, "
                f"expected {want_name!r} revision {want_rev!r}; reports of different data cannot be combined"
            )


def merge_reports(reports: Sequence[ScoreReport], *, sources: Sequence[str] = ()) -> ScoreReport:
    """One report from several scored separately (e.g. one model each) on the same data.

    The reports must share dataset, revision, languages and clean query counts, and name
    different models; the comparisons (model-vs-model included) and Holm's correction are
    recomputed over the merged runs with the first report's test options.
    """
    if not reports:
        raise RobustirError("no report to merge")
    check_same_data(reports, sources=sources)
    first = reports[0].header
    models: list[dict[str, Any]] = []
    for i, rep in enumerate(reports):
        name = sources[i] if i < len(sources) else f"report {i + 1}"
        if rep.header["dataset"]["langs"] != first["dataset"]["langs"] or rep.header["query_counts"].get("clean") != first["query_counts"].get("clean"):
            raise DataError(f"{name} scores other languages or query counts than the first report; score them alike to compare")
        for m in rep.header["models"]:
            if any(x["name"] == m["name"] for x in models):
                raise DataError(f"model {m['name']!r} appears in more than one report ({name})")
            models.append(m)
    attacks = list({(a["spec"], a["lang"]): a for rep in reports for a in rep.header["attacks"]}.values())
    counts = dict(first["query_counts"])
    counts["attacked"] = {k: v for rep in reports for k, v in rep.header["query_counts"].get("attacked", {}).items()}
    header = {**first, "models": models, "attacks": attacks, "query_counts": counts, "merged_from": list(sources)}
    return ScoreReport(header, tuple(r for rep in reports for r in rep.runs)).retest()
