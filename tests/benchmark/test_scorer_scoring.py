"""score() on a toy parallel dataset and toy retrievers: settings, qrels, comparisons, bad input."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from robustir.datasets import datasets, load_dataset
from robustir.benchmark.report import load_report
from robustir.benchmark.scoring import score
from robustir.benchmark.settings import Cell, plan_cells, qrels_for, ranks_of
from robustir.errors import DataError, RobustirError, UnknownNameError

from scorer_helpers import ToyDense, ToySparse, write_attacked, write_toy_squad_r  # noqa: E402

SPEC = "typo.keyboard(rate=0.5)"


@pytest.fixture()
def toy(tmp_path: Path):
    folder = write_toy_squad_r(tmp_path / "xq", ("en", "de"))
    ds = datasets.get("xquad-r").load_parallel(["en", "de"], data_dir=folder)
    return folder, ds


def _attack_texts(ds, destroy=("q1", "q3")) -> dict[str, tuple[str, str]]:
    q = ds.queries
    return {i: (t, "zzzz qqqq xxxx" if i in destroy else t) for i, t in zip(q.ids, q.texts)}


def test_plan_cells_counts() -> None:
    langs11 = datasets.get("xquad-r").info.languages
    langs7 = datasets.get("mlqa-r").info.languages
    cross = lambda ls: [c for c in plan_cells(["cross"], ls, parallel=True)]  # noqa: E731
    assert len(cross(langs11)) == 110 and len(cross(langs7)) == 42 and len(cross(langs11[:5])) == 20
    cells = plan_cells(["mono", "cross", "multi"], ["en", "de", "zh"], parallel=True)
    assert [c.setting for c in cells].count("mono") == 3
    assert Cell("cross", "de", "zh") in cells and Cell("multi", "zh", "pooled") in cells
    assert plan_cells(["cross"], ["en", "de"], parallel=False) == []  # MLDR: cross only from translate sets
    with pytest.raises(UnknownNameError, match="retrieval setting 'mulit'"):
        plan_cells(["mulit"], ["en"], parallel=True)


def test_pooled_qrels_hold_every_parallel_sentence(toy) -> None:
    _, ds = toy
    qrels = {lang: d.qrels for lang, d in ds.items()}
    pooled = qrels_for(Cell("multi", "de", "pooled"), qrels, parallel=True, langs=["en", "de"])
    assert dict(pooled["q3"]) == {"en-1-1": 1, "de-1-1": 1}
    assert qrels_for(Cell("cross", "en", "de"), qrels, parallel=True, langs=["en", "de"]) is qrels["de"]


def test_ranks_of_breaks_ties_by_docid() -> None:
    scores = np.array([0.5, 0.9, 0.5, 0.1])
    assert ranks_of(scores, ["d", "a", "b", "c"], [1, 0, 2, 3]) == [1, 3, 2, 4]


def test_score_all_settings_dense_encodes_pooled_corpus_once(toy, tmp_path: Path) -> None:
    folder, ds = toy
    en = ds["en"]
    att = write_attacked(tmp_path / "att", dataset="xquad-r", revision=en.revision,
                         sets=[(SPEC, "en", "en", _attack_texts(en))])
    model = ToyDense()
    rep = score([model], "xquad-r", langs="en,de", data_dir=folder, attacked=[att], settings="all",
                metrics="ndcg@10,map", out=tmp_path / "r.json")
    assert model.stats["index_calls"] == 1 and model.stats["corpus_texts_encoded"] == 12
    assert model.stats["query_texts_encoded"] == 5 + 5 + 5  # clean en, clean de, attacked en: once each
    assert rep.data["settings"]["counts"] == {"mono": 2, "cross": 2, "multi": 1}
    assert rep.data["query_counts"]["clean"] == {"en": 5, "de": 5}
    assert rep.data["metrics"] == ["ndcg@10", "map", "lang_bias"]
    # attacked en appears in mono en->en, cross en->de, multi en->pooled; 2 metrics + lang_bias in multi
    rows = rep.comparisons
    assert sorted({(r.setting, r.corpus_lang) for r in rows}) == [("cross", "de"), ("mono", "en"), ("multi", "pooled")]
    assert len(rows) == 7
    mono = next(r for r in rows if r.setting == "mono" and r.metric == "map")
    clean = rep.scores("toy-dense", "mono", "en", "en", None, "map")
    attacked = rep.scores("toy-dense", "mono", "en", "en", SPEC, "map")
    c = np.array([clean[q] for q in sorted(clean)])
    a = np.array([attacked[q] for q in sorted(clean)])
    assert mono.clean == pytest.approx(c.mean()) and mono.attacked == pytest.approx(a.mean())
    assert mono.abs_drop == pytest.approx(c.mean() - a.mean())
    assert mono.abs_drop > 0
    assert mono.rel_drop == pytest.approx((c.mean() - a.mean()) / c.mean())
    assert mono.wins == int((c > a).sum()) and mono.losses == int((c < a).sum())
    assert mono.p == pytest.approx(stats.ttest_rel(c, a).pvalue)
    ps = [r.p for r in rows]
    assert [r.p_holm for r in rows] == pytest.approx([min(1.0, x) for x in _holm(ps)])
    # the saved report reloads and re-tests from its per-query scores alone
    loaded = load_report(tmp_path / "r.json")
    assert loaded.data == json.loads(rep.to_json())
    perm1 = loaded.retest(test="permutation", seed=5)
    perm2 = loaded.retest(test="permutation", seed=5)
    assert [r.p for r in perm1.comparisons] == [r.p for r in perm2.comparisons]


def _holm(p: list[float]) -> list[float]:
    order = sorted(range(len(p)), key=lambda i: p[i])
    out, run = [0.0] * len(p), 0.0
    for k, i in enumerate(order):
        run = max(run, (len(p) - k) * p[i])
        out[i] = run
    return out


def test_language_bias_is_worst_minus_best_rank(toy) -> None:
    folder, ds = toy
    model = ToyDense()
    rep = score([model], "xquad-r", langs="en,de", data_dir=folder, settings="multi", metrics="map")
    bias = rep.scores("toy-dense", "multi", "de", "pooled", None, "lang_bias")
    # recompute from the full pooled ranking by brute force
    pooled_ids = ds["en"].corpus.ids + ds["de"].corpus.ids
    pooled_texts = ds["en"].corpus.texts + ds["de"].corpus.texts
    q = ds["de"].queries
    s = model._encode(q.texts) @ model._encode(pooled_texts).T
    for i, qid in enumerate(q.ids):
        order = sorted(range(len(pooled_ids)), key=lambda j: (-s[i, j], pooled_ids[j]))
        rank = {pooled_ids[j]: r for r, j in enumerate(order, start=1)}
        targets = [d for lang in ("en", "de") for d in ds[lang].qrels[qid]]
        assert bias[qid] == max(rank[d] for d in targets) - min(rank[d] for d in targets)


def test_dense_and_generic_paths_agree_and_models_are_compared(toy, tmp_path: Path) -> None:
    folder, ds = toy
    att = write_attacked(tmp_path / "att", dataset="xquad-r", revision=ds["de"].revision,
                         sets=[(SPEC, "de", "de", _attack_texts(ds["de"]))])
    sparse = ToySparse("toy-sparse")
    rep = score([ToyDense(), sparse], "xquad-r", langs="en,de", data_dir=folder, attacked=[att],
                settings="mono,cross", metrics="ndcg@10")
    assert sparse.stats["index_calls"] == 2  # generic path: each language corpus once
    for r in rep.runs:
        if r.model == "toy-dense":
            twin = rep.scores("toy-sparse", r.setting, r.query_lang, r.corpus_lang, r.attack, "ndcg@10")
            assert r.scores["ndcg@10"] == pytest.approx(twin)
    assert len(rep.model_comparisons) == 2  # (mono de->de, cross de->en) x ndcg@10
    m = rep.model_comparisons[0]
    assert m.model_a == "toy-dense" and m.model_b == "toy-sparse" and m.diff == pytest.approx(0.0)
    assert m.p_holm is not None


def test_translate_set_scores_cross_lingual_against_dataset_language(tmp_path: Path) -> None:
    de = load_dataset("mldr-sample", lang="de")
    en = load_dataset("mldr-sample", lang="en")
    # "translations" of the de queries into en: reuse en question texts (any en text will do)
    texts = {q: (t, en.queries.texts[i % len(en.queries)]) for i, (q, t) in enumerate(zip(de.queries.ids, de.queries.texts))}
    att = write_attacked(tmp_path / "tr", dataset="mldr-sample", revision=de.revision,
                         sets=[("translate(target=en)", "de", "en", texts)])
    rep = score([ToyDense()], "mldr-sample", langs="de", attacked=[att], settings="mono", metrics="ndcg@10")
    assert rep.data["settings"]["counts"] == {"mono": 1, "cross": 1, "multi": 0}
    (row,) = rep.comparisons
    assert (row.setting, row.query_lang, row.corpus_lang) == ("cross", "en", "de")
    assert row.baseline == Cell("mono", "de", "de")
    assert row.n == 6
    # without the mono setting, the monolingual baseline is still scored for the translate set
    rep = score([ToyDense()], "mldr-sample", langs="de", attacked=[att], settings="multi", metrics="ndcg@10")
    assert rep.data["settings"]["counts"] == {"mono": 1, "cross": 1, "multi": 1}
    assert {(r.setting, r.attack is None) for r in rep.runs} == {("mono", True), ("cross", False), ("multi", True)}


def test_dropped_queries_are_paired_on_the_kept_ones(toy, tmp_path: Path) -> None:
    folder, ds = toy
    texts = _attack_texts(ds["en"])
    del texts["q5"]
    ok = write_attacked(tmp_path / "ok", dataset="xquad-r", revision=ds["en"].revision,
                        sets=[(SPEC, "en", "en", texts)], dropped={0: 1})
    rep = score([ToyDense()], "xquad-r", langs="en", data_dir=folder, attacked=[ok], metrics="map")
    assert rep.comparisons[0].n == 4
    bad = write_attacked(tmp_path / "bad", dataset="xquad-r", revision=ds["en"].revision,
                         sets=[(SPEC, "en", "en", texts)])
    with pytest.raises(DataError, match=r"lacks 1 of the 5 clean en query ids \(manifest says 0 dropped\), e.g. 'q5'"):
        score([ToyDense()], "xquad-r", langs="en", data_dir=folder, attacked=[bad], metrics="map")


def test_max_queries_scores_a_subset_with_all_candidates(toy, tmp_path: Path) -> None:
    folder, ds = toy
    att = write_attacked(tmp_path / "att", dataset="xquad-r", revision=ds["en"].revision,
                         sets=[(SPEC, "en", "en", _attack_texts(ds["en"]))])
    model = ToyDense()
    rep = score([model], "xquad-r", langs="en,de", data_dir=folder, attacked=[att], max_queries=3, metrics="map")
    assert rep.data["query_counts"]["clean"] == {"en": 3, "de": 3}
    assert rep.data["query_counts"]["attacked"] == {f"{SPEC} [en]": 3}
    assert model.stats["corpus_texts_encoded"] == 12
    assert all(r.n_queries == 3 for r in rep.runs)


def test_attacked_ids_not_in_clean_set_are_refused(toy, tmp_path: Path) -> None:
    folder, ds = toy
    texts = _attack_texts(ds["en"]) | {"q99": ("x", "y")}
    att = write_attacked(tmp_path / "att", dataset="xquad-r", revision=ds["en"].revision, sets=[(SPEC, "en", "en", texts)])
    with pytest.raises(DataError, match=r"1 query ids not in the clean en queries, e.g. 'q99'"):
        score([ToyDense()], "xquad-r", langs="en", data_dir=folder, attacked=[att])


def test_attacked_set_of_another_revision_is_refused(toy, tmp_path: Path) -> None:
    folder, ds = toy
    att = write_attacked(tmp_path / "att", dataset="xquad-r", revision="9bc8c7fb6dd8d01d72a05a93c2cb96882b0d299c",
                         sets=[(SPEC, "en", "en", _attack_texts(ds["en"]))])
    with pytest.raises(DataError, match="made from dataset 'xquad-r' revision '9bc8c7fb.*but 'xquad-r' revision 'local:"):
        score([ToyDense()], "xquad-r", langs="en", data_dir=folder, attacked=[att])
    other = write_attacked(tmp_path / "other", dataset="mlqa-r", revision=ds["en"].revision,
                           sets=[(SPEC, "en", "en", _attack_texts(ds["en"]))])
    with pytest.raises(DataError, match="dataset 'mlqa-r'"):
        score([ToyDense()], "xquad-r", langs="en", data_dir=folder, attacked=[other])


def test_report_of_another_revision_is_refused(toy, tmp_path: Path) -> None:
    folder, _ = toy
    rep = score([ToyDense()], "xquad-r", langs="en", data_dir=folder, metrics="map", out=tmp_path / "r.json")
    load_report(tmp_path / "r.json", dataset="xquad-r", revision=rep.data["dataset"]["revision"])
    with pytest.raises(DataError, match="revision 'local:.*expected 'xquad-r' revision 'abc'"):
        load_report(tmp_path / "r.json", dataset="xquad-r", revision="abc")
    broken = json.loads((tmp_path / "r.json").read_text()) | {"format": "something/2"}
    (tmp_path / "b.json").write_text(json.dumps(broken))
    with pytest.raises(DataError, match="not a robustir score report"):
        load_report(tmp_path / "b.json")


def test_unknown_metric_fails_before_any_work(toy) -> None:
    folder, _ = toy
    model = ToyDense()
    with pytest.raises(UnknownNameError, match="unknown metric 'ndcg10'"):
        score([model], "xquad-r", langs="en", data_dir=folder, metrics="ndcg10")
    assert model.stats["index_calls"] == 0
    with pytest.raises(RobustirError, match="statistical test"):
        score([model], "xquad-r", langs="en", data_dir=folder, test="z")
    with pytest.raises(RobustirError, match="recall@100 look deeper than the retrieval depth 10"):
        score([model], "xquad-r", langs="en", data_dir=folder, metrics="map,recall@100", depth=10)
    assert model.stats["index_calls"] == 0


def test_render_formats(toy, tmp_path: Path) -> None:
    folder, ds = toy
    att = write_attacked(tmp_path / "att", dataset="xquad-r", revision=ds["en"].revision,
                         sets=[(SPEC, "en", "en", _attack_texts(ds["en"], destroy=("q1", "q2", "q3", "q4", "q5")))])
    rep = score([ToyDense()], "xquad-r", langs="en", data_dir=folder, attacked=[att], metrics="map")
    text = rep.render("text")
    assert SPEC in text and "p Holm" in text and "Holm-Bonferroni over 1 comparisons" in text
    md = rep.render("md")
    md_lines = md.splitlines()
    assert md_lines[0].startswith("### Summary") and md_lines[2].startswith("| model") and md_lines[3].startswith("|---")
    assert "### Per cell" in md
    assert rep.render("text", summary_only=True).count("\n") < text.count("\n")
    csv_text = rep.render("csv").splitlines()
    assert csv_text[0].startswith("table,model,model_b,setting") and len(csv_text) == 2
    latex = rep.render("latex")
    assert r"\begin{tabular}" in latex and r"en$\rightarrow$en" in latex
    with pytest.raises(UnknownNameError, match="report format 'html'"):
        rep.render("html")


def test_reports_of_two_models_merge_and_compare(toy, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from robustir.benchmark.report import merge_reports
    from robustir.cli import main

    folder, ds = toy
    att = write_attacked(tmp_path / "att", dataset="xquad-r", revision=ds["en"].revision,
                         sets=[(SPEC, "en", "en", _attack_texts(ds["en"]))])
    kw = dict(langs="en", data_dir=folder, attacked=[att], metrics="map")
    score([ToyDense("a")], "xquad-r", out=tmp_path / "a.json", **kw)
    score([ToyDense("b", dim=64)], "xquad-r", out=tmp_path / "b.json", **kw)
    both = score([ToyDense("a"), ToyDense("b", dim=64)], "xquad-r", **kw)
    merged = merge_reports([load_report(tmp_path / "a.json"), load_report(tmp_path / "b.json")])
    assert [m["name"] for m in merged.data["models"]] == ["a", "b"]
    assert merged.comparisons == both.comparisons and merged.model_comparisons == both.model_comparisons
    main(["report", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--format", "csv"])
    assert capsys.readouterr().out.count("\nmodels,a,b,") == 1
    # a report of other data (here: another revision) cannot be merged
    other = json.loads((tmp_path / "b.json").read_text())
    other["dataset"]["revision"] = "9bc8c7fb6dd8d01d72a05a93c2cb96882b0d299c"
    (tmp_path / "c.json").write_text(json.dumps(other))
    with pytest.raises(DataError, match="c.json scores dataset 'xquad-r' revision '9bc8c7fb.*cannot be combined"):
        merge_reports([load_report(tmp_path / "a.json"), load_report(tmp_path / "c.json")],
                      sources=[str(tmp_path / "a.json"), str(tmp_path / "c.json")])
    with pytest.raises(DataError, match="model 'a' appears in more than one report"):
        merge_reports([load_report(tmp_path / "a.json"), load_report(tmp_path / "a.json")])


def test_attacked_set_made_with_a_limit_is_paired_on_its_queries(toy, tmp_path: Path) -> None:
    folder, ds = toy
    texts = {q: v for q, v in _attack_texts(ds["en"]).items() if q in ("q1", "q2", "q3")}
    att = write_attacked(tmp_path / "att", dataset="xquad-r", revision=ds["en"].revision, sets=[(SPEC, "en", "en", texts)])
    manifest = json.loads((att / "manifest.json").read_text())
    with pytest.raises(DataError, match="lacks 2 of the 5"):
        score([ToyDense()], "xquad-r", langs="en", data_dir=folder, attacked=[att], metrics="map")
    (att / "manifest.json").write_text(json.dumps(manifest | {"limit": 3}))
    rep = score([ToyDense()], "xquad-r", langs="en", data_dir=folder, attacked=[att], metrics="map")
    assert rep.data["query_counts"]["clean"] == {"en": 5}
    assert rep.comparisons[0].n == 3
