"""Promises about hostile input files and specs (docs/reliability.md, "Bad input"): each gives
one line naming the file and line (or the spec), never a traceback or a coerced value."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from robustir.datasets import load_dataset
from robustir.errors import DataError, RobustirError
from robustir.types import AttackSpec


def _mldr(root: Path, *, queries: list[dict], corpus: list[dict]) -> Path:
    folder = root / "mldr-v1.0-de"
    folder.mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in corpus), encoding="utf-8")
    (folder / "test.jsonl").write_text("".join(json.dumps(r) + "\n" for r in queries), encoding="utf-8")
    return root


def _beir(root: Path, *, corpus: list[str], queries: list[str], qrels: str = "query-id\tcorpus-id\tscore\nq1\td1\t1\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "corpus.jsonl").write_text("".join(c + "\n" for c in corpus), encoding="utf-8")
    (root / "queries.jsonl").write_text("".join(q + "\n" for q in queries), encoding="utf-8")
    (root / "qrels").mkdir()
    (root / "qrels" / "test.tsv").write_text(qrels, encoding="utf-8")
    return root


GOOD_DOC = {"docid": "d1", "text": "Berlin ist die Hauptstadt."}
GOOD_Q = {"query_id": "q1", "query": "Hauptstadt?", "positive_passages": [{"docid": "d1"}], "negative_passages": []}


def test_promise_a_lone_surrogate_in_a_query_is_refused_at_load_with_file_and_line(tmp_path: Path) -> None:
    root = _mldr(tmp_path, queries=[GOOD_Q | {"query": "Haupt\ud800stadt?"}], corpus=[GOOD_DOC])
    with pytest.raises(DataError, match=r"test.jsonl:1: field 'query' holds a lone surrogate \(U\+D800\)"):
        load_dataset("mldr", lang="de", data_dir=root)


def test_promise_a_float_docid_is_refused_not_crashing(tmp_path: Path) -> None:
    root = _mldr(tmp_path, queries=[GOOD_Q], corpus=[GOOD_DOC | {"docid": 1.5}])
    with pytest.raises(DataError, match=r"corpus.jsonl:1: field 'docid' must be str or int, got float"):
        load_dataset("mldr", lang="de", data_dir=root)


def test_promise_json_nested_100000_deep_is_one_line(tmp_path: Path) -> None:
    root = _mldr(tmp_path, queries=[GOOD_Q], corpus=[GOOD_DOC])
    path = root / "mldr-v1.0-de" / "corpus.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="corpus.jsonl:1: JSON nested too deeply"):
        load_dataset("mldr", lang="de", data_dir=root)


def test_promise_an_attack_spec_with_a_huge_number_is_refused() -> None:
    with pytest.raises(RobustirError, match="characters"):
        AttackSpec.parse("typo.char(rate=" + "9" * 100_000 + ")")
    with pytest.raises(RobustirError, match="at most 200"):
        AttackSpec.parse("typo.char(rate=" + "9" * 300 + ")")


@pytest.mark.parametrize("text,kind", [("null", "NoneType"), ('{"a": 1}', "dict"), ("12345", "int")])
def test_promise_beir_never_coerces_a_non_string_text(tmp_path: Path, text: str, kind: str) -> None:
    root = _beir(tmp_path / "b", corpus=[f'{{"_id": "d1", "text": {text}}}'], queries=['{"_id": "q1", "text": "x"}'])
    with pytest.raises(DataError, match=rf"corpus.jsonl:1: field 'text' must be a string, got {kind}"):
        load_dataset("beir", lang="en", data_dir=root)


def test_promise_beir_refuses_a_nan_id(tmp_path: Path) -> None:
    root = _beir(tmp_path / "b", corpus=['{"_id": NaN, "text": "a"}'], queries=['{"_id": "q1", "text": "x"}'])
    with pytest.raises(DataError, match=r"corpus.jsonl:1: field '_id' must be a string or an integer id, got float"):
        load_dataset("beir", lang="en", data_dir=root)


def test_promise_a_bom_in_beir_qrels_is_read_as_the_header(tmp_path: Path) -> None:
    root = _beir(tmp_path / "b", corpus=['{"_id": "d1", "text": "a"}'], queries=['{"_id": "q1", "text": "x"}'],
                 qrels="\ufeffquery-id\tcorpus-id\tscore\nq1\td1\t1\n")
    ds = load_dataset("beir", lang="en", data_dir=root)
    assert dict(ds.qrels["q1"]) == {"d1": 1}


def test_promise_submission_names_stay_text_in_markdown_and_csv(suite_v1_loaded, tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "leaderboards"))
    from lb_records import make_record

    from robustir.leaderboards.publish import publish
    from robustir.leaderboards.store import save_record

    for i, name in enumerate(["[click me](http://evil.example)", "=HYPERLINK(\"http://evil.example\")"]):
        save_record(make_record(name, suite_v1_loaded, seed=i), tmp_path)
    publish(tmp_path, suite_v1_loaded)
    md = (tmp_path / "v1" / "README.md").read_text()
    assert "\\[click me\\](http://evil.example)" in md and "[click me](" not in md
    csv_text = (tmp_path / "v1" / "csv" / "overall.csv").read_text()
    assert "'=HYPERLINK" in csv_text and ",=HYPERLINK" not in csv_text


def test_promise_leaderboard_root_missing_or_empty_is_an_error(suite_v1_loaded, tmp_path: Path) -> None:
    from robustir.leaderboards.publish import publish

    with pytest.raises(RobustirError, match="does not exist"):
        publish(tmp_path / "missing", suite_v1_loaded)
    with pytest.raises(RobustirError, match="no submissions of suite v1"):
        publish(tmp_path, suite_v1_loaded)


@pytest.fixture()
def suite_v1_loaded():
    from robustir.leaderboards.suite import load_suite

    return load_suite("v1")


@pytest.mark.parametrize("value", [5.0, -0.25, "nan"])
def test_promise_a_report_score_edited_out_of_range_is_refused(tmp_path: Path, capsys, value) -> None:
    from robustir.benchmark.scoring import score
    from robustir.cli import main

    score(["muse-v3"], "mldr-sample", langs="de", metrics=["ndcg@10"], out=tmp_path / "r.json")
    raw = (tmp_path / "r.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    qid = sorted(data["runs"][0]["scores"]["ndcg@10"])[0]
    data["runs"][0]["scores"]["ndcg@10"][qid] = float(value)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")  # NaN is written as the token NaN
    with pytest.raises(SystemExit) as exc:
        main(["report", str(edited)])
    err = capsys.readouterr().err.strip()
    assert exc.value.code != 0 and len(err.splitlines()) == 1, err
    assert f"query {qid!r}" in err and "outside [0, 1]" in err
    main_ok = json.loads(raw)  # the unedited report still loads
    from robustir.benchmark.report import validate_report

    assert validate_report(main_ok).runs[0].scores["ndcg@10"][qid] >= 0
