"""The streaming path for corpora too large to hold: gzipped JSONL read shard by shard, the
same cache key as the in-memory `Corpus`, resume after a failure, memory-mapped search.

A toy hashing encoder stands in for a model (no torch): these tests are about data flow.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from robustir.datasets.loaders.mldr import read_corpus
from robustir.errors import DataError
from robustir.models.engines import EngineError, Shard, get_engine
from robustir.models.engines.corpus import DriverEncoder, index_with_engine
from robustir.models.engines.faults import FaultyFactory, arm
from robustir.models.engines.large import index_jsonl
from robustir.models.engines.stream import corpus_shards, iter_shards, scan_corpus
from robustir.types import QuerySet

DOCS = 23
SHARD = 5


class HashEncoder:
    """Deterministic 8-dim vectors from character trigrams (enough to rank toy documents)."""

    dim = 8
    device = "cpu"
    native_truncation = False

    def encode(self, texts: list[str], *, is_query: bool, max_length: int | None) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for j in range(max(1, len(t) - 2)):
                h = int.from_bytes(hashlib.sha256(t[j : j + 3].encode()).digest()[:2], "big")
                out[i, h % self.dim] += 1.0
        return out

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        from robustir.models.chunking import regex_spans

        return regex_spans(text)


def toy_retriever(cache_dir: Path):
    from robustir.models import DenseRetriever, ModelSpec

    spec = ModelSpec("toy-hash", backend="hf", checkpoint="none", dim=8, max_length=None)
    return DenseRetriever(spec, HashEncoder(), cache_dir=str(cache_dir), shard_docs=SHARD, progress=False)


@pytest.fixture()
def corpus_file(tmp_path: Path) -> Path:
    words = ["river", "Fluss", "河流", "نهر", "mountain", "Berg", "山", "جبل", "city", "Stadt"]
    path = tmp_path / "corpus.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for i in range(DOCS):
            text = " ".join(words[(i * k) % len(words)] for k in range(1, 8)) + f" document {i}"
            fh.write(json.dumps({"docid": f"doc-{i}", "text": text}, ensure_ascii=False) + "\n")
    return path


def test_scan_matches_the_in_memory_fingerprint(corpus_file):
    scan = scan_corpus(corpus_file, "de")
    corpus = read_corpus(corpus_file, "de")
    assert scan.documents == DOCS == len(corpus)
    assert scan.fingerprint == corpus.fingerprint()
    assert scan.fingerprint != scan_corpus(corpus_file, "en").fingerprint  # language is in the key


def test_shards_stream_in_order_and_select(corpus_file):
    corpus = read_corpus(corpus_file, "de")
    shards = list(iter_shards(corpus_file, "de", SHARD))
    assert [len(s) for s in shards] == [5, 5, 5, 5, 3]
    assert [s.start for s in shards] == [0, 5, 10, 15, 20]
    assert sum((s.ids for s in shards), ()) == corpus.ids
    assert list(iter_shards(corpus_file, "de", SHARD, only=[1, 4])) == [shards[1], shards[4]]
    assert list(corpus_shards(corpus.ids, corpus.texts, corpus.langs, SHARD, only=[4, 1])) == [shards[1], shards[4]]


@pytest.mark.parametrize(
    "line, message",
    [('{"docid": "a", "text": 3}', "field 'text' must be str"), ('{"text": "x"}', "field 'docid'"),
     ('{"docid": "doc-0", "text": "again"}', "duplicate docid 'doc-0'")],
)
def test_bad_rows_are_named_with_their_line(tmp_path, line, message):
    path = tmp_path / "c.jsonl"
    path.write_text('{"docid": "doc-0", "text": "first"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=f"c.jsonl:2: .*{message}"):
        list(iter_shards(path, "en", 10))


def test_shard_rejects_ragged_fields():
    from robustir.errors import RobustirError

    with pytest.raises(RobustirError, match="differ in length"):
        Shard(0, 0, ("a", "b"), ("x",), ("en", "en"))


def test_streamed_index_shares_the_cache_and_search_of_the_in_memory_path(corpus_file, tmp_path):
    queries = QuerySet(("q1", "q2"), ("Berg river", "山 河流"), ("de", "de"))
    r = toy_retriever(tmp_path / "cache")
    index, report = index_jsonl(r, corpus_file, "de", engine=get_engine("local"))
    assert (report.encoded, r.stats["corpus_texts_encoded"]) == (5, DOCS)
    assert all(isinstance(s, np.memmap) or isinstance(getattr(s, "base", None), np.memmap) for s in index.encoding.shards)
    run = index.search(queries, k=7)
    # The in-memory path finds every shard in the cache and ranks identically.
    r2 = toy_retriever(tmp_path / "cache")
    r2.index(read_corpus(corpus_file, "de"))
    assert r2.stats["corpus_texts_encoded"] == 0
    assert r2.search(queries, k=7).to_dict() == run.to_dict()


def test_streamed_index_resumes_after_a_failure(corpus_file, tmp_path):
    r = toy_retriever(tmp_path / "cache")
    trigger = read_corpus(corpus_file, "de").texts[2 * SHARD]
    faulty = FaultyFactory(DriverEncoder(r), str(tmp_path / "faults"), trigger)
    arm(faulty.folder, "raise")
    with pytest.raises(EngineError, match="shard 2: InjectedFault.*run again"):
        index_jsonl(r, corpus_file, "de", engine=get_engine("local"), factory=faulty, retries=0)
    assert r.stats["corpus_texts_encoded"] == 2 * SHARD
    r2 = toy_retriever(tmp_path / "cache")
    index, report = index_jsonl(r2, corpus_file, "de", engine=get_engine("local"))
    assert report.details["shards_missing_before"] == 3
    assert r2.stats["corpus_texts_encoded"] == DOCS - 2 * SHARD
    ref = toy_retriever(tmp_path / "fresh")
    ref.index(read_corpus(corpus_file, "de"))
    np.testing.assert_array_equal(np.concatenate([np.asarray(s) for s in index.encoding.shards]), ref.corpus_matrix)


def test_local_engine_retries_a_transient_failure(corpus_file, tmp_path):
    r = toy_retriever(tmp_path / "cache")
    corpus = read_corpus(corpus_file, "de")
    faulty = FaultyFactory(DriverEncoder(r), str(tmp_path / "faults"), corpus.texts[0])
    arm(faulty.folder, "raise")
    engine = get_engine("local")
    report = index_with_engine(r, corpus, engine=engine, factory=faulty, retries=1)
    assert (report.retried, report.encoded, report.failed) == (1, 5, ())
    assert r.stats["corpus_texts_encoded"] == DOCS


def test_engine_options_are_checked_before_anything_starts():
    from robustir.errors import RobustirError
    from robustir.models.engines.ray_engine import RayEngine

    with pytest.raises(RobustirError, match="num_workers must be >= 1, got 0"):
        RayEngine(num_workers=0)
    with pytest.raises(RobustirError, match="cpus_per_worker must be > 0"):
        RayEngine(cpus_per_worker=0)
    with pytest.raises(RobustirError, match="local engine takes no options"):
        get_engine("local", address="auto")
    with pytest.raises(DataError, match="shard_size must be >= 1"):
        list(iter_shards("unused.jsonl", "en", 0))


def test_engines_import_light():
    """The engine modules load neither ray nor torch (nor transformers) until an engine is used."""
    import subprocess
    import sys

    code = (
        "import sys, robustir.models.engines, robustir.models.engines.ray_engine, "
        "robustir.models.engines.stream, robustir.cli.encode; "
        "print(sorted(m for m in ('ray', 'torch', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
