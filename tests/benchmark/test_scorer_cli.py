"""`robustir score` / `robustir report` on the embedded MLDR sample with a real offline model."""
from __future__ import annotations

from pathlib import Path

import pytest

from robustir.benchmark.report import load_report
from robustir.cli import main


def test_score_cli_on_embedded_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from robustir.attacks.runner import run_attacks

    run_attacks("mldr-sample", ["typo.keyboard(rate=0.3)"], ["de", "en"], 0, tmp_path / "att", progress=False)
    main(["score", "--model", "muse-v3", "--dataset", "mldr-sample", "--lang", "de,en", "--attacked", str(tmp_path / "att"),
          "--setting", "mono,multi", "--metrics", "ndcg@10,recall@10", "--format", "md", "--out", str(tmp_path / "r.json")])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("### Summary") and lines[2].replace(" ", "").startswith("|model|setting|attack|")
    assert "### Per cell" in out and "| mono " in out and "| multi " in out and "de->pooled" in out
    rep = load_report(tmp_path / "r.json", dataset="mldr-sample", revision="sample-v1")
    assert rep.data["settings"]["counts"] == {"mono": 2, "cross": 0, "multi": 1}
    assert rep.data["query_counts"]["clean"] == {"de": 6, "en": 6}
    assert len(rep.comparisons) == 2 * 2 * 2  # (mono, multi) x (de, en) x 2 metrics; no lang_bias (not parallel)
    assert {m["name"] for m in rep.data["models"]} == {"muse-v3"}

    # the summary pools the per-query pairs of both language cells and tests them with scipy
    from scipy import stats as sps

    from robustir.benchmark.summary import summary_rows

    spec = rep.comparisons[0].attack
    clean, attacked = [], []
    for lang in ("de", "en"):
        c = rep.scores("muse-v3", "mono", lang, lang, None, "ndcg@10")
        a = rep.scores("muse-v3", "mono", lang, lang, spec, "ndcg@10")
        clean += [c[q] for q in a]
        attacked += [a[q] for q in a]
    row = next(r for r in summary_rows(rep) if r.setting == "mono" and r.metric == "ndcg@10")
    assert row.cells == 2 and row.n == 12
    assert row.clean == pytest.approx(sum(clean) / 12) and row.attacked == pytest.approx(sum(attacked) / 12)
    if clean != attacked:
        assert row.p == pytest.approx(sps.ttest_rel(clean, attacked).pvalue)
    assert len(summary_rows(rep)) == 4  # (mono, multi) x 2 metrics


@pytest.mark.parametrize(
    "args, message",
    [
        (["--metrics", "ndgc@10"], "unknown metric 'ndgc@10'; did you mean 'ndcg@10'"),
        (["--setting", "mulit"], "unknown retrieval setting 'mulit'"),
        (["--lang", "xx"], "unknown language for dataset mldr-sample 'xx'"),
        (["--attacked", "/nonexistent/att"], "/nonexistent/att does not exist"),
    ],
)
def test_score_cli_bad_input_is_one_line(args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = {"--model": "muse-v3", "--dataset": "mldr-sample", "--lang": "de", "--out": str(tmp_path / "r.json")}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    argv = ["score"] + [x for kv in base.items() for x in kv]
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("robustir: error:") and message in err and "\n" not in err
    assert not (tmp_path / "r.json").exists()


def test_report_cli_refuses_a_non_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.json").write_text('{"format": "robustir.attacked/1"}', encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["report", str(tmp_path / "x.json")])
    assert exc.value.code == 2
    assert "not a robustir score report" in capsys.readouterr().err
