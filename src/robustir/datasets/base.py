"""Dataset metadata, the loaded `Dataset`, and the dataset registry."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from robustir.errors import DataError, RobustirError, unknown_name
from robustir.registry import Registry
from robustir.types import Corpus, Qrels, QuerySet

__all__ = ["Dataset", "DatasetInfo", "DatasetLoader", "datasets", "resolve_lang_split"]


@dataclass(frozen=True)
class DatasetInfo:
    """What a dataset is, declared once (mteb's TaskMetadata plays this role there)."""

    name: str
    description: str
    languages: tuple[str, ...]
    splits: tuple[str, ...]
    license: str
    source: str
    revision: str
    default_split: str
    parallel: bool = False
    notes: str = ""
    # ISO 639-1 -> ISO 639-3 + ISO 15924 script, as mteb declares them.
    scripts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Dataset:
    """One (dataset, language, split): corpus, queries and judgements, validated together."""

    name: str
    lang: str
    split: str
    revision: str
    corpus: Corpus
    queries: QuerySet
    qrels: Qrels

    def __post_init__(self) -> None:
        self.qrels.validate_against(self.queries, self.corpus, source=f"{self.name}/{self.lang}/{self.split}")

    def stats(self) -> dict[str, float | int | str]:
        nq = len(self.queries)
        nd = len(self.corpus)
        return {
            "dataset": self.name,
            "lang": self.lang,
            "split": self.split,
            "queries": nq,
            "documents": nd,
            "judged": self.qrels.n_judged(),
            "mean_query_chars": round(sum(map(len, self.queries.texts)) / nq, 1) if nq else 0.0,
            "mean_doc_chars": round(sum(map(len, self.corpus.full_texts())) / nd, 1) if nd else 0.0,
        }


class DatasetLoader(Protocol):
    info: DatasetInfo

    def load(self, lang: str, split: str, *, data_dir: Path | None = None) -> Dataset: ...


datasets: Registry[DatasetLoader] = Registry("dataset", entry_point_group="robustir.datasets")


def resolve_lang_split(info: DatasetInfo, lang: str, split: str | None) -> tuple[str, str]:
    """Validate a (language, split) pair against the dataset's declaration."""
    if lang not in info.languages:
        raise unknown_name(f"language for dataset {info.name}", lang, info.languages)
    split = split or info.default_split
    if split not in info.splits:
        raise unknown_name(f"split for dataset {info.name}", split, info.splits)
    return lang, split


def require_dir(path: Path, what: str) -> Path:
    if not path.exists():
        raise DataError(f"{what}: folder {path} does not exist")
    if not path.is_dir():
        raise DataError(f"{what}: {path} is not a folder")
    return path


def parse_langs(text: str | Sequence[str], info: DatasetInfo) -> list[str]:
    """'ar,de' or ['ar','de'] or 'all' -> validated list of languages."""
    items = [x.strip() for x in (text.split(",") if isinstance(text, str) else text) if x.strip()]
    if items == ["all"]:
        return list(info.languages)
    if not items:
        raise RobustirError("no language given")
    for lang in items:
        if lang not in info.languages:
            raise unknown_name(f"language for dataset {info.name}", lang, info.languages)
    return items
