"""The pictures and QR codes a build publishes: each shop's QR text (and a merchant's own QR picture,
read back and checked against it), the codes drawn or taken from the cache, and every picture
checked, measured and made into its web sizes. Files are read here; nothing is written but caches.
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from dataclasses import dataclass
from typing import Callable

from generator import images, processes, qr
from generator.load import read_shop_file, shop_file
from generator.model import Directory, Limits, Settings
from generator.problems import Problem
from generator.schema import qr_capacity_problem, url_problem
from generator.validate import Sites


def qr_codes(texts: list[str], cache_dir: Path | None, jobs: int, held: dict | None = None) -> dict:
    """Every QR code, from the cache or drawn in parallel. `held`, kept by a process that builds again and
    again (serve), holds the last build's codes by their texts: those are not read again."""
    kept = held or {}
    codes = {text: kept.get(text) or qr.from_cache(text, cache_dir) for text in texts}
    for code in processes.forked_map(qr.draw, [text for text, code in codes.items() if code is None], jobs):
        codes[code.text] = code
        qr.keep(code, cache_dir)
    if held is not None:
        held.clear()
        held.update(codes)
    return codes


def shop_qr_texts(root: Path, directory: Directory, sites: Sites, settings: Settings) -> tuple[dict, list[Problem]]:
    """The text each shop's QR code encodes; a merchant's own QR picture is read and must agree with qr."""
    texts, problems = {}, []
    for shop in directory.shops:
        contact = shop.contact
        if contact.qr_image:
            path, line, column = sites[(shop.slug, contact.qr_image)]
            where = lambda message: Problem(path, line, column, f'qr_image "{contact.qr_image}" {message}')  # noqa: E731
            try:
                found = qr.read_image(_open_picture(root, shop.slug, contact.qr_image, settings.limits))
            except images.ImageProblem as error:
                problems.append(where(str(error)))
                continue
            except OSError as error:
                problems.append(where(f"cannot be read: {error.strerror or error}"))
                continue
            if len(found) != 1:
                problems.append(where("holds no QR code that can be read" if not found else
                                      f"holds {len(found)} QR codes; it must hold exactly one"))
                continue
            if contact.qr and found[0] != contact.qr:
                problems.append(where(f'decodes to "{found[0]}", but qr is "{contact.qr}"; they must agree'))
                continue
            if url_problem(found[0], settings.qr_schemes):
                problems.append(where(f'holds the QR text "{found[0]}", which must start with '
                                      + ", ".join(f"{s}:" for s in settings.qr_schemes)))
                continue
            too_long = qr_capacity_problem(found[0])
            if too_long:  # read from a code drawn at a lower error correction level than the site's
                problems.append(where(f"holds a link that {too_long}, as the site draws its codes (yours may "
                                      "hold more). Use the QR code of a shorter link"))
                continue
            texts[shop.slug] = contact.qr or found[0]
        elif contact.qr or contact.url:
            texts[shop.slug] = contact.qr or contact.url
    return texts, problems


def all_qr_texts(directory: Directory, shop_texts: dict) -> set[str]:
    texts = set(shop_texts.values())
    texts.update(g.qr for s in directory.shops for store in s.stores for g in store.guides)
    return texts


def _read_picture(root: Path, shop: str, path: str, limits: Limits) -> bytes:
    data = read_shop_file(root, shop, path, limits.image_bytes)
    if len(data) > limits.image_bytes:
        raise images.ImageProblem(f"is larger than {limits.image_bytes:,} bytes")
    return data


def _open_picture(root: Path, shop: str, path: str, limits: Limits):
    return images.open_checked(_read_picture(root, shop, path, limits), limits.image_pixels)


def pictures(root: Path, directory: Directory, sites: Sites, cache_dir: Path | None, limits: Limits,
              process: bool, held: dict | None = None,
              resolve: Callable[[Path, str, str], str] = shop_file) -> tuple[dict, dict, list[Problem], Making | None]:
    """Every published picture checked and measured (and, when building, made into web variants), in parallel.

    `held`, kept by a process that builds again and again (serve), holds each picture taken from the
    cache by its file's status: while that is unchanged, not even the cache is read. `resolve` gives the
    real path of a shop's file (load.shop_file; serve's keeps those of unchanged shop folders)."""
    wanted = sorted({(s.slug, p) for s in directory.shops for p in (s.logo, s.cover) if p}
                    | {(s.slug, g.photo) for s in directory.shops for st in s.stores for g in st.guides if g.photo}
                    | {(p.shop, path) for p in directory.products for path in p.images})

    index = images.StatIndex(cache_dir, f"{images.SETTINGS_KEY}|{limits.image_pixels}|{limits.image_bytes}")

    def kept(key):
        """A picture unchanged since it was last checked and processed, from the cache; else None."""
        try:
            source = resolve(root, *key)
            stat = os.stat(source)
        except OSError:
            return None  # told by work(), which reads it
        known = index.get(source, stat)
        if held is not None and (source, known) in held:
            cached = held[(source, known)]
        else:
            cached = images.from_cache(cache_dir, known, index.variants_of(known)) if known else None
        if cached is not None:
            index.put(source, stat, known, cached[0])
            if held is not None:
                taken[(source, known)] = cached
            return key, cached if process else (cached[0], {})
        return None

    def work(key, making: bool = False):
        try:
            source = shop_file(root, *key)
            stat = os.stat(source)
            data = _read_picture(root, *key, limits)
            if not process:  # decoded and checked in full; its variants named, not made
                return key, (images.measure(data, limits.image_pixels), {})
            picture, made = images.prepare(data, cache_dir, limits.image_pixels)
            # the key prepare() named its sizes by, not the bytes hashed again; its sizes may come later: see Making
            index.put(source, stat, images.key_of(picture), picture)
            if isinstance(made, dict):
                return key, (picture, made)
            return key, (picture, Making.Picture(data, made) if making else made())
        except images.ImageProblem as error:
            return key, str(error)
        except OSError as error:
            return key, _unreadable(error)

    # Those kept are taken one after the other: at 1,000 pictures, 0.07 s, where a pool of threads took
    # 0.2-0.45 s for the same (a task's hand-over costs more than the look-up); the pool reads the others.
    taken: dict = {}
    outcomes = dict(filter(None, map(kept, wanted)))
    if held is not None:  # only this build's: a replaced picture's old variants are not held on to
        held.clear()
        held.update(taken)
    fresh = [key for key in wanted if key not in outcomes]
    # a few new pictures (an edit) are made beside the build's next stages; many (a first build), here on both cores
    making = Making(sites, cache_dir, limits) if process and cache_dir is not None and len(fresh) <= Making.AT_MOST \
        else None
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        outcomes.update(pool.map(functools.partial(work, making=making is not None), fresh))
    pictures, files, problems = {}, {}, []
    for key in wanted:  # in order, as they were asked for
        outcome = outcomes[key]
        if isinstance(outcome, str):
            problems.append(_problem(sites, key, outcome))
        elif outcome is not None:
            pictures[key] = outcome[0]
            if isinstance(outcome[1], Making.Picture):
                making.add(key, *outcome)
            else:
                files.update(outcome[1])
    if process:
        index.save()
    if making is not None:
        making.start()
    return pictures, files, problems, making


def _unreadable(error: OSError) -> str:
    return f"cannot be read: {error.strerror or error}"


def _problem(sites: Sites, key: tuple[str, str], outcome: str) -> Problem:
    path, line, column = sites[key]
    return Problem(path, line, column, f'image "{key[1]}" {outcome}')


class Making:
    """The web sizes of the few pictures an edit brings, made in a forked process while the build goes on
    to its search index and plan, which need only their names and sizes (one 1,200-pixel picture: about
    0.2 s of encoding, beside 0.15 s of search and plan at 1,000 shops). wait() waits for them; what the
    process did not leave in the cache (it failed) is made then, in the build, from the bytes read. Where
    the build cannot fork, they are made at once, as a first build's are."""

    AT_MOST = 2  # pictures held decoded until the process is forked, as the two threads of a first build's pool do

    @dataclass
    class Picture:
        data: bytes  # as read: decoded again should the forked process fail
        make: Callable | None  # images.prepare's, which holds the decoded picture: let go once forked

    def __init__(self, sites: Sites, cache_dir: Path, limits: Limits):
        self.sites, self.cache_dir, self.limits = sites, cache_dir, limits
        self.waiting: dict[str, tuple] = {}  # cache key -> (picture key, Making.Picture)
        self.child: int | None = None
        self.made: tuple[dict, list[Problem]] = ({}, [])

    def add(self, key: tuple[str, str], picture: images.Picture, making: Making.Picture) -> None:
        self.waiting.setdefault(images.key_of(picture), (key, making))  # one picture in two shops: made once

    def start(self) -> None:
        if not self.waiting:
            return
        self.child = processes.fork(wait=True)
        if self.child == 0:  # never returns into the build's code: what it could not make is made by wait()
            for _, making in self.waiting.values():
                try:
                    making.make(threads=True)
                except BaseException:
                    pass
            os._exit(0)
        if self.child is None:  # another thread runs: made here and now
            self.made = self._make()
            return
        for _, making in self.waiting.values():  # the decoded pictures, let go: the process has its own
            making.make = None

    def wait(self) -> tuple[dict, list[Problem]]:
        """Each picture's files to publish (output path -> cached file, or bytes), and the problems of those
        that could not be made."""
        if self.child is not None:
            processes.reap(self.child)
            self.child = None
            self.made = self._make()
        return self.made

    def _make(self) -> tuple[dict, list[Problem]]:
        files, problems = {}, []
        for digest, (key, making) in self.waiting.items():
            try:
                cached = images.from_cache(self.cache_dir, digest)
                if cached is not None:
                    files.update(cached[1])
                    continue
                make = making.make or images.prepare(making.data, self.cache_dir, self.limits.image_pixels)[1]
                files.update(make if isinstance(make, dict) else make(threads=True))
            except images.ImageProblem as error:
                problems.append(_problem(self.sites, key, str(error)))
            except (OSError, ValueError) as error:  # the encoder's
                problems.append(_problem(self.sites, key, f"cannot be made into WebP ({error})"))
        self.waiting.clear()
        return files, problems
