"""Dataset registry: one loader per format, each returning the same types.

Importing this package registers the built-in loaders (mldr, mldr-sample, xquad-r,
mlqa-r, beir), one module each in `datasets/loaders/`; they are light (stdlib only).
"""
from __future__ import annotations

from pathlib import Path

from robustir.datasets.base import Dataset, DatasetInfo, datasets, parse_langs
from robustir.registry import import_submodules

import_submodules("robustir.datasets.loaders")  # each loader module registers itself

__all__ = ["Dataset", "DatasetInfo", "datasets", "load_dataset", "parse_langs"]


def load_dataset(name: str, *, lang: str, split: str | None = None, data_dir: str | Path | None = None) -> Dataset:
    """Load one (dataset, language, split).

    Example:
        >>> ds = load_dataset("mldr-sample", lang="de")
        >>> ds.stats()["queries"] >= 6
        True
    """
    loader = datasets.get(name)
    return loader.load(lang, split, data_dir=Path(data_dir) if data_dir is not None else None)
