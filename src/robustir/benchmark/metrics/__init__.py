"""Retrieval metrics through ir_measures (pytrec_eval provider); never re-implemented.

Users name metrics the way papers do (``ndcg@10``, ``map``, ``recall@100``, ``mrr@10``);
each name maps to one ir_measures measure. Every query in the qrels gets a value: a query
the run misses (or returns nothing for) scores 0, so it never silently disappears from a mean.

Metric families register themselves: every module in this folder whose name does not start
with ``_`` is imported and calls `register_family` (the built-in ndcg, map, recall, mrr and p
are in ``ir_measures_families.py``), so a new family is one new file. Other packages add
families through the ``robustir.metrics`` entry-point group (each entry point loads a
`MetricFamily` registered under the entry point's name).

Example:
    >>> from robustir.types import Qrels, Run
    >>> evaluate(Qrels({"q1": {"d1": 1}}), Run({"q1": {"d0": 2.0, "d1": 1.0}}), ["mrr@10"])
    {'mrr@10': {'q1': 0.5}}
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from robustir.errors import RobustirError, UnknownNameError
from robustir.registry import Registry, import_submodules
from robustir.types import Qrels, Run

__all__ = ["MetricName", "MetricFamily", "METRIC_FAMILIES", "evaluate", "metric_families", "parse_metric",
           "parse_metrics", "register_family"]

_NAME = re.compile(r"^([a-z_]+)(?:@(\d+))?$")


@dataclass(frozen=True)
class MetricFamily:
    """A user-facing metric family (``ndcg``) and the ir_measures measure it names (``nDCG``).

    `aliases` are other spellings (``ap`` for ``map``); `examples` are the names the error for
    an unknown metric lists as known (and suggests close matches from).
    """

    name: str
    measure: str
    needs_cutoff: bool = False
    cutoff_allowed: bool = True
    aliases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


metric_families: Registry[MetricFamily] = Registry("metric family", entry_point_group="robustir.metrics")
_registered: list[MetricFamily] = []  # in registration order: the order error messages list them


def register_family(family: MetricFamily) -> MetricFamily:
    """Add `family` under its name; a name or alias already taken raises RobustirError."""
    taken = {a for f in _registered for a in (f.name, *f.aliases)}
    clash = [a for a in family.aliases if a in taken or a == family.name]
    if clash:
        raise RobustirError(f"metric alias {clash[0]!r} of {family.name!r} is already taken")
    metric_families.add(family.name, family)
    _registered.append(family)
    return family


def _all_families() -> list[MetricFamily]:
    """Built-in families in registration order, then entry-point plugins by name."""
    own = {f.name for f in _registered}
    return _registered + [metric_families.get(n) for n in metric_families.names() if n not in own]


def _family_of(name: str) -> MetricFamily | None:
    """The family called `name` or having it as an alias; None when there is none."""
    if name in metric_families:
        return metric_families.get(name)
    for f in _all_families():  # loads plugins on the first miss
        if name == f.name or name in f.aliases:
            return f
    return None


class _FamilyTable(Mapping[str, tuple[str, bool, bool]]):
    """family -> (ir_measures measure name, needs a cutoff, cutoff allowed), read from the registry."""

    def __getitem__(self, name: str) -> tuple[str, bool, bool]:
        if name not in metric_families:
            raise KeyError(name)
        f = metric_families.get(name)
        return (f.measure, f.needs_cutoff, f.cutoff_allowed)

    def __iter__(self) -> Iterator[str]:
        return iter([f.name for f in _all_families()])

    def __len__(self) -> int:
        return len(_all_families())


METRIC_FAMILIES: Mapping[str, tuple[str, bool, bool]] = _FamilyTable()


@dataclass(frozen=True)
class MetricName:
    """One metric: its canonical user-facing name (``ndcg@10``) and its ir_measures form (``nDCG@10``)."""

    family: str
    cutoff: int | None

    def __str__(self) -> str:
        return self.family if self.cutoff is None else f"{self.family}@{self.cutoff}"

    @property
    def measure_name(self) -> str:
        base = metric_families.get(self.family).measure
        return base if self.cutoff is None else f"{base}@{self.cutoff}"

    def measure(self):  # -> ir_measures Measure
        import ir_measures

        return ir_measures.parse_measure(self.measure_name)


def _unknown(text: str, raw: str) -> UnknownNameError:
    from robustir.errors import did_you_mean

    families = _all_families()
    known = [e for f in families for e in f.examples]
    hint = did_you_mean(raw, known, n=2)
    cut = ", ".join(f.name for f in families if f.cutoff_allowed)
    return UnknownNameError(f"unknown metric {text!r}{hint} (known: {', '.join(known)}; any cutoff @N works for {cut})")


def parse_metric(text: str) -> MetricName:
    """``"nDCG@10"`` / ``"ndcg@10"`` / ``"MAP"`` / ``"recall@100"`` -> MetricName."""
    if not isinstance(text, str):
        raise RobustirError(f"metric names are strings, got {text!r}")
    raw = text.strip().lower().replace(" ", "")
    m = _NAME.match(raw)
    family = _family_of(m.group(1)) if m else None
    if m is None or family is None:
        raise _unknown(text, raw)
    cutoff = int(m.group(2)) if m.group(2) else None
    if cutoff is not None and cutoff < 1:
        raise RobustirError(f"metric cutoff must be >= 1, got {text!r}")
    if family.needs_cutoff and cutoff is None:
        raise RobustirError(f"metric {text!r} needs a cutoff, e.g. '{family.name}@10'")
    if cutoff is not None and not family.cutoff_allowed:
        raise RobustirError(f"metric {text!r} takes no cutoff; write {family.name!r}")
    return MetricName(family.name, cutoff)


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


import_submodules(__name__)  # each family module registers itself (after the names above exist)
