"""Two revisions of a site, as folders: what `shopdir review` builds.

Git is run with argument lists only (a revision or a path is never part of a shell string), and a
revision's files are written by git itself into a folder of their own, symbolic links as plain files:
nothing in a revision can reach outside that folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class RevisionError(Exception):
    """A revision or a repository that cannot be used: one line for the person who asked."""


@dataclass(frozen=True)
class Revision:
    name: str  # as asked for
    commit: str  # the full commit id
    time: int  # committer time, seconds since the epoch


def _git(root: Path, *args: str, binary: bool = False, check: bool = True):
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, stdin=subprocess.DEVNULL,
                              timeout=600)
    except FileNotFoundError:
        raise RevisionError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise RevisionError(f"git {args[0]} took more than 10 minutes") from None
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(f"git {args[0]} failed: {message[-1] if message else 'no message'}")
    return done if binary else done.stdout.decode("utf-8", "replace").strip()


def resolve(root: Path, name: str) -> Revision:
    """The commit a revision names, or RevisionError saying why there is none."""
    if _git(root, "rev-parse", "--git-dir", check=False, binary=True).returncode != 0:
        raise RevisionError(f"{Path(root).resolve()} is not in a git repository")
    if name.startswith("-"):
        raise RevisionError(f'"{name}" is not a revision')
    found = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}",
                 check=False, binary=True)
    if found.returncode != 0:
        shallow = _git(root, "rev-parse", "--is-shallow-repository", check=False) == "true"
        hint = (" (this is a shallow clone: fetch with more history, e.g. fetch-depth: 0)" if shallow else "")
        raise RevisionError(f'unknown revision "{name}"{hint}')
    commit = found.stdout.decode("ascii").strip()
    return Revision(name, commit, int(_git(root, "log", "-1", "--format=%ct", commit)))


def _prefix(root: Path) -> str:
    """Where the site's folder is inside the repository: '' at its top, else 'some/dir/'."""
    return _git(root, "rev-parse", "--show-prefix")


def checkout(root: Path, revision: Revision, tree: Path, index: Path) -> None:
    """Make the folder `tree` hold the site's files at a revision, as git's own index file `index`
    (kept beside it) records them: only the files that differ from what it held are written or
    removed, so the others keep their status and every cache keyed by it still holds.

    Symbolic links are written as plain files holding the link's text (core.symlinks=false): no
    link in a revision can lead a build outside the folder."""
    prefix = _prefix(root)
    treeish = f"{revision.commit}:{prefix}" if prefix else revision.commit
    tree.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "GIT_INDEX_FILE": str(Path(index).absolute()),
                   "GIT_WORK_TREE": str(Path(tree).absolute())}
    try:
        done = subprocess.run(["git", "-C", str(root), "-c", "core.symlinks=false", "-c", "core.autocrlf=false",
                               "read-tree", "--reset", "-u", treeish], capture_output=True,
                              stdin=subprocess.DEVNULL, env=environment, timeout=600)
    except subprocess.TimeoutExpired:
        raise RevisionError("git read-tree took more than 10 minutes") from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(f"git read-tree {revision.name} failed: {lines[-1] if lines else 'no message'}")


@contextlib.contextmanager
def workspace():
    """A temporary folder removed afterwards, whatever happens inside."""
    folder = Path(tempfile.mkdtemp(prefix="shopdir-review-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
