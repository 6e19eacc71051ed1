"""The only module that writes the site: into a staging folder, then swapped in whole.

Files whose bytes did not change are hard-linked from the previous site, so they keep
their modification time; files that no longer belong simply are not in the new site.
A build that fails or is killed leaves the previous site exactly as it was.

The site that a build replaces is kept beside the output folder (`.NAME.spare`), with a record
of how it differs from the site now published (`.NAME.spare.json`). The next build makes that
folder its staging folder and changes only what differs: at 10,000 shops a build that changes
one page then makes no folder and links no file, where a new staging folder took 131,000 folders
and 145,000 links. Files are never changed in place (they are shared with the published site):
a changed file is removed from the staging folder and made anew. The first site (no output folder yet)
leaves a spare too when asked (`spare_first`, for serve): a linked copy of itself. A spare whose record is missing
(a build was killed) or does not match the output folder is removed, and the staging folder
starts empty, as it always did before. A spare is walked beside the build for files added or removed by
hand, except in a process's own output folder (serve's) when the record is that process's own: there
TRUSTED_RUN builds in a row take it on its record, and the next two walk it (the spare and the published
folder take turns), so a file a cleaner of the system's temporary folder (where serve builds) removed
is found within TRUSTED_RUN + 2 builds. serve holds the record in memory
instead of the file (Staging's `held`), taken and dropped at the same moments.
"""

from __future__ import annotations

import contextlib
import errno
import filecmp
import fcntl
import itertools
import json
import os
import posixpath
import shutil
import sys
import time
from pathlib import Path
from typing import Callable, Iterable

from generator import processes

_RENAME_EXCHANGE = 2
_graves = itertools.count()
TRUSTED_RUN = 10  # builds in a row of a process's own output folder that take its spare on its record


class OutputError(Exception):
    """Something outside the content that stops the build and that a person has to fix (or wait
    for): the output folder, or the search indexer failing (a full disk)."""


class Staging:
    """`spare_first`: the first site (no output folder yet) leaves a spare too, a linked copy of itself,
    for a process that builds again at once (serve: its first edit otherwise linked every file anew,
    0.74 s at 1,000 shops).

    `own`: the output folder is this process's own (serve's, in a temporary folder of its own), so a spare
    whose record this very process wrote is taken as the record says, without the look for files added or
    removed by hand (_look: a walk of every file, 21,000 at 1,000 shops, which the build waits for at its
    end once its pages are quicker to make than the walk)."""

    def __init__(self, out: Path, spare_first: bool = False, own: bool = False, held: dict | None = None):
        self.out = Path(out).absolute()
        self.spare_first, self.own = spare_first, own
        # a process that builds again and again (serve) keeps the spare's record here, not in a file: written
        # as JSON and read back, a record of 206,000 files took 0.1 s a build at 10,000 shops
        self.held = held
        self.trusted = False  # the spare's record was written by this process, whose own folder it is
        self.run = 0  # builds in a row that took the spare on its record, this one included
        self.dir = self.out.parent / f".{self.out.name}.staging"
        self.spare = self.out.parent / f".{self.out.name}.spare"
        self.record = self.out.parent / f".{self.out.name}.spare.json"
        self.written: set[str] = set()
        self.fresh: set[str] = set()  # written files that are not the published site's own (new bytes, or from elsewhere)
        self.folders: set[str] = set()  # folders made in the staging folder so far
        self.stats = {"written": 0, "unchanged": 0, "removed": 0}
        self._out, self._dir = str(self.out), str(self.dir)
        _recover(self.out)
        # What the staging folder starts with, when it is the spare site: the published site's files
        # (previous), less those the spare has not (added), and the spare's files that are not the
        # published site's own (changed) or that the published site has not (removed).
        self.previous: set[str] | None = None
        self.added: set[str] = set()
        self.removed: set[str] = set()
        self.changed: set[str] = set()
        self.recycled = self._start()
        self.gone: set[str] = set()  # files of the spare removed by this build (a folder is needed there)
        self.given: list[dict] = []  # what kept files are made from, by path (see keep_all)
        self._looking: tuple[int, int] | None = None
        if self.recycled and not self.trusted:
            self._looking = self._look()

    def _start(self) -> bool:
        """Make the spare site the staging folder when its record says how it differs from the
        published one (True); otherwise start with a new, empty folder."""
        record = self.held.pop("record", None) if self.held is not None else None
        try:
            if record is None:
                with open(self.record, encoding="utf-8") as handle:
                    record = json.load(handle)
            os.unlink(self.record)  # from here on the spare is being changed: a killed build leaves no record
        except (OSError, ValueError, RecursionError):  # RecursionError: a damaged record thousands of [ deep
            pass
        if self.dir.exists():
            _remove_later(self.dir, self._grave())  # left by a build that was killed
        published = None  # the published site's files, when the record knows them
        try:
            if isinstance(record, dict) and _identity(self.out) == record.get("out"):
                published = frozenset(record["files"])  # a frozenset (held) is taken as it is
                if record.get("spare", True) and self.spare.is_dir() and not self.spare.is_symlink():
                    self.previous, self.added, self.removed, self.changed = published, *(
                        set(record[key]) for key in ("added", "removed", "changed"))
                    os.rename(self.spare, self.dir)
                    run = record.get("run", 0)
                    # this process's own record: TRUSTED_RUN builds take the spare on it, then two check it (the
                    # spare and the published folder take turns); a second publish of one build (the search
                    # index after the pages), not the folder's own, carries the count on
                    ours = record.get("by") == os.getpid() and isinstance(run, int)
                    if ours and self.own:
                        self.trusted = run < TRUSTED_RUN
                        self.run = run + 1 if run + 1 < TRUSTED_RUN + 2 else 0
                    elif ours:
                        self.run = run
                    return True
        except (OSError, KeyError, TypeError):
            pass
        self.previous, self.added, self.removed, self.changed = published, set(), set(), set()
        if self.spare.exists():
            _remove_later(self.spare, self._grave())
        self.dir.mkdir(parents=True)
        return False

    def _present(self, rel: str) -> bool:
        """Whether the staging folder held this file when the build began (and still does)."""
        return self.recycled and rel not in self.gone and (
            rel in self.removed or rel in self.previous and rel not in self.added)

    def _same(self, rel: str) -> bool:
        """Whether the staging folder's file at rel is the published site's own (one file, two names)."""
        return (self.recycled and rel in self.previous and rel not in self.added and rel not in self.changed
                and rel not in self.gone)

    def _grave(self) -> Path:
        return self.out.parent / f".{self.out.name}.removing-{os.getpid()}-{next(_graves)}"

    def _look(self) -> tuple[int, int] | None:
        """Check the spare against its record while the build goes on, in a forked process (see processes):
        files that no build wrote (added to a published site by hand) and files the record has that are
        missing (removed by hand)."""
        reader, writer = os.pipe()
        child = processes.fork(wait=False)
        if child is None:
            os.close(reader)
            os.close(writer)
            return None
        if child == 0:  # never returns into the build's code
            try:
                os.close(reader)
                with os.fdopen(writer, "wb") as handle:
                    handle.write(json.dumps(self._compare()).encode("utf-8", "surrogateescape"))
            finally:
                os._exit(0)
        os.close(writer)
        return child, reader

    def _compare(self) -> dict:
        files, folder_links = _tree(self._dir)
        found = set(files)
        strays = [rel for rel in files if not self._present(rel)] + folder_links  # a link to a folder: never ours
        missing = [rel for rel in self.previous if rel not in found and self._present(rel)]
        return {"strays": strays, "missing": missing + [rel for rel in self.removed if rel not in found]}

    def _looked(self) -> dict | None:
        """What _look found; None when it could not tell."""
        if self._looking is None:
            return None
        child, reader = self._looking
        self._looking = None
        with os.fdopen(reader, "rb") as handle:
            said = handle.read()
        processes.reap(child)
        try:
            return json.loads(said.decode("utf-8", "surrogateescape"))
        except ValueError:
            return None

    def _target(self, rel: str) -> tuple[str, str]:
        plain = posixpath.normpath(rel) if rel else ""
        if not plain or plain == "." or plain.startswith(("/", "../")) or plain == ".." or "\\" in rel:
            raise OutputError(f"{rel!r} would be written outside the output folder")
        if plain != rel:  # 'a/./b' and 'a//b' are the file 'a/b'; no '..' is left (refused above)
            rel = plain  # else the path as given, which the build's records hold too, not a copy (14 MB at 10,000 shops)
        if rel in self.written:
            raise OutputError(f"{rel} would be written twice")
        self.written.add(rel)
        target = os.path.join(self._dir, rel)
        if not self._present(rel):  # where the spare had the file, its folders are there
            self._make(posixpath.dirname(rel))
            if self.recycled and os.path.isdir(target) and not os.path.islink(target):
                self._clear(rel)  # the previous site had a folder where this one has a file
        return rel, target

    def _make(self, folder: str) -> None:
        """Make a folder in the staging folder, which holds nothing but what builds made."""
        if folder and folder not in self.folders:
            self._make(posixpath.dirname(folder))
            path = os.path.join(self._dir, folder)
            if self._present(folder):  # the previous site had a file where this one has a folder
                os.unlink(path)
                self.gone.add(folder)
            try:
                os.mkdir(path)
            except FileExistsError:  # not made by a build: never written through
                if os.path.islink(path) or not os.path.isdir(path):
                    raise OutputError(f"{folder} would be written outside the output folder") from None
            self.folders.add(folder)

    def _clear(self, folder: str) -> None:
        below = os.path.join(self._dir, folder)
        self.gone.update(f"{folder}/{rel}" for rel in _tree(below)[0])
        shutil.rmtree(below)

    def _place(self, rel: str, target: str, make) -> None:
        """make(target), a new file, after removing what the staging folder had there: never changed in
        place, since it may be the published site's file. A folder the spare's record promised but that is
        gone (removed by hand from a published site, which became the spare) is made first."""
        try:
            try:
                make(target)
            except FileExistsError:
                os.unlink(target)
                make(target)
        except (FileNotFoundError, NotADirectoryError):
            if os.path.isdir(os.path.dirname(target)):
                raise  # the folder is there: what is missing is make's own source
            for folder in reversed(list(_ancestors(rel))):  # a file or link where the record has a folder
                path = os.path.join(self._dir, folder)
                if os.path.islink(path) or os.path.lexists(path) and not os.path.isdir(path):
                    os.unlink(path)  # the staging folder's own entry: the published site keeps its own
            self.folders.difference_update(_ancestors(rel))
            self._make(posixpath.dirname(rel))
            make(target)

    def _previous(self, rel: str, target: str) -> None:
        """The published site's file at rel, unchanged, in the new site."""
        if not self._same(rel):
            self._place(rel, target, lambda path: os.link(os.path.join(self._out, rel), path, follow_symlinks=False))
        self.stats["unchanged"] += 1

    def link(self, rel: str, source: Path | str) -> None:
        """Publish a file kept elsewhere (a cached picture) without reading it: hard-linked where possible."""
        rel, target = self._target(rel)
        old = os.path.join(self._out, rel)
        try:
            if os.path.isfile(old) and not os.path.islink(old) and (
                    os.path.samefile(old, source) or filecmp.cmp(old, source, shallow=False)):
                self._previous(rel, target)
                return
            self._place(rel, target, lambda path: os.link(source, path))
        except OSError:
            if os.path.lexists(target):
                os.unlink(target)
            shutil.copyfile(source, target)
        self.fresh.add(rel)
        self.stats["written"] += 1

    def keep(self, rel: str) -> bool:
        """Publish the previous site's file at rel again, unread; False (and nothing kept) if it is gone."""
        if self.recycled and rel in self.previous and rel not in self.written and self._same(rel):
            # the staging folder holds the published file already: nothing to check or touch (a path of the
            # published site was checked when it was written), for each of 130,000 files at 10,000 shops
            self.written.add(rel)
            self.stats["unchanged"] += 1
            return True
        rel, target = self._target(rel)
        try:
            self._previous(rel, target)
        except OSError:
            self.written.discard(rel)
            return False
        return True

    def keep_all(self, names: Iterable[str], given=None) -> set[str]:
        """keep() each file: those gone (not kept). The files the staging folder holds as published are kept
        by a few set operations in C, not a call each (at 10,000 shops a build keeps 130,000 pages and 74,000
        other files). `given` (anything that answers `in` and `[]` by path): what they are made from (bytes,
        a file to copy, or a function that gives the bytes), should neither the spare nor the published
        site hold one after all (removed by hand) when the build ends."""
        if given is not None:
            self.given.append(given)
        if not self.recycled:  # in any order: keep() makes the folders a file needs
            return {rel for rel in names if not self.keep(rel)}
        names = set(names)
        fast = names.intersection(self.previous)
        fast.difference_update(self.added, self.changed, self.gone, self.written)
        self.written |= fast
        self.stats["unchanged"] += len(fast)
        return {rel for rel in names - fast if not self.keep(rel)}

    def write(self, rel: str, data: bytes) -> None:
        rel, target = self._target(rel)
        old = os.path.join(self._out, rel)
        try:
            if (not os.path.islink(old) and os.path.isfile(old) and os.path.getsize(old) == len(data)
                    and Path(old).read_bytes() == data):
                self._previous(rel, target)
                return
        except OSError:
            pass
        self._place(rel, target, lambda path: _write_new(path, data))
        self.fresh.add(rel)
        self.stats["written"] += 1

    def published(self, folder: str = "") -> list[str]:
        """The published site's files below a folder (as the record knows them, else as found there)."""
        files = self.previous if self.previous is not None else _files(os.path.join(self._out, folder))
        if self.previous is None:
            return sorted(folder + rel for rel in files)
        return sorted(rel for rel in files if rel.startswith(folder))

    def commit(self) -> dict:
        """Swap the staging folder in for the output folder, in one step where the system allows."""
        previous = self.previous if self.previous is not None else _files(self._out)
        removed = previous - self.written
        self.stats["removed"] = len(removed)
        if self.recycled:
            self._match_the_record()
            self._remove([rel for rel in removed if self._present(rel)]
                         + [rel for rel in self.removed if rel not in self.written])
        if self.out.exists():
            if not _exchange(self.dir, self.out):
                old = self.out.parent / f".{self.out.name}.old"
                os.rename(self.out, old)
                os.rename(self.dir, self.out)
                shutil.rmtree(old, ignore_errors=True)
                self._write_record({"spare": False})
            else:
                self._keep_spare(previous, removed)
        else:  # the first site: nothing replaced, but the next build need not walk this one to know its files
            copied = self.spare_first and self._copy_as_spare()
            os.rename(self.dir, self.out)
            self._write_record({"added": [], "removed": [], "changed": []} if copied else {"spare": False})
        return self.stats

    def _copy_as_spare(self) -> bool:
        """The staging folder's files linked into a new spare folder (none is there: a staging folder not
        made from the spare removed it): the site as it is about to be published."""
        made = set()
        try:
            for rel in self.written:
                folder = posixpath.dirname(rel)
                if folder not in made:
                    os.makedirs(os.path.join(self.spare, folder), exist_ok=True)
                    made.add(folder)
                os.link(os.path.join(self._dir, rel), os.path.join(self.spare, rel), follow_symlinks=False)
        except OSError:
            _remove_later(self.spare, self._grave())
            return False
        return True

    def _match_the_record(self) -> None:
        """Remove what no build wrote from the staging folder, and put back what the record promised and
        is not there, from the published site."""
        looked = {"strays": [], "missing": []} if self.trusted else self._looked()
        if looked is None:  # the spare could not be checked: it is walked now, and every file looked for
            files, folder_links = _tree(self._dir)
            looked = {"strays": list(set(files) - self.written) + folder_links, "missing": list(self.written)}
        missing = set(looked["missing"])
        for rel in looked["strays"]:
            path = os.path.join(self._dir, rel)
            # What this build wrote there replaced the stray, unless it kept the spare's entry as it was: a
            # link (to a folder) where the record has a page is never the build's own. (A stray may be gone
            # with a folder removed since.)
            if (rel not in self.written or os.path.islink(path)) and os.path.lexists(path):
                shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.unlink(path)
                missing.add(rel)
        for rel in missing:
            target = os.path.join(self._dir, rel)
            if rel in self.written and rel not in self.fresh and not os.path.lexists(target):
                self._make(posixpath.dirname(rel))
                try:
                    os.link(os.path.join(self._out, rel), target, follow_symlinks=False)
                except OSError as error:
                    if self._again(rel, target):
                        continue
                    raise OutputError(f"{rel} is missing from {self.spare.name} beside the output folder, and from "
                                      f"the output folder ({error.strerror}); build again") from None

    def _again(self, rel: str, target: str) -> bool:
        """A kept file made again from what it is made from (see keep_all); False when that is not known."""
        data = next((given[rel] for given in self.given if rel in given), None)
        if callable(data):  # a page, rendered now (bytes, or a problem: then it cannot be had)
            data = data()
        try:
            if isinstance(data, bytes):
                _write_new(target, data)
            elif isinstance(data, (str, os.PathLike)):
                shutil.copyfile(data, target)
            else:
                return False
        except OSError:  # the cached file is gone too
            return False
        self.fresh.add(rel)
        return True

    def _remove(self, files: list[str]) -> None:
        """Files of the spare that this site has not, and then the folders they leave empty."""
        emptied = set()
        for rel in files:
            try:
                os.unlink(os.path.join(self._dir, rel))
            except FileNotFoundError:
                pass
            emptied.update(_ancestors(rel))
        for folder in sorted(emptied, key=len, reverse=True):
            try:
                os.rmdir(os.path.join(self._dir, folder))
            except OSError:  # not empty: it holds what this site has
                pass

    def _keep_spare(self, previous: set[str], removed: set[str]) -> None:
        """After the swap the staging folder holds the previous site: kept, with how it differs, for the next build."""
        try:
            os.rename(self.dir, self.spare)
        except OSError:
            _remove_later(self.dir, self._grave())
            return
        if not self._write_record({"added": self.written - previous, "removed": removed,
                                   "changed": self.fresh & previous}):
            _remove_later(self.spare, self._grave())

    def _write_record(self, record: dict) -> bool:
        """The record of the published site's files (and of how the spare differs), written last: a spare
        is usable only once its record is whole."""
        record = {"out": _identity(self.out), "by": os.getpid(), "run": self.run, "files": self.written, **record}
        if self.held is not None:
            self.held["record"] = {key: frozenset(value) if isinstance(value, set) else value
                                   for key, value in record.items()}
            return True
        try:
            temporary = f"{self.record}.tmp"
            with open(temporary, "w", encoding="utf-8") as handle:  # dumps, not dump: C's encoder, not Python's
                handle.write(json.dumps({key: list(value) if isinstance(value, (set, frozenset)) else value
                                         for key, value in record.items()}, ensure_ascii=False, separators=(",", ":")))
            os.replace(temporary, self.record)
        except OSError:
            return False
        return True

    def abort(self) -> None:
        if self._looking is not None:  # its answer is not needed
            processes.kill(self._looking[0])
            os.close(self._looking[1])
            self._looking = None
        if self.dir.exists():
            _remove_later(self.dir, self._grave())


def _write_new(path: str, data: bytes) -> None:
    with open(path, "xb") as handle:  # never into a file that exists: it may be the published site's
        handle.write(data)


def _ancestors(rel: str):
    folder = posixpath.dirname(rel)
    while folder:
        yield folder
        folder = posixpath.dirname(folder)


def _identity(folder: Path) -> list[int] | None:
    try:
        stat = os.stat(folder)
    except OSError:
        return None
    return [stat.st_dev, stat.st_ino]


def _files(root: str) -> set[str]:
    return set(_tree(root)[0])


def _tree(root: str) -> tuple[list[str], list[str]]:
    """The files below root (whatever is not a folder, links included) and the links to folders, as paths
    relative to root. Told apart by the folder listings alone: a walk that asks the system about each
    folder (os.walk and islink) took 4.3 s over a 10,000-shop site, this one 0.8 s. It goes through
    folder handles, so a walk that has begun goes on when root is renamed (see look_ahead)."""
    files: list[str] = []
    folder_links: list[str] = []
    try:
        top = os.open(root, _FOLDER)
    except OSError:  # gone or unreadable: as os.walk, nothing
        return files, folder_links
    _walk(top, "", files, folder_links)
    return files, folder_links


_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)


def _walk(folder: int, prefix: str, files: list[str], folder_links: list[str]) -> None:
    """_tree below an open folder, which it closes; one handle per level is open at a time."""
    try:
        below = []
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    below.append(entry.name)
                elif entry.is_symlink() and entry.is_dir():
                    folder_links.append(prefix + entry.name)
                else:
                    files.append(prefix + entry.name)
        for name in below:
            try:
                inner = os.open(name, _FOLDER, dir_fd=folder)
            except OSError:  # gone meanwhile, or replaced by a link
                continue
            _walk(inner, prefix + name + "/", files, folder_links)
    except OSError:  # unreadable meanwhile: passed over, as os.walk does
        pass
    finally:
        os.close(folder)


def look_ahead(out: Path) -> None:
    """Read the spare site's folder listings now, as a build starts, in a forked process that changes
    nothing. The check of the spare (Staging._look) starts only when the build has a site to write; when
    the system has let go of the listings of its 131,000 folders (after a build that wrote every page, or
    under memory pressure), that walk alone took longer than the build of a 10,000-shop edit, and the
    swap waited 5.8 s for it. Read here, beside loading, they are in the system's cache by then. The
    reader is stopped when the build ends, if it has not finished by then."""
    out = Path(out).absolute()
    spare = out.parent / f".{out.name}.spare"
    if spare.is_dir() and not spare.is_symlink():
        _beside(lambda: _tree(str(spare)), wait=False)


def _remove_later(folder: Path, grave: Path) -> None:
    """Remove a site's folder (thousands of files) in a forked process, so the build goes on now; the
    build waits for it before it ends. It is first renamed out of the way; a folder whose removal was cut
    short (the build was killed) is removed by the next build (see _recover)."""
    try:
        os.rename(folder, grave)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    if not _beside(lambda: shutil.rmtree(grave, ignore_errors=True), wait=True):
        shutil.rmtree(grave, ignore_errors=True)


def _beside(work, *, wait: bool) -> bool:
    """work() in a forked child of the build (see processes); False where none could be forked."""
    child = processes.fork(wait=wait)
    if child is None:
        return False
    if child == 0:
        try:
            work()
        finally:
            os._exit(0)
    return True


LOCK_WAIT = 900  # seconds a build waits for another build of the same site, unless SHOPDIR_LOCK_WAIT says
_NO_LOCK = (errno.EAGAIN, errno.EACCES)


@contextlib.contextmanager
def exclusive(out: Path | None, cache_dir: Path | None, told: Callable[[str], None] | None = None):
    """Only one build at a time uses an output folder (its lock is `.NAME.lock` beside it) or a cache
    (`build.lock` in it): a second one waits for the first, saying so through told(line), before it
    reads or writes either,
    and gives up with an OutputError after SHOPDIR_LOCK_WAIT seconds (default LOCK_WAIT). The locks are
    the system's (flock): they go with the process that holds them, however it ends."""
    paths = set()
    if out is not None:
        out = Path(out).absolute()
        paths.add(out.parent / f".{out.name}.lock")
    if cache_dir is not None:
        paths.add(Path(cache_dir).absolute() / "build.lock")
    handles = []
    try:
        for path in sorted(paths):  # always in the same order: two builds never wait for each other
            handles.append(_lock(path, told))
        yield
    finally:
        for handle in handles:
            with contextlib.suppress(OSError):
                os.pwrite(handle, b" " * 20 + b"\n", 0)  # no holder now: the next waiter reads its holder's pid
            os.close(handle)


def _lock(path: Path, told: Callable[[str], None] | None) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _wait_for(handle, path, told)
        os.pwrite(handle, f"{os.getpid():<20}\n".encode(), 0)  # who holds it, for the next build's message:
        os.ftruncate(handle, 21)  # written over in place, never empty once written
    except BaseException:
        os.close(handle)
        raise
    return handle


def _wait_for(handle: int, path: Path, told: Callable[[str], None] | None) -> None:
    deadline = started = None
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as error:
            if error.errno not in _NO_LOCK:
                raise
        holder = os.pread(handle, 32, 0).decode("ascii", "replace").strip()
        if not holder and started is None:
            started = time.monotonic()
        if not holder and time.monotonic() - started < 1:  # the holder has just made the file: its pid comes next
            time.sleep(0.02)
            continue
        holder = holder or "unknown"
        if deadline is None:
            limit = _lock_wait()
            deadline = time.monotonic() + limit
            if told is not None:
                told(f"shopdir: waiting for another build of this site (pid {holder}) to finish "
                     f"(at most {limit:g} s)...")
        elif time.monotonic() >= deadline:
            raise OutputError(f"{path}: another build of this site (pid {holder}) still holds this lock after "
                              f"{limit:g} s; let it finish or stop it, then build again")
        time.sleep(0.1)


def _lock_wait() -> float:
    try:
        return max(0.0, float(os.environ.get("SHOPDIR_LOCK_WAIT", LOCK_WAIT)))
    except ValueError:
        return LOCK_WAIT


def _recover(out: Path) -> None:
    """A build killed between the two renames of the fallback swap left the old site beside the output;
    a removal that did not finish left a previous site to remove (beside this build)."""
    graves = list(out.parent.glob(f".{out.name}.removing-*"))
    if graves and not _beside(lambda: [shutil.rmtree(grave, ignore_errors=True) for grave in graves], wait=True):
        for grave in graves:
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
        renameat2 = processes.libc().renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
