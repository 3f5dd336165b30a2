"""Promise: a damaged BM25 index in the cache is detected by its checksums and rebuilt, never
used (a truncated Lucene file used to give a 77-line Java traceback on every later run)."""
from __future__ import annotations

from pathlib import Path

from robustir.datasets import load_dataset
from robustir.models import load_retriever


def _index(tmp_path: Path):
    ds = load_dataset("mldr-sample", lang="de")
    r = load_retriever("bm25", cache_dir=str(tmp_path / "bm25"))
    r.index(ds.corpus)
    return ds, r


def _biggest_file(tmp_path: Path) -> Path:
    files = [p for p in (tmp_path / "bm25").glob("*/index/*") if p.is_file() and p.name != "write.lock"]
    return max(files, key=lambda p: p.stat().st_size)


def _search(ds, r):
    return r.search(ds.queries, k=10)


def test_promise_a_truncated_or_flipped_index_file_is_rebuilt(tmp_path: Path) -> None:
    ds, r = _index(tmp_path)
    before = _search(ds, r)
    assert r.stats["corpus_texts_indexed"] == len(ds.corpus)
    for damage in ("truncate", "flip"):
        victim = _biggest_file(tmp_path)
        data = victim.read_bytes()
        victim.write_bytes(data[: len(data) // 2] if damage == "truncate" else data[:-9] + bytes([data[-9] ^ 0xFF]) + data[-8:])
        fresh = load_retriever("bm25", cache_dir=str(tmp_path / "bm25"))
        fresh.index(ds.corpus)
        assert fresh.stats["corpus_texts_indexed"] == len(ds.corpus), damage  # rebuilt, not reused
        assert _search(ds, fresh) == before


def test_an_intact_index_is_reused(tmp_path: Path) -> None:
    ds, _ = _index(tmp_path)
    again = load_retriever("bm25", cache_dir=str(tmp_path / "bm25"))
    again.index(ds.corpus)
    assert again.stats["corpus_texts_indexed"] == 0
