"""Whether a build would change anything: a digest of every input file's metadata and every option.

After a successful build the digest is kept in the cache with the identity of the output folder
it made. The next `shopdir build` compares before doing any work: when no input file, option,
theme, shopdir file or installed package changed, and the output folder is the one that build
left, the build is skipped. A file is judged changed by its size, modification and change times
and inode, as git does; a file touched within RACY seconds of the scan is never trusted, because
the file system's clock may not tell a second write in the same tick from the first.

Only the standard library is imported here: the check runs before the rest of shopdir is loaded.
"""

from __future__ import annotations

import functools
import hashlib
import json
import marshal
import os
import sys
import time
from pathlib import Path

from generator import __version__, cache

STAMP = "last-build.json"
RACY = 0.05  # seconds: files modified this close to the scan are re-read next time
_PACKAGE = Path(__file__).resolve().parent
_BUNDLED_THEMES = _PACKAGE.parent / "themes"


def status(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What tells that a file changed without reading it: every cache keyed by file status uses this."""
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino


def settled(stat: os.stat_result, since_ns: int) -> bool:
    """Whether a file last changed RACY seconds or more before since_ns (a time.time_ns() reading).
    Only then may its status stand for its content: a second write in the same clock tick as the
    first could leave the status as it was."""
    return settled_at(max(stat.st_mtime_ns, stat.st_ctime_ns), since_ns)


def settled_at(newest: int, since_ns: int) -> bool:
    """settled() for the latest modification or change time among files."""
    return newest < since_ns - int(RACY * 1e9)


class Listing:
    """A shop folder's entries: its regular files, the links that lead out of it, and a signature of
    every entry's name, kind and status (a link's by where it leads): two listings with the same
    signature are of the same files (see load.Parsed.shop)."""

    __slots__ = ("files", "escaping", "signature", "newest", "listed")

    def __init__(self, files: frozenset[str], escaping: frozenset[str], signature: bytes, newest: int, listed: int):
        self.files, self.escaping, self.signature = files, escaping, signature
        self.newest = newest  # the latest modification or change time among the entries (ns)
        self.listed = listed  # when the listing began (time.time_ns()): settled_at(newest, listed) or not


def list_shop_folder(folder: Path | str) -> Listing:
    """Regular files inside the folder, and the links that lead out of it, with each entry's status."""
    files: list[str] = []
    escaping: list[str] = []
    marks: list[tuple] = []
    times: list[int] = [0]
    listed = time.time_ns()
    top = None  # the folder's real path, found when a link asks for it

    def walk(directory: str, prefix: str) -> None:
        nonlocal top
        try:
            entries = list(os.scandir(directory))
        except OSError:
            marks.append((prefix, "unlisted"))
            return
        for entry in entries:
            name = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    marks.append((name, "folder"))
                    walk(entry.path, name + "/")
                elif entry.is_symlink():
                    top = top or os.path.realpath(folder)
                    real = os.path.realpath(entry.path)
                    if not entry.is_dir() and os.path.commonpath([top, real]) == top and os.path.isfile(real):
                        files.append(name)
                    else:
                        escaping.append(name)  # a linked folder is followed nowhere, never published
                    try:
                        stat = os.stat(real)
                    except OSError:  # a link that leads nowhere
                        marks.append((name, "link", real))
                        continue
                    marks.append((name, "link", real, *status(stat)))
                    times.extend((stat.st_mtime_ns, stat.st_ctime_ns))
                else:
                    (files if entry.is_file(follow_symlinks=False) else escaping).append(name)  # else a device, a pipe
                    stat = entry.stat(follow_symlinks=False)
                    marks.append((name, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))
                    times.extend((stat.st_mtime_ns, stat.st_ctime_ns))
            except OSError:  # gone meanwhile
                marks.append((name, "unreadable"))
                times.append(time.time_ns())  # never settled: looked at again next time

    walk(os.fspath(folder), "")
    marks.sort()
    signature = hashlib.blake2b(marshal.dumps(marks), digest_size=16).digest()
    return Listing(frozenset(files), frozenset(escaping), signature, max(times), listed)


def shopdir_digest() -> str:
    """shopdir's code and its bundled themes' files (by name, size and time): what else a build's
    output depends on besides the site's own files and the options."""
    digest = hashlib.sha256(code_digest().encode())
    for folder, _, names in sorted(os.walk(_BUNDLED_THEMES)):
        for name in sorted(names):
            status = os.stat(os.path.join(folder, name))
            digest.update(f"{folder}/{name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of shopdir's own code: part of the key of every cache of its results."""
    digest = hashlib.sha256()
    for module in sorted(_PACKAGE.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()


def options(*, base_url: str | None, drafts: bool, dev: bool = False, search_index: bool = True) -> dict:
    """The build options the output depends on (not --jobs: any number of jobs makes the same bytes)."""
    return {"base_url": base_url, "drafts": drafts, "dev": dev, "search_index": search_index}


class Scan:
    """The digest of a build's inputs, and the newest modification time seen among them."""

    def __init__(self, root: Path, out: Path, options: dict):
        self.started = time.time_ns()
        self.newest = 0
        self.listings: dict[str, Listing] = {}  # each shop folder's, for loading to take (not list again)
        self._shops = os.path.join(str(root / "content"), "shops")
        self._hash = hashlib.sha256()
        self._add(json.dumps([__version__, sys.version, str(root.resolve()), str(out.absolute()),
                              os.environ.get("SOURCE_DATE_EPOCH", ""), options], sort_keys=True))
        self._file(root / "site.yaml")
        for tree in (root / "content", root / "themes", _BUNDLED_THEMES, _PACKAGE):
            self._add(f"tree {tree}")
            self._tree(str(tree))
        for entry in sys.path:  # installing or removing a package changes its folder's times
            if entry.endswith(("site-packages", "dist-packages")):
                self._file(Path(entry))
        self.digest = self._hash.hexdigest()

    def _add(self, text: str) -> None:
        self._hash.update(text.encode("utf-8", "surrogateescape") + b"\n")

    def _stat(self, path: str, stat: os.stat_result) -> None:
        self.newest = max(self.newest, stat.st_mtime_ns, stat.st_ctime_ns)
        self._add(f"{path}\0{stat.st_mode}\0{status(stat)}")

    def _file(self, path: Path) -> None:
        try:
            self._stat(str(path), path.stat())
        except OSError:
            self._add(f"{path}\0missing")

    def _tree(self, top: str) -> None:
        try:
            with os.scandir(top) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            self._add(f"{top}\0missing")
            return
        shops = top == self._shops
        for entry in entries:
            if entry.name == "__pycache__":
                continue
            try:
                if shops and not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False):
                    found = self.listings[entry.name] = list_shop_folder(entry.path)  # as loading reads it
                    self.newest = max(self.newest, found.newest)
                    self._add(f"{entry.path}/\0{found.signature.hex()}")
                elif entry.is_dir():
                    self._add(f"{entry.path}/")
                    self._tree(entry.path)
                else:
                    self._stat(entry.path, entry.stat())
            except OSError:
                self._add(f"{entry.path}\0unreadable")

    @property
    def trustworthy(self) -> bool:
        """False when a file changed so close to the scan that a later change could look the same."""
        return self.newest < self.started - int(RACY * 1e9)


def output_identity(out: Path) -> list[int] | None:
    """The output folder as the build that made it left it: each build swaps in a new folder."""
    try:
        stat = out.stat()
    except OSError:
        return None
    return [stat.st_dev, stat.st_ino, stat.st_mtime_ns]


def _recall(cache_dir: Path | None, name: str, out: Path, key: str):
    """What a build recorded under `name` for this very output folder and this key; else None."""
    if cache_dir is None:
        return None
    try:
        record = json.loads((cache_dir / name).read_text("utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: a damaged file of thousands of [
        return None
    if not isinstance(record, dict) or record.get("key") != key or record.get("output") != output_identity(out):
        return None
    return record.get("value")


def _record(cache_dir: Path | None, name: str, out: Path, key: str, value) -> None:
    """Called after a build has swapped in the output folder: what holds for it, under a key."""
    if cache_dir is not None:  # written as made: the view hashes of a large site are 130,000
        cache.write(cache_dir / name, json.JSONEncoder().iterencode(
            {"key": key, "output": output_identity(out), "value": value}))


def up_to_date(cache_dir: Path, out: Path, scan: Scan) -> dict | None:
    """The last build's summary when the output folder is exactly what this build would make; else None."""
    summary = _recall(cache_dir, STAMP, out, scan.digest)
    return summary if isinstance(summary, dict) else None


def forget(cache_dir: Path) -> None:
    """Called before a build touches the output: until it succeeds, nothing is up to date."""
    try:
        (cache_dir / STAMP).unlink()
    except OSError:
        pass


def remember(cache_dir: Path, out: Path, scan: Scan, summary: dict) -> None:
    """Called after a build has replaced the output folder with what `scan` describes."""
    if scan.trustworthy:
        _record(cache_dir, STAMP, out, scan.digest, summary)


PAGES = "last-pages.json"


def previous_pages(cache_dir: Path | None, out: Path, key: str, held: dict | None = None) -> dict[str, str]:
    """The view hash of each page in the output folder, as the build that wrote it recorded them.

    Trusted only for that very folder and under the same rendering key (templates, common view,
    shopdir's code, how Markdown is rendered): then a page whose view hash is unchanged is the page
    that would be rendered. `held`, kept by a process that builds again and again (serve), holds them
    instead of the cache: its folder is its own, and the record of the site `shopdir build` made stays.
    """
    if held is not None:
        kept = held.get("pages")
        pages = kept[2] if kept is not None and kept[:2] == (key, output_identity(out)) else None
    else:
        pages = _recall(cache_dir, PAGES, out, key)
    return pages if isinstance(pages, dict) else {}


FILES = "last-files.json"


def previous_files(cache_dir: Path | None, out: Path) -> dict[str, str]:
    """What each of the output folder's other files (QR codes, pictures, theme assets, the search index's)
    was made from, as the build that wrote it recorded (see build._made_of): a file whose source is the
    same is the published one, and is kept without being read. Trusted for that very folder only."""
    files = _recall(cache_dir, FILES, out, "")
    return files if isinstance(files, dict) else {}


def remember_files(cache_dir: Path | None, out: Path, files: dict[str, str]) -> None:
    """Called after a build has swapped in the output folder holding these files."""
    _record(cache_dir, FILES, out, "", files)


def remember_pages(cache_dir: Path | None, out: Path, key: str, pages: dict[str, str],
                   held: dict | None = None) -> None:
    """Called after a build has swapped in the output folder holding these pages."""
    if held is not None:
        held["pages"] = (key, output_identity(out), pages)
    else:
        _record(cache_dir, PAGES, out, key, pages)
