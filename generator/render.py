"""Views to bytes: each planned page through its template, in chunks sent to forked workers; a page
that read nothing changed since the last build (reads.Pages) is not made at all. Template errors
become problems."""

from __future__ import annotations

import functools
import hashlib
import marshal
import pickle
from pathlib import Path
from typing import Iterator

import jinja2

from generator import fingerprint, markup, processes, reads, routes
from generator.model import Directory
from generator.plan import PageSpec
from generator.problems import Problem
from generator.theme import Theme, template_problem


def common_view(directory: Directory, theme: Theme, dev: bool = False) -> dict:
    """What every template may use besides its own page's view: the site, its navigation, its strings."""
    settings = directory.settings
    base = settings.base_path
    nav = [{"name": c.name, "url": routes.url(base, routes.category(c.slug))}
           for c in directory.categories if c.parent is None]
    pages = [{"title": p.title, "url": routes.url(base, routes.page(p.slug))} for p in directory.pages]
    return {
        "site": {"title": settings.title, "description": settings.description, "language": settings.language,
                 "base_url": settings.base_url, "home": routes.url(base, routes.home()),
                 "nav": nav, "pages": pages,
                 "links": {name: routes.url(base, path) for name, path in (
                     ("categories", routes.categories()), ("shops", routes.shops()), ("tags", routes.tags()),
                     ("cities", routes.cities()), ("collections", routes.collections()),
                     ("new", routes.new_arrivals()), ("feed", routes.feed()), ("search", routes.search()),
                     ("search_bundle", routes.pagefind_index()), ("search_ready", routes.pagefind_ready()))}},
        "t": theme.strings,
        "css": routes.url(base, theme.asset_path("style.css")) if "style.css" in theme.assets else None,
        "icon": routes.url(base, theme.asset_path("icon.svg")) if "icon.svg" in theme.assets else None,
        "dev": dev,
        "search_scripts": [routes.url(base, theme.asset_path(name)) for name in ("search/terms.js", "search/search.js")
                           if name in theme.assets],
    }


def rendering_key(theme: Theme, common: dict) -> str:
    """Everything a page's bytes depend on besides its own view: the common view, every template's
    source, shopdir's code, Jinja's version and how Markdown is rendered (which the keys that views
    name their Markdown by also cover). Pages are only ever reused under the same key."""
    digest = hashlib.sha256(pickle.dumps(common, protocol=5))
    for name in sorted(theme.env.list_templates()):
        source = theme.env.loader.get_source(theme.env, name)[0]
        digest.update(f"\0{name}\0{source}".encode("utf-8", "surrogateescape"))
    digest.update(f"{fingerprint.code_digest()} jinja2 {jinja2.__version__}\0{markup.SETTINGS_KEY}".encode())
    return digest.hexdigest()


def view_hash(template: str, view: dict) -> str:
    """A hash of what one page is made from; equal hashes under one rendering key make equal bytes.

    Views are plain data, written by marshal's version 2: it records structure and values only (not
    which objects are shared, nor which strings are interned), and unlike pickle it leaves no UTF-8
    copy inside each string it writes (a worker would keep one of every product text it hashed).
    """
    try:
        data = marshal.dumps((template, view), 2)
    except ValueError:  # a value marshal does not write (a subclass of str, say): pickled instead
        data = pickle.dumps((template, view), protocol=5)
    return hashlib.sha256(data).hexdigest()[:32]  # SHA-256: with the processor's SHA instructions, faster than BLAKE2


def render_pages(specs: list[PageSpec], theme: Theme, common: dict, root: Path,
                 known: dict | None = None) -> Iterator[tuple[str, bytes | Problem | None, str, tuple]]:
    """(output file, bytes, view hash, what its view read of the model: see reads.py) for each page; a
    problem instead of bytes when its template fails.

    `known` holds the view hash of each page the previous build wrote (under the same rendering
    key): a page whose view is the same is not rendered again, and None stands for its bytes.
    """
    templates: dict[str, jinja2.Template | Problem] = {}
    known = known or {}
    for spec in specs:
        with reads.recording() as facts:
            view = spec.make()  # made here, for this page only; its Markdown is filled in only if it is rendered
        facts = tuple(facts)
        file, hashed = routes.file_for(spec.path), view_hash(spec.template, view)
        if known.get(file) == hashed:
            yield file, None, hashed, facts
            continue
        if spec.template not in templates:
            try:
                templates[spec.template] = theme.env.get_template(spec.template)
            except jinja2.TemplateError as error:
                templates[spec.template] = template_problem(error, theme, root)
        template = templates[spec.template]
        if isinstance(template, Problem):
            yield file, template, hashed, facts
            continue
        view = spec.fill(view)  # outside the try below: a failure here is not the theme's
        try:
            yield file, template.render(common, page=view).encode("utf-8"), hashed, facts
        except Exception as error:  # any failure inside a template is the theme's problem, at its line
            yield file, template_problem(error, theme, root), hashed, facts


CHUNK = 250  # pages a task sent to a worker


def again(spec: PageSpec, theme: Theme, common: dict, root: Path) -> bytes | Problem:
    """One page rendered whatever its view hash (its previous bytes are gone): its bytes, or the problem."""
    return next(render_pages([spec], theme, common, root))[1]


def partition(specs: list[PageSpec], pages: reads.Pages,
              groups: list[tuple[int, list[PageSpec]]] = ()) -> tuple[list[tuple[str, PageSpec]], list[PageSpec]]:
    """The pages that read nothing that changed since the last build, as (output file, spec), kept as that
    build made them; and the others, to make.

    `groups` (serve: see plan_site's kept) names runs of specs by where they start, each a shop's pages as
    one list: a run planned as the very same list, all of whose pages were kept before and read nothing
    that changed since, is kept as a whole (reads.Pages.kept_groups), not page by page."""
    kept, fresh = [], []
    unchanged, file_for = pages.unchanged, routes.file_for

    def one_by_one(run: list[PageSpec]) -> bool:
        whole = True
        for spec in run:
            file = file_for(spec.path)
            if unchanged(file, spec.template, spec.make.args[1:], spec.by_path):
                kept.append((file, spec))
            else:
                fresh.append(spec)
                whole = False
        return whole

    at = 0
    whole = pages.kept_groups([group for _, group in groups])
    for start, group in groups:
        one_by_one(specs[at:start])
        taken = whole.get(id(group))
        if taken is not None:
            kept.extend(taken)
        elif one_by_one(group):
            pages.group_kept(group, kept[len(kept) - len(group):])
        at = start + len(group)
    one_by_one(specs[at:] if at else specs)
    return kept, fresh


def made(fresh: list[PageSpec], theme: Theme, common: dict, root: Path, jobs: int, known: dict,
         pages: reads.Pages) -> Iterator[tuple]:
    """(spec, output file, bytes, view hash) of each page to make (see partition), made and rendered (or
    found unchanged: None for its bytes), in plan order.

    `fresh` is emptied, and each chunk of specs let go once its pages are made (the workers have their own
    copy), so that the records of the pages made can take their room: at 10,000 shops the specs hold 125 MB
    besides the model. Let go only after rendering, they made no room: the records were made by then."""
    work = functools.partial(_render_pages, theme=theme, common=common, root=root, known=known)
    chunks = _chunks(fresh)
    fresh.clear()
    for at, rendered in enumerate(_in_workers(work, chunks, jobs)):
        run, chunks[at] = chunks[at], None
        for spec, (file, page, hashed, facts) in zip(run, rendered):
            pages.made(file, facts)
            yield spec, file, page, hashed


def _render_pages(specs, theme: Theme, common: dict, root: Path, known: dict) -> list:
    return list(render_pages(specs, theme, common, root, known))


def _page_problems(specs, theme: Theme, common: dict, root: Path) -> list[Problem]:
    """The pages rendered and dropped: only their problems go back from a worker, not their bytes."""
    return list({page for _, page, _, _ in render_pages(specs, theme, common, root) if isinstance(page, Problem)})


def problems_of(specs: list[PageSpec], theme: Theme, common: dict, root: Path, jobs: int) -> list[Problem]:
    """Every page rendered in memory, in workers, for its problems alone (a check writes nothing)."""
    check = functools.partial(_page_problems, theme=theme, common=common, root=root)
    return [problem for found in _in_workers(check, _chunks(specs), jobs) for problem in found]


def _chunks(specs: list[PageSpec]) -> list[list[PageSpec]]:
    return [specs[start:start + CHUNK] for start in range(0, len(specs), CHUNK)]


def _in_workers(work, chunks: list[list[PageSpec]], jobs: int):
    """work(chunk) for each chunk, in order, spread over forked workers when there are two or more."""
    return processes.forked_map(work, chunks, jobs, chunk=1, minimum=2)
