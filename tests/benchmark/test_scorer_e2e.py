"""End to end on real XQuAD-R (../shared/data) with a real offline model (muse-v3):
clean + one attacked set, all three settings, 5 languages, first 100 questions, FULL candidates."""
from __future__ import annotations

from pathlib import Path

import pytest

from robustir.cli import main

LANGS = ["en", "de", "zh", "ar", "hi"]  # the five languages of ../shared/data/xquad-r
SPEC = "typo.char(rate=0.2)"


@pytest.fixture(scope="module")
def e2e(xquad_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    from robustir.attacks.runner import run_attacks
    from robustir.benchmark.scoring import score
    from robustir.models import load_retriever

    tmp = tmp_path_factory.mktemp("scorer-e2e")
    coll = run_attacks("xquad-r", [SPEC], LANGS, 0, tmp / "attacked", data_dir=xquad_dir, limit=100, progress=False)
    retriever = load_retriever("muse-v3", progress=False)
    report = score([retriever], "xquad-r", langs=LANGS, data_dir=xquad_dir, attacked=[tmp / "attacked"],
                   settings=["mono", "cross", "multi"], metrics="map,ndcg@10", max_queries=100, out=tmp / "report.json")
    return tmp, coll, retriever, report


@pytest.mark.slow
def test_counts_settings_and_single_encoding(e2e, xquad_dir: Path) -> None:
    from robustir.datasets import datasets

    _, coll, retriever, report = e2e
    data = report.data
    assert data["settings"]["counts"] == {"mono": 5, "cross": 20, "multi": 1}
    assert data["query_counts"]["clean"] == {lang: 100 for lang in LANGS}
    canon = coll.sets[0].spec
    assert data["query_counts"]["attacked"] == {f"{canon} [{lang}]": 100 for lang in LANGS}
    n_docs = sum(len(datasets.get("xquad-r").read(lang, data_dir=xquad_dir).corpus) for lang in LANGS)
    assert sum(data["query_counts"]["documents"].values()) == n_docs  # full candidate sets
    assert retriever.stats["corpus_texts_encoded"] == n_docs  # the pooled corpus, encoded once
    assert retriever.stats["query_texts_encoded"] == 2 * 5 * 100  # clean + attacked, each language once
    # 30 clean cells + the same 30 attacked; (5 mono + 20 cross + 5 pooled) x 2 metrics + 5 lang_bias
    assert len(report.runs) == 60
    assert len(report.comparisons) == 65
    assert {r.n for r in report.comparisons} == {100}
    assert all(0.0 <= r.p <= r.p_holm <= 1.0 for r in report.comparisons)
    assert data["models"][0]["name"] == "muse-v3" and data["models"][0]["revision"]
    assert data["models"][0]["unsupported_langs"] == ["hi"]  # muse-v3 does not declare Hindi
    assert data["attacks"][0]["seed"] == 0 and data["dataset"]["revision"].startswith("local:")


@pytest.mark.slow
def test_scores_are_sensible(e2e) -> None:
    _, _, _, report = e2e
    mono_en = next(r for r in report.comparisons if r.setting == "mono" and r.query_lang == "en" and r.metric == "map")
    assert 0.4 < mono_en.clean <= 1.0  # a multilingual encoder finds most English answers
    drops = [r.abs_drop for r in report.comparisons if r.metric in ("map", "ndcg@10")]
    assert sum(drops) / len(drops) > 0  # 20% character typos hurt on average
    bias = [r for r in report.comparisons if r.metric == "lang_bias"]
    assert len(bias) == 5 and all(r.clean >= 0 for r in bias)


@pytest.mark.slow
def test_report_cli_rerenders_without_recomputing(e2e, capsys: pytest.CaptureFixture[str]) -> None:
    tmp, _, _, _ = e2e
    main(["report", str(tmp / "report.json"), "--format", "md"])  # returns normally on success
    out = capsys.readouterr().out
    assert out.startswith("### Summary") and "### Per cell" in out and "| mono " in out and "pooled" in out
    assert "Holm-Bonferroni over 65" in out
    main(["report", str(tmp / "report.json"), "--test", "permutation", "--format", "csv"])
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 66 and ",permutation," in rows[1]
