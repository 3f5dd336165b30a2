"""Static import graph of src/robustir: layers, cycles and function lengths (no imports run)."""
from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

# Bottom to top. A module belongs to the first entry its dotted name starts with.
LAYERS: list[tuple[int, tuple[str, ...]]] = [
    (0, ("robustir.types", "robustir.errors", "robustir.registry", "robustir._io", "robustir.languages",
         "robustir._table", "robustir.text", "robustir.datasets", "robustir.attacked_set", "robustir.plugins")),
    (1, ("robustir.models",)),
    (2, ("robustir.attacks",)),
    (3, ("robustir.benchmark",)),
    (4, ("robustir.leaderboards", "robustir.training")),
    (5, ("robustir.cli",)),
]
MAX_FUNCTION_LINES = 80


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _resolve(mod: str, is_pkg: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """module -> robustir modules it imports (anywhere in the file, lazily or not)."""
    graph: dict[str, set[str]] = {}
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        out: set[str] = set()
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(mod, path.name == "__init__.py", node)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            for t in targets:
                if not t.startswith("robustir"):
                    continue
                while t and t not in mods:
                    t = t.rpartition(".")[0]
                if t and t != mod:
                    out.add(t)
        graph[mod] = out
    return graph


def layer_of(mod: str) -> int | None:
    for level, prefixes in LAYERS:
        if any(mod == p or mod.startswith(p + ".") for p in prefixes):
            return level
    return None


def package_of(mod: str) -> str:
    parts = mod.split(".")
    return ".".join(parts[:2])


def upward_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(importer, imported) pairs where a lower layer imports a higher one, or two packages
    of the same layer above the foundation import each other."""
    bad = []
    for mod, targets in graph.items():
        lm = layer_of(mod)
        for t in targets:
            lt = layer_of(t)
            if lm is None or lt is None:
                if mod != "robustir" and t != "robustir":
                    bad.append((mod, t))
                continue
            if lt > lm or (lt == lm and lm > 0 and package_of(mod) != package_of(t)):
                bad.append((mod, t))
    return sorted(bad)


def _ancestor(mod: str, target: str) -> bool:
    return mod.startswith(target + ".")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), ignoring a
    submodule's import of its own package's __init__."""
    edges = {m: {t for t in ts if not _ancestor(m, t)} for m, ts in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(out)


def long_functions(mods: dict[str, Path]) -> list[tuple[str, str, int]]:
    out = []
    for mod, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    out.append((mod, node.name, n))
    return sorted(out)


if __name__ == "__main__":
    mods = modules()
    g = imports(mods)
    cyc = cycles(g)
    up = upward_imports(g)
    lf = long_functions(mods)
    print(f"modules {len(mods)}, import edges {sum(map(len, g.values()))}")
    print(f"cycles {len(cyc)}")
    for c in cyc:
        print("  ", " <-> ".join(c))
    print(f"upward/sideways imports {len(up)}")
    for a, b in up:
        print(f"   {a} -> {b}")
    print(f"functions over {MAX_FUNCTION_LINES} lines {len(lf)}")
    for m, f, n in lf:
        print(f"   {m}.{f}: {n}")
