"""Errors users can act on. The CLI prints them as one line and exits non-zero."""
from __future__ import annotations

import difflib
from collections.abc import Iterable


class RobustirError(Exception):
    """An expected error caused by input, configuration or environment (no traceback shown)."""


class DataError(RobustirError):
    """A data file is missing, malformed or inconsistent."""


class UnknownNameError(RobustirError, KeyError):
    """A name (dataset, attack, model, language, split, metric) that is not registered."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ResourceMissingError(RobustirError):
    """A resource (lexicon, model weights, dataset) is not available offline."""


class FileSystemError(RobustirError):
    """A path cannot be written or read: not a regular file, a missing or read-only folder, a
    parent that is a file. The message names the path."""


def os_error(exc: OSError, path: object, action: str = "write") -> FileSystemError:
    """One clear line for an OSError on `path` (no traceback)."""
    why = exc.strerror or type(exc).__name__
    return FileSystemError(f"cannot {action} {path}: {why}")


def did_you_mean(name: str, known: Iterable[str], *, n: int = 3) -> str:
    """"; did you mean 'a' or 'b'?" for the close matches of `name` among `known` (or "")."""
    close = difflib.get_close_matches(name, list(known), n=n, cutoff=0.5)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def unknown_name(kind: str, name: str, known: Iterable[str]) -> UnknownNameError:
    """Build an error for an unknown `name` of `kind`, suggesting close matches."""
    known = sorted(known)
    hint = did_you_mean(name, known)
    listing = ", ".join(known) if len(known) <= 20 else ", ".join(known[:20]) + ", ..."
    return UnknownNameError(f"unknown {kind} {name!r}{hint} (known: {listing})")
