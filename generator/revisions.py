"""Two revisions of a site, as folders: what `shopdir review` builds.

Git is run with argument lists only (a revision or a path is never part of a shell string), and a
revision's files are taken with `git archive`, unpacked by tarfile's "data" filter: no link or path
in the archive can reach outside the folder it is unpacked into.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tarfile
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


def unpack(root: Path, revision: Revision, into: Path) -> Path:
    """The site's files at a revision, written into a new folder `into`."""
    prefix = _prefix(root)
    tree = f"{revision.commit}:{prefix}" if prefix else revision.commit
    into.mkdir(parents=True)
    with tempfile.TemporaryFile() as archive:
        try:
            done = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", tree], stdout=archive,
                                  stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=600)
        except subprocess.TimeoutExpired:
            raise RevisionError("git archive took more than 10 minutes") from None
        if done.returncode != 0:
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RevisionError(f"git archive {revision.name} failed: {lines[-1] if lines else 'no message'}")
        archive.seek(0)
        with tarfile.open(fileobj=archive) as tar:
            for member in tar:
                try:
                    tar.extract(member, into, filter="data")
                except (tarfile.FilterError, OSError):
                    continue  # a link leading out, or a name the disk refuses: the build reports what is missing
    return into


@contextlib.contextmanager
def workspace():
    """A temporary folder removed afterwards, whatever happens inside."""
    folder = Path(tempfile.mkdtemp(prefix="shopdir-review-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
