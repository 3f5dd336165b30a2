"""The package's shape: layers, cycles and function length, checked statically over src/.

Promise: a newcomer can read robustir bottom-up. Each module imports only from its own
package or from lower layers (foundation < models < attacks < benchmark < leaderboards,
training < cli), no import cycle exists (a submodule importing its own package's __init__
aside), and no function is over 80 lines.
"""
from __future__ import annotations

import importgraph as ig


def test_the_checker_sees_what_it_should() -> None:
    # A checker that finds nothing because it parses nothing would pass vacuously.
    mods = ig.modules()
    assert {"robustir.cli", "robustir.models", "robustir.attacks", "robustir.text.segment", "robustir.datasets"} <= set(mods)
    graph = ig.imports(mods)
    assert "robustir.text.segment" in graph["robustir.models.backends.bm25"]
    assert ig.cycles({"a.x": {"a.y"}, "a.y": {"a.x"}, "a.z": {"a"}, "a": {"a.z"}}) == [["a.x", "a.y"]]
    assert ig.upward_imports({"robustir.models.base": {"robustir.attacks.base"}}) == [
        ("robustir.models.base", "robustir.attacks.base")
    ]


def test_every_module_has_a_layer() -> None:
    unplaced = [m for m in ig.modules() if m != "robustir" and ig.layer_of(m) is None]
    assert unplaced == []


def test_no_import_cycle() -> None:
    assert ig.cycles(ig.imports(ig.modules())) == []


def test_no_import_from_a_lower_layer_to_a_higher_one() -> None:
    assert ig.upward_imports(ig.imports(ig.modules())) == []


def test_no_library_module_imports_the_cli() -> None:
    graph = ig.imports(ig.modules())
    offenders = [m for m, ts in graph.items() if not m.startswith("robustir.cli") and any(t.startswith("robustir.cli") for t in ts)]
    assert offenders == []


def test_no_function_over_80_lines() -> None:
    assert ig.long_functions(ig.modules()) == []
