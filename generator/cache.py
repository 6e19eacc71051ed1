"""The cache folder (`.cache/` or `--cache-dir`): how anything is written into it and tidied.

Every entry is keyed by a hash of exactly its inputs, so nothing in it is ever invalidated, and
every write is all or nothing: a file is written beside its place and renamed into it, a folder is
made whole beside its place and renamed into it. A build that is killed leaves at most a stray
`.tmp`, never a half-written entry. A cache that cannot be written (no room, no rights) only costs
time: these functions say so by their result and never raise.
"""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path
from typing import Callable, Iterable


def write(path: Path, data: bytes | str | Iterable[str]) -> bool:
    """Put a file in the cache whole: bytes, a text, or a text in pieces (written as they come, for a
    record too large to hold twice). False when the cache cannot take it."""
    if isinstance(data, bytes):
        return _put(path, lambda handle: handle.write(data))
    pieces = [data] if isinstance(data, str) else data
    return _put(path, lambda handle: handle.writelines(pieces), text=True)


def dump(path: Path, value) -> bool:
    """Put a value in the cache pickled, written as it is pickled: never held whole as bytes beside
    the value (a search base's pack is 83 MB at 10,000 shops)."""
    return _put(path, lambda handle: pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL))


def _put(path: Path, put: Callable, text: bool = False) -> bool:
    """put(file) writes the entry into a file beside its place, which then takes its place."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "w", encoding="utf-8") if text else open(temporary, "wb") as handle:
            put(handle)
        os.replace(temporary, path)
    except OSError:
        remove(temporary)
        return False
    return True


def write_pack(path: Path, files: dict[str, bytes]) -> bool:
    """Put many files in the cache as one (a search index's thousands: one write instead of one a file)."""
    return dump(path, files)


class Pack:
    """A folder of files to publish that a pack written by write_pack keeps: `names()` lists them, and
    each is read by its name (the pack is read whole the first time one is asked for). The previous
    site published them under the same paths when their folder is named by their content (a search
    index's version), so they are read from the pack only when that site is gone."""

    def __init__(self, path: Path, names: Callable[[], list[str]] = list):
        self.path, self.names = path, names
        self._files: dict[str, bytes] | None = None

    def read(self, name: str) -> bytes:
        return self.files()[name]

    def files(self) -> dict[str, bytes]:
        """Every file of the pack by its name (read whole once)."""
        if self._files is None:
            self._files = pickle.loads(Path(self.path).read_bytes())
        return self._files


def remove(path: Path | str) -> None:
    """Remove a cache entry, file or folder, if it is there."""
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        shutil.rmtree(path, ignore_errors=True)


def tidy(folder: Path, used: Callable[[], set[str]], limit: int) -> int:
    """Remove the entries of a cache folder that fans them out by the first two characters of their keys
    (QR codes, pictures: folder/xx/*), files or folders, that are not among used() (their paths), when
    it holds more than `limit`; the number removed."""
    found: list[str] = []
    try:
        with os.scandir(folder) as fans:
            for fan in fans:
                if fan.is_dir(follow_symlinks=False):
                    with os.scandir(fan.path) as entries:
                        found += [entry.path for entry in entries]
    except OSError:
        return 0
    if len(found) <= limit:
        return 0
    kept = used()
    stale = [path for path in found if path not in kept]
    for path in stale:
        remove(path)
    return len(stale)
