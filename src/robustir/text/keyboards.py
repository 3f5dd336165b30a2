"""Keyboard layouts: key rows and each key's neighbours, per language's common layout.

Package data `text/data/keyboards/keyboards.json`, built by scripts/build_keyboards.py from
the real layouts in shared/data/resources (see that script for the sources).
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files

__all__ = ["keyboards", "layout_neighbours", "layout_rows", "qwerty_neighbours"]


@lru_cache(maxsize=1)
def keyboards() -> dict:
    """The whole layout table: {"layouts": {name: {"rows": [...], "neighbours": {...}}}, ...}."""
    path = files("robustir.text").joinpath("data", "keyboards", "keyboards.json")
    return json.loads(path.read_text(encoding="utf-8"))


def layout_neighbours(layout: str) -> dict[str, str]:
    """key -> the keys next to it on `layout`."""
    return keyboards()["layouts"][layout]["neighbours"]


def layout_rows(layout: str) -> list:
    return keyboards()["layouts"][layout]["rows"]


def qwerty_neighbours(key: str) -> str:
    return layout_neighbours("en").get(key, "")
