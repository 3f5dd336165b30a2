"""Retrieval metrics through ir_measures (pytrec_eval provider); never re-implemented.

Users name metrics the way papers do (``ndcg@10``, ``map``, ``recall@100``, ``mrr@10``);
each name maps to one ir_measures measure. Every query in the qrels gets a value: a query
the run misses (or returns nothing for) scores 0, so it never silently disappears from a mean.

Example:
    >>> from robustir.types import Qrels, Run
    >>> evaluate(Qrels({"q1": {"d1": 1}}), Run({"q1": {"d0": 2.0, "d1": 1.0}}), ["mrr@10"])
    {'mrr@10': {'q1': 0.5}}
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from robustir.errors import RobustirError, UnknownNameError
from robustir.types import Qrels, Run

__all__ = ["MetricName", "evaluate", "parse_metric", "parse_metrics", "METRIC_FAMILIES"]

# user-facing family -> (ir_measures measure name, needs a cutoff, cutoff allowed)
METRIC_FAMILIES: dict[str, tuple[str, bool, bool]] = {
    "ndcg": ("nDCG", False, True),
    "map": ("AP", False, True),
    "recall": ("R", True, True),
    "mrr": ("RR", False, True),
    "p": ("P", True, True),
}
_ALIASES = {
    "ap": "map",
    "r": "recall",
    "rr": "mrr",
    "recip_rank": "mrr",
    "precision": "p",
}
_NAME = re.compile(r"^([a-z_]+)(?:@(\d+))?$")


@dataclass(frozen=True)
class MetricName:
    """One metric: its canonical user-facing name (``ndcg@10``) and its ir_measures form (``nDCG@10``)."""

    family: str
    cutoff: int | None

    def __str__(self) -> str:
        return self.family if self.cutoff is None else f"{self.family}@{self.cutoff}"

    @property
    def measure_name(self) -> str:
        base = METRIC_FAMILIES[self.family][0]
        return base if self.cutoff is None else f"{base}@{self.cutoff}"

    def measure(self):  # -> ir_measures Measure
        import ir_measures

        return ir_measures.parse_measure(self.measure_name)


def _known() -> list[str]:
    return ["ndcg@10", "map", "recall@1", "recall@10", "recall@100", "mrr@10", "p@10"]


def parse_metric(text: str) -> MetricName:
    """``"nDCG@10"`` / ``"ndcg@10"`` / ``"MAP"`` / ``"recall@100"`` -> MetricName."""
    if not isinstance(text, str):
        raise RobustirError(f"metric names are strings, got {text!r}")
    raw = text.strip().lower().replace(" ", "")
    m = _NAME.match(raw)
    family = _ALIASES.get(m.group(1), m.group(1)) if m else None
    if m is None or family not in METRIC_FAMILIES:
        import difflib

        close = difflib.get_close_matches(raw, _known(), n=2, cutoff=0.5)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise UnknownNameError(
            f"unknown metric {text!r}{hint} (known: {', '.join(_known())}; "
            "any cutoff @N works for ndcg, recall, mrr, map, p)"
        )
    _, needs_cut, _ = METRIC_FAMILIES[family]
    cutoff = int(m.group(2)) if m.group(2) else None
    if cutoff is not None and cutoff < 1:
        raise RobustirError(f"metric cutoff must be >= 1, got {text!r}")
    if needs_cut and cutoff is None:
        raise RobustirError(f"metric {text!r} needs a cutoff, e.g. '{family}@10'")
    return MetricName(family, cutoff)


def parse_metrics(items: str | Iterable[str]) -> list[MetricName]:
    """``"ndcg@10,map"`` or a list -> unique MetricNames in the given order."""
    parts = [p for p in (items.split(",") if isinstance(items, str) else items)]
    out: list[MetricName] = []
    for p in parts:
        if isinstance(p, str) and not p.strip():
            continue
        m = parse_metric(p)
        if m not in out:
            out.append(m)
    if not out:
        raise RobustirError("no metric given; e.g. --metrics ndcg@10,map")
    return out


def evaluate(qrels: Qrels, run: Run, metrics: Sequence[str | MetricName]) -> dict[str, dict[str, float]]:
    """Per-query values ``{metric: {qid: value}}`` for every qrels query (0 where the run misses it).

    Run queries absent from the qrels are ignored (they have nothing to be judged against).
    """
    import ir_measures

    names = [m if isinstance(m, MetricName) else parse_metric(m) for m in metrics]
    by_measure = {n.measure(): str(n) for n in names}
    out: dict[str, dict[str, float]] = {str(n): {q: 0.0 for q in qrels} for n in names}
    qrels_dict = {q: dict(d) for q, d in qrels.items() if d}
    run_dict = {q: dict(run[q]) for q in qrels_dict if q in run and len(run[q])}
    if not qrels_dict or not run_dict:
        return out
    evaluator = ir_measures.pytrec_eval.evaluator(list(by_measure), qrels_dict)
    for row in evaluator.iter_calc(run_dict):
        if row.query_id in qrels_dict:
            out[by_measure[row.measure]][row.query_id] = float(row.value)
    return out
