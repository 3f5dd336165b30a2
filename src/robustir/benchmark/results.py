"""The score report: per-query scores with provenance, the comparisons drawn from them, file I/O.

A report (format ``robustir.score/1``) keeps everything needed to redo any test without
retrieving again: the per-query scores of every (model, setting, languages, attack) run, the
data and model provenance, and the options of the tests. `build_comparisons` derives every
clean-vs-attacked and model-vs-model comparison from those scores, with Holm-Bonferroni over
all of them; `robustir report` re-renders (or re-tests) a saved report with it.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from robustir._io import atomic_write_text, dump_json, read_json
from robustir.benchmark.settings import LANG_BIAS
from robustir.benchmark.stats import TESTS, compare_paired, holm
from robustir.errors import DataError, RobustirError, unknown_name

__all__ = ["REPORT_FORMAT", "ScoreReport", "build_comparisons", "check_same_data", "load_report", "merge_reports"]

REPORT_FORMAT = "robustir.score/1"
LOWER_IS_BETTER = frozenset({LANG_BIAS})
_RUN_KEYS = ("model", "setting", "query_lang", "corpus_lang", "attack", "scores")


def run_key(run: Mapping[str, Any]) -> tuple[str, str, str, str, str | None]:
    return (run["model"], run["setting"], run["query_lang"], run["corpus_lang"], run["attack"])


def _finite(v: float) -> float | None:
    return None if not math.isfinite(v) else float(v)


def _test_fields(cmp: Any, test: str) -> dict[str, Any]:
    """The fields every comparison row shares: counts, the test and its statistics."""
    return {
        "wins": cmp.wins,
        "ties": cmp.ties,
        "losses": cmp.losses,
        "test": test,
        "statistic": _finite(cmp.statistic),
        "p": cmp.p,
        "ci_low": _finite(cmp.ci_low),
        "ci_high": _finite(cmp.ci_high),
        "effect_size": _finite(cmp.effect_size),
    }


def _drops(clean: Mapping[str, float], attacked: Mapping[str, float], metric: str) -> tuple[list[str], list[float], list[float]]:
    """Common query ids and the paired (clean, attacked) values, oriented so larger = better."""
    qids = [q for q in clean if q in attacked]
    sign = -1.0 if metric in LOWER_IS_BETTER else 1.0
    return qids, [sign * clean[q] for q in qids], [sign * attacked[q] for q in qids]


def build_comparisons(
    runs: Sequence[Mapping[str, Any]],
    *,
    test: str = "t",
    seed: int = 0,
    n_resamples: int = 10_000,
    models: Sequence[str] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(clean-vs-attacked rows, model-vs-model rows), Holm-adjusted together.

    Each attacked run is compared with its baseline: the clean run of the same model and cell
    (``baseline`` names the cell; for translate sets it is the monolingual cell of the dataset
    language). Means are in the metric's own units; ``abs_drop`` = clean - attacked (for
    ``lang_bias``, where lower is better, attacked - clean), so a positive drop always means the
    attack hurt; ``wins`` counts queries where clean is better, ``losses`` where attacked is.
    Model-vs-model rows test model A's per-query drops against model B's on the same queries.
    """
    if test not in TESTS:
        raise unknown_name("statistical test", test, TESTS)
    index = {run_key(r): r for r in runs}
    rows: list[dict[str, Any]] = []
    drops: dict[tuple, dict[str, dict[str, float]]] = {}  # (model, cell, attack, metric) -> qid -> drop
    for r in runs:
        if r["attack"] is None:
            continue
        b = r["baseline"]
        clean_run = index.get((r["model"], b["setting"], b["query_lang"], b["corpus_lang"], None))
        if clean_run is None:
            raise DataError(f"report has no clean run for {r['model']} {b} (baseline of attack {r['attack']})")
        for metric, att_scores in r["scores"].items():
            if metric not in clean_run["scores"]:
                continue
            qids, c, a = _drops(clean_run["scores"][metric], att_scores, metric)
            if len(qids) < 2:
                continue
            cmp = compare_paired(c, a, test=test, seed=seed, n_resamples=n_resamples)
            sign = -1.0 if metric in LOWER_IS_BETTER else 1.0
            clean_mean, att_mean = sign * cmp.mean_a, sign * cmp.mean_b
            rows.append(
                {
                    "model": r["model"],
                    "setting": r["setting"],
                    "query_lang": r["query_lang"],
                    "corpus_lang": r["corpus_lang"],
                    "attack": r["attack"],
                    "baseline": dict(b),
                    "metric": metric,
                    "n": cmp.n,
                    "clean": clean_mean,
                    "attacked": att_mean,
                    "abs_drop": cmp.diff,
                    "rel_drop": _finite(cmp.diff / abs(clean_mean)) if clean_mean else None,
                    **_test_fields(cmp, test),
                }
            )
            drops[(r["model"], r["setting"], r["query_lang"], r["corpus_lang"], r["attack"], metric)] = {
                q: x - y for q, x, y in zip(qids, c, a)
            }
    mrows: list[dict[str, Any]] = []
    names = list(models) if models is not None else list(dict.fromkeys(r["model"] for r in runs))
    for i, ma in enumerate(names):
        for mb in names[i + 1 :]:
            for key, da in drops.items():
                if key[0] != ma:
                    continue
                db = drops.get((mb, *key[1:]))
                if db is None:
                    continue
                qids = [q for q in da if q in db]
                if len(qids) < 2:
                    continue
                cmp = compare_paired([da[q] for q in qids], [db[q] for q in qids], test=test, seed=seed, n_resamples=n_resamples)
                mrows.append(
                    {
                        "model_a": ma,
                        "model_b": mb,
                        "setting": key[1],
                        "query_lang": key[2],
                        "corpus_lang": key[3],
                        "attack": key[4],
                        "metric": key[5],
                        "n": cmp.n,
                        "drop_a": cmp.mean_a,
                        "drop_b": cmp.mean_b,
                        "diff": cmp.diff,
                            **_test_fields(cmp, test),
                    }
                )
    adjusted = holm([x["p"] for x in rows] + [x["p"] for x in mrows])
    for x, p in zip(rows + mrows, adjusted):
        x["p_holm"] = p
    return rows, mrows


@dataclass(frozen=True)
class ScoreReport:
    """A score report as data (`data` is the JSON object); see docs/scorer.md for the format."""

    data: dict[str, Any]

    @property
    def comparisons(self) -> list[dict[str, Any]]:
        return self.data["comparisons"]

    @property
    def model_comparisons(self) -> list[dict[str, Any]]:
        return self.data["model_comparisons"]

    @property
    def runs(self) -> list[dict[str, Any]]:
        return self.data["runs"]

    @property
    def alpha(self) -> float:
        return float(self.data["options"].get("alpha", 0.05))

    def scores(self, model: str, setting: str, query_lang: str, corpus_lang: str, attack: str | None, metric: str) -> dict[str, float]:
        """Per-query scores of one run (KeyError-free: unknown runs raise RobustirError)."""
        for r in self.runs:
            if run_key(r) == (model, setting, query_lang, corpus_lang, attack):
                if metric not in r["scores"]:
                    raise unknown_name("metric in this run", metric, r["scores"])
                return dict(r["scores"][metric])
        raise RobustirError(f"report has no run {model} {setting}:{query_lang}->{corpus_lang} attack={attack}")

    def retest(self, *, test: str | None = None, seed: int | None = None, n_resamples: int | None = None) -> ScoreReport:
        """A copy whose comparisons are recomputed from the stored per-query scores."""
        opts = dict(self.data["options"])
        opts["test"] = test or opts["test"]
        opts["seed"] = opts["seed"] if seed is None else seed
        opts["n_resamples"] = n_resamples or opts["n_resamples"]
        rows, mrows = build_comparisons(
            self.runs, test=opts["test"], seed=opts["seed"], n_resamples=opts["n_resamples"],
            models=[m["name"] for m in self.data["models"]],
        )
        return ScoreReport({**self.data, "options": opts, "comparisons": rows, "model_comparisons": mrows})

    def to_json(self) -> str:
        return dump_json(self.data)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        atomic_write_text(path, self.to_json())
        return path

    def render(self, fmt: str = "text", *, summary_only: bool = False) -> str:
        from robustir.benchmark.report import render

        return render(self, fmt, summary_only=summary_only)


def validate_report(data: Any, *, source: str = "report") -> ScoreReport:
    """Check the structure of a report object; raise DataError naming what is wrong."""
    if not isinstance(data, dict):
        raise DataError(f"{source}: expected a JSON object, got {type(data).__name__}")
    if data.get("format") != REPORT_FORMAT:
        raise DataError(f"{source}: format {data.get('format')!r} is not {REPORT_FORMAT!r} (not a robustir score report)")
    for key, kind in (("dataset", dict), ("models", list), ("options", dict), ("runs", list), ("comparisons", list),
                      ("model_comparisons", list), ("metrics", list), ("settings", dict), ("query_counts", dict)):
        if not isinstance(data.get(key), kind):
            raise DataError(f"{source}: missing or malformed {key!r} (expected a {kind.__name__})")
    for key in ("name", "revision", "langs"):
        if key not in data["dataset"]:
            raise DataError(f"{source}: dataset lacks {key!r}")
    for i, r in enumerate(data["runs"]):
        if not isinstance(r, dict) or any(k not in r for k in _RUN_KEYS):
            raise DataError(f"{source}: runs[{i}] needs {', '.join(_RUN_KEYS)}")
        if r["attack"] is not None and not isinstance(r.get("baseline"), dict):
            raise DataError(f"{source}: runs[{i}] is attacked but names no baseline")
        for metric, per_query in r["scores"].items():
            if not isinstance(per_query, dict) or not all(isinstance(v, (int, float)) for v in per_query.values()):
                raise DataError(f"{source}: runs[{i}] scores for {metric!r} must map query ids to numbers")
    if data["options"].get("test") not in TESTS:
        raise DataError(f"{source}: options.test {data['options'].get('test')!r} is not one of {', '.join(TESTS)}")
    return ScoreReport(data)


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
        ds = rep.data["dataset"]
        name = sources[i] if i < len(sources) else f"report {i + 1}"
        want_name = dataset if dataset is not None else reports[0].data["dataset"]["name"]
        want_rev = revision if revision is not None else reports[0].data["dataset"]["revision"]
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
    first = reports[0].data
    models: list[dict[str, Any]] = []
    for i, rep in enumerate(reports):
        name = sources[i] if i < len(sources) else f"report {i + 1}"
        if rep.data["dataset"]["langs"] != first["dataset"]["langs"] or rep.data["query_counts"].get("clean") != first["query_counts"].get("clean"):
            raise DataError(f"{name} scores other languages or query counts than the first report; score them alike to compare")
        for m in rep.data["models"]:
            if any(x["name"] == m["name"] for x in models):
                raise DataError(f"model {m['name']!r} appears in more than one report ({name})")
            models.append(m)
    attacks = list({(a["spec"], a["lang"]): a for rep in reports for a in rep.data["attacks"]}.values())
    counts = dict(first["query_counts"])
    counts["attacked"] = {k: v for rep in reports for k, v in rep.data["query_counts"].get("attacked", {}).items()}
    merged = {
        **first,
        "models": models,
        "attacks": attacks,
        "query_counts": counts,
        "runs": [r for rep in reports for r in rep.data["runs"]],
        "merged_from": list(sources),
    }
    return ScoreReport(merged).retest()
