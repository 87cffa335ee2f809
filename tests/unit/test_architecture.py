"""The engine's import graph, computed from the source: no cycles, and the seams stay where docs/design.md says.

Every import counts, including ones inside functions and under TYPE_CHECKING: a cycle hidden in a function is
still a cycle a reader has to untangle. (import-linter checks the layers in scripts/test.sh; this test needs
nothing but the standard library, so it runs in the fast tier everywhere.)
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "feelagain"


def module_name(path: Path) -> str:
    parts = ("feelagain",) + path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Return module → the feelagain modules it imports (anywhere in its source)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                base = (f"{base}.{node.module}" if node.module else base) if node.level else node.module or ""
                # `from . import x` imports the module x when there is one, else a name from the package
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:  # `import feelagain.lint.rules` → the module itself
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_engine_has_no_import_cycle():
    graph = import_graph()
    assert "feelagain.pipeline" in graph and graph["feelagain.pipeline"], "the graph was not read"
    cycle = find_cycle({k: v - {"feelagain"} for k, v in graph.items()})  # the facade is imported by no engine module
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_no_engine_module_imports_the_package_facade():
    importers = sorted(name for name, targets in import_graph().items() if "feelagain" in targets)
    assert importers == [], importers


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_only_serve_imports_tornado_and_livereload_and_only_lint_imports_pyphen():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and not n.level}
        where = path.relative_to(PACKAGE).parts[0]
        if names & {"tornado", "livereload"}:
            assert where == "serve", path
        if "pyphen" in names:
            assert where == "lint", path
