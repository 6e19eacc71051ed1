"""shopdir's own search index, kept between builds so that an edit re-indexes only what it changed.

The build's cache folder holds, under searchindex/, each part of the published index in a pack of
its own (<version>.pack: one write, where thousands of files took most of a second): the base and
the chain of deltas on it. state.pickle holds the base's version and size and, for each group of
entries (a shop with its stores, guides and products; the categories), the key it was made from
and where its entries are; chain.pickle the same of each delta, small, written with each delta.
A build compares each group's key with what the base and its deltas leave and makes a delta of
the groups that changed (searchindex.update). The kept parts keep their place in the published
site (their folders are named by their content, so the same path holds the same bytes); their
packs give them again when that site is gone. When the deltas grow past a twentieth of the base,
or the site key changes (categories, theme strings, settings, shopdir's code), a new base
replaces the kept one.

A group's key comes from the digests loading took of the shop's files (search.groups). Without a
cache folder, or without those digests, every build makes a whole index.
"""

from __future__ import annotations

import functools
import os
import pickle
from pathlib import Path
from typing import Callable

from generator import cache, search, searchindex
from generator.catalogue import Catalogue
from generator.fingerprint import code_digest
from generator.markup import Markdown
from generator.model import Directory

FOLDER = "searchindex"
STATE = "state.pickle"
CHAIN = "chain.pickle"
PACK = ".pack"  # after a part's version: the pack of its files


def files(directory: Directory, strings: dict, pictures: dict, markdown: Markdown, language: str,
          cache_dir: Path | None, shop_inputs: dict[str, bytes] | None, *,
          drafts: bool, catalogue: Catalogue | None = None, whole: bool = True) -> dict[str, bytes | cache.Pack] | None:
    """Every file of the index by output path: its bytes; or, by its folder's path, a kept part (cache.Pack).
    With whole=False, None when the index would be made whole (a new base: see searchindex.update)."""
    keep = cache_dir is not None and shop_inputs is not None
    groups, make = search.groups(directory, strings, pictures, shop_inputs if keep else None, markdown, catalogue)
    site = search.site_key(directory, strings, code_digest(), drafts)
    kept = _kept(cache_dir / FOLDER) if keep else None
    done = searchindex.update(groups, make, language, site, kept, functools.partial(_part_files, cache_dir), whole,
                              _scratch(cache_dir))
    if done is None:
        return None
    if keep:
        _keep(cache_dir / FOLDER, done)
    found = dict(done.files)
    if done.base is None:  # the kept base stands
        base = done.state["base"]
        found[f"{searchindex.FOLDER}{base['version']}/"] = _pack(cache_dir, base)
    for delta in done.state["deltas"]:
        if done.delta is None or delta["version"] != done.delta.version:
            found[f"{searchindex.FOLDER}{delta['version']}/"] = _pack(cache_dir, delta)
    return found


class Later:
    """The index made once the pages are published (`shopdir serve`, when the index is to be made whole:
    a new base takes seconds, and the edited page need not wait for it), in the build's own process: the
    steps of Pagefind's `Indexing` that a build takes (folders, start, files, close), with `make()` giving the files."""

    def __init__(self, make: Callable[[], dict], folders: list[str]):
        self.make, self.folders = make, folders
        self.pipe: int | None = None

    def start(self) -> int | None:
        """A file descriptor readable at once: the caller resumes the build when it has time."""
        self.pipe, writer = os.pipe()
        os.write(writer, b".")
        os.close(writer)
        return self.pipe

    def files(self) -> dict:
        self.close()
        return self.make()

    def close(self) -> None:
        if self.pipe is not None:
            os.close(self.pipe)
            self.pipe = None


def _scratch(cache_dir: Path | None) -> str | None:
    """Where a large index is gathered (searchindex._spilled): the cache folder, on the disk the site's cache
    is on, rather than the system's temporary folder, which may be memory (tmpfs); None: the system's."""
    if cache_dir is None:
        return None
    try:
        (cache_dir / FOLDER).mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return str(cache_dir / FOLDER)


def _part_files(cache_dir: Path, version: str) -> dict[str, bytes] | None:
    """A kept part's files, by name, read from its pack; None when the pack cannot be read."""
    try:
        return cache.Pack(cache_dir / FOLDER / (version + PACK)).files()
    except Exception:  # noqa: BLE001 - a missing or damaged pack only costs a new base
        return None


def _pack(cache_dir: Path, part: dict) -> cache.Pack:
    names = functools.partial(searchindex.names, part["buckets"], part["entries"])
    return cache.Pack(cache_dir / FOLDER / (part["version"] + PACK), names)


def _kept(folder: Path) -> dict | None:
    """The state of the last base, if its pack is there whole, with the deltas on it whose packs are."""
    try:
        state = pickle.loads((folder / STATE).read_bytes())
        if not _whole(folder, state["base"]):
            return None
    except Exception:  # noqa: BLE001 - a missing, old or damaged state only costs a whole index
        return None
    state["deltas"] = []
    try:
        chain = pickle.loads((folder / CHAIN).read_bytes())
        if chain["base"] == state["base"]["version"]:
            for delta in chain["deltas"]:  # each delta stands on those before it: the chain up to a lost one
                if not _whole(folder, delta):
                    break
                state["deltas"].append(delta)
    except Exception:  # noqa: BLE001 - without its deltas, the base makes one of every group changed since
        pass
    return state


def _whole(folder: Path, part: dict) -> bool:
    try:
        return os.path.getsize(folder / (part["version"] + PACK)) == part["pack"]
    except OSError:
        return False


def _keep(folder: Path, done: searchindex.Update) -> None:
    """Keep a new base's or delta's files and the state for the next build; packs no longer in it are
    removed. A cache that cannot take them only means the next build makes more again."""
    made = done.base or done.delta
    if made is None:
        return
    pack = folder / (made.version + PACK)
    if not cache.write_pack(pack, made.files):
        return
    state = dict(done.state)
    deltas = state.pop("deltas")
    if done.base is not None:
        state["base"] = {**state["base"], "pack": os.path.getsize(pack)}
        if not cache.dump(folder / STATE, state):
            return
    else:
        deltas[-1] = {**deltas[-1], "pack": os.path.getsize(pack)}
    chain = {"base": state["base"]["version"], "deltas": deltas}
    if cache.dump(folder / CHAIN, chain):
        used = {STATE, CHAIN, state["base"]["version"] + PACK, *(delta["version"] + PACK for delta in deltas)}
        try:
            for old in folder.iterdir():
                if old.name not in used:
                    cache.remove(old)
        except OSError:
            pass
