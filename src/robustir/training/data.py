"""Parallel training data for dual encoders: one group = one question in several languages.

Two sources give the same `ParallelData`:

* an XQuAD-R / LAReQA folder (``{lang}.json`` in SQuAD format with ``sentences``): the query
  is the question, the positive passage is the sentence holding its answer, the group id is
  the question id (shared by every translation) and the split unit is the article;
* a JSONL file, one object per line::

      {"group_id": "q17", "lang": "de", "query": "Wer ...?", "passage": "Im Jahr ...", "article": "a3"}

  ``group_id``, ``lang``, ``query`` and ``passage`` are required non-empty strings; ``article``
  is optional (the unit for ``split_by="article"``; it defaults to the group id). A
  (group_id, lang) pair may appear once.

`split_data` splits by group or by article so that evaluation never sees a training group.
Everything is deterministic for a given seed and independent of file order.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np

from robustir._io import iter_jsonl, stable_hash
from robustir.errors import DataError, RobustirError

__all__ = [
    "DataSplits",
    "ParallelData",
    "ParallelGroup",
    "load_jsonl",
    "load_training_data",
    "load_xquad_r",
    "split_data",
    "write_jsonl_data",
]

SPLIT_BY = ("group", "article")


@dataclass(frozen=True)
class ParallelGroup:
    """One question with its positive passage in each language it exists in."""

    group_id: str
    article: str
    items: Mapping[str, tuple[str, str]]  # lang -> (query, passage)

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(sorted(self.items))


@dataclass(frozen=True)
class ParallelData:
    """Parallel (query, passage) groups, sorted by group id."""

    groups: tuple[ParallelGroup, ...]
    source: str = ""

    def __post_init__(self) -> None:
        ids = [g.group_id for g in self.groups]
        if len(set(ids)) != len(ids):
            raise DataError(f"{self.source or 'training data'}: duplicate group ids")

    def __len__(self) -> int:
        return len(self.groups)

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(sorted({lang for g in self.groups for lang in g.items}))

    @property
    def group_ids(self) -> tuple[str, ...]:
        return tuple(g.group_id for g in self.groups)

    def n_examples(self) -> int:
        return sum(len(g.items) for g in self.groups)

    def rows(self) -> Iterable[dict[str, str]]:
        """The JSONL rows of this data, in canonical order (group id, then language)."""
        for g in self.groups:
            for lang in g.langs:
                query, passage = g.items[lang]
                yield {"group_id": g.group_id, "lang": lang, "query": query, "passage": passage, "article": g.article}

    def fingerprint(self) -> str:
        """sha256 of the canonical JSONL rows: the data identity recorded in model cards."""
        h = hashlib.sha256()
        for row in self.rows():
            h.update(json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
        return h.hexdigest()

    def subset(self, group_ids: Iterable[str], *, source: str | None = None) -> ParallelData:
        keep = set(group_ids)
        return ParallelData(tuple(g for g in self.groups if g.group_id in keep), source or self.source)

    def restrict_langs(self, langs: Sequence[str]) -> ParallelData:
        """Keep only `langs`; groups left with no language are dropped."""
        unknown = sorted(set(langs) - set(self.langs))
        if unknown:
            raise DataError(
                f"{self.source or 'training data'}: no examples in language(s) {', '.join(unknown)} "
                f"(the data has {', '.join(self.langs) or 'none'})"
            )
        want = set(langs)
        groups = []
        for g in self.groups:
            items = {lang: v for lang, v in g.items.items() if lang in want}
            if items:
                groups.append(ParallelGroup(g.group_id, g.article, MappingProxyType(items)))
        return ParallelData(tuple(groups), self.source)


def _build(rows: Iterable[tuple[str, str, str, str, str]], source: str) -> ParallelData:
    """rows of (group_id, article, lang, query, passage) -> ParallelData."""
    items: dict[str, dict[str, tuple[str, str]]] = {}
    articles: dict[str, str] = {}
    for gid, article, lang, query, passage in rows:
        per = items.setdefault(gid, {})
        if lang in per:
            raise DataError(f"{source}: group {gid!r} has two examples in language {lang!r}")
        if articles.setdefault(gid, article) != article:
            raise DataError(f"{source}: group {gid!r} is in two articles ({articles[gid]!r} and {article!r})")
        per[lang] = (query, passage)
    if not items:
        raise DataError(f"{source}: no training examples")
    groups = tuple(
        ParallelGroup(gid, articles[gid], MappingProxyType(dict(sorted(items[gid].items())))) for gid in sorted(items)
    )
    return ParallelData(groups, source)


def load_xquad_r(data_dir: str | Path, langs: Sequence[str]) -> ParallelData:
    """Training pairs from an XQuAD-R / LAReQA folder: (question, answer sentence) per language.

    The article is taken as the split unit; parallel files share question ids and articles.
    """
    from robustir.datasets import datasets

    if not langs:
        raise RobustirError("no language given for XQuAD-R training data")
    loader = datasets.get("xquad-r")
    rows = []
    for lang in langs:
        f = loader.read(lang, data_dir=Path(data_dir))
        sentences = dict(zip(f.corpus.ids, f.corpus.texts))
        for q in f.questions:
            rows.append((q.qid, f"article-{q.article}", lang, q.question, sentences[q.relevant]))
    return _build(rows, f"xquad-r:{Path(data_dir)}")


_REQUIRED = ("group_id", "lang", "query", "passage")


def load_jsonl(path: str | Path, langs: Sequence[str] | None = None) -> ParallelData:
    """Training pairs from the documented JSONL format (see the module docstring)."""
    path = Path(path)
    rows = []
    for lineno, obj in iter_jsonl(path):
        vals = []
        for key in _REQUIRED:
            v = obj.get(key)
            if not isinstance(v, str) or not v.strip():
                raise DataError(
                    f"{path}:{lineno}: field {key!r} must be a non-empty string, got {v!r} "
                    f"(each line needs {', '.join(_REQUIRED)}; 'article' is optional)"
                )
            vals.append(v)
        article = obj.get("article", vals[0])
        if not isinstance(article, str) or not article:
            raise DataError(f"{path}:{lineno}: field 'article' must be a non-empty string, got {article!r}")
        gid, lang, query, passage = vals
        rows.append((gid, article, lang, query, passage))
    data = _build(rows, str(path))
    return data.restrict_langs(langs) if langs else data


def load_training_data(path: str | Path, langs: Sequence[str] | None = None) -> ParallelData:
    """A JSONL file, or a folder of XQuAD-R/LAReQA ``{lang}.json`` files."""
    path = Path(path)
    if path.is_dir():
        if not langs:
            langs = sorted(p.stem for p in path.glob("*.json") if len(p.stem) == 2)
        if not langs:
            raise DataError(f"{path}: folder holds no {{lang}}.json files (XQuAD-R/LAReQA layout)")
        return load_xquad_r(path, langs)
    if not path.exists():
        raise DataError(f"training data not found: {path} (expected a .jsonl file or an XQuAD-R folder)")
    return load_jsonl(path, langs)


def write_jsonl_data(data: ParallelData, path: str | Path) -> int:
    from robustir._io import write_jsonl

    return write_jsonl(path, data.rows())


@dataclass(frozen=True)
class DataSplits:
    train: ParallelData
    validation: ParallelData
    test: ParallelData
    split_by: str
    seed: int

    def summary(self) -> dict[str, object]:
        return {
            "split_by": self.split_by,
            "seed": self.seed,
            "train_groups": len(self.train),
            "validation_groups": len(self.validation),
            "test_groups": len(self.test),
            "test_group_ids": list(self.test.group_ids),
            "validation_group_ids": list(self.validation.group_ids),
        }


def split_data(
    data: ParallelData,
    *,
    by: str = "group",
    validation: float = 0.1,
    test: float = 0.2,
    seed: int = 0,
) -> DataSplits:
    """Split by group (or by article) into train / validation / test, deterministically.

    Units are sorted, then shuffled with a generator seeded by `seed`; the first units go to
    test, the next to validation. No group (and with ``by="article"`` no article) is shared.
    """
    if by not in SPLIT_BY:
        raise RobustirError(f"unknown split unit {by!r}; accepted: {', '.join(SPLIT_BY)}")
    for name, frac in (("validation", validation), ("test", test)):
        if not 0.0 <= frac < 1.0:
            raise RobustirError(f"{name} fraction must be in [0, 1), got {frac}")
    if validation + test >= 1.0:
        raise RobustirError(f"validation + test fractions must leave training data, got {validation} + {test}")
    unit_of = {g.group_id: (g.article if by == "article" else g.group_id) for g in data.groups}
    units = sorted(set(unit_of.values()))
    rng = np.random.default_rng([seed, stable_hash(f"split:{by}")])
    order = [units[i] for i in rng.permutation(len(units))]
    n_test = int(round(test * len(units)))
    n_val = int(round(validation * len(units)))
    if n_test == 0 and test > 0 or n_val == 0 and validation > 0 or n_test + n_val >= len(units):
        raise DataError(
            f"{data.source}: {len(units)} {by}s cannot be split into train/validation/test "
            f"with fractions {validation}/{test}; use more data or other fractions"
        )
    test_units = set(order[:n_test])
    val_units = set(order[n_test : n_test + n_val])
    pick = lambda keep: [gid for gid, u in unit_of.items() if u in keep]  # noqa: E731
    train_units = set(order[n_test + n_val :])
    return DataSplits(
        train=data.subset(pick(train_units), source=f"{data.source}#train"),
        validation=data.subset(pick(val_units), source=f"{data.source}#validation"),
        test=data.subset(pick(test_units), source=f"{data.source}#test"),
        split_by=by,
        seed=seed,
    )
