"""Data-driven error cases: each folder under errors/ overlays the base site with a merchant's mistake.

A case folder holds the files that differ from tests/cases/base, an optional `delete.txt`
(paths to remove from the base, one per line) and `expected.txt`: the exact
`path:line:column: message` lines that `shopdir check` must print, in order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build
from tests.conftest import overlay_case

CASES = Path(__file__).parent / "errors"
SPECIAL = {"expected.txt", "delete.txt", "README.md"}


def _cases():
    if not CASES.is_dir():
        return []
    return sorted(p.name for p in CASES.iterdir() if (p / "expected.txt").is_file())


def materialise(case: Path, root: Path) -> Path:
    return overlay_case(case, root, skip=lambda rel: str(rel) in SPECIAL)


def test_base_site_is_valid(tmp_path):
    assert build(materialise(CASES / "__none__", tmp_path / "site"), None).problems == []


@pytest.mark.parametrize("name", _cases())
def test_error_case(name, tmp_path):
    case = CASES / name
    root = materialise(case, tmp_path / "site")
    expected = [line for line in (case / "expected.txt").read_text("utf-8").splitlines() if line.strip()]
    found = [str(p) for p in build(root, None).problems]
    assert found == expected
