"""Import layers (CONTRIBUTING.md, "How the code is laid out"): a module imports only from layers
below its own.

Each rule names the modules it governs (a module, or a package and everything in it) and the
modules they must never import. Imports are read from the source (every ``import`` statement,
also inside functions and ``if TYPE_CHECKING:`` blocks: a type-only import still ties the layers
together), so a rule fails on the line that breaks it, not on what happens to be loaded. To add a
rule, append a :class:`Rule` to :data:`RULES`.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "workbench"

# The families of checks: what the registry's base must not import (it is filled by them).
CHECK_FAMILIES = ("terms", "consistency", "glosses", "labels", "typography", "untranslated", "analysis", "numbers", "fidelity",
                  "spelling")


@dataclass(frozen=True)
class Rule:
    name: str
    modules: tuple[str, ...]  # dotted names; a package covers its submodules
    forbidden: tuple[str, ...]  # dotted prefixes (a package forbids its submodules too)
    only: tuple[str, ...] | None = None  # if set: the only workbench modules it may import
    why: str = ""


RULES: list[Rule] = [
    Rule(
        "store below the checks",
        ("workbench.store",),
        ("workbench.checks", "workbench.export", "workbench.commands", "workbench.cli", "workbench.app"),
        why="the store executes what the services decide; finding types come from workbench.findings_types",
    ),
    Rule(
        "finding types are a leaf",
        ("workbench.findings_types",),
        (),
        only=(),
        why="plain data shared by the checks and the store lives below both",
    ),
    Rule(
        "the check registry's base does not import its children",
        ("workbench.checks.base",),
        tuple(f"workbench.checks.{m}" for m in (*CHECK_FAMILIES, "runner", "report", "reconcile")),
        why="families register themselves with @register; the package imports them",
    ),
    Rule(
        "the status rules are pure",
        ("workbench.checks.reconcile",),
        ("workbench.store", "workbench.checks.runner", "workbench.export", "workbench.commands", "workbench.app"),
        why="reconcile returns changes; the store executes them",
    ),
    Rule(
        "only the app speaks Streamlit",
        ("workbench.__init__", *sorted(
            f"workbench.{p.stem}" for p in PKG.iterdir()
            if p.name not in ("__init__.py", "app") and (p.suffix == ".py" or (p / "__init__.py").exists())
        )),  # fmt: skip
        ("workbench.app", "streamlit"),
        why="the core, the store and the services are used without a browser; the app sits on top of them",
    ),
    Rule(
        "the alignment area is pure",
        ("workbench.align",),
        ("workbench.store", "workbench.editing", "workbench.commands", "workbench.cli", "workbench.app"),
        why="edits on link lists return new lists; workbench.editing saves them through the store",
    ),
    Rule(
        "search keys and query matching are pure; the store indexes, the search service asks",
        ("workbench.search_text", "workbench.store.search_index", "workbench.io.tmx"),
        ("workbench.search", "workbench.commands", "workbench.cli", "workbench.app"),
        why="the index and the search check candidates with the same pure functions; the service sits above the store",
    ),
]


def _files(module: str) -> list[Path]:
    path = PKG.parent / module.replace(".", "/")
    if path.is_dir():
        return sorted(path.rglob("*.py"))
    return [path.with_suffix(".py")]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, here: str | None = None) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in a file (module ``here``), relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    here = here or _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # "from pkg import mod" may import a submodule: count both.
            out.append((node.lineno, base))
            out += [(node.lineno, f"{base}.{a.name}") for a in node.names if a.name != "*"]
    return out


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def breaks(rule: Rule, name: str) -> str | None:
    """What importing ``name`` breaks of ``rule`` (None: nothing)."""
    hit = next((f for f in rule.forbidden if _under(name, f)), None)
    if hit is None and rule.only is not None and _under(name, "workbench"):
        if not any(_under(name, o) for o in rule.only):
            hit = "workbench (only " + (", ".join(rule.only) or "the standard library") + ")"
    return hit


def violations(rule: Rule) -> list[str]:
    bad = []
    for module in rule.modules:
        for path in _files(module):
            for line, name in imports_of(path):
                hit = breaks(rule, name)
                if hit is not None:
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports {name} ({hit})")
    return bad


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_import_layers(rule: Rule) -> None:
    for module in rule.modules:
        assert _files(module) and all(p.exists() for p in _files(module)), f"{module}: no such module"
    assert violations(rule) == [], rule.why


def test_the_rules_can_fail(tmp_path: Path) -> None:
    """The reader sees type-only and function-level imports, absolute and relative."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from workbench.checks.runner import X\n"
        "def f():\n    from ..export import service\n    from . import db\n",
        encoding="utf-8",
    )
    names = [name for _, name in imports_of(probe, "workbench.store.probe")]
    assert {"workbench.checks.runner", "workbench.export.service", "workbench.store.db"} <= set(names)
    store_rule = RULES[0]
    assert {breaks(store_rule, n) for n in names} == {None, "workbench.checks", "workbench.export"}
    leaf_rule = RULES[1]
    assert breaks(leaf_rule, "workbench.model") and breaks(leaf_rule, "json") is None


def test_opening_the_store_loads_no_checks_export_or_commands(tmp_path: Path) -> None:
    """What actually gets loaded when a script opens a store and reads its findings."""
    code = (
        "import sys\nfrom workbench.store import open_store\n"
        f"s = open_store({str(tmp_path / 'x.db')!r})\ns.findings.list()\ns.findings.count()\n"
        "print('\\n'.join(m for m in sys.modules if m.startswith('workbench')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    loaded = out.stdout.split()
    assert "workbench.store.findings" in loaded and "workbench.findings_types" in loaded
    assert [m for m in loaded if _under(m, "workbench.checks") or _under(m, "workbench.export")
            or _under(m, "workbench.commands") or _under(m, "workbench.cli")] == []  # fmt: skip


def test_the_registry_is_filled_by_the_families() -> None:
    from workbench.checks import registry

    modules = {cls.__module__.rpartition(".")[2] for cls in registry().values()}
    assert registry() and modules <= set(CHECK_FAMILIES)


def test_importing_the_checks_loads_no_store() -> None:
    """The checks are a pure area: listing or running them in memory needs no database."""
    code = "import sys\nimport workbench.checks\nprint('\\n'.join(m for m in sys.modules if m.startswith('workbench')))\n"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    loaded = out.stdout.split()
    assert "workbench.checks.runner" in loaded
    assert [m for m in loaded if _under(m, "workbench.store") or _under(m, "workbench.export")] == []
