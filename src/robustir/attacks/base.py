"""The attack framework: declared parameters, language checks, per-query randomness.

An attack is a class registered under a dotted name. It declares its parameters (with
types, defaults and bounds), the languages it supports, whether it needs a resource, a model
or a victim retriever (`needs_victim`, then `bind`), and whether it substitutes words
(`substitutes_words`: its rows get a meaning-similarity score under ``--judge``), and
implements one method, `perturb(text, *, lang, rng) -> Perturbation`. The base class's
`__call__` does the bookkeeping (TextAttack's template method): it validates the language,
short-circuits strength 0, and guarantees a non-empty result.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from robustir._io import stable_hash
from robustir.attacks._seeding import generator, uint32_words
from robustir.errors import RobustirError, unknown_name
from robustir.registry import Registry
from robustir.types import AttackSpec, AttackStep, Perturbation

__all__ = ["Attack", "Param", "attacks", "edit_budget", "query_rng", "STRENGTH_PARAMS"]


@dataclass(frozen=True)
class Param:
    """One declared attack parameter."""

    name: str
    type: type
    default: Any
    help: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] | None = None
    # Left out of the canonical spec while at its default: a parameter added after a suite was
    # frozen leaves that suite's pinned specs (whose text seeds the RNG) and outputs unchanged.
    omit_default: bool = False

    def validate(self, value: Any, attack: str) -> Any:
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if self.type is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            raise RobustirError(
                f"{attack}: parameter {self.name}={value!r} must be {self.type.__name__}"
            )
        if self.min is not None and value < self.min:
            raise RobustirError(f"{attack}: parameter {self.name}={value!r} is below its minimum {self.min}")
        if self.max is not None and value > self.max:
            raise RobustirError(f"{attack}: parameter {self.name}={value!r} is above its maximum {self.max}")
        if self.choices is not None and value not in self.choices:
            raise RobustirError(f"{attack}: parameter {self.name}={value!r} must be one of {list(self.choices)}")
        return value


# nlpaug's vocabulary of strength: share of units touched, with a floor and a ceiling.
STRENGTH_PARAMS: tuple[Param, ...] = (
    Param("rate", float, 0.1, "share of words (or characters) touched", 0.0, 1.0),
    Param("min_edits", int, 1, "at least this many edits when rate > 0", 0, 1000),
    Param("max_edits", int, 10, "at most this many edits", 0, 1000),
)


def edit_budget(n_units: int, *, rate: float, min_edits: int, max_edits: int, rng: np.random.Generator) -> int:
    """How many of `n_units` to touch: rate * n (rounded stochastically), clamped to bounds."""
    if rate <= 0 or n_units <= 0 or max_edits <= 0:
        return 0
    exact = rate * n_units
    n = int(exact) + int(rng.random() < exact - int(exact))
    n = max(n, min_edits)
    return int(min(n, max_edits, n_units))


def query_rng(seed: int, spec: AttackSpec | str, qid: str, *, step: int = 0) -> np.random.Generator:
    """The RNG of one query under one spec: independent of order, processes and PYTHONHASHSEED.

    The generator is `np.random.default_rng([int(seed), stable_hash(str(spec)), stable_hash(qid),
    step])`, built faster by `_seeding.generator` (same state) and with the spec's words cached."""
    seed = int(seed)
    if seed < 0 or type(step) is not int or step < 0:  # numpy's own path (and its error)
        return np.random.default_rng([seed, stable_hash(str(spec)), stable_hash(qid), step])
    return generator([*uint32_words(seed), *_spec_words(str(spec)), *uint32_words(stable_hash(qid)), *uint32_words(step)])


@lru_cache(maxsize=256)
def _spec_words(spec: str) -> tuple[int, ...]:
    return tuple(uint32_words(stable_hash(spec)))


class Attack(ABC):
    """Base class of every perturbation generator."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    languages: ClassVar[frozenset[str]] = frozenset()
    params: ClassVar[tuple[Param, ...]] = ()
    resource: ClassVar[str | None] = None  # name of the resource it reads, if any
    needs_model: ClassVar[bool] = False  # needs a model of its own (an MT model) or a victim
    needs_victim: ClassVar[bool] = False  # the runner binds the victim retriever (--model) with `bind`
    substitutes_words: ClassVar[bool] = False  # replaces words (meaning may drift): --min-sim filters it
    citation: ClassVar[str] = ""

    def __init__(self, **kwargs: Any) -> None:
        declared = {p.name: p for p in self.params}
        unknown = set(kwargs) - set(declared)
        if unknown:
            bad = sorted(unknown)[0]
            raise unknown_name(f"parameter of attack {self.name}", bad, declared)
        self.config: dict[str, Any] = {
            n: p.validate(kwargs.get(n, p.default), self.name) for n, p in declared.items()
        }
        self.check_config()

    def check_config(self) -> None:
        """Cross-parameter validation; subclasses raise RobustirError."""
        if "min_edits" in self.config and "max_edits" in self.config:
            if self.config["min_edits"] > self.config["max_edits"]:
                raise RobustirError(f"{self.name}: min_edits must not exceed max_edits")

    @property
    def step(self) -> AttackStep:
        """The canonical step: every parameter spelled out, defaults included (except an
        `omit_default` parameter at its default, so that older specs keep their exact text)."""
        omit = {p.name for p in self.params if p.omit_default and self.config[p.name] == p.default}
        return AttackStep(self.name, tuple(sorted((k, v) for k, v in self.config.items() if k not in omit)))

    def supports(self, lang: str) -> bool:
        return lang in self.languages

    def output_lang(self, lang: str) -> str:
        """The language of this attack's output for input in `lang` (translate changes it)."""
        return lang

    def check_lang(self, lang: str) -> None:
        if not self.supports(lang):
            raise RobustirError(
                f"attack {self.name} does not support language {lang!r} (supports: {', '.join(sorted(self.languages))})"
            )

    def is_noop(self) -> bool:
        """Strength 0 (or an empty budget) leaves every query unchanged."""
        return self.config.get("rate", 1.0) == 0 or self.config.get("max_edits", 1) == 0

    def __call__(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        self.check_lang(lang)
        if not isinstance(text, str):
            raise RobustirError(f"{self.name}: query must be a string, got {type(text).__name__}")
        if self.is_noop() or not text.strip():
            return Perturbation(text, text, 0)
        result = self.perturb(text, lang=lang, rng=rng)
        if not result.perturbed.strip():  # never emit an empty query
            return Perturbation(text, text, 0)
        return result

    # -- what the runner asks of every attack (defaults: nothing to bind, nothing to add) ------

    def bind(self, retriever: Any, dataset: Any) -> None:
        """Attach the victim `retriever` and the `dataset` (one language) about to be attacked.

        The runner calls it for attacks with `needs_victim`, once per language, before
        perturbing that language's queries; other attacks need nothing."""

    def row_fields(self, original: str) -> dict[str, Any]:
        """Extra attacked-set row fields for the query just perturbed whose text is `original`."""
        return {}

    def summary_fields(self, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Extra manifest-entry fields over one language's attacked-set `rows`."""
        return {}

    @abstractmethod
    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        """Perturb one query; `rng` is this query's own generator."""


attacks: Registry[type[Attack]] = Registry("attack", entry_point_group="robustir.attacks")


def register(name: str):
    """Class decorator: ``@register("typo.keyboard")`` sets `name` and adds the class."""

    def deco(cls: type[Attack]) -> type[Attack]:
        cls.name = name
        attacks.add(name, cls)
        return cls

    return deco
