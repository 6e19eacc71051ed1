"""Data-driven error cases: each folder under errors/ overlays the base site with a merchant's mistake.

A case folder holds the files that differ from tests/cases/base, an optional `delete.txt`
(paths to remove from the base, one per line) and `expected.txt`: the exact
`path:line:column: message` lines that `shopdir check` must print, in order.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import build

CASES = Path(__file__).parent / "errors"
BASE = Path(__file__).parent / "base"
SPECIAL = {"expected.txt", "delete.txt", "README.md"}


def _cases():
    if not CASES.is_dir():
        return []
    return sorted(p.name for p in CASES.iterdir() if (p / "expected.txt").is_file())


def materialise(case: Path, root: Path) -> Path:
    shutil.copytree(BASE, root)
    if (case / "delete.txt").is_file():
        for line in (case / "delete.txt").read_text("utf-8").splitlines():
            if line.strip():
                target = root / line.strip()
                shutil.rmtree(target) if target.is_dir() else target.unlink()
    for path in sorted(case.rglob("*")):
        rel = path.relative_to(case)
        if path.is_file() and str(rel) not in SPECIAL:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, root / rel)
    return root


def test_base_site_is_valid(tmp_path):
    assert build(materialise(CASES / "__none__", tmp_path / "site"), None).problems == []


@pytest.mark.parametrize("name", _cases())
def test_error_case(name, tmp_path):
    case = CASES / name
    root = materialise(case, tmp_path / "site")
    expected = [line for line in (case / "expected.txt").read_text("utf-8").splitlines() if line.strip()]
    found = [str(p) for p in build(root, None).problems]
    assert found == expected
