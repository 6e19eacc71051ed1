"""A git repository, read: the only module that runs git.

Every call is an argument list (never a shell string), `git -C root`, with NUL-separated output
where git offers it, so that a file named `$(touch x).md`, or holding quotes or a line break, is
read as the bytes it is. Paths are decoded as UTF-8, with `surrogateescape` for anything else, so
that no name is lost or merged with another.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 120  # seconds: no git command of ours should come near it, and none may hang a CI job


class GitError(Exception):
    """git cannot answer: not a repository, an unknown revision, a shallow clone lacking history."""


@dataclass(frozen=True)
class Change:
    status: str  # git's letter: A added, M modified, D deleted, R renamed, C copied, T type changed
    path: str  # the path in the head revision (for a deletion, the path that was deleted)
    old_path: str | None = None  # for a rename or copy: the path in the base revision


@dataclass(frozen=True)
class Entry:
    mode: str  # "100644", "100755", "120000" (symbolic link), "160000" (submodule), ...
    size: int | None  # bytes; None for a submodule, or when not asked for


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Revision:
    name: str  # as asked for
    commit: str  # the full commit id
    time: int  # committer time, seconds since the epoch


def _git(root: Path, *args: str, env: dict | None = None, timeout: int = TIMEOUT) -> bytes:
    inherited = {name: value for name, value in os.environ.items() if name not in ("GIT_DIR", "GIT_WORK_TREE")}
    env = {**inherited, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0", **(env or {})}
    try:
        done = subprocess.run(["git", "--no-pager", "--literal-pathspecs", "-C", str(root), *args],
                              stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=timeout)
    except FileNotFoundError:
        raise GitError("git is not installed (it is needed to read the pull request)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took more than {timeout} s") from None
    if done.returncode != 0:
        message = _decode(done.stderr).strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


class Repo:
    """The repository holding `root` (its work tree is never read: only commits)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        if not self.root.is_dir():
            raise GitError(f"{self.root} is not a folder")
        try:
            _git(self.root, "rev-parse", "--git-dir")
        except GitError:
            raise GitError(f"{self.root.resolve()} is not in a git repository") from None

    def shallow(self) -> bool:
        return _git(self.root, "rev-parse", "--is-shallow-repository").strip() == b"true"

    def commit(self, rev: str) -> str:
        """The commit a revision names, as a full hash."""
        try:
            out = _git(self.root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
        except GitError:
            out = b""
        if not out.strip():
            hint = " (this clone is shallow: fetch the whole history, e.g. fetch-depth: 0)" if self.shallow() else ""
            raise GitError(f'unknown revision "{rev}"{hint}')
        return out.decode("ascii").strip()

    def revision(self, rev: str) -> Revision:
        """The commit a revision names, with its time."""
        if rev.startswith("-"):
            raise GitError(f'"{rev}" is not a revision')
        commit = self.commit(rev)
        return Revision(rev, commit, int(_git(self.root, "log", "-1", "--format=%ct", commit)))

    def checkout(self, revision: Revision, tree: Path, index: Path) -> None:
        """Make the folder `tree` hold the files of the folder `root` at a revision, as git's index file
        `index` (kept beside it) records them: only the files that differ from what it held are written
        or removed, so the others keep their status and every cache keyed by it still holds.

        Symbolic links are written as plain files holding the link's text (core.symlinks=false): no
        link in a revision can lead a build outside the folder."""
        prefix = _decode(_git(self.root, "rev-parse", "--show-prefix")).strip()
        treeish = f"{revision.commit}:{prefix}" if prefix else revision.commit
        tree.mkdir(parents=True, exist_ok=True)
        try:
            _git(self.root, "-c", "core.symlinks=false", "-c", "core.autocrlf=false", "read-tree", "--reset", "-u",
                 treeish, env={"GIT_INDEX_FILE": str(Path(index).absolute()),
                               "GIT_WORK_TREE": str(Path(tree).absolute())}, timeout=600)
        except GitError as error:
            raise GitError(f"cannot check out {revision.name}: {error}") from None

    def merge_base(self, base: str, head: str) -> str:
        try:
            return _git(self.root, "merge-base", base, head).decode("ascii").strip()
        except GitError:
            hint = (": this clone is shallow; fetch the whole history (e.g. fetch-depth: 0)" if self.shallow()
                    else ": they share no history")
            raise GitError(f"no common ancestor of {base[:12]} and {head[:12]}{hint}") from None

    def changes(self, old: str, new: str) -> list[Change]:
        """What changed from commit `old` to commit `new`, renames detected."""
        out = _git(self.root, "diff", "--name-status", "-z", "--find-renames", "--no-ext-diff", "--no-textconv",
                   "--ignore-submodules=none", old, new, "--")
        fields = [_decode(f) for f in out.split(b"\0")]
        if fields and fields[-1] == "":
            fields.pop()
        changes, i = [], 0
        while i < len(fields):
            status = fields[i][:1]
            if status in ("R", "C"):
                changes.append(Change(status, fields[i + 2], fields[i + 1]))
                i += 3
            else:
                changes.append(Change(status, fields[i + 1]))
                i += 2
        return changes

    def tree(self, rev: str, paths: list[str] | None = None, sizes: bool = False) -> dict[str, Entry]:
        """Every file of a commit (or the files at or under `paths`), with its mode, and its size when
        asked (finding a size opens the object: ask only for the few files that need one)."""
        args = ["ls-tree", "-r", "-z", "--full-tree", *(["--long"] if sizes else []), rev]
        entries = {}
        chunks = [None] if paths is None else [paths[i:i + 500] for i in range(0, len(paths), 500)]
        for chunk in chunks:
            out = _git(self.root, *args, *(["--", *chunk] if chunk is not None else []))
            for record in out.split(b"\0"):
                if not record:
                    continue
                meta, _, path = record.partition(b"\t")
                fields = meta.split()
                size = int(fields[3]) if sizes and fields[3] != b"-" else None
                entries[_decode(path)] = Entry(fields[0].decode("ascii"), size)
        return entries

    def folders(self, rev: str, folder: str) -> set[str]:
        """The names of the folders directly inside `folder` in a commit."""
        out = _git(self.root, "ls-tree", "-z", "--full-tree", rev, "--", folder.rstrip("/") + "/")
        names = set()
        for record in out.split(b"\0"):
            meta, _, path = record.partition(b"\t")
            if meta.split()[1:2] == [b"tree"]:
                names.add(_decode(path).rpartition("/")[2])
        return names

    def blob(self, rev: str, path: str) -> bytes | None:
        """A file's bytes in a commit, or None when the commit has no such file."""
        entries = self.tree(rev, [path])
        if path not in entries or not entries[path].mode.startswith("100"):
            return None
        return _git(self.root, "cat-file", "blob", f"{rev}:{path}")
