"""The printed QR kit: cards, table tents and posters for offline stores and their guides, as one PDF.

Sizes, in millimetres:
- card: 85.6 × 54 (a bank card), laid out on the sheet in a grid with crop marks between them;
- tent: A6 (105 × 148) folded across the middle into two 74 mm panels, the top panel upside down so
  that each side reads upright when the tent stands; a coloured band runs 3 mm past the trim (bleed);
- poster: the whole sheet (A4 or letter), for a store's window or wall.

QR codes are printed at least 30 mm wide with their quiet zone: a phone reads a code from about ten
times its width, so 30 mm scans from 30 cm, the distance across a counter. Cards use 30 mm, tents 44 mm
and posters 120 mm (read from a step or two away).
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

from generator import markup, media, printlayout, routes, rules, texts
from generator.config import settings_from_doc
from generator.load import load_site, load_sources
from generator.model import Directory, Printing
from generator.problems import Problem, did_you_mean, sorted_problems
from generator.theme import load_theme
from generator.validate import build_directory

PAPERS = {"A4": (210.0, 297.0), "letter": (215.9, 279.4)}


class FontMissing(Exception):
    """The CJK font package is not installed."""


@dataclass(frozen=True)
class Piece:
    """One printed thing: what it says and the text its QR code holds."""

    kind: str  # card, tent or poster
    name: str  # the guide's, the store's or the shop's name
    line: str  # where: the store and the shop
    cta: str  # the call to action under the code
    qr: str
    source: str  # shop.yaml, for a problem


def font_path() -> Path:
    """Noto Sans SC (SIL Open Font License: embedding allowed), shipped by a PyPI package."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        raise FontMissing("the Chinese font is missing: install shopdir with `pip install -e .` "
                          "(it needs the pylopdf-fonts-zh-cn package)") from None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    if not path.is_file():
        raise FontMissing(f"the Chinese font is missing: {path} does not exist; reinstall pylopdf-fonts-zh-cn")
    return path


@lru_cache(maxsize=1)
def _characters(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont
    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def pieces(directory: Directory, qr_texts: dict, strings: dict, shops: list[str]) -> tuple[list[Piece], list[Problem]]:
    """Every piece for the chosen shops (all shops when none are named), in the directory's order:
    per guide a card and a tent, per store a poster, per shop without stores a card and a tent."""
    known = {shop.slug: shop for shop in directory.shops}
    problems = [Problem(f"content/shops/{slug}", 0, 0, f'there is no shop "{slug}"{did_you_mean(slug, known)}')
                for slug in shops if slug not in known]
    chosen = [known[slug] for slug in dict.fromkeys(shops) if slug in known] if shops else list(directory.shops)
    found = []
    for shop in chosen:
        for store in shop.stores:
            url = routes.absolute(directory.settings.base_url, routes.store(shop.slug, store.slug))
            found.append(Piece("poster", store.name, shop.name, strings["print_cta_store"], url, shop.source))
            at = strings["print_guide_at"].format(store=store.name, shop=shop.name)
            for guide in store.guides:
                for kind in ("card", "tent"):
                    found.append(Piece(kind, guide.name, at, strings["print_cta_guide"], guide.qr, shop.source))
        if not shop.stores:
            text = qr_texts.get(shop.slug)
            if text is None:
                if shops:
                    problems.append(Problem(shop.source, 0, 0, f'shop "{shop.slug}" has no stores and no QR code '
                                                               "(contact: qr) to print"))
                continue
            for kind in ("card", "tent"):
                found.append(Piece(kind, shop.name, shop.tagline or "", strings["print_cta_shop"], text, shop.source))
    return found, problems


def glyph_problems(found: list[Piece], brand: str) -> list[Problem]:
    """A problem for each text with a character the font cannot draw (never a blank box on paper)."""
    have = _characters(font_path())
    problems = []
    for piece in found:
        for text in (piece.name, piece.line, piece.cta):
            lacking = "".join(dict.fromkeys(ch for ch in text if ord(ch) not in have and not ch.isspace()))
            if lacking:
                problems.append(Problem(piece.source, 0, 0, f'"{text}" has characters the print font cannot '
                                                            f'draw: {lacking}'))
    lacking = "".join(dict.fromkeys(ch for ch in brand if ord(ch) not in have and not ch.isspace()))
    if lacking:
        problems.append(Problem("site.yaml", 0, 0, f'print brand "{brand}" has characters the print font '
                                                   f'cannot draw: {lacking}'))
    return sorted(set(problems))


def render(found: list[Piece], printing: Printing) -> bytes:
    """The kit as PDF bytes; the same pieces and settings give the same bytes."""
    paper = PAPERS[printing.paper]
    pdf = FPDF(unit="mm", format=paper)
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_font(printlayout.FONT, "", str(font_path()))
    pdf.set_creation_date(_date())
    pdf.set_title("QR kit")
    pdf.set_producer("shopdir")
    wanted = set(printing.pieces)
    cards = [p for p in found if p.kind == "card" and "card" in wanted]
    if cards:
        printlayout.cards(pdf, cards, paper, printing.brand)
    for piece in found:
        if piece.kind == "tent" and "tent" in wanted:
            printlayout.tent(pdf, piece, paper, printing.brand)
    for piece in found:
        if piece.kind == "poster" and "poster" in wanted:
            printlayout.poster(pdf, piece, paper, printing.brand)
    if pdf.page == 0:
        pdf.add_page()
    return bytes(pdf.output())


def _date() -> datetime.datetime:
    """SOURCE_DATE_EPOCH's moment, else 1970-01-01: never the wall clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "0")
    return datetime.datetime.fromtimestamp(int(epoch) if epoch.isdigit() else 0, datetime.timezone.utc)


def write(path: Path, data: bytes) -> None:
    """Write the PDF beside its place and move it there: never a half-written file at `path`."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def kit(root: Path, shops: list[str], base_url: str | None = None) -> tuple[bytes | None, list[Problem]]:
    """The printed QR kit (`shopdir print`) as PDF bytes: the site is loaded and checked as a build
    would, so a site with problems is refused with all of them; None with the problems."""
    root = Path(root)
    site, problems = load_site(root)
    settings, found = settings_from_doc(site, base_url)
    problems += found
    sources, found = load_sources(root, settings.limits)
    problems += found
    markdown = markup.Markdown()
    texts.render_rest(sources, markdown, 1)
    directory, sites, found = build_directory(sources, settings, False, markdown)
    problems += found
    theme, found = load_theme(root, settings.theme, settings.language)
    problems += found
    qr_texts, found = media.shop_qr_texts(root, directory, sites, settings)
    problems += found
    if rules.errors(problems) or theme is None:
        return None, sorted_problems(problems)
    made, found = pieces(directory, qr_texts, theme.strings, shops)
    found += glyph_problems(made, settings.printing.brand)
    if found:
        return None, sorted_problems(found)
    return render(made, settings.printing), []
