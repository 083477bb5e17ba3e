"""Import layers: no import cycles among the workbench's modules, and the segmentation module at the
bottom.

The graph is read from the source with :mod:`ast`, not from what happens to be imported at run time.
Every import counts, including one inside a function: a lazy import only postpones a cycle to the
first call, and the rule is that no module imports its caller. Imports under ``if TYPE_CHECKING:``
do not count (they never run; they only name types for the checker). ``from package import name``
is an edge to ``package.name`` when that is a module, else to the package; importing a submodule
is not counted as importing its parent packages (Python runs their ``__init__`` first, but that is
the package's own business, not a dependency of the importer).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

PACKAGE = Path(__file__).resolve().parents[2] / "workbench"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The workbench modules ``module`` imports anywhere in its body (see the module docstring)."""
    found: set[str] = set()
    base = module if is_package else module.rpartition(".")[0]

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("workbench") and (target := resolve(alias.name)):
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base.split(".")[: len(base.split(".")) - node.level + 1]
                src = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                src = node.module or ""
            if src.startswith("workbench"):
                for alias in node.names:
                    target = f"{src}.{alias.name}" if f"{src}.{alias.name}" in known else resolve(src)
                    if target:
                        found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(module)
    return found


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {
        name: _imports(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py", known)
        for name, path in mods.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
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

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def _within(graph: dict[str, set[str]], prefix: str) -> dict[str, set[str]]:
    inside = {m for m in graph if m == prefix or m.startswith(prefix + ".")}
    return {m: graph[m] & inside for m in inside}


def test_the_graph_sees_function_level_imports_and_skips_type_checking_ones() -> None:
    src = (
        "from typing import TYPE_CHECKING\n"
        "import workbench.hebrew\n"
        "if TYPE_CHECKING:\n    from workbench.store import Store\n"
        "def f():\n    from workbench.align import dp\n    from . import costs\n"
    )
    known = {"workbench.hebrew", "workbench.store", "workbench.align", "workbench.align.dp",
             "workbench.align.costs", "workbench.align.x"}  # fmt: skip
    assert _imports(ast.parse(src), "workbench.align.x", False, known) == {
        "workbench.hebrew", "workbench.align.dp", "workbench.align.costs",
    }  # fmt: skip
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycles_in_the_align_package() -> None:
    assert cycles(_within(import_graph(), "workbench.align")) == []


def test_no_import_cycles_in_the_workbench() -> None:
    assert cycles(import_graph()) == []


def test_segmentation_sits_at_the_bottom() -> None:
    graph = import_graph()
    assert graph["workbench.segment"] <= {"workbench.hebrew"}
    assert graph["workbench.hebrew"] == set()
    # sentence alignment is handed its aligner: it imports neither the aligner nor the signals
    assert not {m for m in graph["workbench.align.sentences"] if m.startswith(("workbench.align.aligner",
                                                                             "workbench.align.signals"))}  # fmt: skip
    # signals are called by the aligner and never import it
    for mod, deps in graph.items():
        if mod.startswith("workbench.align.signals"):
            assert "workbench.align.aligner" not in deps and "workbench.align" not in deps, mod
