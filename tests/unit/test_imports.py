"""Imports point one way: model and problems import nothing of ours; only the commands that run builds (cli, serve, review) import build."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import generator

PACKAGE = Path(generator.__file__).resolve().parent
MODULES = {path.stem: path for path in sorted(PACKAGE.glob("*.py"))}


def imported(source: str, module: str = "x", top_level_only: bool = False) -> set[str]:
    """The package modules a file imports, anywhere in it (also inside functions), by their short name."""
    found: set[str] = set()
    tree = ast.parse(source)
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "generator":
                    found.add(parts[1] if len(parts) > 1 else "__init__")
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x / from .x import y
                base = node.module.split(".")[0] if node.module else None
            elif node.module and node.module.split(".")[0] == "generator":
                parts = node.module.split(".")
                base = parts[1] if len(parts) > 1 else None
            else:
                continue
            if base:
                found.add(base)
            else:
                for alias in node.names:
                    found.add(alias.name if alias.name in MODULES else "__init__")
    found.discard(module)
    return found


def imports_of(name: str, top_level_only: bool = False) -> set[str]:
    return imported(MODULES[name].read_text(encoding="utf-8"), name, top_level_only)


def test_the_package_is_where_we_think():
    assert {"model", "problems", "build", "cli", "serve", "sources"} <= set(MODULES)


@pytest.mark.parametrize("source, expected", [
    ("import generator.build", {"build"}),
    ("from generator import build as b", {"build"}),
    ("from generator.build import build", {"build"}),
    ("def f():\n    from generator import build, qr\n", {"build", "qr"}),
    ("from . import build", {"build"}),
    ("from .build import Result", {"build"}),
    ("from generator import __version__", {"__init__"}),
    ("import os\nfrom pathlib import Path", set()),
])
def test_the_import_reader_sees_every_form(source, expected):
    assert imported(source) == expected


@pytest.mark.parametrize("name", ["model", "problems"])
def test_model_and_problems_import_nothing_from_the_package(name):
    assert imports_of(name) == set()


def test_only_cli_and_serve_import_build():
    importers = {name for name in MODULES if "build" in imports_of(name)}
    assert importers <= {"cli", "serve", "review"}
    assert importers  # the rule is about real imports: somebody does run the build


def test_module_imports_have_no_cycles():
    graph = {name: imports_of(name, top_level_only=True) & set(MODULES) for name in MODULES}
    state: dict[str, str] = {}

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        assert state.get(name) != "open", " -> ".join(trail + (name,))
        state[name] = "open"
        for other in sorted(graph[name]):
            visit(other, trail + (name,))
        state[name] = "done"

    for name in sorted(graph):
        visit(name, ())
