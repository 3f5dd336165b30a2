"""Composed attacks: `build("typo.keyboard+synonym(rate=0.2)") -> Pipeline`.

A pipeline instantiates every step with its defaults filled in, so `str(pipeline.spec)` is the
canonical spec with all parameters spelled out: the name of the attacked set everywhere. Each
step draws from its own RNG, `query_rng(seed, canonical spec, qid, step=i)`, so a query's
perturbation depends only on (seed, spec, query id), never on order or PYTHONHASHSEED.

    >>> p = build("order.shuffle(rate=0)")
    >>> p.perturb("what is a cat", lang="en", qid="q1", seed=0).perturbed
    'what is a cat'
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from robustir.attacks.base import Attack, attacks, query_rng
from robustir.errors import RobustirError
from robustir.types import AttackSpec, Perturbation

__all__ = ["Pipeline", "build"]

# Retries (for --min-chrf) draw from RNG streams far away from the first attempt's step indices.
_RETRY_STRIDE = 1_000_003


@dataclass(frozen=True)
class Pipeline:
    """Attacks applied in order; each step sees the previous step's output."""

    steps: tuple[Attack, ...]

    def __post_init__(self) -> None:
        if not self.steps:
            raise RobustirError("an attack pipeline needs at least one step")

    @cached_property
    def spec(self) -> AttackSpec:
        return AttackSpec(tuple(s.step for s in self.steps))

    @cached_property
    def _spec_text(self) -> str:
        return str(self.spec)

    def __str__(self) -> str:
        return str(self.spec)

    @property
    def substitutes_words(self) -> bool:
        """True when a step replaces words (synonyms, translation, ...): its meaning may drift,
        so ``--min-sim`` filters it; character noise alone is never filtered."""
        return any(step.substitutes_words for step in self.steps)

    @property
    def needs_victim(self) -> bool:
        return any(step.needs_victim for step in self.steps)

    def query_lang(self, lang: str) -> str:
        """The language of the perturbed text for queries in `lang`."""
        for step in self.steps:
            lang = step.output_lang(lang)
        return lang

    def supports(self, lang: str) -> bool:
        """True when every step supports the language it will see."""
        for step in self.steps:
            if not step.supports(lang):
                return False
            lang = step.output_lang(lang)
        return True

    def check_lang(self, lang: str) -> None:
        """Raise a clear error naming the step that cannot handle `lang`."""
        current = lang
        for step in self.steps:
            if not step.supports(current):
                via = "" if current == lang else f" (the language after the previous steps, from {lang!r})"
                raise RobustirError(
                    f"attack {step.name} in {self.spec} does not support language {current!r}{via}; "
                    f"it supports: {', '.join(sorted(step.languages))}"
                )
            current = step.output_lang(current)

    @property
    def languages(self) -> frozenset[str]:
        """Input languages the whole pipeline supports."""
        return frozenset(lang for lang in self.steps[0].languages if self.supports(lang))

    def perturb(self, text: str, *, lang: str, qid: str, seed: int, attempt: int = 0) -> Perturbation:
        """Perturb one query. `attempt` > 0 draws fresh, derived RNG streams (retries)."""
        self.check_lang(lang)
        spec = self._spec_text
        current, edits, ops = text, 0, []
        for i, step in enumerate(self.steps):
            rng = query_rng(seed, spec, qid, step=i + attempt * _RETRY_STRIDE)
            result = step(current, lang=lang, rng=rng)
            current = result.perturbed
            edits += result.edits
            ops.extend(result.ops)
            lang = step.output_lang(lang)
        if not current.strip():  # never emit an empty query
            return Perturbation(text, text, 0)
        return Perturbation(text, current, edits if current != text else 0, tuple(ops))


def build(spec: str | AttackSpec) -> Pipeline:
    """Instantiate a (composed) attack spec; unknown names raise with close-match suggestions.

    Example:
        >>> str(build("typo.keyboard+order.shuffle(mode=swap)").spec).startswith("typo.keyboard(")
        True
    """
    import robustir.attacks  # noqa: F401  (registers every built-in attack)

    parsed = spec if isinstance(spec, AttackSpec) else AttackSpec.parse(spec)
    steps = tuple(attacks.get(step.name)(**step.kwargs) for step in parsed.steps)
    return Pipeline(steps)
