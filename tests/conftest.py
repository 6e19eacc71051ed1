"""Shared fixtures: whole sites written into temporary folders, the way a merchant would write them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
BASE_SITE = TESTS / "cases" / "base"


def write_files(root: Path, files: dict) -> Path:
    """Write {relative path: text or bytes (None deletes)} under root."""
    for rel, content in files.items():
        path = root / rel
        if content is None:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def overlay_case(case: Path, root: Path, skip) -> Path:
    """A data-driven case as a site: the base site, less the paths in the case's delete.txt, plus the case's
    files (those for which skip(relative path) is false)."""
    shutil.copytree(BASE_SITE, root)
    if (case / "delete.txt").is_file():
        for line in (case / "delete.txt").read_text("utf-8").splitlines():
            if line.strip():
                target = root / line.strip()
                shutil.rmtree(target) if target.is_dir() else target.unlink()
    for path in sorted(case.rglob("*")):
        rel = path.relative_to(case)
        if path.is_file() and not skip(rel):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, root / rel)
    return root


@pytest.fixture
def make_site(tmp_path):
    """make_site({"site.yaml": ..., ...}, base=True): a site in a temporary folder.

    With base=True the files overlay the small valid site in tests/cases/base; engine="pagefind" has its
    site.yaml choose that search engine.
    """

    def make(files: dict | None = None, base: bool = True, name: str = "site", engine: str | None = None) -> Path:
        root = tmp_path / name
        if base:
            shutil.copytree(BASE_SITE, root)
        else:
            root.mkdir(parents=True)
        root = write_files(root, files or {})
        if engine is not None:  # the search engine chosen in site.yaml
            with open(root / "site.yaml", "a", encoding="utf-8") as handle:
                handle.write(f"search:\n  engine: {engine}\n")
        return root

    return make


@pytest.fixture
def run_cli(monkeypatch, capsys):
    """Run the shopdir command in-process: (exit status, stdout, stderr)."""
    from generator.cli import main

    def run(*args: str, cwd: Path | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        try:
            status = main(list(args))
        except SystemExit as exit_:  # argparse's usage errors, --help and --version
            status = exit_.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


def git(repo: Path, *args: str) -> str:
    """Run git in a repository as a curator would, and return what it prints."""
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=Curator", "-c", "user.email=c@example.org",
                           "-c", "init.defaultBranch=main", *args],
                          check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def site_repo(tmp_path):
    """(root, commit): the base test site committed on `main` in a real git repository, with a branch `pr`
    checked out; commit({path: text or None}) writes files and commits them on `pr`."""
    root = tmp_path / "site"
    shutil.copytree(BASE_SITE, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "pr")

    def commit(files: dict) -> Path:
        write_files(root, files)
        git(root, "add", "-A")
        git(root, "commit", "-qm", "change")
        return root

    return root, commit


def pytest_collection_modifyitems(config, items):
    """The browser tests run last. Playwright keeps a thread of its own in this process for the rest of
    the session, and a build forks no process while another thread runs (generator/processes.py): the
    tests of what the build's processes do must run before it starts."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)  # stable: order kept otherwise
