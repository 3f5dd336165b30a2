"""Adversarial query attacks: use the victim retriever's own scores to hurt it most.

Registered attacks:

- ``adversarial.greedy``: greedy search with word-importance ordering (TextFooler, Jin et al.
  AAAI 2020, as implemented in TextAttack's ``GreedyWordSwapWIR``).
- ``adversarial.beam``: beam search of configurable ``width`` (TextAttack's ``BeamSearch``).
- ``adversarial.random``: the model-free baseline: the same generators, budget and chrF floor,
  random positions and edits. Scoring it beside the others isolates what the search adds.

The model-guided ones need a victim (``needs_victim``): ``robustir attack --attack
'adversarial.greedy(...)' --model NAME`` calls ``attack.bind(retriever, dataset)`` before
perturbing. The goal (rank of
the relevant document under the victim, see `goal.py`) is kept apart from the search
(`search.py`), as TextAttack keeps them.

    >>> from robustir.attacks import build
    >>> str(build("adversarial.greedy(edits=typo.keyboard,max_edits=2)").spec)[:37]
    'adversarial.greedy(candidates=4,edits'
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from robustir.attacks.families.adversarial.goal import GoalResult, QueryGoal, RankGoal
from robustir.attacks.families.adversarial.search import (
    Editor,
    SearchResult,
    beam_search,
    greedy_search,
    random_search,
)
from robustir.attacks.base import Attack, Param, attacks, register
from robustir.errors import RobustirError
from robustir.types import AttackSpec, Perturbation

__all__ = [
    "AdversarialAttack",
    "BeamAttack",
    "GoalResult",
    "GreedyAttack",
    "QueryGoal",
    "RandomEditAttack",
    "RankGoal",
    "SearchResult",
    "WORD_EDITS",
    "summarize",
]

# Generators that make sense on one word at a time. Whole-query rewrites (translate,
# back_translation, order.shuffle, drop.stopwords) are not word edits.
WORD_EDITS = ("typo.keyboard", "typo.char", "noise.diacritics", "synonym", "code_switch", "paraphrase.pivot")
DEFAULT_EDITS = "typo.keyboard+typo.char+noise.diacritics"

_COMMON = (
    Param("edits", str, DEFAULT_EDITS, "generators proposing one-word edits, joined by '+'"),
    Param("max_edits", int, 3, "at most this many words edited", 0, 50),
    Param("min_chrf", float, 50.0, "every candidate keeps chrF >= this to the original (0-100)", 0.0, 100.0),
    Param("candidates", int, 4, "draws per generator and word position", 1, 64),
)
_TARGET = Param("target_rank", int, 10, "success: relevant document ranked below this rank", 1, 100_000)


def _generators(edits: str, attack: str) -> tuple[Attack, ...]:
    spec = AttackSpec.parse(edits)
    gens = []
    for step in spec.steps:
        if step.name not in WORD_EDITS:
            if step.name in attacks:
                raise RobustirError(
                    f"{attack}: {step.name} is not a one-word edit; edits accepts: {', '.join(WORD_EDITS)}"
                )
            attacks.get(step.name)  # raises the close-match error
        gens.append(attacks.get(step.name)(**step.kwargs))
    if len({g.name for g in gens}) != len(gens):
        raise RobustirError(f"{attack}: edits names a generator twice: {edits!r}")
    return tuple(gens)


def summarize(rows: Sequence[dict[str, Any]], *, target_rank: int | None = None) -> dict[str, Any]:
    """Adversarial metrics over attacked-set rows carrying rank_before/rank_after/model_calls.

    `success_rate` counts queries whose relevant document was in the top k before the attack
    (`attacked`) and is not after; queries already out of the top k are `skipped`.
    """
    def mean(xs: Sequence[float]) -> float:
        return round(float(np.mean(xs)), 4) if len(xs) else 0.0

    scored = [r for r in rows if r.get("rank_before") is not None]
    attacked = [r for r in scored if not r.get("skipped")]
    return {
        "target_rank": target_rank,
        "queries": len(rows),
        "attacked": len(attacked),
        "skipped": len(scored) - len(attacked),
        "success_rate": mean([float(bool(r["success"])) for r in attacked]),
        "mean_rank_before": mean([r["rank_before"] for r in scored]),
        "mean_rank_after": mean([r["rank_after"] for r in scored]),
        "mean_edits": mean([r["edits"] for r in rows]),
        "mean_chrf": mean([r["chrf"] for r in rows]),
        "model_calls_per_query": mean([r.get("model_calls", 0) for r in rows]),
    }


class AdversarialAttack(Attack):
    """Base of the adversarial attacks: parses `edits`, holds the generators and the victim."""

    description = "model-guided one-word edits that push the relevant document out of the top k"
    citation = "Jin et al. 2020 (TextFooler); Morris et al. 2020 (TextAttack)"
    params = (*_COMMON, _TARGET)
    needs_model = True
    needs_victim = True
    substitutes_words = True  # may; an instance knows from its `edits` (typo-only edits do not)

    def check_config(self) -> None:
        super().check_config()
        self.generators = _generators(self.config["edits"], self.name)
        # Canonical: every generator with its defaults spelled out, so the spec names the attack.
        self.config["edits"] = str(AttackSpec(tuple(g.step for g in self.generators)))
        self.languages = frozenset().union(*(g.languages for g in self.generators))  # type: ignore[misc]
        self.substitutes_words = any(g.substitutes_words for g in self.generators)  # type: ignore[misc]
        self._goal: RankGoal | None = None
        self._relevant: dict[str, frozenset[str]] = {}
        self._records: dict[str, dict[str, Any]] = {}
        self._corpus_count: int | None = None

    # -- the victim ------------------------------------------------------------------------

    def bind(self, retriever: Any, dataset: Any) -> None:
        """Attach the victim and the dataset whose judgements define the goal.

        Indexes the dataset's corpus (a dense retriever reuses its on-disk encodings), then
        snapshots the corpus-encoding counter: the search itself must never encode corpus text.
        """
        retriever.index(dataset.corpus)
        self._goal = RankGoal(retriever, dataset.corpus, target_rank=self.config["target_rank"])
        relevant: dict[str, set[str]] = {}
        for qid, text in zip(dataset.queries.ids, dataset.queries.texts):
            judged = dataset.qrels.get(qid, {})
            # Identical texts in one language share their judgements (the attack sees text only).
            relevant.setdefault(text, set()).update(d for d, g in judged.items() if g > 0)
        self._relevant = {t: frozenset(d) for t, d in relevant.items() if d}
        self._records = {}
        self._corpus_count = self._goal.corpus_texts_encoded()

    @property
    def victim(self) -> str | None:
        return None if self._goal is None else self._goal.victim

    def corpus_texts_encoded_since_bind(self) -> int | None:
        """Corpus texts the victim encoded after `bind` (0 when the search reused the cache)."""
        if self._goal is None or self._corpus_count is None:
            return None
        now = self._goal.corpus_texts_encoded()
        return None if now is None else now - self._corpus_count

    # -- perturbation --------------------------------------------------------------------

    def search(self, editor: Editor, goal: QueryGoal) -> SearchResult:
        return greedy_search(editor, goal)

    def editor(self, text: str, lang: str, rng: np.random.Generator) -> Editor:
        return Editor(
            text,
            lang=lang,
            generators=self.generators,
            base_seed=int(rng.integers(2**63)),
            draws=self.config["candidates"],
            max_edits=self.config["max_edits"],
            min_chrf=self.config["min_chrf"],
        )

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        if self._goal is None:
            raise RobustirError(
                f"{self.name} needs a victim model: pass --model NAME to `robustir attack` "
                "(in Python: attack.bind(retriever, dataset) before perturbing)"
            )
        rel = self._relevant.get(text)
        if rel is None:
            raise RobustirError(
                f"{self.name}: query {text[:60]!r} has no relevance judgements in the bound dataset; "
                "an adversarial attack must be the first step of its pipeline"
            )
        result = self.search(self.editor(text, lang, rng), self._goal.for_query(rel, lang=lang))
        before, after = result.before, result.after
        assert before is not None and after is not None  # model-guided searches always score
        self._records[text] = {
            "rank_before": before.rank,
            "rank_after": after.rank,
            "skipped": before.success,
            "success": after.success and not before.success,
            "model_calls": result.calls,
        }
        return Perturbation(text, result.best.text, result.best.edits, result.best.ops)

    # -- what the runner records (Attack.row_fields / summary_fields) --------------------------

    def row_fields(self, original: str) -> dict[str, Any]:
        """Extra attacked-set row fields for the query whose original text is `original`."""
        return dict(self._records.get(original, {}))

    def summary_fields(self, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Extra manifest-entry fields: the victim and the adversarial metrics over `rows`."""
        summary = summarize(rows, target_rank=self.config["target_rank"])
        summary["corpus_texts_encoded_during_search"] = self.corpus_texts_encoded_since_bind()
        return {"victim": self.victim, "adversarial": summary}


@register("adversarial.greedy")
class GreedyAttack(AdversarialAttack):
    description = "greedy word-importance search (TextFooler) for the most damaging one-word edits"


@register("adversarial.beam")
class BeamAttack(AdversarialAttack):
    description = "beam search over one-word edits for the most damaging query within the budget"
    params = (*AdversarialAttack.params, Param("width", int, 4, "queries kept per step", 1, 64))

    def search(self, editor: Editor, goal: QueryGoal) -> SearchResult:
        return beam_search(editor, goal, width=self.config["width"])


@register("adversarial.random")
class RandomEditAttack(AdversarialAttack):
    """Model-free baseline: the adversarial attacks' generators and budget, random choices."""

    description = "random one-word edits with the adversarial attacks' generators, budget and chrF floor"
    citation = ""
    params = _COMMON
    needs_model = False
    needs_victim = False

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        result = random_search(self.editor(text, lang, rng), rng=rng)
        return Perturbation(text, result.best.text, result.best.edits, result.best.ops)

    row_fields = Attack.row_fields  # no victim: nothing beyond the standard row and entry
    summary_fields = Attack.summary_fields


def _default_languages() -> frozenset[str]:
    """Languages of the default `edits` (what `robustir attacks` lists; instances know their own)."""
    try:
        return frozenset().union(*(attacks.get(s.name).languages for s in AttackSpec.parse(DEFAULT_EDITS).steps))
    except RobustirError:  # a generator family missing from this build
        return frozenset()


for _cls in (GreedyAttack, BeamAttack, RandomEditAttack):
    _cls.languages = _default_languages()
