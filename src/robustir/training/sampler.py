"""Hybrid batches (Elmahdy et al. 2024, arXiv 2408.10536) as a sentence-transformers batch sampler.

Each batch is monolingual with probability `alpha`: every query and passage in one language
(drawn uniformly, or in proportion to its data size); otherwise it is cross-lingual: every
query in one language, every passage in another. ``alpha=1`` is the paper's X-X baseline
(``mono``), ``alpha=0`` its X-Y baseline (``cross``). A batch never holds two items of one
parallel group: a translation of the positive would be a false in-batch negative.

The training dataset holds one row per (group, query language, passage language) pair that
the strategy can use; `PairLayout` records which row is which, and the sampler picks rows.
The trainer builds samplers through a callable (`SamplerFactory`) that it calls with the
dataset; the factory finds that dataset's layout.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from sentence_transformers.base.sampler import DefaultBatchSampler

from robustir._io import stable_hash
from robustir.errors import DataError, RobustirError
from robustir.training.data import ParallelData

__all__ = ["STRATEGIES", "HybridBatchSampler", "PairLayout", "SamplerFactory", "build_pairs", "strategy_alpha"]

STRATEGIES = ("hybrid", "mono", "cross")
LANG_SAMPLING = ("uniform", "size")


def strategy_alpha(strategy: str, alpha: float | None = None) -> float:
    """The monolingual-batch probability of a strategy; `alpha` only applies to hybrid."""
    if strategy not in STRATEGIES:
        raise RobustirError(f"unknown training strategy {strategy!r}; accepted: {', '.join(STRATEGIES)}")
    if strategy == "mono":
        if alpha not in (None, 1.0):
            raise RobustirError(f"strategy 'mono' means alpha=1, got alpha={alpha}; use --strategy hybrid")
        return 1.0
    if strategy == "cross":
        if alpha not in (None, 0.0):
            raise RobustirError(f"strategy 'cross' means alpha=0, got alpha={alpha}; use --strategy hybrid")
        return 0.0
    alpha = 0.5 if alpha is None else float(alpha)
    if not 0.0 <= alpha <= 1.0:
        raise RobustirError(f"alpha must be in [0, 1], got {alpha}")
    return alpha


@dataclass(frozen=True)
class PairLayout:
    """Row i of a pair dataset is (group[i], query language[i], passage language[i])."""

    langs: tuple[str, ...]
    group_ids: tuple[str, ...]
    group: np.ndarray = field(repr=False)
    qlang: np.ndarray = field(repr=False)
    plang: np.ndarray = field(repr=False)

    def __len__(self) -> int:
        return int(self.group.shape[0])

    def row(self, i: int) -> tuple[str, str, str]:
        return self.group_ids[self.group[i]], self.langs[self.qlang[i]], self.langs[self.plang[i]]


def build_pairs(data: ParallelData, alpha: float) -> tuple[PairLayout, list[str], list[str]]:
    """Rows (layout, queries, passages) for a strategy: same-language pairs if alpha > 0,
    cross-language pairs if alpha < 1."""
    langs = data.langs
    li = {lang: i for i, lang in enumerate(langs)}
    g_idx: list[int] = []
    q_idx: list[int] = []
    p_idx: list[int] = []
    queries: list[str] = []
    passages: list[str] = []
    for gi, g in enumerate(data.groups):
        for ql in g.langs:
            for pl in g.langs:
                if (ql == pl and alpha <= 0.0) or (ql != pl and alpha >= 1.0):
                    continue
                g_idx.append(gi)
                q_idx.append(li[ql])
                p_idx.append(li[pl])
                queries.append(g.items[ql][0])
                passages.append(g.items[pl][1])
    if alpha < 1.0 and not any(q != p for q, p in zip(q_idx, p_idx)):
        raise DataError(
            f"{data.source}: cross-lingual batches need groups in at least two languages "
            f"(languages present: {', '.join(langs) or 'none'})"
        )
    if not g_idx:
        raise DataError(f"{data.source}: no training pairs")
    layout = PairLayout(
        langs, data.group_ids, np.asarray(g_idx, np.int64), np.asarray(q_idx, np.int64), np.asarray(p_idx, np.int64)
    )
    return layout, queries, passages


class _GroupQueue:
    """Groups eligible for one (query, passage) language pair, served in shuffled passes."""

    def __init__(self, groups: np.ndarray) -> None:
        self.groups = groups
        self.order = np.empty(0, np.int64)
        self.pos = 0

    def take(self, k: int, rng: np.random.Generator) -> list[int]:
        if k >= len(self.groups):
            return [int(g) for g in rng.permutation(self.groups)]
        out = [int(g) for g in self.order[self.pos : self.pos + k]]
        self.pos += len(out)
        if len(out) < k:  # pass exhausted: reshuffle, never repeating a group within the batch
            taken = set(out)
            fresh = rng.permutation(self.groups)
            self.order = np.asarray([g for g in fresh if int(g) not in taken] + sorted(taken), np.int64)
            need = k - len(out)
            out += [int(g) for g in self.order[:need]]
            self.pos = need
        return out


class HybridBatchSampler(DefaultBatchSampler):
    """Yields batches of row indices of a pair dataset laid out by `build_pairs`.

    One epoch has as many batches as there are query texts divided by the batch size; every
    batch is full (unless a language pair has fewer groups than the batch size). The order
    depends only on (seed, epoch), not on the torch generator.

    Example:
        >>> layout, q, p = build_pairs(data, 0.5)                         # doctest: +SKIP
        >>> sampler = HybridBatchSampler(range(len(layout)), 32, False, layout=layout, alpha=0.5)
    """

    def __init__(
        self,
        dataset: Sequence | object,
        batch_size: int,
        drop_last: bool = False,
        valid_label_columns: list[str] | None = None,
        generator: object | None = None,
        seed: int = 0,
        *,
        layout: PairLayout,
        alpha: float,
        lang_sampling: str = "uniform",
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 2:
            raise RobustirError(f"batch size must be an integer >= 2 (in-batch negatives), got {batch_size!r}")
        if not 0.0 <= alpha <= 1.0:
            raise RobustirError(f"alpha must be in [0, 1], got {alpha}")
        if lang_sampling not in LANG_SAMPLING:
            raise RobustirError(f"unknown language sampling {lang_sampling!r}; accepted: {', '.join(LANG_SAMPLING)}")
        super().__init__(dataset, batch_size, drop_last, valid_label_columns, generator, seed)  # type: ignore[arg-type]
        self.layout = layout
        self.alpha = float(alpha)
        self.lang_sampling = lang_sampling
        self.seed = 0 if seed is None else int(seed)
        self._rows: dict[tuple[int, int, int], int] = {
            (int(g), int(q), int(p)): i for i, (g, q, p) in enumerate(zip(layout.group, layout.qlang, layout.plang))
        }
        pairs: dict[tuple[int, int], list[int]] = {}
        for g, q, p in self._rows:
            pairs.setdefault((q, p), []).append(g)
        self._pair_groups = {k: np.asarray(sorted(v), np.int64) for k, v in sorted(pairs.items())}
        self._mono = sorted(q for q, p in self._pair_groups if q == p)
        self._cross: dict[int, list[int]] = {}
        for q, p in self._pair_groups:
            if q != p:
                self._cross.setdefault(q, []).append(p)
        if self.alpha > 0.0 and not self._mono:
            raise RobustirError("alpha > 0 needs monolingual pairs, but the dataset holds none")
        if self.alpha < 1.0 and not self._cross:
            raise RobustirError("alpha < 1 needs cross-lingual pairs, but the dataset holds none")
        self._n_queries = len({(g, q) for g, q, _ in self._rows})

    def _weights(self, langs: Sequence[int], *, cross: bool) -> np.ndarray:
        if self.lang_sampling == "uniform":
            w = np.ones(len(langs))
        else:  # in proportion to the number of groups a language can serve queries for
            w = np.asarray(
                [
                    sum(len(self._pair_groups[(q, p)]) for p in (self._cross[q] if cross else [q]))
                    for q in langs
                ],
                dtype=float,
            )
        return w / w.sum()

    def __len__(self) -> int:
        n = self._n_queries // self.batch_size if self.drop_last else -(-self._n_queries // self.batch_size)
        return max(1, n)

    def plan(self) -> Iterator[tuple[bool, int, int, list[int]]]:
        """(monolingual?, query lang index, passage lang index, group indices) per batch."""
        rng = np.random.default_rng([self.seed, self.epoch, stable_hash("robustir.hybrid-batches")])
        queues = {k: _GroupQueue(v) for k, v in self._pair_groups.items()}
        cross_langs = sorted(self._cross)
        w_mono = self._weights(self._mono, cross=False) if self._mono else None
        w_cross = self._weights(cross_langs, cross=True) if cross_langs else None
        for _ in range(len(self)):
            mono = bool(rng.random() < self.alpha)
            if mono:
                q = p = self._mono[int(rng.choice(len(self._mono), p=w_mono))]
            else:
                q = cross_langs[int(rng.choice(len(cross_langs), p=w_cross))]
                targets = self._cross[q]
                p = targets[int(rng.integers(len(targets)))]
            yield mono, q, p, queues[(q, p)].take(self.batch_size, rng)

    def __iter__(self) -> Iterator[list[int]]:
        for _mono, q, p, groups in self.plan():
            yield [self._rows[(g, q, p)] for g in groups]


class SamplerFactory:
    """The `batch_sampler` callable handed to SentenceTransformerTrainingArguments.

    The trainer calls it with each dataset it batches (train, eval); the factory hands the
    sampler the layout registered for that dataset object.
    """

    def __init__(self, *, alpha: float, lang_sampling: str = "uniform") -> None:
        self.alpha = alpha
        self.lang_sampling = lang_sampling
        self._layouts: dict[int, tuple[object, PairLayout]] = {}

    def register(self, dataset: object, layout: PairLayout) -> None:
        """Declare `dataset`'s layout. A sampler built for a dataset the trainer does not train
        on (validation, probes) stays at epoch 0, so it gives the same batches every time."""
        if len(dataset) != len(layout):  # type: ignore[arg-type]
            raise DataError(f"dataset has {len(dataset)} rows but its layout {len(layout)}")  # type: ignore[arg-type]
        self._layouts[id(dataset)] = (dataset, layout)  # keeps the dataset alive: ids stay unique

    def __call__(
        self,
        dataset: object,
        batch_size: int,
        drop_last: bool = False,
        valid_label_columns: list[str] | None = None,
        generator: object | None = None,
        seed: int = 0,
    ) -> HybridBatchSampler:
        entry = self._layouts.get(id(dataset))
        if entry is None:
            raise RobustirError("hybrid batch sampler: dataset was not registered with its pair layout")
        layout = entry[1]
        return HybridBatchSampler(
            dataset,
            batch_size,
            drop_last,
            valid_label_columns,
            generator,
            seed,
            layout=layout,
            alpha=self.alpha,
            lang_sampling=self.lang_sampling,
        )
