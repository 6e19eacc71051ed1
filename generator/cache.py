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
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable


def write(path: Path, data: bytes | str | Iterable[str]) -> bool:
    """Put a file in the cache whole: bytes, a text, or a text in pieces (written as they come, for a
    record too large to hold twice). False when the cache cannot take it."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            temporary.write_bytes(data)
        elif isinstance(data, str):
            temporary.write_text(data, "utf-8")
        else:
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.writelines(data)
        os.replace(temporary, path)
    except OSError:
        remove(temporary)
        return False
    return True


def write_folder(path: Path, files: dict[str, bytes]) -> bool:
    """Put a folder of files in the cache whole, replacing what was there. False when it cannot."""
    work = path.with_name(path.name + ".tmp")
    try:
        remove(work)
        for name, data in files.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_bytes(data)
        work.mkdir(parents=True, exist_ok=True)
        remove(path)
        os.replace(work, path)
    except OSError:
        remove(work)
        return False
    return True


def write_pack(path: Path, files: dict[str, bytes]) -> bool:
    """Put many files in the cache as one (a search index's thousands: one write instead of one a file)."""
    return write(path, pickle.dumps(files, protocol=pickle.HIGHEST_PROTOCOL))


class Pack:
    """A pack written by write_pack, read whole the first time one of its files is asked for."""

    def __init__(self, path: Path):
        self.path = path
        self._files: dict[str, bytes] | None = None

    def read(self, name: str) -> bytes:
        if self._files is None:
            self._files = pickle.loads(Path(self.path).read_bytes())
        return self._files[name]


@dataclass(frozen=True)
class Packed:
    """A folder of files to publish that the previous site published under the same paths (the folder is
    named by its content, so the same path holds the same bytes), and that a pack keeps for when that
    site is gone: names() lists them, each under its name in the pack."""
    pack: Pack
    names: Callable[[], list[str]]

    def read(self, name: str) -> bytes:
        return self.pack.read(name)


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
