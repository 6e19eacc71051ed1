"""Golden output: the small base site built, compared file by file with the reviewed copy in golden/base/.

After an intended change to the output, regenerate and review the diff:

    SHOPDIR_REGENERATE=1 python -m pytest tests/golden
    git diff tests/golden
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from generator.build import build

HERE = Path(__file__).parent
SITE = HERE.parent / "cases" / "base"
EXPECTED = HERE / "base"
TEXT = {".html", ".xml", ".txt"}
LEFT_OUT = ("pagefind", "assets")


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Our text files with their bytes; pictures, QR codes and the search index's files by name only (their
    bytes are the encoders'; the index's folder is named by its content). Left out: Pagefind's index
    and the theme's static files, which every page names by a hash of their content, so a change to
    them shows in the pages."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.suffix in TEXT else None
            for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).parts[0] not in LEFT_OUT}


def test_base_site_matches_golden_output(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    out = tmp_path / "output"
    assert build(SITE, out, cache_dir=tmp_path / "cache").ok
    assert (out / "search" / "index.json").is_file()
    if os.environ.get("SHOPDIR_REGENERATE"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(out, EXPECTED, ignore=lambda folder, names: LEFT_OUT if Path(folder) == out else [])
    got, want = _tree(out), _tree(EXPECTED)
    assert sorted(got) == sorted(want)
    for name, data in got.items():
        assert data == want[name], f"{name} differs from tests/golden/base/{name}"
