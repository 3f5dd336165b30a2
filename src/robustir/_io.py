"""File helpers: atomic writes, strict JSONL reading, the cache root.

Every write goes to a temporary file in the destination folder and is renamed into place,
so an interrupted run leaves the old file or the new one, never half of one.
"""
from __future__ import annotations

import contextlib
import glob
import gzip
import hashlib
import json
import os
import re
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from robustir.errors import DataError, FileSystemError, os_error

__all__ = [
    "OFFLINE_VARS",
    "looks_like_path",
    "offline",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_writer",
    "check_id",
    "check_target",
    "check_text",
    "dir_mode",
    "file_mode",
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


_UMASK: list[int] = []


def _umask() -> int:
    if not _UMASK:
        mask = os.umask(0o022)
        os.umask(mask)
        _UMASK.append(mask)
    return _UMASK[0]


def file_mode() -> int:
    """0o666 less the process umask: what open() would give a new file (mkstemp gives 0o600)."""
    return 0o666 & ~_umask()


def dir_mode() -> int:
    """0o777 less the process umask: what mkdir would give (mkdtemp gives 0o700)."""
    return 0o777 & ~_umask()


def check_target(path: str | Path) -> Path:
    """The file a write to `path` replaces: `path` itself, or, for a symbolic link, the file it
    points to (a link is written through deliberately, never replaced by a file). Anything that
    exists and is not a regular file (a FIFO, a device such as /dev/null, a folder, a socket)
    is refused with one line: an atomic rename would replace it."""
    import stat

    path = Path(path)
    target = path.resolve() if path.is_symlink() else path
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise os_error(exc, path) from None
    if stat.S_ISREG(st.st_mode):
        return target
    kind = ("a folder" if stat.S_ISDIR(st.st_mode) else "a FIFO" if stat.S_ISFIFO(st.st_mode)
            else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file")
    raise FileSystemError(f"refusing to write {path}: it exists and is {kind}; give a path to a regular file")


STALE_TEMP_S = 3600.0


def _clean_stale_temps(target: Path) -> None:
    """Remove this file's temporaries (`.<name>.*.tmp`) that a killed run left over an hour ago."""
    import time

    now = time.time()
    for p in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - p.stat().st_mtime > STALE_TEMP_S:
                p.unlink()


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside `path`; rename it onto `path` only on success. The new file
    gets the mode a plain open() would (umask honoured); file-system errors become one line."""
    target = check_target(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _clean_stale_temps(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise os_error(exc, path) from None
    try:
        if "b" in mode:
            fh: IO[Any] = os.fdopen(fd, mode)
        else:
            fh = os.fdopen(fd, mode, encoding="utf-8", newline="\n")
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, FileSystemError):
            raise os_error(exc, path) from None
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
        except RecursionError:
            raise DataError(f"{path}:{lineno}: JSON nested too deeply to be a record") from None
        if not isinstance(obj, dict):
            raise DataError(f"{path}:{lineno}: expected a JSON object, got {type(obj).__name__}")
        yield lineno, obj


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_text(value: object, where: str, field: str) -> str:
    """`value` if it is a string that UTF-8 can encode; else a one-line DataError naming
    `where` (file:line) and the field. A lone surrogate ("\\ud800" in JSON) decodes into a
    Python string but can never be written back out, so it is refused at load."""
    if not isinstance(value, str):
        raise DataError(f"{where}: field {field!r} must be a string, got {type(value).__name__}")
    m = _SURROGATE.search(value)
    if m:
        raise DataError(f"{where}: field {field!r} holds a lone surrogate (U+{ord(m.group()):04X}), not valid Unicode text")
    return value


def check_id(value: object, where: str, field: str) -> str:
    """An id given as a string or an integer (not a bool, a float or null), as a string."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise DataError(f"{where}: field {field!r} must be a string or an integer id, got {type(value).__name__} {value!r:.40}")
    return check_text(str(value), where, field)


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
    except RecursionError:
        raise DataError(f"{path}: JSON nested too deeply") from None


def sha256_file(path: str | Path, *, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


