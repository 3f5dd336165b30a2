"""Import one module of a third-party package without running its package ``__init__`` files.

nlpaug's ``nlpaug.augmenter.word`` imports every word augmenter, transformers included (10-20 s);
TextAttack's top-level ``textattack/__init__.py`` imports the whole framework (models,
datasets, recipes, flair). The adapters need a handful of plain modules, so they import them
through stand-in package objects: a module object with the package's real ``__path__`` whose
``__init__`` is not executed. The stand-ins are removed from ``sys.modules`` afterwards, so a
later ordinary import of the package still runs its real ``__init__`` (it reuses the modules
already loaded).
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import sys
import types
from collections.abc import Iterator, Sequence

__all__ = ["package_dir", "shell_packages"]


def package_dir(top: str) -> str | None:
    """The folder of installed top-level package `top` (found without importing it), or None."""
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return list(spec.submodule_search_locations)[0]


@contextlib.contextmanager
def shell_packages(names: Sequence[str]) -> Iterator[dict[str, types.ModuleType]]:
    """Stand-ins for the packages `names` (parents first) while the body imports submodules.

    A package already imported for real is used as it is; a parent not named in `names` is
    imported for real."""
    added: list[str] = []
    shells: dict[str, types.ModuleType] = {}
    try:
        for name in names:
            if name in sys.modules:
                shells[name] = sys.modules[name]
                continue
            parent, _, child = name.rpartition(".")
            if parent:
                base = sys.modules.get(parent) or importlib.import_module(parent)  # parents not shelled: real
                path = [f"{p}/{child}" for p in base.__path__]
            else:
                found = package_dir(name)
                if found is None:
                    raise ImportError(f"No module named {name!r}")
                path = [found]
            mod = types.ModuleType(name)
            mod.__path__ = path  # type: ignore[attr-defined]
            mod.__package__ = name
            mod.__spec__ = importlib.util.spec_from_loader(name, loader=None, is_package=True)
            mod.__spec__.submodule_search_locations = path  # type: ignore[union-attr]
            sys.modules[name] = mod
            if parent:
                setattr(sys.modules[parent], child, mod)
            added.append(name)
            shells[name] = mod
        yield shells
    finally:
        for name in reversed(added):
            if sys.modules.get(name) is shells.get(name):
                del sys.modules[name]
