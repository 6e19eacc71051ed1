"""site.yaml to Settings, with the command line's overrides."""

from __future__ import annotations

import re

from generator.model import Limits, Printing, Settings
from generator.problems import Problem
from generator.schema import Checker, url_problem
from generator.sources import Doc

SITE_KEYS = ("title", "description", "base_url", "language", "currency", "theme", "per_page", "qr_schemes", "limits", "print",
             "search")
PRINT_KEYS = ("paper", "pieces", "brand")
PAPERS = ("A4", "letter")
PIECES = ("card", "tent", "poster")
LIMIT_RANGES = {"file_bytes": (1024, 64 * 1024 * 1024), "files_per_shop": (1, 100_000),
                "image_bytes": (1024, 200 * 1024 * 1024), "image_pixels": (10_000, 200_000_000)}
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$")
_NEVER_SCHEMES = {"javascript", "vbscript", "data", "file", "blob"}


def base_url_problem(value: str) -> str | None:
    """Why a base URL cannot be used, or None. Shared by site.yaml and --base-url."""
    problem = url_problem(value, ("http", "https"))
    if problem:
        return f"base_url {problem}"
    if "?" in value or "#" in value:
        return f'base_url "{value}" must not have a query or fragment'
    return None


def normalise_base_url(value: str) -> str:
    return value if value.endswith("/") else value + "/"


# Stands in for settings that could not be read, so the rest of the site is still checked in the same run.
FALLBACK = Settings(title="", base_url="https://example.invalid/")


def settings_from_doc(doc: Doc | None, base_url: str | None = None) -> tuple[Settings, list[Problem]]:
    """Settings from site.yaml. With problems, the fields that could be read and defaults for the rest."""
    if doc is None:
        return FALLBACK, []
    check = Checker(doc)
    data = check.mapping((), doc.data, SITE_KEYS, required=("title", "base_url"), what="site.yaml")
    if data is None:
        return FALLBACK, check.problems
    title = check.text(("title",), data.get("title"), required="title" in data)
    description = check.text(("description",), data.get("description"), max_length=300) or ""
    url = base_url if base_url is not None else check.text(("base_url",), data.get("base_url"), max_length=300)
    if url is not None and base_url is None:
        problem = base_url_problem(url)
        if problem:
            check.report(("base_url",), problem)
            url = None
    language = check.text(("language",), data.get("language"), max_length=35) or "zh-CN"
    if not _LANGUAGE.match(language):
        check.report(("language",), f'language "{language}" is not a language tag such as zh-CN or en')
    currency = check.text(("currency",), data.get("currency"), max_length=3) or "CNY"
    if not re.match(r"^[A-Z]{3}$", currency):
        check.report(("currency",), f'currency "{currency}" must be a three-letter code such as CNY')
    theme = check.text(("theme",), data.get("theme"), max_length=64) or "default"
    if not re.match(r"^[a-z0-9][a-z0-9_-]*$", theme):
        check.report(("theme",), f'theme "{theme}" must be the name of a folder under themes/')
    per_page = check.integer(("per_page",), data.get("per_page"), 1, 500) or 24
    schemes = ("https", "http")
    if "qr_schemes" in data:
        found = []
        for index, scheme in enumerate(check.items(("qr_schemes",), data["qr_schemes"], "qr_schemes")):
            where = ("qr_schemes", index)
            if not isinstance(scheme, str) or not _SCHEME.match(scheme) or scheme in _NEVER_SCHEMES:
                check.report(where, f'"{scheme}" cannot be a QR scheme')
            else:
                found.append(scheme)
        if not found:
            check.report(("qr_schemes",), "qr_schemes must list at least one scheme, such as https")
        schemes = tuple(found)
    limits = Limits()
    if "limits" in data:
        given = check.mapping(("limits",), data["limits"], LIMIT_RANGES, what="limits") or {}
        values = {key: check.integer(("limits", key), given.get(key), *LIMIT_RANGES[key]) for key in given
                  if key in LIMIT_RANGES}
        limits = Limits(**{k: v for k, v in values.items() if v is not None})
    printing = _printing(check, data["print"]) if "print" in data else Printing()
    engine = Settings.search_engine
    if "search" in data:
        given = check.mapping(("search",), data["search"], ("engine",), what="search") or {}
        engine = check.text(("search", "engine"), given.get("engine"), max_length=20) or engine
        if engine not in ("pagefind", "shopdir"):
            check.report(("search", "engine"), f'search engine "{engine}" must be shopdir or pagefind')
            engine = Settings.search_engine
    if not _LANGUAGE.match(language):
        language = FALLBACK.language
    settings = Settings(limits=limits, title=title or "", base_url=normalise_base_url(url or FALLBACK.base_url),
                        description=description, language=language, currency=currency, theme=theme,
                        per_page=per_page, qr_schemes=schemes or FALLBACK.qr_schemes, printing=printing,
                        search_engine=engine)
    return settings, check.problems


def _printing(check: Checker, value) -> Printing:
    """The `print:` mapping: paper size, which pieces, a brand line; defaults for what is left out."""
    given = check.mapping(("print",), value, PRINT_KEYS, what="print") or {}
    paper = check.text(("print", "paper"), given.get("paper"), max_length=10) or Printing.paper
    if paper not in PAPERS:
        check.report(("print", "paper"), f'paper "{paper}" must be one of ' + ", ".join(PAPERS))
        paper = Printing.paper
    pieces = Printing.pieces
    if "pieces" in given:
        chosen = []
        for index, piece in enumerate(check.items(("print", "pieces"), given["pieces"], "pieces")):
            if piece not in PIECES:
                check.report(("print", "pieces", index), f'"{piece}" is not a piece; choose from ' + ", ".join(PIECES))
            elif piece not in chosen:
                chosen.append(piece)
        if not chosen:
            check.report(("print", "pieces"), "pieces must list at least one of " + ", ".join(PIECES))
        pieces = tuple(p for p in PIECES if p in chosen) or Printing.pieces
    brand = check.text(("print", "brand"), given.get("brand"), max_length=80) or ""
    return Printing(paper=paper, pieces=pieces, brand=brand)
