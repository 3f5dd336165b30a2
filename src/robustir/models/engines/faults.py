"""Fault injection for resume drills: a worker that dies (or raises) once on a chosen text.

Armed through files so it works across processes: ``arm(folder, "exit")`` makes the next
worker that sees the trigger text in its shard claim the file and die with ``os._exit``
(the same as an out-of-memory kill: no cleanup, no exception) after a short pause, as a real
kill comes in the middle of encoding rather than the instant a shard arrives; ``"raise"`` makes
it raise instead. Only one worker can claim an arming file (unlink is atomic), so it fires once.
Used by the tests and by `perf/scale_engine.py`; it changes nothing when unarmed.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from robustir.errors import RobustirError

__all__ = ["FaultyFactory", "InjectedFault", "arm"]

MODES = ("exit", "raise")
EXIT_PAUSE_S = 0.5


class InjectedFault(RuntimeError):
    """The failure `FaultyFactory` raises in "raise" mode (a transient, retryable error)."""


def arm(folder: str | Path, mode: str, count: int = 1) -> None:
    """Make the next `count` trigger hits fail with `mode` ("exit" or "raise")."""
    if mode not in MODES:
        raise RobustirError(f"fault mode must be one of {', '.join(MODES)}, got {mode!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"{mode}-{i}").write_text("armed\n", encoding="utf-8")


def _claim(folder: Path) -> str | None:
    for path in sorted(folder.glob("*-*")):
        try:
            path.unlink()
        except FileNotFoundError:
            continue  # another worker claimed it first
        return path.name.split("-", 1)[0]
    return None


@dataclass(frozen=True)
class FaultyFactory:
    """Wraps an encoder factory; a shard holding `trigger` fails once per arming file."""

    inner: Callable[[], Callable[[Sequence[str], Sequence[str]], Any]]
    folder: str
    trigger: str

    def __call__(self) -> Callable[[Sequence[str], Sequence[str]], Any]:
        encode = self.inner()
        folder, trigger = Path(self.folder), self.trigger

        def faulty(texts: Sequence[str], langs: Sequence[str]) -> Any:
            if trigger in texts:
                mode = _claim(folder)
                if mode == "exit":
                    # The pause lets the worker's reply for its previous shard leave the process;
                    # Ray sends replies asynchronously, and dying at once can lose that one too.
                    time.sleep(EXIT_PAUSE_S)
                    os._exit(17)
                if mode == "raise":
                    raise InjectedFault(f"injected failure on a shard holding {trigger[:30]!r}")
            return encode(texts, langs)

        return faulty
