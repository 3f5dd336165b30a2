"""robustir: how robust are multilingual retrievers to perturbed queries?

The top-level package only carries the version and light re-exports; heavy libraries
(torch, transformers, pandas) are imported inside the functions that need them.
"""
from __future__ import annotations

__version__ = "0.1.0"

from robustir.errors import RobustirError
from robustir.types import Corpus, Qrels, QuerySet, Run

__all__ = ["__version__", "RobustirError", "Corpus", "QuerySet", "Qrels", "Run"]
