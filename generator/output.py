"""The only module that writes the site: into a staging folder, then swapped in whole.

Files whose bytes did not change are hard-linked from the previous site, so they keep
their modification time; files that no longer belong simply are not in the new site.
A build that fails or is killed leaves the previous site exactly as it was.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import filecmp
import fcntl
import os
import posixpath
import shutil
import sys
from pathlib import Path

_RENAME_EXCHANGE = 2


class OutputError(Exception):
    """Something outside the content that stops the build and that a person has to fix (or wait
    for): the output folder, or the search indexer failing (a full disk)."""


class Staging:
    def __init__(self, out: Path):
        self.out = Path(out).absolute()
        self.dir = self.out.parent / f".{self.out.name}.staging"
        self.written: set[str] = set()
        self.folders: set[str] = set()  # made inside the staging folder so far
        self.stats = {"written": 0, "unchanged": 0, "removed": 0}
        self._lock = _lock(self.out)
        if self.dir.exists():
            shutil.rmtree(self.dir)  # left by a build that was killed
        _recover(self.out)
        self.dir.mkdir(parents=True)

    def _target(self, rel: str) -> tuple[str, Path]:
        plain = posixpath.normpath(rel) if rel else ""
        if not plain or plain == "." or plain.startswith(("/", "../")) or plain == ".." or "\\" in rel:
            raise OutputError(f"{rel!r} would be written outside the output folder")
        rel = plain  # 'a/./b' and 'a//b' are the file 'a/b'; no '..' is left (refused above)
        if rel in self.written:
            raise OutputError(f"{rel} would be written twice")
        self.written.add(rel)
        self._make(posixpath.dirname(rel))
        return rel, self.dir / rel

    def _make(self, folder: str) -> None:
        """Make a folder in the staging folder, which holds nothing but what this build made."""
        if folder and folder not in self.folders:
            self._make(posixpath.dirname(folder))
            path = os.path.join(self.dir, folder)
            try:
                os.mkdir(path)
            except FileExistsError:  # not made by this build: never written through
                if os.path.islink(path) or not os.path.isdir(path):
                    raise OutputError(f"{folder} would be written outside the output folder") from None
            self.folders.add(folder)

    def link(self, rel: str, source: Path | str) -> None:
        """Publish a file kept elsewhere (a cached picture) without reading it: hard-linked where possible."""
        rel, target = self._target(rel)
        old = self.out / rel
        try:
            if old.is_file() and not old.is_symlink() and (
                    os.path.samefile(old, source) or filecmp.cmp(old, source, shallow=False)):
                os.link(old, target)
                self.stats["unchanged"] += 1
                return
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        self.stats["written"] += 1

    def keep(self, rel: str) -> bool:
        """Publish the previous site's file at rel again, unread; False (and nothing kept) if it is gone."""
        rel, target = self._target(rel)
        try:
            os.link(self.out / rel, target, follow_symlinks=False)
        except OSError:
            self.written.discard(rel)
            return False
        self.stats["unchanged"] += 1
        return True

    def write(self, rel: str, data: bytes) -> None:
        rel, target = self._target(rel)
        old = self.out / rel
        try:
            if old.is_file() and not old.is_symlink() and old.stat().st_size == len(data) and old.read_bytes() == data:
                os.link(old, target)
                self.stats["unchanged"] += 1
                return
        except OSError:
            pass
        with open(target, "wb") as handle:
            handle.write(data)
        self.stats["written"] += 1

    def commit(self) -> dict:
        """Swap the staging folder in for the output folder, in one step where the system allows."""
        skip = len(str(self.out)) + 1  # os.walk gives paths below self.out as it was given
        for directory, _, files in os.walk(self.out):
            folder = directory[skip:].replace(os.sep, "/")
            self.stats["removed"] += sum(f"{folder}/{name}" not in self.written if folder else name not in self.written
                                         for name in files)
        if self.out.exists():
            if not _exchange(self.dir, self.out):
                old = self.out.parent / f".{self.out.name}.old"
                os.rename(self.out, old)
                os.rename(self.dir, self.out)
                shutil.rmtree(old, ignore_errors=True)
            else:
                self.close()  # the next build need not wait for the previous site to be removed
                _remove_later(self.dir, self.out.parent / f".{self.out.name}.removing-{os.getpid()}")
        else:
            os.rename(self.dir, self.out)
        self.close()
        return self.stats

    def abort(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        self.close()

    def close(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


def _remove_later(folder: Path, grave: Path) -> None:
    """Remove the previous site (thousands of files) in a detached process, so the build can end now.

    It is first renamed out of the way; a folder left by a process that was killed is removed by
    the next build (see _recover). The process is a grandchild, left to the system to reap: a
    `shopdir serve` that builds again and again collects no finished children.
    """
    try:
        os.rename(folder, grave)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    if not hasattr(os, "fork"):
        shutil.rmtree(grave, ignore_errors=True)
        return
    sys.stdout.flush()
    sys.stderr.flush()
    child = os.fork()
    if child == 0:  # the child: fork the remover, and leave without running any of the parent's clean-up
        try:
            os.setsid()
            if os.fork() == 0:
                shutil.rmtree(grave, ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(child, 0)


def _lock(out: Path) -> int:
    """Only one build writes to an output folder at a time; the second waits, saying so."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(out.parent / f".{out.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno not in (errno.EAGAIN, errno.EACCES):
            raise
        print(f"shopdir: another build is writing {out}; waiting for it to finish", file=sys.stderr)
        fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def _recover(out: Path) -> None:
    """A build killed between the two renames of the fallback swap left the old site beside the output;
    a removal that did not finish left a previous site to remove."""
    for grave in out.parent.glob(f".{out.name}.removing-*"):
        shutil.rmtree(grave, ignore_errors=True)
    old = out.parent / f".{out.name}.old"
    if old.exists():
        if not out.exists():
            os.rename(old, out)
        else:
            shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders (Linux renameat2). False when the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
