"""The scorer's steps one by one on the embedded mldr-sample data with muse-v3: plan, one model, report.

mldr-sample has 6 queries and 12 documents per language; the plan scores the first 4 queries of
de and en (every document is searched) in the mono and multi settings, clean and attacked.
"""
from __future__ import annotations

from pathlib import Path

import dataclasses
import pytest

from robustir.attacks.runner import run_attacks
from robustir.benchmark.metrics import evaluate
from robustir.benchmark.report import ScoreReport, load_report, validate_report
from robustir.benchmark.rows import ComparisonRow, RunRow
from robustir.benchmark.scoring import (
    ScoreOptions,
    assemble_report,
    load_inputs,
    plan_runs,
    plan_scoring,
    run_model,
    score,
)
from robustir.benchmark.settings import Cell
from robustir.errors import DataError, RobustirError, UnknownNameError
from robustir.types import Corpus, Qrels
from scorer_helpers import write_attacked

SPEC = "typo.char(rate=0.5)"
METRICS = "ndcg@10,mrr@10"
OPTIONS = ScoreOptions(max_queries=4, n_resamples=1000)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("steps") / "att"
    run_attacks("mldr-sample", [SPEC], ["de", "en", "fr"], 0, out, progress=False)  # fr is not scored below
    return out


@pytest.fixture(scope="module")
def plan(attacked: Path):
    return plan_scoring("mldr-sample", langs="de,en", attacked=[attacked], settings="mono,multi", metrics=METRICS,
                        options=OPTIONS)


@pytest.fixture(scope="module")
def muse():
    from robustir.models import load_retriever

    return load_retriever("muse-v3")


@pytest.fixture(scope="module")
def model_scores(plan, muse):
    return run_model(muse, plan)  # a ready retriever (score() below loads one by name)


def test_plan_loads_data_reads_sets_and_orders_runs(plan, attacked: Path) -> None:
    inputs = plan.inputs
    assert (inputs.name, inputs.langs, inputs.parallel) == ("mldr-sample", ["de", "en"], False)
    assert {lang: len(ids) for lang, ids in inputs.all_ids.items()} == {"de": 6, "en": 6}
    assert all(inputs.scored_ids[lang] == inputs.all_ids[lang][:4] for lang in ("de", "en"))
    assert {lang: len(c) for lang, c in inputs.corpora.items()} == {"de": 12, "en": 12}  # every candidate kept
    assert [s.lang for s in plan.sets] == ["de", "en"]
    assert [(s["lang"], s["why"]) for s in plan.skipped] == [("fr", "language not scored")]
    assert plan.metrics == ["ndcg@10", "mrr@10"] and not plan.bias_on  # mldr-sample is not parallel
    cells = [Cell("mono", "de", "de"), Cell("mono", "en", "en"), Cell("multi", "de", "pooled"), Cell("multi", "en", "pooled")]
    assert [(r.cell, r.attack) for r in plan.runs[:4]] == [(c, None) for c in cells]  # clean runs first
    attacked_runs = plan.runs[4:]
    assert [(r.cell, r.attack.lang, r.baseline) for r in attacked_runs] == [
        (cells[0], "de", cells[0]), (cells[2], "de", cells[2]), (cells[1], "en", cells[1]), (cells[3], "en", cells[3])]
    for r in attacked_runs:  # the scored ids only, with the perturbed texts of the set
        assert list(r.queries.ids) == [q for q in inputs.scored_ids[r.attack.lang] if q in r.attack.texts]
        assert list(r.queries.texts) == [r.attack.texts[q] for q in r.queries.ids]
    assert attacked_runs[0].qkey == attacked_runs[1].qkey != plan.runs[0].qkey  # one encoding per query set
    assert plan.qrels[Cell("multi", "de", "pooled")] is inputs.qrels["de"]  # not parallel: own judgements


def test_plan_refuses_bad_input_before_loading_anything(attacked: Path) -> None:
    with pytest.raises(UnknownNameError, match="unknown metric 'ndcg10'"):
        plan_scoring("mldr-sample", langs="de", metrics="ndcg10")
    with pytest.raises(RobustirError, match="max_queries must be at least 2"):
        plan_scoring("mldr-sample", langs="de", options=ScoreOptions(max_queries=1))
    with pytest.raises(RobustirError, match="no model given"):
        plan_scoring("mldr-sample", langs="de", models=[])
    with pytest.raises(DataError, match="does not exist"):
        plan_scoring("mldr-sample", langs="de", attacked=[attacked.parent / "missing"])


def test_translate_set_gets_its_monolingual_baseline(tmp_path: Path) -> None:
    inputs = load_inputs("mldr-sample", ["de"], max_queries=3)
    texts = {q: f"translated {q}" for q in inputs.scored_ids["de"]}
    att = write_attacked(tmp_path / "tr", dataset="mldr-sample", revision=inputs.revision,
                         sets=[("translate(target=en)", "de", "en", {q: ("x", t) for q, t in texts.items()})])
    plan = plan_scoring("mldr-sample", langs="de", attacked=[att], settings="multi", options=ScoreOptions(max_queries=3))
    mono, cross = Cell("mono", "de", "de"), Cell("cross", "en", "de")
    assert [(r.cell, r.attack is None, r.baseline) for r in plan.runs] == [
        (Cell("multi", "de", "pooled"), True, Cell("multi", "de", "pooled")), (mono, True, mono), (cross, False, mono)]
    assert plan.runs[2].queries.langs == ("en",) * 3 and plan.qrels[cross] is plan.inputs.qrels["de"]
    runs, qrels = plan_runs([mono], plan.sets, plan.inputs)  # mono planned already: no second baseline
    assert [r.cell for r in runs] == [mono, cross] and set(qrels) == {mono, cross}


def test_run_model_searches_every_cell_like_the_model_itself(plan, model_scores, muse) -> None:
    assert model_scores.info["name"] == "muse-v3" and model_scores.info["unsupported_langs"] == []
    rows = model_scores.runs
    assert [(r.cell, r.attack) for r in rows] == [(p.cell, p.attack.spec if p.attack else None) for p in plan.runs]
    assert all(r.n_queries == 4 and set(r.scores) == {"ndcg@10", "mrr@10"} for r in rows)
    # the same numbers from the model's own search: mono de (de corpus) and multi en (pooled corpus), clean and
    # attacked (the scorer slices one pooled matrix instead)
    inputs = plan.inputs
    pooled = Corpus.concat([inputs.corpora["de"], inputs.corpora["en"]])
    for corpus, picked in ((inputs.corpora["de"], (0, 4)), (pooled, (3, 7))):
        muse.index(corpus)
        for i in picked:
            p = plan.runs[i]
            judged = Qrels({q: inputs.qrels[p.cell.query_lang][q] for q in p.queries.ids})
            direct = evaluate(judged, muse.search(p.queries, k=100), ["ndcg@10", "mrr@10"])
            assert rows[i].scores == {m: pytest.approx(v, abs=1e-9) for m, v in direct.items()}, p.cell
    assert rows[4].attack == plan.sets[0].spec and rows[4].baseline == Cell("mono", "de", "de")
    with pytest.raises(RobustirError, match="'muse-v3' is given twice"):
        run_model(muse, plan, taken=["muse-v3"])


def test_assemble_report_is_what_score_writes(plan, model_scores, attacked: Path, tmp_path: Path) -> None:
    report = assemble_report(plan, [model_scores])
    assert report.runs == tuple(model_scores.runs)
    assert len(report.comparisons) == 4 * 2 and not report.model_comparisons  # 4 attacked runs x 2 metrics
    assert all(isinstance(r, ComparisonRow) and r.p <= r.p_holm <= 1.0 for r in report.comparisons)
    h = report.header
    assert h["settings"] == {"requested": ["mono", "multi"], "counts": {"mono": 2, "cross": 0, "multi": 1}, "cells": 4}
    assert h["query_counts"]["clean"] == {"de": 4, "en": 4} and h["skipped_attacks"] == plan.skipped
    whole = score(["muse-v3"], "mldr-sample", langs="de,en", attacked=[attacked], settings="mono,multi", metrics=METRICS,
                  max_queries=4, n_resamples=1000, out=tmp_path / "r.json")
    strip = lambda rep: {k: v for k, v in rep.to_dict().items() if k not in ("created", "models")}  # noqa: E731
    assert strip(whole) == strip(report)
    loaded = load_report(tmp_path / "r.json")
    assert loaded == whole and loaded.to_json() == (tmp_path / "r.json").read_text(encoding="utf-8")


def test_rows_round_trip_and_refuse_malformed_objects(plan, model_scores) -> None:
    report = assemble_report(plan, [model_scores])
    assert ScoreReport.from_dict(report.to_dict()) == report
    run = report.runs[4].to_dict()
    assert list(run) == ["model", "setting", "query_lang", "corpus_lang", "attack", "attack_lang", "baseline",
                         "n_queries", "scores"]  # no "adversarial" key unless the set has a victim
    assert run["baseline"] == {"setting": "mono", "query_lang": "de", "corpus_lang": "de"}
    assert RunRow.from_dict(run) == report.runs[4]
    with pytest.raises(DataError, match="unknown key 'extra'"):
        RunRow.from_dict(run | {"extra": 1})
    data = report.to_dict()
    data["comparisons"][1] = {k: v for k, v in data["comparisons"][1].items() if k != "p"}
    with pytest.raises(DataError, match=r"report: comparisons\[1\]: missing 'p'"):
        validate_report(data)


def test_assemble_report_without_model_comparisons_keeps_the_attack_rows(plan, model_scores) -> None:
    other = dataclasses.replace(model_scores, info={**model_scores.info, "name": "muse-v3-copy"},
                                runs=[dataclasses.replace(r, model="muse-v3-copy") for r in model_scores.runs])
    full = assemble_report(plan, [model_scores, other])
    lean = assemble_report(plan, [model_scores, other], compare_models=False)
    assert full.model_comparisons and not lean.model_comparisons
    assert [(r.model, r.attack, r.metric, r.p) for r in lean.comparisons] == [
        (r.model, r.attack, r.metric, r.p) for r in full.comparisons]
