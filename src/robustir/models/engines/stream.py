"""Streaming corpus reading: shards from a (gzipped) JSONL corpus without holding all texts.

The dataset layer reads a whole corpus into a `Corpus` (fine up to a few hundred thousand
short documents). Full MLDR is 493,709 long documents (several GB of text), so the scale path
reads the release file twice, one line at a time: a first pass computes the same fingerprint
as `Corpus.fingerprint()` (hence the same cache key as the in-memory path, so either path
resumes the other's cache) and counts documents; a second pass yields only the shards the
cache still lacks. Memory: one shard of texts plus the set of document ids.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from robustir._io import iter_jsonl
from robustir.errors import DataError
from robustir.models.engines import Shard

__all__ = ["CorpusScan", "corpus_shards", "iter_shards", "scan_corpus"]


@dataclass(frozen=True)
class CorpusScan:
    """What one streaming pass learnt: size and the `Corpus.fingerprint()`-equal hash."""

    path: Path
    lang: str
    documents: int
    fingerprint: str
    chars: int


def _rows(path: Path) -> Iterator[tuple[str, str]]:
    """(docid, text) per line, with the same checks as the MLDR loader."""
    seen: set[str] = set()
    for lineno, obj in iter_jsonl(path):
        docid = obj.get("docid")
        text = obj.get("text")
        if not isinstance(docid, (str, int)) or isinstance(docid, bool) or str(docid) == "":
            raise DataError(f"{path}:{lineno}: field 'docid' must be a non-empty string or integer, got {docid!r}")
        if not isinstance(text, str):
            raise DataError(f"{path}:{lineno}: field 'text' must be str, got {type(text).__name__}")
        docid = str(docid)
        if docid in seen:
            raise DataError(f"{path}:{lineno}: duplicate docid {docid!r}")
        seen.add(docid)
        yield docid, text


def scan_corpus(path: str | Path, lang: str) -> CorpusScan:
    """One streaming pass: document count and the fingerprint `Corpus.fingerprint()` would give."""
    path = Path(path)
    h = hashlib.sha256()
    n = chars = 0
    lang_b = lang.encode("utf-8")
    for docid, text in _rows(path):
        for b in (docid.encode("utf-8"), lang_b, text.encode("utf-8")):
            h.update(len(b).to_bytes(8, "little"))
            h.update(b)
        n += 1
        chars += len(text)
    if n == 0:
        raise DataError(f"{path}: corpus is empty")
    return CorpusScan(path, lang, n, h.hexdigest(), chars)


def iter_shards(
    path: str | Path, lang: str, shard_size: int, *, only: Sequence[int] | None = None
) -> Iterator[Shard]:
    """Yield `Shard`s of `shard_size` documents in file order; `only` keeps those shard numbers.

    Skipped shards are read but never kept, so resuming a 490k-document corpus with two
    shards missing holds two shards of text in memory, not the corpus.
    """
    if shard_size < 1:
        raise DataError(f"shard_size must be >= 1, got {shard_size}")
    wanted = None if only is None else set(only)
    ids: list[str] = []
    texts: list[str] = []
    index = row = 0
    for docid, text in _rows(Path(path)):
        keep = wanted is None or index in wanted
        if keep:
            ids.append(docid)
            texts.append(text)
        row += 1
        if row % shard_size == 0:
            if keep:
                yield Shard(index, index * shard_size, tuple(ids), tuple(texts), (lang,) * len(ids))
            ids, texts = [], []
            index += 1
            if wanted is not None and wanted and index > max(wanted):
                return
    if ids:
        yield Shard(index, index * shard_size, tuple(ids), tuple(texts), (lang,) * len(ids))


def corpus_shards(ids: Sequence[str], texts: Sequence[str], langs: Sequence[str], shard_size: int,
                  *, only: Sequence[int] | None = None) -> Iterator[Shard]:
    """The same shards from an in-memory corpus (ids/texts/langs in parallel)."""
    if shard_size < 1:
        raise DataError(f"shard_size must be >= 1, got {shard_size}")
    n = len(ids)
    count = (n + shard_size - 1) // shard_size
    for i in sorted(set(only)) if only is not None else range(count):
        a, b = i * shard_size, min(n, (i + 1) * shard_size)
        yield Shard(i, a, tuple(ids[a:b]), tuple(texts[a:b]), tuple(langs[a:b]))
