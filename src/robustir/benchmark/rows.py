"""The rows of a score report as small frozen dataclasses, and what renderers read of a report.

A report (``robustir.score/1``) stores its runs, clean-vs-attacked comparisons and
model-vs-model comparisons as JSON objects; `RunRow`, `ComparisonRow` and `ModelComparisonRow`
are their in-memory form (`SummaryRow`, pooled over languages, is derived on demand and never
stored). ``to_dict`` gives exactly the stored object and ``from_dict(row.to_dict()) == row``;
``from_dict`` refuses a missing or unknown key with a DataError.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar, Protocol, TypeVar

from robustir.benchmark.settings import Cell
from robustir.errors import DataError

__all__ = ["ComparisonRow", "ModelComparisonRow", "ReportView", "RunRow", "SummaryRow"]

R = TypeVar("R", bound="_Row")


class _Row:
    """``to_dict``/``from_dict`` over the dataclass fields, in declaration order; `Cell` fields
    are stored as ``{setting, query_lang, corpus_lang}``, and `_omit_none` fields are left out
    when None."""

    _omit_none: ClassVar[frozenset[str]] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            v = getattr(self, f.name)
            if v is None and f.name in self._omit_none:
                continue
            out[f.name] = v.to_dict() if isinstance(v, Cell) else v
        return out

    @classmethod
    def from_dict(cls: type[R], d: Mapping[str, Any]) -> R:
        if not isinstance(d, Mapping):
            raise DataError(f"expected an object, got {type(d).__name__}")
        known = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
        extra = sorted(set(d) - set(known))
        if extra:
            raise DataError(f"unknown key {extra[0]!r}")
        kwargs: dict[str, Any] = {}
        for name, f in known.items():
            if name not in d:
                if f.default is MISSING:
                    raise DataError(f"missing {name!r}")
                continue
            v = d[name]
            if name == "baseline" and v is not None:
                if not isinstance(v, Mapping) or set(v) != {"setting", "query_lang", "corpus_lang"}:
                    raise DataError("'baseline' must name setting, query_lang and corpus_lang")
                v = Cell(v["setting"], v["query_lang"], v["corpus_lang"])
            kwargs[name] = v
        return cls(**kwargs)


@dataclass(frozen=True, kw_only=True)
class RunRow(_Row):
    """Per-query scores of one (model, cell, attack); `attack` None for the clean run.

    An attacked run names its `baseline` cell (the clean run it is compared with) and the
    dataset language of its attacked set; `adversarial` holds the transfer summary of an
    adversarial set on this model (absent otherwise).
    """

    _omit_none: ClassVar[frozenset[str]] = frozenset({"adversarial"})

    model: str
    setting: str
    query_lang: str
    corpus_lang: str
    attack: str | None
    attack_lang: str | None = None
    baseline: Cell | None = None
    n_queries: int | None = None
    scores: dict[str, dict[str, float]]
    adversarial: dict[str, Any] | None = None

    @property
    def cell(self) -> Cell:
        return Cell(self.setting, self.query_lang, self.corpus_lang)

    @property
    def key(self) -> tuple[str, str, str, str, str | None]:
        """(model, setting, query_lang, corpus_lang, attack): unique within a report."""
        return (self.model, self.setting, self.query_lang, self.corpus_lang, self.attack)

    @property
    def baseline_key(self) -> tuple[str, str, str, str, None] | None:
        """The key of the clean run an attacked run is compared with (None for a clean run)."""
        if self.baseline is None:
            return None
        b = self.baseline
        return (self.model, b.setting, b.query_lang, b.corpus_lang, None)


@dataclass(frozen=True, kw_only=True)
class ComparisonRow(_Row):
    """Clean against attacked on one (model, cell, attack, metric): means, drop, paired test."""

    model: str
    setting: str
    query_lang: str
    corpus_lang: str
    attack: str
    baseline: Cell
    metric: str
    n: int
    clean: float
    attacked: float
    abs_drop: float
    rel_drop: float | None
    wins: int
    ties: int
    losses: int
    test: str
    statistic: float | None
    p: float
    ci_low: float | None
    ci_high: float | None
    effect_size: float | None
    p_holm: float | None = None


@dataclass(frozen=True, kw_only=True)
class ModelComparisonRow(_Row):
    """Model A's per-query drops against model B's on one (cell, attack, metric)."""

    model_a: str
    model_b: str
    setting: str
    query_lang: str
    corpus_lang: str
    attack: str
    metric: str
    n: int
    drop_a: float
    drop_b: float
    diff: float
    wins: int
    ties: int
    losses: int
    test: str
    statistic: float | None
    p: float
    ci_low: float | None
    ci_high: float | None
    effect_size: float | None
    p_holm: float | None = None


@dataclass(frozen=True, kw_only=True)
class SummaryRow(_Row):
    """Clean against attacked with the queries of every language cell of one (model, setting,
    attack, metric) pooled; `cells` counts the cells pooled."""

    model: str
    setting: str
    attack: str
    metric: str
    cells: int
    n: int
    clean: float
    attacked: float
    abs_drop: float
    rel_drop: float | None
    wins: int
    ties: int
    losses: int
    p: float
    p_holm: float | None = None


class ReportView(Protocol):
    """What the summary and the renderers read of a report (`robustir.benchmark.report.ScoreReport`)."""

    @property
    def header(self) -> Mapping[str, Any]: ...

    @property
    def runs(self) -> Sequence[RunRow]: ...

    @property
    def comparisons(self) -> Sequence[ComparisonRow]: ...

    @property
    def model_comparisons(self) -> Sequence[ModelComparisonRow]: ...

    @property
    def alpha(self) -> float: ...
