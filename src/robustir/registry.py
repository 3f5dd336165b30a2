"""One generic registry, used for datasets, attacks and models.

Names are unique (a duplicate raises), lookups of unknown names raise with close-match
suggestions, and third-party plugins come in through an entry-point group that is only
read when a name is not found among the built-ins.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from robustir.errors import RobustirError, unknown_name

T = TypeVar("T")

__all__ = ["Registry", "import_submodules"]


def import_submodules(package: str) -> list[str]:
    """Import every module and subpackage directly inside `package` whose name does not start
    with an underscore, in name order, and return their names. This is how built-in parts
    register themselves: a new file in the folder is found without editing any list."""
    import importlib
    import pkgutil

    pkg = importlib.import_module(package)
    found = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))
    for name in found:
        importlib.import_module(f"{package}.{name}")
    return found


class Registry(Generic[T]):
    """A name -> object map with duplicate protection and helpful misses.

    Example:
        >>> datasets = Registry[object]("dataset")
        >>> @datasets.register("toy")
        ... class Toy: ...
        >>> datasets.get("toy") is Toy
        True
    """

    def __init__(self, kind: str, *, entry_point_group: str | None = None) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self._group = entry_point_group
        self._plugins_loaded = False
        self._prefixes: dict[str, Callable[[str], T]] = {}
        self._prefixed: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def deco(obj: T) -> T:
            self.add(name, obj)
            return obj

        return deco

    def add(self, name: str, obj: T) -> None:
        if not name or name != name.strip():
            raise RobustirError(f"invalid {self.kind} name {name!r}")
        if name in self._items:
            raise RobustirError(f"{self.kind} {name!r} is already registered")
        self._items[name] = obj

    def add_prefix(self, prefix: str, factory: Callable[[str], T]) -> None:
        """Resolve every name ``prefix:<rest>`` to ``factory(rest)`` (``irds:<ir_datasets id>``)."""
        if prefix in self._prefixes:
            raise RobustirError(f"{self.kind} prefix {prefix!r} is already registered")
        self._prefixes[prefix] = factory

    def _load_plugins(self) -> None:
        if self._plugins_loaded or self._group is None:
            return
        self._plugins_loaded = True
        from importlib.metadata import entry_points

        for ep in entry_points(group=self._group):
            if ep.name not in self._items:
                obj = ep.load()  # importing it may register it already (a decorated class)
                if self._items.get(ep.name) is not obj:
                    self.add(ep.name, obj)

    def get(self, name: str) -> T:
        prefix, sep, rest = name.partition(":")
        if sep and name not in self._items and prefix in self._prefixes:
            if name not in self._prefixed:  # built once per name; not listed by names()
                self._prefixed[name] = self._prefixes[prefix](rest)
            return self._prefixed[name]
        if name not in self._items:
            self._load_plugins()
        if name not in self._items:
            raise unknown_name(self.kind, name, self._items)
        return self._items[name]

    def names(self) -> list[str]:
        self._load_plugins()
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        if name not in self._items:
            self._load_plugins()
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._items)
