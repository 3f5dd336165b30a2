"""robustir.attacks: multilingual query perturbation generators.

Importing this package registers every built-in attack. The public verbs:

    >>> from robustir import attacks
    >>> p = attacks.build("typo.keyboard(rate=0.2)")
    >>> p.perturb("where is the eiffel tower", lang="en", qid="q1", seed=0).changed
    True

`build(spec) -> Pipeline` composes steps (``typo.keyboard+synonym(rate=0.2)``) with defaults
filled in; `run_attacks(...)` writes an attacked-set folder and `read_attacked(path)` reads
one back (see `robustir.attacks.runner`).
"""
from __future__ import annotations

from pathlib import Path

from robustir.attacks.base import STRENGTH_PARAMS, Attack, Param, attacks, edit_budget, query_rng, register
from robustir.attacks.pipeline import Pipeline, build
from robustir.registry import import_submodules

__all__ = [
    "STRENGTH_PARAMS",
    "Attack",
    "AttackedCollection",
    "AttackedSet",
    "Param",
    "Pipeline",
    "attacks",
    "build",
    "edit_budget",
    "names",
    "query_rng",
    "read_attacked",
    "register",
    "run_attacks",
    "use_resources",
]

# Attack families: every module in attacks/families/ registers its classes on import (a new
# family is one new file there). They need resources or models only when used, never at import.
FAMILIES = import_submodules("robustir.attacks.families")


def names() -> list[str]:
    """Every registered attack name, sorted."""
    return attacks.names()


def use_resources(path: str | Path) -> None:
    """Point resource-reading attacks at a local folder (what ``--resources DIR`` does)."""
    from robustir.errors import ResourceMissingError

    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise ResourceMissingError(f"resources folder {folder} does not exist or is not a folder")
    from robustir.attacks import lexicons

    lexicons.set_resource_dir(folder)


def __getattr__(name: str):  # runner symbols load lazily (they pull in sacrebleu)
    if name in ("run_attacks", "read_attacked", "AttackedCollection", "AttackedSet"):
        from robustir.attacks import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
