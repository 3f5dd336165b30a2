"""`score`: clean against attacked retrieval quality, per model, setting, language and attack.

`score` runs three steps, each usable (and tested) on its own:

1. `plan_scoring`: check the options, load the data, read the attacked folders and plan every
   run (cell, attacked set or clean, query set, baseline cell) -> `ScoringPlan`;
2. `run_model`: load one model and, for every planned run, search and evaluate -> its
   `ModelScores` (model provenance and one `RunRow` per planned run);
3. `assemble_report`: the comparisons of all runs and the report around them -> `ScoreReport`.

Example:
    >>> rep = score(["muse-v3"], "xquad-r", langs="en,de", data_dir="../shared/data/xquad-r",
    ...             attacked=["attacked/"], settings=["mono", "cross", "multi"])  # doctest: +SKIP
    >>> print(rep.render("md"))  # doctest: +SKIP
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from robustir.attacked_set import AttackedSet, check_attacked, read_attacked
from robustir.benchmark.comparisons import build_comparisons
from robustir.benchmark.metrics import evaluate, parse_metrics
from robustir.benchmark.report import REPORT_FORMAT, ScoreReport
from robustir.benchmark.retrieval import SearchJob, SearchResult, run_searches
from robustir.benchmark.rows import RunRow
from robustir.benchmark.settings import LANG_BIAS, POOLED, SETTINGS, Cell, language_bias, parse_settings, plan_cells, qrels_for
from robustir.benchmark.stats import TESTS
from robustir.errors import RobustirError, unknown_name
from robustir.types import Corpus, Qrels, QuerySet, Run

__all__ = ["DatasetInputs", "ModelScores", "PlannedRun", "ScoreOptions", "ScoringPlan", "assemble_report",
           "load_inputs", "plan_runs", "plan_scoring", "run_model", "score", "score_model", "select_sets"]

Progress = Callable[[str], None] | None


@dataclass(frozen=True)
class ScoreOptions:
    """The test and retrieval options of a report (validated by `check`)."""

    test: str = "t"
    seed: int = 0
    n_resamples: int = 10_000
    depth: int = 100
    alpha: float = 0.05
    max_queries: int | None = None

    def check(self, models: Sequence[Any] | None = None) -> None:
        """Raise RobustirError for a bad option (or, when `models` is given, for no model)."""
        if self.test not in TESTS:
            raise unknown_name("statistical test", self.test, TESTS)
        if models is not None and not models:
            raise RobustirError("no model given; e.g. --model muse-v3")
        if self.max_queries is not None and self.max_queries < 2:
            raise RobustirError(f"max_queries must be at least 2 (paired tests need 2 queries), got {self.max_queries}")
        if self.n_resamples < 1000:
            raise RobustirError(f"n_resamples must be at least 1,000 (10,000 recommended), got {self.n_resamples}")
        if not 0.0 < self.alpha < 1.0:
            raise RobustirError(f"alpha must lie strictly between 0 and 1, got {self.alpha}")

    def to_dict(self) -> dict[str, Any]:
        return {"test": self.test, "seed": self.seed, "n_resamples": self.n_resamples, "depth": self.depth,
                "alpha": self.alpha, "max_queries": self.max_queries, "holm": "over all comparisons in this report"}


@dataclass(frozen=True)
class DatasetInputs:
    """The loaded data of the scored languages: `queries` are the scored (clean) queries only."""

    name: str
    revision: str
    split: str | None
    parallel: bool
    langs: list[str]
    all_ids: dict[str, list[str]]
    scored_ids: dict[str, list[str]]
    queries: dict[str, QuerySet]
    corpora: dict[str, Corpus]
    qrels: dict[str, Qrels]


@dataclass(frozen=True)
class PlannedRun:
    """One search to run with every model: a query set (clean or attacked) in one cell."""

    cell: Cell
    attack: AttackedSet | None
    queries: QuerySet
    baseline: Cell  # the clean cell an attacked run is compared with (its own cell when clean)

    @property
    def qkey(self) -> str:
        """Identity of the query set: runs with the same key share one query encoding."""
        return f"{self.cell.query_lang}|{self.attack.key if self.attack else 'clean'}"


@dataclass(frozen=True)
class ScoringPlan:
    """Everything `run_model` needs, the same for every model."""

    inputs: DatasetInputs
    settings: list[str]  # as requested
    metrics: list[str]
    options: ScoreOptions
    sets: list[AttackedSet]
    skipped: list[dict[str, str]]
    runs: list[PlannedRun]
    qrels: dict[Cell, Qrels]
    bias_on: bool  # language bias is measured in the pooled setting (parallel data, 2+ languages)


@dataclass(frozen=True)
class ModelScores:
    """One model's provenance (`info`: name, revision, spec, unsupported_langs, stats) and runs."""

    info: dict[str, Any]
    runs: list[RunRow]


# -- step 1: plan ---------------------------------------------------------------------------------


def _load_data(dataset: str, langs: list[str], split: str | None, data_dir: str | Path | None):
    from robustir.datasets import datasets, load_dataset

    loader = datasets.get(dataset)
    if loader.info.parallel:
        return loader.info, loader.load_parallel(langs, split, data_dir=Path(data_dir) if data_dir else None)
    return loader.info, {lang: load_dataset(dataset, lang=lang, split=split, data_dir=data_dir) for lang in langs}


def load_inputs(dataset: str, langs: list[str], *, split: str | None = None, data_dir: str | Path | None = None,
                max_queries: int | None = None) -> DatasetInputs:
    """Load `dataset` in `langs`; the first `max_queries` queries of each language are scored."""
    info, loaded = _load_data(dataset, langs, split, data_dir)
    first = loaded[langs[0]]
    all_ids = {lang: list(ds.queries.ids) for lang, ds in loaded.items()}
    scored_ids = {lang: ids[:max_queries] if max_queries else ids for lang, ids in all_ids.items()}
    return DatasetInputs(
        name=first.name, revision=first.revision, split=first.split, parallel=info.parallel, langs=langs,
        all_ids=all_ids, scored_ids=scored_ids,
        queries={lang: ds.queries.subset(scored_ids[lang]) for lang, ds in loaded.items()},
        corpora={lang: ds.corpus for lang, ds in loaded.items()},
        qrels={lang: ds.qrels for lang, ds in loaded.items()},
    )


def select_sets(folders: Sequence[tuple[str, dict[str, Any], Sequence[AttackedSet]]], inputs: DatasetInputs
                ) -> tuple[list[AttackedSet], list[dict[str, str]]]:
    """Check every (folder, manifest, sets) against the data; the sets to score and those skipped."""
    sets: list[AttackedSet] = []
    skipped: list[dict[str, str]] = []
    for folder, manifest, items in folders:
        check_attacked(
            manifest, items, folder=folder, dataset=inputs.name, revision=inputs.revision,
            clean_ids=inputs.all_ids, scored_ids=inputs.scored_ids,
        )
        for s in items:
            if s.lang not in inputs.queries:
                skipped.append({"spec": s.spec, "lang": s.lang, "source": s.source, "why": "language not scored"})
            elif any(x.key == s.key for x in sets):
                raise RobustirError(f"attacked set {s.spec} [{s.lang}] is given twice ({s.source})")
            else:
                sets.append(s)
    return sets, skipped


def plan_runs(cells: Sequence[Cell], sets: Sequence[AttackedSet], inputs: DatasetInputs
              ) -> tuple[list[PlannedRun], dict[Cell, Qrels]]:
    """Clean runs of `cells`, then every attacked set in each cell of its query language (a
    translate set: the cross-lingual cell into its dataset language, after that language's
    monolingual clean run); with the judgements of every cell."""
    cell_qrels = {c: qrels_for(c, inputs.qrels, parallel=inputs.parallel, langs=inputs.langs) for c in cells}
    runs = [PlannedRun(c, None, inputs.queries[c.query_lang], c) for c in cells]
    for s in sets:
        base = inputs.queries[s.lang]
        ids = [q for q in base.ids if q in s.texts]
        qs = QuerySet(tuple(ids), tuple(s.texts[q] for q in ids), (s.query_lang,) * len(ids), tuple(ids))
        if s.query_lang != s.lang:  # translate: a cross-lingual cell judged in the dataset language
            cell = Cell("cross", s.query_lang, s.lang)
            mono = Cell("mono", s.lang, s.lang)
            cell_qrels.setdefault(cell, inputs.qrels[s.lang])
            if not any(p.cell == mono and p.attack is None for p in runs):  # its baseline, scored first
                cell_qrels.setdefault(mono, inputs.qrels[s.lang])
                runs.append(PlannedRun(mono, None, inputs.queries[s.lang], mono))
            runs.append(PlannedRun(cell, s, qs, mono))
            continue
        runs += [PlannedRun(c, s, qs, c) for c in cells if c.query_lang == s.lang]
    return runs, cell_qrels


def _check_metrics(metrics: str | Sequence[str], depth: int) -> list[str]:
    parsed = parse_metrics(metrics)
    too_deep = [str(m) for m in parsed if m.cutoff is not None and m.cutoff > depth]
    if too_deep:
        raise RobustirError(f"metric(s) {', '.join(too_deep)} look deeper than the retrieval depth {depth}; raise --depth")
    return [str(m) for m in parsed]


def plan_scoring(
    dataset: str,
    *,
    langs: str | Sequence[str],
    models: Sequence[Any] | None = None,
    data_dir: str | Path | None = None,
    split: str | None = None,
    attacked: Sequence[str | Path] = (),
    settings: str | Sequence[str] = ("mono",),
    metrics: str | Sequence[str] = ("ndcg@10", "map"),
    options: ScoreOptions = ScoreOptions(),
) -> ScoringPlan:
    """Step 1: check every input, load the data and attacked sets, and plan the runs (no model is loaded).

    `models`, when given, is only checked for being non-empty: bad input fails before any model loads.
    """
    from robustir.datasets import datasets as _registry
    from robustir.datasets import parse_langs

    options.check(models)
    metric_names = _check_metrics(metrics, options.depth)
    chosen = parse_settings(settings)
    info = _registry.get(dataset).info
    lang_list = parse_langs(langs, info)
    if "cross" in chosen and info.parallel and len(lang_list) < 2:
        raise RobustirError("the cross-lingual setting needs at least two languages")
    # Read attacked folders before any model loads, so bad input fails fast.
    folders = [(str(p), (coll := read_attacked(p)).manifest, coll.sets) for p in attacked]
    inputs = load_inputs(dataset, lang_list, split=split, data_dir=data_dir, max_queries=options.max_queries)
    sets, skipped = select_sets(folders, inputs)
    cells = plan_cells(chosen, lang_list, parallel=inputs.parallel)
    runs, cell_qrels = plan_runs(cells, sets, inputs)
    return ScoringPlan(inputs, chosen, metric_names, options, sets, skipped, runs, cell_qrels,
                       bias_on=inputs.parallel and len(lang_list) > 1)


# -- step 2: one model ----------------------------------------------------------------------------


def _model_info(retriever: Any, fallback: str) -> dict[str, Any]:
    spec = getattr(retriever, "spec", None)
    if spec is not None and hasattr(spec, "to_dict"):
        d = dict(spec.to_dict())
    elif isinstance(spec, Mapping):
        d = dict(spec)
    else:
        d = {}
    name = str(d.get("name") or getattr(spec, "name", None) or fallback)
    return {"name": name, "revision": d.get("revision", getattr(spec, "revision", None)), "spec": d}


def _unsupported(minfo: dict[str, Any], langs: Sequence[str]) -> list[str]:
    declared = minfo["spec"].get("languages") or ()
    return [lang for lang in langs if declared and lang not in declared]


def _bias_targets(qrels: Qrels) -> dict[str, list[str]]:
    return {q: sorted(d for d, g in docs.items() if g > 0) for q, docs in qrels.items()}


def _evaluate(pr: PlannedRun, res: SearchResult, plan: ScoringPlan, model: str) -> RunRow:
    judged = plan.qrels[pr.cell]
    judged = Qrels({q: judged[q] for q in pr.queries.ids if q in judged})
    per_query = evaluate(judged, res.run, plan.metrics)
    if res.ranks is not None:
        per_query[LANG_BIAS] = {q: language_bias(r) for q, r in res.ranks.items()}
    s = pr.attack
    return RunRow(
        model=model, setting=pr.cell.setting, query_lang=pr.cell.query_lang, corpus_lang=pr.cell.corpus_lang,
        attack=s.spec if s else None, attack_lang=s.lang if s else None, baseline=pr.baseline if s else None,
        n_queries=len(judged), scores=per_query,
    )


def _adversarial(pr: PlannedRun, clean: Run, attacked: Run, plan: ScoringPlan) -> dict[str, Any]:
    """Adversarial success of a victim's set on this model (transfer when it is not the victim)."""
    from robustir.attacks.families.adversarial.report import transfer_summary

    judged = plan.qrels[pr.cell]
    judged = Qrels({q: judged[q] for q in pr.queries.ids if q in judged})
    target = (pr.attack.stats.get("adversarial") or {}).get("target_rank") or 10
    return transfer_summary(judged, clean, attacked, target_rank=target, depth=plan.options.depth)


def score_model(retriever: Any, plan: ScoringPlan, *, model: str, progress: Progress = None) -> list[RunRow]:
    """Search and evaluate every planned run with a loaded `retriever`; one RunRow each, in plan order."""
    jobs = []
    for pr in plan.runs:
        targets = _bias_targets(plan.qrels[pr.cell]) if (plan.bias_on and pr.cell.corpus_lang == POOLED) else None
        jobs.append(SearchJob(pr.cell, pr.qkey, pr.queries, targets))
    results = run_searches(retriever, plan.inputs.corpora, plan.inputs.langs, jobs, depth=plan.options.depth,
                           progress=progress)
    out: list[RunRow] = []
    clean_runs: dict[Cell, Run] = {}
    for pr, res in zip(plan.runs, results):
        row = _evaluate(pr, res, plan, model)
        if pr.attack is None:
            clean_runs[pr.cell] = res.run
        elif pr.attack.victim and pr.baseline in clean_runs:
            row = replace(row, adversarial=_adversarial(pr, clean_runs[pr.baseline], res.run, plan))
        out.append(row)
    return out


def run_model(model: str | Path | Any, plan: ScoringPlan, *, taken: Sequence[str] = (),
              model_options: Mapping[str, Any] | None = None, progress: Progress = None) -> ModelScores:
    """Step 2: load `model` (a name, a checkpoint folder or a retriever) and score every planned run.

    `taken` are the names of the models scored before (a model given twice is refused).
    """
    retriever = model
    if isinstance(model, (str, Path)):
        from robustir.models import load_retriever

        if progress:
            progress(f"loading model {model}")
        retriever = load_retriever(str(model), **dict(model_options or {}))
    minfo = _model_info(retriever, str(model))
    if minfo["name"] in taken:
        raise RobustirError(f"model {minfo['name']!r} is given twice")
    minfo["unsupported_langs"] = _unsupported(minfo, plan.inputs.langs)
    if minfo["unsupported_langs"] and progress:
        progress(f"note: {minfo['name']} does not declare {', '.join(minfo['unsupported_langs'])}; scored anyway")
    runs = score_model(retriever, plan, model=minfo["name"], progress=progress)
    stats = getattr(retriever, "stats", None)
    minfo["stats"] = dict(stats) if isinstance(stats, Mapping) else {}
    return ModelScores(minfo, runs)


# -- step 3: the report ---------------------------------------------------------------------------


def _attack_entries(plan: ScoringPlan) -> list[dict[str, Any]]:
    ids = plan.inputs.scored_ids
    return [
        {"spec": s.spec, "lang": s.lang, "query_lang": s.query_lang, "source": s.source, "seed": s.seed,
         "victim": s.victim, "scored": sum(1 for q in ids[s.lang] if q in s.texts), **s.stats}
        for s in plan.sets
    ]


def _settings_entry(plan: ScoringPlan) -> dict[str, Any]:
    distinct = {p.cell for p in plan.runs}
    counts = {k: sum(1 for c in distinct if c.setting == k) for k in SETTINGS}
    counts["multi"] = 1 if counts["multi"] else 0  # one pooled corpus
    return {"requested": plan.settings, "counts": counts, "cells": len(distinct)}


def assemble_report(plan: ScoringPlan, models: Sequence[ModelScores], *, compare_models: bool = True) -> ScoreReport:
    """Step 3: every comparison of the models' runs, and the report with its provenance.

    With ``compare_models=False`` only the clean-vs-attacked rows are computed (the
    model-vs-model rows grow with the square of the model count; many-model studies that run
    their own contrasts skip them).
    """
    from robustir import __version__

    opts, inputs = plan.options, plan.inputs
    runs = [r for m in models for r in m.runs]
    rows, mrows = build_comparisons(runs, test=opts.test, seed=opts.seed, n_resamples=opts.n_resamples,
                                    models=[m.info["name"] for m in models] if compare_models else [])
    header = {
        "format": REPORT_FORMAT,
        "robustir_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "dataset": {"name": inputs.name, "revision": inputs.revision, "split": inputs.split, "langs": inputs.langs,
                    "parallel": inputs.parallel},
        "settings": _settings_entry(plan),
        "metrics": plan.metrics + ([LANG_BIAS] if plan.bias_on and "multi" in plan.settings else []),
        "options": opts.to_dict(),
        "models": [m.info for m in models],
        "attacks": _attack_entries(plan),
        "skipped_attacks": plan.skipped,
        "query_counts": {
            "clean": {lang: len(q) for lang, q in inputs.queries.items()},
            "attacked": {f"{s.spec} [{s.lang}]": sum(1 for q in inputs.scored_ids[s.lang] if q in s.texts) for s in plan.sets},
            "documents": {lang: len(c) for lang, c in inputs.corpora.items()},
        },
    }
    return ScoreReport(header, tuple(runs), tuple(rows), tuple(mrows))


def score(
    models: Sequence[str | Any],
    dataset: str,
    *,
    langs: str | Sequence[str],
    data_dir: str | Path | None = None,
    split: str | None = None,
    attacked: Sequence[str | Path] = (),
    settings: str | Sequence[str] = ("mono",),
    metrics: str | Sequence[str] = ("ndcg@10", "map"),
    test: str = "t",
    seed: int = 0,
    n_resamples: int = 10_000,
    depth: int = 100,
    alpha: float = 0.05,
    max_queries: int | None = None,
    out: str | Path | None = None,
    model_options: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    compare_models: bool = True,
) -> ScoreReport:
    """Score clean and attacked queries of `dataset` with every model, in every setting.

    `models` are registered names / local checkpoint folders (loaded with
    ``robustir.models.load_retriever``) or ready retriever objects. `attacked` are folders
    written by ``robustir attack`` for the same dataset revision. `max_queries` scores only the
    first N queries of each language (all candidates are always searched). `model_options`
    go to ``load_retriever`` (e.g. ``{"batch_size": 64}``). With `out`, the report is written
    there atomically. ``compare_models=False`` skips the model-vs-model rows.
    """
    options = ScoreOptions(test=test, seed=seed, n_resamples=n_resamples, depth=depth, alpha=alpha, max_queries=max_queries)
    plan = plan_scoring(dataset, langs=langs, models=models, data_dir=data_dir, split=split, attacked=attacked,
                        settings=settings, metrics=metrics, options=options)
    scored: list[ModelScores] = []
    for m in models:
        scored.append(run_model(m, plan, taken=[x.info["name"] for x in scored], model_options=model_options,
                                progress=progress))
    report = assemble_report(plan, scored, compare_models=compare_models)
    if out is not None:
        report.save(out)
    return report
