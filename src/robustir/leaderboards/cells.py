"""The table types a board is made of (rendered to Markdown, CSV and HTML)."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Cell", "Table"]


@dataclass(frozen=True)
class Cell:
    value: float | int | str | None
    mark: bool = False  # significantly below the column's best entry (Holm-adjusted)
    p: float | None = None  # Holm-adjusted p-value against the column's best entry


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
