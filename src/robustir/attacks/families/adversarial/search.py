"""Search methods: which single-word edits to try, in which order, within which budget.

A query is split into tokens (`robustir.text.segment.tokenize`); an *edit* applies one
registered generator (typo.char, synonym, ...) to one word with its own derived RNG and replaces
that word. Every word position is edited at most once (TextAttack's RepeatModification), so
`edits` counts positions changed. Constraints, checked before a candidate is ever scored:
at most `max_edits` edits, chrF to the original >= `min_chrf` (the attacks' fidelity chrF),
never an empty query.

- `greedy_search`: TextAttack's greedy word-importance ranking (Jin et al. 2020, TextFooler):
  words are ranked by how much deleting each one hurts the relevant document, then visited in
  that order; at each, the most damaging candidate is kept if it improves on the current query.
- `beam_search`: keeps the `width` most damaging queries; each step expands every kept query by
  one more edit at any unedited position.
- `random_search`: the model-free baseline with the same generators and budget: `max_edits`
  random positions, one random qualifying candidate each.

All three stop at success (the goal's relevant document out of the top k) or at the budget,
and are deterministic for a given `base_seed`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from robustir.attacks.families.adversarial.goal import GoalResult, QueryGoal
from robustir.attacks.base import Attack
from robustir.attacks.fidelity import chrf
from robustir.text.segment import is_stopword, tokenize

__all__ = ["Candidate", "Editor", "SearchResult", "beam_search", "greedy_search", "random_search"]


@dataclass(frozen=True)
class Candidate:
    """A query reachable from the original: its token texts and the positions edited."""

    tokens: tuple[str, ...]
    edited: frozenset[int] = frozenset()
    ops: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "".join(self.tokens)

    @property
    def edits(self) -> int:
        return len(self.edited)


@dataclass(frozen=True)
class SearchResult:
    """The chosen perturbation and what it did (`before`/`after` are None for random search)."""

    original: str
    best: Candidate
    before: GoalResult | None
    after: GoalResult | None
    calls: int
    chrf: float
    trace: tuple[str, ...] = field(default=(), repr=False)


class Editor:
    """Proposes single-word edits of a query from a list of generators, under the constraints.

    `draws` candidates per (position, generator), each from
    `default_rng([base_seed, position, generator index, draw])`: a position's candidates do
    not depend on the order the search visits positions in.
    """

    def __init__(
        self,
        text: str,
        *,
        lang: str,
        generators: Sequence[Attack],
        base_seed: int,
        draws: int,
        max_edits: int,
        min_chrf: float,
    ) -> None:
        self.original = text
        self.lang = lang
        self.generators = [g for g in generators if g.supports(lang)]
        self.base_seed = base_seed
        self.draws = draws
        self.max_edits = max_edits
        self.min_chrf = min_chrf
        toks = tokenize(text, lang)
        self.start = Candidate(tuple(t.text for t in toks))
        words = [i for i, t in enumerate(toks) if t.is_word]
        content = [i for i in words if not is_stopword(toks[i].text, lang)]
        # Stopwords are left alone (as TextAttack's StopwordModification does) unless a query
        # has nothing else.
        self.positions: tuple[int, ...] = tuple(content or words)
        self._proposals: dict[int, list[tuple[str, str]]] = {}
        self._chrf: dict[str, float] = {text: 100.0}

    def fidelity(self, text: str) -> float:
        if text not in self._chrf:
            self._chrf[text] = chrf(text, self.original)
        return self._chrf[text]

    def _words_for(self, pos: int) -> list[tuple[str, str]]:
        """(new word, op label) candidates for the original word at `pos`, cached."""
        if pos not in self._proposals:
            word = self.start.tokens[pos]
            seen: dict[str, str] = {}
            for j, gen in enumerate(self.generators):
                for d in range(self.draws):
                    rng = np.random.default_rng([self.base_seed, pos, j, d])
                    new = gen(word, lang=self.lang, rng=rng).perturbed
                    if new != word and new.strip() and new not in seen:
                        seen[new] = f"{gen.name}@{pos}:{word}->{new}"
            self._proposals[pos] = list(seen.items())
        return self._proposals[pos]

    def expand(self, cand: Candidate, pos: int) -> list[Candidate]:
        """Every qualifying candidate that edits `pos` of `cand` (nothing if over budget)."""
        if pos in cand.edited or cand.edits >= self.max_edits:
            return []
        out = []
        for new, op in self._words_for(pos):
            tokens = cand.tokens[:pos] + (new,) + cand.tokens[pos + 1 :]
            text = "".join(tokens)
            if not text.strip() or self.fidelity(text) < self.min_chrf:
                continue
            out.append(Candidate(tokens, cand.edited | {pos}, cand.ops + (op,)))
        return out

    def deletions(self) -> list[tuple[int, str]]:
        """(position, query without that word) for the importance ranking; empty texts skipped."""
        out = []
        for pos in self.positions:
            text = "".join(self.start.tokens[:pos] + self.start.tokens[pos + 1 :])
            text = " ".join(text.split()) if " " in text else text
            if text.strip():
                out.append((pos, text))
        return out


def _finish(editor: Editor, goal: QueryGoal, before: GoalResult, best: Candidate, after: GoalResult, trace: list[str]) -> SearchResult:
    return SearchResult(editor.original, best, before, after, goal.calls, editor.fidelity(best.text), tuple(trace))


def greedy_search(editor: Editor, goal: QueryGoal) -> SearchResult:
    """Greedy search with word-importance ordering (TextFooler's deletion importance)."""
    current = editor.start
    before = cur = goal.evaluate([current.text])[0]
    trace: list[str] = []
    if before.success or not editor.positions or editor.max_edits == 0:
        return _finish(editor, goal, before, current, cur, trace)
    dels = editor.deletions()
    drops = goal.evaluate([t for _, t in dels])
    # Larger drop of the margin = more important word; ties keep reading order.
    order = [p for _, p in sorted((r.margin - before.margin, p) for (p, _), r in zip(dels, drops))]
    order += [p for p in editor.positions if p not in order]
    for pos in order:
        if current.edits >= editor.max_edits:
            break
        cands = editor.expand(current, pos)
        if not cands:
            continue
        results = goal.evaluate([c.text for c in cands])
        i = min(range(len(cands)), key=lambda k: (results[k].margin, -results[k].rank, cands[k].text))
        if results[i].better_than(cur):
            current, cur = cands[i], results[i]
            trace.append(cands[i].ops[-1])
            if cur.success:
                break
    return _finish(editor, goal, before, current, cur, trace)


def beam_search(editor: Editor, goal: QueryGoal, *, width: int) -> SearchResult:
    """Beam search: keep the `width` most damaging queries, extend each by one edit per step."""
    start = editor.start
    before = goal.evaluate([start.text])[0]
    best, best_r = start, before
    if before.success or not editor.positions or editor.max_edits == 0:
        return _finish(editor, goal, before, best, best_r, [])
    beam = [start]
    for _ in range(editor.max_edits):
        pool: dict[str, Candidate] = {}
        for cand in beam:
            for pos in editor.positions:
                for c in editor.expand(cand, pos):
                    pool.setdefault(c.text, c)
        if not pool:
            break
        cands = list(pool.values())
        results = goal.evaluate([c.text for c in cands])
        ranked = sorted(range(len(cands)), key=lambda k: (results[k].margin, -results[k].rank, cands[k].edits, cands[k].text))
        beam = [cands[k] for k in ranked[:width]]
        top = ranked[0]
        if results[top].better_than(best_r):
            best, best_r = cands[top], results[top]
        if best_r.success:
            break
    return _finish(editor, goal, before, best, best_r, list(best.ops))


def random_search(editor: Editor, *, rng: np.random.Generator) -> SearchResult:
    """The model-free baseline: up to `max_edits` random positions, a random qualifying edit each."""
    current = editor.start
    for pos in rng.permutation(np.array(editor.positions, dtype=int)) if editor.positions else []:
        if current.edits >= editor.max_edits:
            break
        cands = editor.expand(current, int(pos))
        if cands:
            current = cands[int(rng.integers(len(cands)))]
    return SearchResult(editor.original, current, None, None, 0, editor.fidelity(current.text), current.ops)


SearchFn = Callable[[Editor, QueryGoal], SearchResult]
