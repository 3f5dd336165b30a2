"""File helpers: atomic writes, strict JSONL reading, the cache root.

Every write goes to a temporary file in the destination folder and is renamed into place,
so an interrupted run leaves the old file or the new one, never half of one.
"""
from __future__ import annotations

import contextlib
import gzip
import hashlib

import json
import os
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from robustir.errors import DataError

__all__ = [
    "OFFLINE_VARS",
    "looks_like_path",
    "offline",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_writer",
    "cache_root",
    "dump_json",
    "iter_jsonl",
    "read_json",
    "read_text",
    "stable_hash",
    "write_jsonl",
]


OFFLINE_VARS = ("ROBUSTIR_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")


def offline() -> bool:
    """True when the user asked for no downloads: any of ROBUSTIR_OFFLINE, HF_HUB_OFFLINE or
    TRANSFORMERS_OFFLINE set to 1/true/yes/on (the one offline switch of every loader)."""
    return any(os.environ.get(v, "").strip().lower() in ("1", "true", "yes", "on") for v in OFFLINE_VARS)


def looks_like_path(name: str) -> bool:
    """True when a model / dataset argument names a local path rather than a registered name
    or hub id: it starts with '.', '/' or '~', or it exists on disk."""
    return name.startswith((".", "/", "~")) or Path(name).expanduser().exists()


def cache_root() -> Path:
    """The one cache folder: $ROBUSTIR_HOME, else the platform's user cache dir."""
    env = os.environ.get("ROBUSTIR_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("robustir"))


def stable_hash(value: str | bytes) -> int:
    """A 64-bit hash that does not depend on PYTHONHASHSEED (unlike `hash()`)."""
    data = value.encode("utf-8") if isinstance(value, str) else value
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big")


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside `path`; rename it onto `path` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if "b" in mode:
            fh: IO[Any] = os.fdopen(fd, mode)
        else:
            fh = os.fdopen(fd, mode, encoding="utf-8", newline="\n")
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_writer(path, "wb") as fh:
        fh.write(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_writer(path, "w") as fh:
        fh.write(text)


def dump_json(obj: Any) -> str:
    """Canonical JSON text: sorted keys, UTF-8 kept, trailing newline (byte-stable)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def write_jsonl(path: str | Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write rows as JSON lines atomically; returns the row count."""
    n = 0
    with atomic_writer(path, "w") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def _open_binary(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return open(path, "rb")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Decoded lines with 1-based numbers; bad encodings and truncated gzip become DataError."""
    try:
        with _open_binary(path) as raw:
            for lineno, line in enumerate(raw, start=1):
                try:
                    yield lineno, line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise DataError(
                        f"{path}:{lineno}: not valid UTF-8 (byte {exc.start}); convert the file to UTF-8"
                    ) from None
    except FileNotFoundError:
        raise DataError(f"file not found: {path}") from None
    except EOFError:
        raise DataError(f"{path}: gzip stream is truncated (download again)") from None
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"{path}: cannot read ({exc})") from None


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) from a JSONL file (plain or .gz); blank lines are skipped."""
    path = Path(path)
    for lineno, line in _lines(path):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}:{lineno}: malformed JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise DataError(f"{path}:{lineno}: expected a JSON object, got {type(obj).__name__}")
        yield lineno, obj


def read_text(path: str | Path) -> str:
    """Read a whole UTF-8 text file (plain or .gz) with clear errors."""
    path = Path(path)
    return "".join(line for _, line in _lines(path))


def read_json(path: str | Path) -> Any:
    path = Path(path)
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}: malformed JSON ({exc.msg})") from None


def sha256_file(path: str | Path, *, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


