"""shopdir's own search index, kept between builds so that an edit re-indexes only what it changed.

The build's cache folder holds, under searchindex/, the files of the last base index in one pack
(<version>.pack: one write, where thousands of files took most of a second) and state.pickle: that
base's version, size and, for each group of entries (a shop with its stores, guides and products;
the categories), the key it was made from and where its entries are. A build compares each
group's key with the state's and makes a delta of the groups that changed (searchindex.update).
The base's files keep their place in the published site (their folder is named by the base's
version, so the same path holds the same bytes); the pack gives them again when that site is
gone. When the delta grows past a twentieth of the base, or the site key changes (categories,
theme strings, settings, shopdir's code), a new base replaces the kept one.

A group's key comes from the digests loading took of the shop's files (search.groups). Without a
cache folder, or without those digests, every build makes a whole index.
"""

from __future__ import annotations

import functools
import os
import pickle
from pathlib import Path

from generator import cache, search, searchindex
from generator.fingerprint import code_digest
from generator.markup import Markdown
from generator.model import Directory

FOLDER = "searchindex"
STATE = "state.pickle"
PACK = ".pack"  # after the base's version: the pack of its files


def files(directory: Directory, strings: dict, pictures: dict, markdown: Markdown, language: str,
          cache_dir: Path | None, shop_inputs: dict[str, bytes] | None, *,
          drafts: bool) -> dict[str, bytes | cache.Pack]:
    """Every file of the index by output path: its bytes; or, by its folder's path, a kept base (cache.Pack)."""
    keep = cache_dir is not None and shop_inputs is not None
    groups, make = search.groups(directory, strings, pictures, shop_inputs if keep else None, markdown)
    site = search.site_key(directory, strings, code_digest(), drafts)
    kept = _kept(cache_dir / FOLDER) if keep else None
    done = searchindex.update(groups, make, language, site, kept)
    if done.base is None:  # the kept base stands
        base = kept["base"]
        published_at = f"{searchindex.FOLDER}{base['version']}/"
        names = functools.partial(searchindex.names, base["buckets"], base["entries"])
        return {published_at: cache.Pack(cache_dir / FOLDER / (base["version"] + PACK), names), **done.files}
    if keep:
        _keep(cache_dir / FOLDER, done)
    return done.files


def _kept(folder: Path) -> dict | None:
    """The state of the last base, if its pack is there whole."""
    try:
        state = pickle.loads((folder / STATE).read_bytes())
        base = state["base"]
        if os.path.getsize(folder / (base["version"] + PACK)) == base["pack"]:
            return state
    except Exception:  # noqa: BLE001 - a missing, old or damaged state only costs a whole index
        pass
    return None


def _keep(folder: Path, done: searchindex.Update) -> None:
    """Keep a new base's files and state for the next build; other packs are removed. A cache that cannot
    take them only means the next build makes a whole index again."""
    pack = folder / (done.base.version + PACK)
    if not cache.write_pack(pack, done.base.files):
        return
    state = dict(done.state)
    state["base"] = {**state["base"], "pack": os.path.getsize(pack)}
    if cache.write(folder / STATE, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)):
        try:
            for old in folder.iterdir():
                if old.name not in (pack.name, STATE):
                    cache.remove(old)
        except OSError:
            pass
