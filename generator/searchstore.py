"""shopdir's own search index, kept between builds so that an edit re-indexes only what it changed.

The build's cache folder holds, under searchindex/, the files of the last base index (one folder
named by its version) and state.json: that base's version, size and, for each group of entries (a
shop with its stores, guides and products; the categories), the key it was made from and where its
entries are. A build compares each group's key with the state's and makes a delta of the groups
that changed (searchindex.update); the base's files are published from the cache as they are. When
the delta grows past a twentieth of the base, or the site key changes (categories, theme strings,
base path, shopdir's code), a new base replaces the kept one.

Without a cache folder every build makes a whole index.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from generator import cache, search, searchindex
from generator.fingerprint import code_digest
from generator.markup import Markdown
from generator.model import Directory

FOLDER = "searchindex"
STATE = "state.json"


def files(directory: Directory, strings: dict, pictures: dict, markdown: Markdown, language: str,
          cache_dir: Path | None) -> dict[str, bytes | str]:
    """Every file of the index by output path: its bytes, or the path of a kept base file in the cache."""
    groups, make = search.groups(directory, strings, pictures, markdown)
    site = search.site_key(directory, strings, code_digest())
    kept = _kept(cache_dir / FOLDER) if cache_dir is not None else None
    done = searchindex.update(groups, make, language, site, kept)
    if done.base is None:  # the kept base stands: its files are linked from the cache
        base = kept["base"]
        kept_at, published_at = os.path.join(cache_dir, FOLDER, base["version"], ""), f"{searchindex.FOLDER}{base['version']}/"
        return {**{published_at + name: kept_at + name for name in base["files"]}, **done.files}
    if cache_dir is not None:
        _keep(cache_dir / FOLDER, done)
    return done.files


def _kept(folder: Path) -> dict | None:
    """The state of the last base, if it and all its files are there."""
    try:
        state = json.loads((folder / STATE).read_text("utf-8"))
        base = state["base"]
        names = base["files"]
        if set(os.listdir(folder / base["version"])) >= set(names):
            return state
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def _keep(folder: Path, done: searchindex.Update) -> None:
    """Keep a new base's files and state for the next build; other bases are removed. A cache that cannot
    take them only means the next build makes a whole index again."""
    state = dict(done.state)
    state["base"] = {**state["base"], "files": sorted(done.base.files)}
    target = folder / done.base.version
    if not (target.is_dir() or cache.write_folder(target, done.base.files)):
        return
    if cache.write(folder / STATE, json.dumps(state, ensure_ascii=False)):
        try:
            for old in folder.iterdir():
                if old.is_dir() and old.name != done.base.version:
                    cache.remove(old)
        except OSError:
            pass
