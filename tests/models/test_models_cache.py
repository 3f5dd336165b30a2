"""The corpus cache: reuse, damaged shards, resume after interruption (fake encoder)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from robustir.errors import RobustirError
from robustir.models.base import DenseRetriever
from robustir.models.chunking import regex_spans
from robustir.models.spec import ModelSpec
from robustir.types import Corpus, QuerySet

SPEC = ModelSpec("fake", backend="hf", checkpoint="fake", max_length=None, max_query_length=None)


class FakeEncoder:
    """Bag-of-words hashing into 1024 dims: deterministic, and lexical overlap ranks well."""

    native_truncation = False
    device = "cpu"
    dim = 1024

    def __init__(self, fail_after: int | None = None) -> None:
        self.calls = 0
        self.texts = 0
        self.fail_after = fail_after

    def encode(self, texts: list[str], *, is_query: bool, max_length: int | None) -> np.ndarray:
        if self.fail_after is not None and self.texts >= self.fail_after:
            raise KeyboardInterrupt("simulated interruption")
        self.calls += 1
        self.texts += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for r, t in enumerate(texts):
            for w in t.lower().split():
                out[r, int(hashlib.sha256(w.encode()).hexdigest(), 16) % self.dim] += 1.0
        return out

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        return regex_spans(text)


def _corpus(n: int = 50) -> Corpus:
    return Corpus(tuple(f"d{i}" for i in range(n)), tuple(f"doc {i} word{i} topic{i % 7}" for i in range(n)), ("en",) * n)


def _queries(ids: range) -> QuerySet:
    return QuerySet(tuple(f"q{i}" for i in ids), tuple(f"word{i}" for i in ids), ("en",) * len(ids))


def _retriever(tmp_path: Path, enc: FakeEncoder | None = None, **kw) -> DenseRetriever:
    return DenseRetriever(SPEC, enc or FakeEncoder(), cache_dir=str(tmp_path), shard_docs=16, batch_size=8, **kw)


def test_second_retriever_reuses_the_cache_and_finds_the_right_documents(tmp_path: Path) -> None:
    corpus = _corpus()
    r1 = _retriever(tmp_path)
    r1.index(corpus)
    run1 = r1.search(_queries(range(10)), k=5)
    assert r1.stats["corpus_texts_encoded"] == 50
    assert all(run1.ranked(f"q{i}")[0][0] == f"d{i}" for i in range(10))

    enc2 = FakeEncoder()
    r2 = _retriever(tmp_path, enc2)
    r2.index(corpus)
    run2 = r2.search(_queries(range(10, 20)), k=5)  # another (attacked) query set
    assert r2.stats["corpus_texts_encoded"] == 0
    assert enc2.texts == 10  # only the queries went through the encoder
    assert r2.stats["query_texts_encoded"] == 10
    assert all(run2.ranked(f"q{i}")[0][0] == f"d{i}" for i in range(10, 20))
    assert np.allclose(r1.corpus_matrix, r2.corpus_matrix)


def test_truncated_shard_is_detected_and_reencoded(tmp_path: Path) -> None:
    corpus = _corpus()
    r1 = _retriever(tmp_path)
    r1.index(corpus)
    before = r1.corpus_matrix.copy()  # read before the file under r1's memory map is cut
    del r1
    folder = next(tmp_path.iterdir())
    shard = folder / "shard-00001.npy"
    data = shard.read_bytes()
    shard.write_bytes(data[: len(data) // 2])
    r2 = _retriever(tmp_path)
    r2.index(corpus)
    assert r2.stats["cache_shards_reencoded"] == 1
    assert r2.stats["corpus_texts_encoded"] == 16  # that shard only
    assert np.array_equal(before, r2.corpus_matrix)
    assert shard.read_bytes() == data


def test_same_size_corruption_is_caught_by_the_checksum(tmp_path: Path) -> None:
    corpus = _corpus()
    _retriever(tmp_path).index(corpus)
    shard = next(tmp_path.iterdir()) / "shard-00000.npy"
    raw = bytearray(shard.read_bytes())
    raw[-1] ^= 0xFF
    shard.write_bytes(bytes(raw))
    r = _retriever(tmp_path)
    r.index(corpus)
    assert r.stats["cache_shards_reencoded"] == 1


def test_interrupted_encode_resumes_at_the_first_missing_shard(tmp_path: Path) -> None:
    corpus = _corpus()
    with pytest.raises(KeyboardInterrupt):
        _retriever(tmp_path, FakeEncoder(fail_after=40)).index(corpus)  # dies inside the 3rd shard
    manifest = json.loads((next(tmp_path.iterdir()) / "manifest.json").read_text())
    assert sorted(manifest["shards"]) == ["shard-00000", "shard-00001"]
    assert not list(next(tmp_path.iterdir()).glob(".*tmp"))  # no half-written files left
    r = _retriever(tmp_path)
    r.index(corpus)
    assert r.stats["corpus_texts_encoded"] == 50 - 32
    fresh = DenseRetriever(SPEC, FakeEncoder(), cache=False)
    fresh.index(corpus)
    assert np.allclose(r.corpus_matrix, fresh.corpus_matrix)


def test_changed_corpus_or_settings_use_another_cache_entry(tmp_path: Path) -> None:
    corpus = _corpus()
    _retriever(tmp_path).index(corpus)
    other = Corpus(corpus.ids, corpus.texts[:-1] + ("changed text",), corpus.langs)
    r = _retriever(tmp_path)
    r.index(other)
    assert r.stats["corpus_texts_encoded"] == 50
    r16 = _retriever(tmp_path, cache_dtype="float16")
    r16.index(corpus)
    assert r16.stats["corpus_texts_encoded"] == 50
    assert np.load(next(p for p in r16._encoding.folder.glob("shard-00000.npy"))).dtype == np.float16
    assert len(list(tmp_path.iterdir())) == 3


def test_maxp_chunking_scores_a_document_by_its_best_chunk(tmp_path: Path) -> None:
    long_doc = " ".join(f"filler{i}" for i in range(40)) + " needle"
    corpus = Corpus(("long", "short"), (long_doc, "needle haystack haystack haystack"), ("en", "en"))
    q = QuerySet(("q",), ("needle",), ("en",))
    trunc = DenseRetriever(SPEC.with_options(max_length=8), FakeEncoder(), cache_dir=str(tmp_path))
    trunc.index(corpus)
    assert trunc.search(q, k=2).ranked("q")[0][0] == "short"  # "needle" was cut off the long doc
    maxp = DenseRetriever(SPEC, FakeEncoder(), chunking="maxp", chunk_length=8, chunk_overlap=2, cache_dir=str(tmp_path))
    maxp.index(corpus)
    ranked = maxp.search(q, k=2).ranked("q")
    assert ranked[0][0] == "long"  # its last chunk is nearly only "needle"
    assert maxp.stats["corpus_chunks_encoded"] == 7 + 1
    assert maxp.corpus_matrix.shape == (8, 1024)
    again = DenseRetriever(SPEC, FakeEncoder(), chunking="maxp", chunk_length=8, chunk_overlap=2, cache_dir=str(tmp_path))
    again.index(corpus)
    assert again.stats["corpus_texts_encoded"] == 0
    assert again.search(q, k=2).ranked("q") == ranked


def test_bad_options_and_search_before_index_raise(tmp_path: Path) -> None:
    with pytest.raises(RobustirError, match="chunking"):
        _retriever(tmp_path, chunking="sliding")
    with pytest.raises(RobustirError, match="chunk_overlap < chunk_length"):
        _retriever(tmp_path, chunking="maxp", chunk_length=8, chunk_overlap=8)
    with pytest.raises(RobustirError, match="index"):
        _retriever(tmp_path).search(_queries(range(2)))
    r = _retriever(tmp_path)
    r.index(_corpus(3))
    with pytest.raises(RobustirError, match="k must"):
        r.search(_queries(range(2)), k=0)
    with pytest.raises(RobustirError, match="languages"):
        r.encode_queries(["a", "b"], ["en"])


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file of a cache entry with its size and modification time (any rewrite shows)."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_an_encoding_with_another_shard_size_is_reused_untouched(tmp_path: Path) -> None:
    """Shard size is storage, not key: 16-doc shards serve a retriever asking for 7 or 8192."""
    corpus = _corpus()
    first = _retriever(tmp_path)
    first.index(corpus)
    folder = first._encoding.folder
    before = _snapshot(folder)
    assert sorted(before) == ["manifest.json"] + [f"shard-0000{j}.npy" for j in range(4)]  # 50 docs in 16s
    for size in (7, 8192):
        enc = FakeEncoder()
        r = DenseRetriever(SPEC, enc, cache_dir=str(tmp_path), shard_docs=size, batch_size=8)
        r.index(corpus)
        assert r.stats["corpus_texts_encoded"] == 0 and enc.texts == 0
        assert r._encoding.folder == folder and _snapshot(folder) == before
        assert np.array_equal(r.corpus_matrix, first.corpus_matrix)


def test_an_interrupted_encoding_resumes_in_its_own_shard_size(tmp_path: Path) -> None:
    corpus = _corpus()
    with pytest.raises(KeyboardInterrupt):
        _retriever(tmp_path, FakeEncoder(fail_after=40)).index(corpus)  # shards 0-1 of 16 written
    r = DenseRetriever(SPEC, FakeEncoder(), cache_dir=str(tmp_path), shard_docs=5, batch_size=8)
    r.index(corpus)
    assert r.stats["corpus_texts_encoded"] == 50 - 32  # the missing 16-doc shards only
    manifest = json.loads((r._encoding.folder / "manifest.json").read_text())
    assert manifest["shard_docs"] == 16 and sorted(manifest["shards"]) == [f"shard-0000{j}" for j in range(4)]
    assert sorted(p.name for p in r._encoding.folder.glob("*.npy")) == [f"shard-0000{j}.npy" for j in range(4)]


def test_a_manifest_entry_for_the_wrong_rows_is_reencoded(tmp_path: Path) -> None:
    corpus = _corpus()
    _retriever(tmp_path).index(corpus)
    path = next(tmp_path.iterdir()) / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["shards"]["shard-00001"]["start"] = 17  # a file that claims other documents
    path.write_text(json.dumps(manifest))
    r = _retriever(tmp_path)
    r.index(corpus)
    assert r.stats["cache_shards_reencoded"] == 1 and r.stats["corpus_texts_encoded"] == 16
    assert json.loads(path.read_text())["shards"]["shard-00001"]["start"] == 16
