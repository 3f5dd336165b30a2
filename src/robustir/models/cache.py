"""The corpus-encoding cache: encode a corpus once, reuse it for every query set.

Layout, under ``cache_root()/encodings/<model>-<hash>/``::

    manifest.json        the key (model, revision, settings, corpus fingerprint), the
                         shards done so far, each with its size and sha256
    shard-00000.npy      rows for documents [0, shard_docs), float32 or float16
    shard-00000.counts.npy   rows per document (only with passage chunking)

Each shard is written to a temporary file and renamed into place, then the manifest is
rewritten atomically, so an interrupted encode resumes at the first missing shard. Every
shard is checked against its size and sha256 before use; a damaged one is re-encoded,
never read. Reads are memory-mapped.

The shard size is a storage detail, not part of the key: the size asked for only lays out a
new encoding; an existing one (complete or interrupted) keeps the layout its manifest records,
so `robustir encode --shard-docs 200` is reused as is by a later run asking for 8,192 (nothing
re-encoded, no manifest rewritten, no orphan shards).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from robustir._io import atomic_write_text, cache_root, dump_json, sha256_file
from robustir.errors import RobustirError

__all__ = ["CachedEncoding", "EncodingCache", "cache_key"]

FORMAT = "robustir.encodings/1"

# encode(start, end) -> (rows, counts or None) for documents [start, end)
EncodeRange = Callable[[int, int], "tuple[np.ndarray, np.ndarray | None]"]


def cache_key(key: dict[str, Any]) -> str:
    """A folder name: readable model name plus a hash of the whole key."""
    import hashlib
    import re

    digest = hashlib.sha256(json.dumps(key, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:20]
    readable = re.sub(r"[^A-Za-z0-9_.\-]+", "_", str(key.get("model", {}).get("name", "model")))[:60]
    return f"{readable}-{digest}"


@dataclass
class CachedEncoding:
    """A corpus encoding: row shards (maybe memory-mapped) and optional rows-per-doc counts."""

    shards: list[np.ndarray]
    counts: list[np.ndarray | None]
    n_docs: int
    encoded_docs: int  # documents encoded by this call (0 when fully reused)
    reencoded_shards: int = 0
    folder: Path | None = None

    def matrix(self) -> np.ndarray:
        """All rows as one float32 array (materialised: use for small corpora)."""
        if not self.shards:
            return np.zeros((0, 0), dtype=np.float32)
        return np.concatenate([np.asarray(s, dtype=np.float32) for s in self.shards])


def _save_npy(path: Path, array: np.ndarray) -> None:
    """np.save to a temporary file beside `path`, fsync, rename into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, array, allow_pickle=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class EncodingCache:
    """Shards of one corpus encoding under one key.

    Example:
        >>> import tempfile
        >>> c = EncodingCache({"model": {"name": "toy"}, "corpus": "abc"}, root=Path(tempfile.mkdtemp()))
        >>> enc = c.load_or_encode(3, lambda s, e: (np.ones((e - s, 2), np.float32), None), dim=2)
        >>> enc.encoded_docs, c.load_or_encode(3, None, dim=2).encoded_docs
        (3, 0)
    """

    def __init__(
        self,
        key: dict[str, Any],
        *,
        root: Path | None = None,
        dtype: str = "float32",
        shard_docs: int = 8192,
    ) -> None:
        if dtype not in ("float32", "float16"):
            raise RobustirError(f"cache dtype must be 'float32' or 'float16', got {dtype!r}")
        if shard_docs < 1:
            raise RobustirError(f"shard_docs must be positive, got {shard_docs!r}")
        self.key = {**key, "dtype": dtype}
        self.dtype = dtype
        self.requested_shard_docs = shard_docs  # the layout of a NEW encoding
        self.shard_docs = shard_docs  # the layout in use: an existing manifest's (see adopt_layout)
        self.folder = (root or cache_root() / "encodings") / cache_key(self.key)

    # --- manifest ---------------------------------------------------------------------
    def _stored_manifest(self, n_docs: int) -> dict[str, Any] | None:
        """The manifest on disk when it is this key's (any shard size), else None."""
        try:
            data = json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        size = data.get("shard_docs") if isinstance(data, dict) else None
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or data.get("key") != json.loads(json.dumps(self.key))
            or data.get("n_docs") != n_docs
            or not isinstance(size, int)
            or isinstance(size, bool)
            or size < 1
            or not isinstance(data.get("shards"), dict)
        ):
            return None
        return data

    def adopt_layout(self, n_docs: int) -> int:
        """Use the shard size an existing encoding of this key was written with; returns it.

        Without one (or with an unreadable one) the requested size lays out a new encoding.
        """
        stored = self._stored_manifest(n_docs)
        self.shard_docs = stored["shard_docs"] if stored is not None else self.requested_shard_docs
        return self.shard_docs

    def n_shards(self, n_docs: int) -> int:
        """Shards of the layout in use (call `adopt_layout` first)."""
        return (n_docs + self.shard_docs - 1) // self.shard_docs

    def _read_manifest(self, n_docs: int) -> dict[str, Any]:
        """The stored manifest (its layout adopted), or a fresh one in the requested layout."""
        stored = self._stored_manifest(n_docs)
        if stored is not None:
            self.shard_docs = stored["shard_docs"]
            return stored
        self.shard_docs = self.requested_shard_docs
        return {"format": FORMAT, "key": self.key, "n_docs": n_docs, "shard_docs": self.shard_docs, "shards": {}}

    def _write_manifest(self, manifest: dict[str, Any]) -> None:
        atomic_write_text(self.folder / "manifest.json", dump_json(manifest))

    def _verify(self, entry: Any, dim: int | None) -> tuple[np.ndarray, np.ndarray | None] | None:
        """Memory-map a shard after checking size and sha256; None when it is damaged."""
        try:
            files = [(entry["file"], entry["sha256"], entry["bytes"])]
            if entry.get("counts_file"):
                files.append((entry["counts_file"], entry["counts_sha256"], entry["counts_bytes"]))
            for name, digest, size in files:
                path = self.folder / name
                if path.stat().st_size != size or sha256_file(path) != digest:
                    return None
            rows = np.load(self.folder / entry["file"], mmap_mode="r", allow_pickle=False)
            counts = None
            if entry.get("counts_file"):
                counts = np.load(self.folder / entry["counts_file"], allow_pickle=False)
        except (OSError, KeyError, TypeError, ValueError):
            return None
        if rows.ndim != 2 or rows.shape[0] != entry.get("rows") or (dim is not None and rows.shape[1] != dim):
            return None
        return rows, counts

    # --- main entry -------------------------------------------------------------------
    def load_or_encode(self, n_docs: int, encode: EncodeRange | None, *, dim: int | None = None) -> CachedEncoding:
        """Return every shard, encoding (with `encode`) only those missing or damaged."""
        self.folder.mkdir(parents=True, exist_ok=True)
        manifest = self._read_manifest(n_docs)
        shards: list[np.ndarray] = []
        counts: list[np.ndarray | None] = []
        encoded = 0
        reencoded = 0
        for j, start in enumerate(range(0, n_docs, self.shard_docs)):
            end = min(n_docs, start + self.shard_docs)
            name = f"shard-{j:05d}"
            entry = manifest["shards"].get(name)
            if isinstance(entry, dict) and (entry.get("start"), entry.get("end")) != (start, end):
                entry = {}  # not the rows this shard should hold: damaged, re-encoded
            got = self._verify(entry, dim) if entry is not None else None
            if got is None:
                if entry is not None:
                    reencoded += 1
                    print(f"robustir: cache shard {self.folder / name}.npy is damaged; re-encoding it", file=sys.stderr)
                if encode is None:
                    raise RobustirError(f"corpus encoding {self.folder} is incomplete and no encoder was given")
                rows, cnt = encode(start, end)
                rows = np.ascontiguousarray(rows, dtype=self.dtype)
                if cnt is not None and (len(cnt) != end - start or int(np.sum(cnt)) != rows.shape[0]):
                    raise RobustirError("internal error: chunk counts do not match the encoded rows")
                entry = {"file": f"{name}.npy", "start": start, "end": end, "rows": int(rows.shape[0])}
                _save_npy(self.folder / entry["file"], rows)
                entry["sha256"] = sha256_file(self.folder / entry["file"])
                entry["bytes"] = (self.folder / entry["file"]).stat().st_size
                if cnt is not None:
                    cnt = np.asarray(cnt, dtype=np.int32)
                    entry["counts_file"] = f"{name}.counts.npy"
                    _save_npy(self.folder / entry["counts_file"], cnt)
                    entry["counts_sha256"] = sha256_file(self.folder / entry["counts_file"])
                    entry["counts_bytes"] = (self.folder / entry["counts_file"]).stat().st_size
                manifest["shards"][name] = entry
                self._write_manifest(manifest)
                encoded += end - start
                got = self._verify(entry, dim)
                if got is None:  # pragma: no cover - disk trouble right after writing
                    raise RobustirError(f"cannot read back the shard just written: {self.folder / entry['file']}")
            shards.append(got[0])
            counts.append(got[1])
        return CachedEncoding(shards, counts, n_docs, encoded, reencoded, self.folder)
