"""``--dataset irds:<id>``: a collection registered through ir_datasets' own API, on files the
test writes, loads with robustir's types."""
from __future__ import annotations

import uuid

import pytest

from robustir.datasets import datasets, load_dataset
from robustir.errors import DataError, RobustirError
from robustir.types import Corpus, Qrels, QuerySet

ir_datasets = pytest.importorskip("ir_datasets")

DOCS = {"d1": "Paris is the capital of France.", "d2": "Berlin is the capital of Germany.", "d3": "The Rhine flows through Basel."}
QUERIES = {"q1": "capital of france", "q2": "german capital", "q3": "a query without judgements"}
QRELS = [("q1", "d1", 1), ("q2", "d2", 2), ("q2", "d3", 0)]


@pytest.fixture()
def irds_id(tmp_path):
    (tmp_path / "docs.tsv").write_text("".join(f"{k}\t{v}\n" for k, v in DOCS.items()), encoding="utf-8")
    (tmp_path / "queries.tsv").write_text("".join(f"{k}\t{v}\n" for k, v in QUERIES.items()), encoding="utf-8")
    (tmp_path / "qrels.txt").write_text("".join(f"{q} 0 {d} {g}\n" for q, d, g in QRELS), encoding="utf-8")
    name = f"robustir-test/{uuid.uuid4().hex[:8]}"
    ir_datasets.registry.register(name, ir_datasets.create_dataset(
        docs_tsv=str(tmp_path / "docs.tsv"), queries_tsv=str(tmp_path / "queries.tsv"), qrels_trec=str(tmp_path / "qrels.txt")))
    return name


def test_irds_dataset_loads_with_robustir_types(irds_id):
    ds = load_dataset(f"irds:{irds_id}", lang="en")
    assert isinstance(ds.corpus, Corpus) and isinstance(ds.queries, QuerySet) and isinstance(ds.qrels, Qrels)
    assert ds.corpus.to_dict() == DOCS
    assert ds.queries.to_dict() == {"q1": QUERIES["q1"], "q2": QUERIES["q2"]}  # judged queries only
    assert ds.qrels.to_dict() == {"q1": {"d1": 1}, "q2": {"d2": 2, "d3": 0}}
    assert ds.name == f"irds:{irds_id}" and ds.split == "all" and ds.revision.startswith("ir_datasets-")
    assert set(ds.corpus.langs) == {"en"}
    info = datasets.get(f"irds:{irds_id}").info
    assert "de" in info.languages  # no language recorded: any robustir language may be named
    assert f"irds:{irds_id}" not in datasets.names()


def test_irds_errors_are_one_line(irds_id):
    with pytest.raises(RobustirError) as exc:
        load_dataset("irds:robustir-test/no-such-collection", lang="en")
    assert "no dataset" in str(exc.value) and "\n" not in str(exc.value)
    with pytest.raises(RobustirError):
        load_dataset("irds:", lang="en")
    with pytest.raises(RobustirError, match="split"):
        load_dataset(f"irds:{irds_id}", lang="en", split="test")


def test_irds_missing_files_fail_as_data_error(tmp_path, monkeypatch):
    name = f"robustir-test/{uuid.uuid4().hex[:8]}"
    missing = tmp_path / "gone"
    ir_datasets.registry.register(name, ir_datasets.create_dataset(
        docs_tsv=str(missing / "docs.tsv"), queries_tsv=str(missing / "q.tsv"), qrels_trec=str(missing / "qrels")))
    monkeypatch.setenv("ROBUSTIR_OFFLINE", "1")
    with pytest.raises(DataError) as exc:
        load_dataset(f"irds:{name}", lang="en")
    assert f"irds:{name}" in str(exc.value) and "\n" not in str(exc.value)
