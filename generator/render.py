"""Views to bytes: each planned page through its template. Template errors become problems."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import jinja2

from generator import routes
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
                     ("new", routes.new_arrivals()), ("feed", "feed.xml"), ("search", routes.search()),
                     ("search_bundle", "pagefind/"))}},
        "t": theme.strings,
        "css": routes.url(base, theme.asset_path("style.css")) if "style.css" in theme.assets else None,
        "icon": routes.url(base, theme.asset_path("icon.svg")) if "icon.svg" in theme.assets else None,
        "dev": dev,
    }


def render_pages(specs: list[PageSpec], theme: Theme, common: dict,
                 root: Path) -> Iterator[tuple[str, bytes | Problem]]:
    """(output file, bytes) for each page, or (output file, problem) when its template fails."""
    templates: dict[str, jinja2.Template | Problem] = {}
    for spec in specs:
        if spec.template not in templates:
            try:
                templates[spec.template] = theme.env.get_template(spec.template)
            except jinja2.TemplateError as error:
                templates[spec.template] = template_problem(error, theme, root)
        template = templates[spec.template]
        if isinstance(template, Problem):
            yield routes.file_for(spec.path), template
            continue
        try:
            yield routes.file_for(spec.path), template.render(common, page=spec.view).encode("utf-8")
        except Exception as error:  # any failure inside a template is the theme's problem, at its line
            yield routes.file_for(spec.path), template_problem(error, theme, root)
