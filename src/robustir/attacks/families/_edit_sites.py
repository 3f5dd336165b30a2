"""Shared by the character-noise families (noise.ocr, noise.homoglyph, noise.case, noise.punct):
pick a budget of non-overlapping edit sites with the query's RNG and apply them.

A site is ``(start, end, options, op)``: `text[start:end]` may become any string of `options`
(the op name goes into the Perturbation's ``ops``). Sites are chosen uniformly, the budget is
`edit_budget` over the number of sites, and a site that overlaps one already chosen is skipped,
so two edits never touch the same character.
"""
from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher
from typing import Any

import numpy as np

from robustir.attacks.base import Param, edit_budget
from robustir.types import Perturbation

__all__ = ["Site", "apply_sites", "strength_params", "token_edits"]

Site = tuple[int, int, tuple[str, ...], str]


def strength_params(rate: float = 0.1, max_edits: int = 10) -> tuple[Param, ...]:
    return (
        Param("rate", float, rate, "share of eligible sites edited", 0.0, 1.0),
        Param("min_edits", int, 1, "at least this many edits when rate > 0", 0, 1000),
        Param("max_edits", int, max_edits, "at most this many edits", 0, 1000),
    )


def apply_sites(text: str, sites: Sequence[Site], cfg: dict[str, Any], rng: np.random.Generator) -> Perturbation:
    """Edit a budget of `sites` of `text` (cfg holds rate, min_edits, max_edits)."""
    n = edit_budget(len(sites), rate=cfg["rate"], min_edits=cfg["min_edits"], max_edits=cfg["max_edits"], rng=rng)
    if n == 0:
        return Perturbation(text, text, 0)
    chosen: list[tuple[int, int, str, str]] = []
    taken: set[int] = set()
    for k in rng.permutation(len(sites)):
        start, end, options, op = sites[int(k)]
        span = set(range(start, max(end, start + 1)))
        if span & taken:
            continue
        taken |= span
        chosen.append((start, end, options[int(rng.integers(len(options)))], op))
        if len(chosen) == n:
            break
    chosen.sort()
    out, pos = [], 0
    for start, end, rep, _ in chosen:
        out.append(text[pos:start])
        out.append(rep)
        pos = end
    out.append(text[pos:])
    result = "".join(out)
    if result == text or not result.strip():
        return Perturbation(text, text, 0)
    return Perturbation(text, result, len(chosen), tuple(op for *_, op in chosen))


def token_edits(a: str, b: str) -> int:
    """Whitespace tokens changed between `a` and `b` (at least 1 when they differ)."""
    if a == b:
        return 0
    ops = SequenceMatcher(None, a.split(), b.split(), autojunk=False).get_opcodes()
    return max(1, sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal"))
