"""Adversarial metrics of an attacked set scored on any model (the victim or another: transfer).

The scorer calls `transfer_summary` for every attacked set that names a victim, with the clean
and attacked runs of the model being scored, so a report says how often the attack found on the
victim also pushes the relevant document out of the top k of this model.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from robustir.types import Qrels, Run

__all__ = ["relevant_rank", "transfer_summary"]


def relevant_rank(run: Run, qid: str, relevant: Mapping[str, int], *, depth: int) -> int:
    """1-based rank of the best relevant document in `run` (depth + 1 when not retrieved)."""
    for i, (doc, _) in enumerate(run.ranked(qid)[:depth]):
        if relevant.get(doc, 0) > 0:
            return i + 1
    return depth + 1


def transfer_summary(qrels: Qrels, clean: Run, attacked: Run, *, target_rank: int = 10, depth: int = 100) -> dict[str, Any]:
    """Success rate and mean rank before/after over the queries `attacked` has.

    Success: the relevant document was in the top `target_rank` for the clean query and is not
    for the attacked one; queries already outside the top k are counted as `skipped`.

    Example:
        >>> q = Qrels({"a": {"d1": 1}})
        >>> transfer_summary(q, Run({"a": {"d1": 2.0, "d2": 1.0}}), Run({"a": {"d2": 2.0, "d1": 1.0}}), target_rank=1)["success_rate"]
        1.0
    """
    before, after = [], []
    for qid in attacked:
        if qid not in qrels:
            continue
        before.append(relevant_rank(clean, qid, qrels[qid], depth=depth))
        after.append(relevant_rank(attacked, qid, qrels[qid], depth=depth))
    n = len(before)
    attacked_n = sum(b <= target_rank for b in before)
    success = sum(b <= target_rank < a for b, a in zip(before, after))
    return {
        "target_rank": target_rank,
        "queries": n,
        "attacked": attacked_n,
        "skipped": n - attacked_n,
        "success_rate": round(success / attacked_n, 4) if attacked_n else 0.0,
        "mean_rank_before": round(sum(before) / n, 4) if n else 0.0,
        "mean_rank_after": round(sum(after) / n, 4) if n else 0.0,
    }
