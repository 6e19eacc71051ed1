"""The whole build, top to bottom: load → validate → model → assets → plan → render → publish."""

from __future__ import annotations

import contextlib
import datetime
import functools
import gc
import hashlib
import itertools
import operator
import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from generator import (cache, fingerprint, images, markup, media, pagefind, processes, qr, reads, routes,
                       render, rules, searchindex, searchstore, texts)
from generator.catalogue import Catalogue
from generator.config import settings_from_doc
from generator.load import Parsed, Resident, load_site, load_sources, shop_files
from generator.model import Directory, Settings
from generator.output import Staging, exclusive, look_ahead
from generator.plan import Assets, plan_site
from generator.problems import Problem, sorted_problems
from generator.render import common_view, rendering_key
from generator.theme import Theme, load_theme, unused_templates
from generator.validate import build_directory


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0
    files: int = 0
    stats: dict = field(default_factory=dict)
    times: dict = field(default_factory=dict)  # stage name -> seconds, in execution order
    directory: Directory | None = None  # the model the build made, for commands that compare two builds

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed): the site was, or would be, built."""
        return not rules.errors(self.problems)


Progress = Callable[[str, int, int], None]  # (stage, done, total): told as the build goes


def _quiet(stage: str, done: int, total: int) -> None:
    pass


class _Clock:
    def __init__(self, result: Result, progress: Progress):
        self.result, self.last, self.progress = result, time.perf_counter(), progress

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.result.times[stage] = now - self.last
        self.last = now
        self.progress(stage, 1, 1)


def build(root: Path, out: Path | None, **options) -> Result:
    """Build the site into `out`; with out=None, check everything and write nothing. The options are
    those of stages(); the build runs to its end, search index included."""
    return finish(stages(root, out, **options))


def finish(steps: Iterator[int]) -> Result:
    """Run a build's stages (or what is left of them) to the end: its Result."""
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


def stages(root: Path, out: Path | None, *, base_url: str | None = None, drafts: bool = False,
           cache_dir: Path | None = None, dev: bool = False, jobs: int | None = None,
           progress: Progress = _quiet, inputs: fingerprint.Scan | None = None, search_index: bool = True,
           told: Callable[[str], None] | None = None, pages_first: bool = False,
           resident: dict | None = None) -> Iterator[int]:
    """The build, as a generator whose return value is its Result.

    told(line), when given, hears what the person waits for (another build of the same site).

    With a cache, a successful build leaves a fingerprint of its inputs there, by which the
    next `shopdir build` can tell that nothing changed; `inputs` is that scan when the caller
    has just taken it. With search_index=False no search index is made (a quicker preview).

    With pages_first, when the index takes long (Pagefind's, or shopdir's own made whole: a delta of
    the own index is made with the pages), the site is published with the previous search index once
    the pages are rendered, and the generator yields a file descriptor that becomes readable when
    the new index can be had (at once for shopdir's own, which is made when the generator is resumed;
    when Pagefind is done for Pagefind's): `shopdir serve` shows the edited page meanwhile. Resumed,
    it publishes the new index. Closed instead, it stops the indexing (a newer edit came), and the
    site keeps the previous index.

    `resident`, a dict kept by a process that builds again and again (serve), holds what the next
    build may take from memory instead of the cache: the parsed files, each shop folder as it was read
    and each shop as validation judged it. Its "changed" entry, set by the caller before a build, names
    the files changed since the last one (None or absent: not known, and every file is looked at).
    """
    root = Path(root)
    result = Result()
    clock = _Clock(result, progress)
    jobs = jobs or os.cpu_count() or 1
    with _one_at_a_time(out, cache_dir, told), markup.kept_in(cache_dir) as markdown, processes.unfrozen_at_end():
        inputs = _begin(root, out, cache_dir, inputs, fingerprint.options(
            base_url=base_url, drafts=drafts, dev=dev, search_index=search_index), scan=resident is None)
        model, problems = _model(root, out, cache_dir, base_url, drafts, markdown, jobs, resident, clock, inputs)
        settings, directory, sites, theme = model.settings, model.directory, model.sites, model.theme
        result.directory = directory
        media_made, found = _media(root, out, cache_dir, settings, directory, sites, jobs, clock, resident)
        problems += found
        if rules.errors(problems) or theme is None:
            return _finished(result, problems)
        problems += unused_templates(theme, root)
        if out is None:  # a check: every page planned and rendered as a build would, nothing written
            return _check(result, problems, root, model, markdown, media_made, jobs, clock)
        own_files, indexing, folders = _search(model, media_made, markdown, cache_dir, jobs, search_index,
                                               pages_first, drafts, clock)
        if resident is None:
            searchindex.let_go()
            processes.give_back()  # the index's working memory
        try:
            specs, found = _plan(model, media_made, markdown, folders, clock, resident)
            found += media_made.wait()
            clock.lap("images wait")
            problems += found
            if rules.errors(found):
                return _finished(result, problems)
            result.problems = rules.classified(sorted_problems(problems))  # warnings only, if any
            record = functools.partial(_page_record, model, media_made, folders, drafts, cache_dir, out, resident)
            files = {**media_made.files, **dict(theme.assets.values()), **own_files, **_problems_file(dev)}
            del own_files  # placed before the pages are made, then let go (a new search base: 83 MB at 10,000 shops)
            done = yield from _publish(out, root, specs, theme, directory, dev, jobs, pages_first, files=files,
                                       indexing=indexing, cache_dir=cache_dir, inputs=inputs, result=result,
                                       clock=clock, record=record, held=resident)
            if model.catalogue is not None:
                model.catalogue.let_go()
            if done.ok and cache_dir is not None and not (resident or {}).get("tidied"):
                _tidy_caches(cache_dir, directory, markdown, media_made.qr_codes, media_made.pictures)
                if resident is not None:  # serve: its first build tidies; an edit adds a few entries at most
                    resident["tidied"] = True
            return done
        finally:
            indexing.close()


def _begin(root: Path, out: Path | None, cache_dir: Path | None, inputs: fingerprint.Scan | None,
           options: dict, scan: bool) -> fingerprint.Scan | None:
    """Before anything is read: the spare site's folders looked at beside loading, and the scan of the
    inputs (taken now, so that an edit made during the build is never recorded as built). Without
    `scan` (serve, which builds into a folder of its own that no later `shopdir build` will find up to
    date) the inputs are not looked at, nor is its spare read ahead: that folder is its own, and the spare
    is taken on its record, not checked (see Staging's `own`)."""
    if out is not None and scan:
        look_ahead(out)  # the spare site's folders read beside loading, before they are checked
    if out is not None and cache_dir is not None:
        inputs = inputs or (fingerprint.Scan(root, out, options) if scan else None)
        fingerprint.forget(cache_dir)
    return inputs


@dataclass
class _Model:
    """What loading and validation made."""
    settings: Settings
    directory: Directory | None
    sites: dict  # where each of the model's values was written
    theme: Theme | None
    shop_inputs: dict | None  # shop slug -> digest of its files (Parsed.shop_digests); None without a cache
    catalogue: Catalogue | None  # the model's lookups and orders, shared by the search index and the plan


def _model(root: Path, out: Path | None, cache_dir: Path | None, base_url: str | None, drafts: bool,
           markdown: markup.Markdown, jobs: int, resident: dict | None, clock: _Clock,
           inputs: fingerprint.Scan | None = None):
    """Load and validate: the settings, the model, where each of its values was written, the theme and
    every problem found. The parsed files are dropped on return: the model holds what is needed.

    Rendered Markdown is kept from loading to the search records. What lives on after loading (the
    parsed files, then the model) is frozen: later collections, here and in the forked workers,
    need not walk it again, as each full collection would (over a second at 10,000 shops)."""
    site, problems = load_site(root)
    settings, found = settings_from_doc(site, base_url)
    problems += found
    held = None
    if resident is not None:  # the shop folders the last build read, and the files changed since (see serve)
        held = resident.setdefault("sources", Resident())
        held.changed(resident.pop("changed", None))
    # millions of parsed values arrive, none in a cycle: nothing to collect
    with processes.collector_paused(freeze=True), texts.Ahead(jobs, markdown) as ahead:
        kept = Parsed(cache_dir, settings.limits, (resident or {}).get("parsed")) \
            if cache_dir is not None and out is not None else None
        sources, found = load_sources(root, settings.limits, kept, loaded=ahead.shop, resident=held,
                                      listings=inputs.listings if inputs is not None else None)
        problems += found
        shop_inputs = kept.shop_digests(sources, held.digests if held is not None else None) \
            if kept is not None else None
    clock.lap("load")
    texts.render_rest(sources, markdown, jobs, shops=not ahead.did_shops)
    # each shop as validation judged it: the last build's (serve) or the cache's, for a shop read alike
    judged = resident.setdefault("shops", {}) if resident is not None else {} if kept is not None else None
    if kept is not None:
        kept.offer(judged)
    with processes.collector_paused(freeze=True):  # the model: hundreds of thousands of objects, none in a cycle
        directory, sites, found = build_directory(sources, settings, drafts, markdown, judged)
    problems += found
    if kept is not None:
        kept.save(judged)
        if resident is not None:
            resident["parsed"] = kept.carry()
    del sources, site, kept, judged  # the parsed files: the model holds all that is needed from here on
    theme, found = load_theme(root, settings.theme, settings.language, cache_dir if out is not None else None)
    problems += found
    gc.freeze()
    clock.lap("validate")
    catalogue = None
    if directory is not None:  # serve: made from the last build's, for the shops that changed
        catalogue = Catalogue(directory, (resident or {}).get("catalogue"))
        if resident is not None:
            resident["catalogue"] = catalogue
    return _Model(settings, directory, sites, theme, shop_inputs, catalogue), problems


@dataclass
class _Media:
    """What the media stage made: QR codes and pictures, and the files to publish for them."""
    qr_texts: dict  # shop slug -> the text its QR code encodes
    qr_codes: dict  # text -> QRCode
    pictures: dict  # (shop slug, path) -> Picture
    files: dict  # output path -> bytes, or the path of a file kept in the cache
    making: media.Making | None  # the few new pictures' sizes, made beside search and plan

    def wait(self) -> list[Problem]:
        """The files of the pictures made beside search and plan, added to the others; problems if any."""
        if self.making is None:
            return []
        files, problems = self.making.wait()
        self.files.update(files)
        return problems


def _media(root: Path, out: Path | None, cache_dir: Path | None, settings, directory: Directory, sites, jobs: int,
           clock: _Clock, resident: dict | None) -> tuple[_Media, list[Problem]]:
    """QR codes and pictures; with `resident` (serve), the last build's codes, pictures and pictures' real
    paths are kept in memory and taken again while their sources are unchanged."""
    qr_texts, problems = media.shop_qr_texts(root, directory, sites, settings)
    qr_codes = media.qr_codes(sorted(media.all_qr_texts(directory, qr_texts)), cache_dir, jobs,
                              resident.setdefault("qr", {}) if resident is not None else None)
    clock.lap("qr codes")
    pictures, picture_files, found, making = media.pictures(
        root, directory, sites, cache_dir, settings.limits, process=out is not None,
        held=resident.setdefault("pictures", {}) if resident is not None else None,
        resolve=resident["sources"].shop_file if resident is not None else shop_files(root))
    problems += found
    clock.lap("images")
    files = {**picture_files, **{code.path: code.png for code in qr_codes.values()}}
    return _Media(qr_texts, qr_codes, pictures, files, making), problems


def _search(model: _Model, made: _Media, markdown: markup.Markdown, cache_dir: Path | None, jobs: int,
            search_index: bool, pages_first: bool, drafts: bool,
            clock: _Clock) -> tuple[dict, pagefind.Indexing | searchstore.Later, tuple | None]:
    """shopdir's own index (its files), or Pagefind's, which runs beside what follows; with pages_first,
    Pagefind's, or a new base of the own index (seconds), is made once the pages are out; and where the
    index is published (None: no index)."""
    settings, directory, theme = model.settings, model.directory, model.theme
    engine = settings.search_engine if search_index else None
    own_files: dict = {}
    if engine == "shopdir" and directory.shops:
        make = functools.partial(searchstore.files, directory, theme.strings, made.pictures, markdown,
                                 settings.language, cache_dir, model.shop_inputs, drafts=drafts,
                                 catalogue=model.catalogue)
        own_files = make(whole=not pages_first)
        if own_files is None:  # serve: a new base (seconds), made once the pages are out; a delta is made now
            clock.lap("search")
            return {}, searchstore.Later(make, [routes.search()]), (routes.search(),)
    split = pagefind.split_of(directory) if engine not in (None, "shopdir") else []
    shards = pagefind.shards(directory, theme.strings, made.pictures, markdown, split) if split else ()
    folders = [folder for folder, _ in split]
    indexing = pagefind.Indexing(shards, folders, settings.language, cache_dir, jobs, start=not pages_first)
    clock.lap("search")
    if engine is None:
        return own_files, indexing, None
    if engine == "shopdir":
        return own_files, indexing, (routes.search(),) if own_files else ()
    return own_files, indexing, tuple(folders)


def _assets(model: _Model, made: _Media, markdown: markup.Markdown, search_folders: tuple | None) -> Assets:
    return Assets(made.pictures, made.qr_codes, made.qr_texts, model.theme.strings, _build_date(), markdown,
                  search_folders, model.catalogue)


def _plan(model: _Model, made: _Media, markdown: markup.Markdown, search_folders: tuple | None,
          clock: _Clock, resident: dict | None) -> tuple[list, list[Problem]]:
    # a page spec for each page: at 10,000 shops the collector took 1.6 s; the specs live until the end,
    # never looked through again, here or in the workers. serve keeps each shop's specs for the next build.
    with processes.collector_paused(freeze=True):
        specs, found = plan_site(model.directory, _assets(model, made, markdown, search_folders),
                                 resident.setdefault("plan", {}) if resident is not None else None)
    clock.lap("plan")
    return specs, found


def _finished(result: Result, problems: list[Problem]) -> Result:
    result.problems = rules.classified(sorted_problems(problems))
    return result


def _check(result: Result, problems: list[Problem], root: Path, model: _Model, markdown: markup.Markdown,
           made: _Media, jobs: int, clock: _Clock) -> Result:
    """The rest of a build without writing: the plan (two pages at one path) and every page rendered in
    memory (template errors), so that a check fails whenever the build would."""
    directory, theme = model.directory, model.theme
    folders = tuple(folder for folder, _ in pagefind.split_of(directory))  # where a build puts the search index
    specs, found = plan_site(directory, _assets(model, made, markdown, folders))
    problems += found
    clock.lap("plan")
    if not rules.errors(found):
        problems += render.problems_of(specs, theme, common_view(directory, theme), root, jobs)
        result.pages = len(specs)
        clock.lap("render")
    return _finished(result, problems)


def _page_record(model: _Model, made: _Media, search_folders, drafts: bool, cache_dir: Path | None, out: Path,
                 resident: dict | None, key: str, known: dict) -> reads.Pages:
    """What each page read in the last build, for this one to make only the pages that read a change."""
    settings = model.directory.settings
    stamp = hashlib.sha256(pickle.dumps((key, settings, drafts, search_folders, _build_date()), protocol=5))
    held = resident.setdefault("reads", {}) if resident is not None else None
    facts = reads.Facts(model.directory, model.catalogue, made.pictures, made.qr_codes, made.qr_texts, held)
    return reads.Pages(cache_dir, fingerprint.output_identity(out), stamp.hexdigest(), model.shop_inputs,
                       reads.carried(settings, model.directory.categories, drafts), facts, known, held)


def _publish(out: Path, root: Path, specs: list, theme: Theme, directory: Directory, dev: bool, jobs: int,
             pages_first: bool, files: dict, indexing: pagefind.Indexing | searchstore.Later,
             cache_dir: Path | None, inputs,
             result: Result, clock: _Clock, record: Callable[[str, dict], reads.Pages],
             held: dict | None = None) -> Iterator[int]:
    """Render every page into the staging folder with the other files, and swap it in; with pages_first
    and the index not ready, swap in the pages with the previous index first (see stages). A page that
    read nothing that changed since the last build is kept as it is, its view not even made.

    `held`, kept by a process that builds again and again (serve), holds the pages' view hashes and the
    other files as the last build published them: a file given again as the very same object (a QR code
    or picture held in memory) is kept without a look at its bytes."""
    problems = []
    common = common_view(directory, theme, dev=dev)
    key = rendering_key(theme, common)
    placed = held.setdefault("placed", {}) if held is not None else None
    # a build that starts anew: what the published files were made from (serve compares `placed` instead)
    recorded = fingerprint.previous_files(cache_dir, out) if held is None and cache_dir is not None else None
    known = fingerprint.previous_pages(cache_dir, out, key, held)
    pages = record(key, known)
    hashes = {}
    staged = held.setdefault("staged", {}) if held is not None else None  # serve: the spare's record in memory
    staging = Staging(out, spare_first=placed is not None, own=placed is not None, held=staged)
    try:
        # the other files first: a build that starts anew lets their bytes go before the pages are made
        made_of = _place(staging, files, placed, recorded)
        if held is None:
            files.clear()
            processes.give_back()  # their bytes: the search index's files, 83 MB at 10,000 shops
        kept, fresh = render.partition(specs, pages, held.get("plan", {}).get("groups", ()) if held is not None else ())
        planned = len(specs)
        specs.clear()  # the plan held by kept and fresh from here: render.made lets go of each spec once its page is made
        kept_paths = list(map(operator.itemgetter(0), kept))
        hashes.update(zip(kept_paths, map(known.__getitem__, kept_paths)))  # no Python step a page: 131,780
        # the same view, but the previous page is gone: rendered again (now, or when the build ends, see _Again)
        gone = staging.keep_all(kept_paths, _Again(kept, theme, common, root))
        for path, spec in [pair for pair in kept if pair[0] in gone] if gone else ():
            page = render.again(spec, theme, common, root)
            if isinstance(page, Problem):
                problems.append(page)
            elif not problems:
                staging.write(path, page)
        for done, (spec, path, page, hashed) in enumerate(render.made(fresh, theme, common, root, jobs, known, pages),
                                                          len(kept) + 1):
            if done % 500 == 0 and done < planned:  # the stage's end is told once, by lap
                clock.progress("render", done, planned)
                if done % GIVE_BACK == 0:  # the pages the workers sent, once written
                    processes.give_back()
            hashes[path] = hashed
            if problems and not isinstance(page, Problem):
                continue
            if page is None and not staging.keep(path):  # the same view, but the previous page is gone
                page = render.again(spec, theme, common, root)
            if isinstance(page, Problem):
                problems.append(page)
            elif page is not None:
                staging.write(path, page)
        clock.lap("render")
        if problems:
            staging.abort()
            return _finished(result, result.problems + problems)
        later = pages_first and bool(indexing.folders)
        if later:  # the previous index, until the new one is made
            for path in sorted({path for folder in indexing.folders for path in staging.published(folder)} - hashes.keys()):
                staging.keep(path)
        else:
            index = indexing.files()  # Pagefind's, made beside the pages
            clock.lap("search wait")
            made_of.update(_place(staging, index, placed, recorded))
            if held is not None:  # serve: what it placed, as the very objects (see placed below)
                files.update(index)
        result.stats = {**staging.commit(), "made": pages.count}
        if placed is not None:
            placed.clear()
            placed.update(files)
    except BaseException:
        staging.abort()
        raise
    clock.lap("write")
    result.pages = planned
    result.files = len(staging.written)
    published = staging.written if later else None
    del staging  # the folders it made (16 MB at 10,000 shops) and _Again's specs, let go before the records are saved
    processes.give_back()  # and the pages sent last, and the staging folder's record as written
    if cache_dir is not None:
        fingerprint.remember_pages(cache_dir, out, key, hashes, held)
        if held is None:
            fingerprint.remember_files(cache_dir, out, made_of)
        pages.save(fingerprint.output_identity(out))
    if later:
        ready = indexing.start()
        if ready is not None:
            yield ready  # closed here (a newer edit), the spare site is left as it is for the next build
        index = indexing.files()
        clock.lap("search wait")
        staging = Staging(out, held=staged)
        try:
            below = tuple(indexing.folders)  # the index's files: below its folders, the pages there aside
            for path in sorted(path for path in published if not path.startswith(below) or path in hashes):
                staging.keep(path)
            _place(staging, index)
            result.stats = {**staging.commit(), "made": pages.count}
        except BaseException:
            staging.abort()
            raise
        result.files = len(staging.written)
        clock.lap("write")
        if cache_dir is not None:  # recorded for the output folder swapped in last
            fingerprint.remember_pages(cache_dir, out, key, hashes, held)
            pages.save(fingerprint.output_identity(out))
    if cache_dir is not None:
        if inputs is not None:
            fingerprint.remember(cache_dir, out, inputs, {"pages": result.pages, "files": result.files})
    return result


class _Again:
    """Kept pages by path, each rendered again should neither the spare nor the published site hold it when
    the build ends (removed by hand from both: see Staging.keep_all's `given`)."""

    def __init__(self, kept: list, theme: Theme, common: dict, root: Path):
        self.specs, self.theme, self.common, self.root = dict(kept), theme, common, root

    def __contains__(self, path: str) -> bool:
        return path in self.specs

    def __getitem__(self, path: str) -> Callable[[], bytes | Problem]:
        return functools.partial(render.again, self.specs[path], self.theme, self.common, self.root)


# pages made between two hand-backs of the memory freed (processes.give_back): the heap otherwise grew by the
# pages the workers sent, 100 MB over 131,780 pages at 10,000 shops
GIVE_BACK = 10_000

TIDY_FACTOR, TIDY_SLACK = 2, 1000  # a cache is tidied once it holds more than 2 × what a build used, + 1,000


def _problems_file(dev: bool) -> dict[str, bytes]:
    """A site built for `shopdir serve` lists no problems: it was built. Made by the build, so that serve
    only writes there when a build fails (a site changed after its build is one the next build cannot
    take as it stands: it renders every page again). New bytes each build, never kept as the very same
    object (see _place): serve may have written the published file since (serve.write_problems)."""
    return {routes.problems(): "[]".encode()} if dev else {}


def _made_of(files: dict) -> dict[str, str]:
    """What each file to publish is made from, as the next build compares it (fingerprint.previous_files):
    the digest of its bytes, or the file it is linked from (a cached picture, named by its content) with
    its inode, size and modification time (a file made again has others). A folder of kept files
    (cache.Pack) is kept by its names instead. At 1,000 shops with a picture each: 1,200 QR codes and
    3,000 pictures, which the staging folder would otherwise read back or compare one by one."""
    made = {}
    for path, data in files.items():
        if isinstance(data, (str, Path)):
            try:  # not its ctime, which each link published changes
                stat = os.stat(data)
                data = repr((str(data), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)).encode(
                    "utf-8", "surrogatepass")
            except OSError:
                continue
            made[path] = "f" + hashlib.blake2b(data, digest_size=12).hexdigest()
        elif isinstance(data, bytes):
            made[path] = "b" + hashlib.blake2b(data, digest_size=12).hexdigest()
    return made


def _place(staging: Staging, files: dict, placed: dict | None = None, recorded: dict | None = None) -> dict[str, str]:
    """Put files (bytes, the path of a file kept elsewhere, or a folder of files the previous site has
    and a pack keeps) into the staging folder; those `placed` holds as the very same objects, as the
    previous site has them, and those made from what the last build `recorded` (see _made_of) are kept
    as they are, unread. What each is made from, for the next build (empty without `recorded`)."""
    placed = placed or {}
    made = _made_of(files) if recorded is not None else {}
    paths, values = list(files), files.values()
    same = set(itertools.compress(paths, map(operator.is_, map(placed.get, paths), values)))
    same.update(path for path, source in made.items() if recorded.get(path) == source)
    same.difference_update(itertools.compress(paths, map(isinstance, values, itertools.repeat(cache.Pack))))
    # kept in one step, as the pack's files below: at 10,000 shops 74,000 files (QR codes, the search index's parts)
    kept = same - staging.keep_all(same, {path: files[path] for path in same})
    for path in sorted(files.keys() - kept):
        data = files[path]
        if isinstance(data, bytes):
            staging.write(path, data)
        elif isinstance(data, cache.Pack):  # path is a folder: its files kept in one step, those gone written
            for file in sorted(staging.keep_all(path + name for name in data.names())):
                staging.write(file, data.read(file[len(path):]))
        else:
            staging.link(path, data)
    return made


def _tidy_caches(cache_dir: Path, directory: Directory, markdown: markup.Markdown, qr_codes: dict,
                 pictures: dict) -> None:
    """Remove from the Markdown, QR code and picture caches what this build did not use, once that is
    more than it used: a directory edited for years keeps caches about its own size, not its whole
    history. Not every build: one with --drafts and one without do not undo each other's work."""
    def limit(used: int) -> int:
        return TIDY_FACTOR * used + TIDY_SLACK

    def used() -> set[str]:  # asked only past the limit: 110,000 texts at 10,000 shops, hashed to make the set
        return {text for text in texts.model_texts(directory) if text and not text.isspace()}  # isspace: no copy

    markdown.tidy(used, limit(sum(1 for text in texts.model_texts(directory) if text)))  # a text repeated counts twice
    qr.tidy(cache_dir, qr_codes, limit(len(qr_codes)))
    images.tidy(cache_dir, pictures.values(), limit(len(pictures)))


@contextlib.contextmanager
def _one_at_a_time(out: Path | None, cache_dir: Path | None, told: Callable[[str], None] | None):
    """One build at a time writes to an output folder or a cache: a second one waits for the first (see
    output.exclusive), before it reads or writes either. Each build ends with the processes it started:
    those it must wait for (a removal) have finished, the others are stopped, before the next may begin."""
    with exclusive(out, cache_dir, told):
        try:
            yield
        finally:
            processes.settle()


def _build_date() -> datetime.date:
    """The day SOURCE_DATE_EPOCH names, else 1970-01-01: the output never depends on the wall clock.

    Only the feed of a site with no dated product uses it.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "0")
    return datetime.datetime.fromtimestamp(int(epoch) if epoch.isdigit() else 0, datetime.timezone.utc).date()
