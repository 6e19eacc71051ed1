"""Where things go on the printed kit's pages: cards on a sheet, table tents, posters (mm throughout)."""

from __future__ import annotations

from generator import pdfqr

CARD = (85.6, 54.0)  # a bank card
TENT = (105.0, 148.0)  # A6, folded across the middle
BLEED = 3.0
MARK = 5.0  # crop mark length, starting MARK_GAP away from the trim
MARK_GAP = 2.0
QR_CARD, QR_TENT, QR_POSTER = 30.0, 44.0, 120.0  # quiet zone included; see printkit's docstring
ACCENT = (176, 58, 46)  # the band on tents and posters
GREY = (90, 90, 90)
FONT = "noto-sans-sc"


def _text(pdf, x: float, y: float, width: float, text: str, size: float, colour=(0, 0, 0), align="L") -> None:
    """One line of text in a box `width` wide, shrunk until it fits."""
    pdf.set_font(FONT, size=size)
    while size > 5 and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font(FONT, size=size)
    pdf.set_text_color(*colour)
    pdf.set_xy(x, y)
    pdf.cell(width, size * 0.45, text, align=align)


def _crop_marks(pdf, left: float, top: float, width: float, height: float) -> None:
    """Short hairlines outside each corner of the trim box, in line with its edges."""
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    for x in (left, left + width):
        for y, way in ((top, -1), (top + height, 1)):
            pdf.line(x, y + way * MARK_GAP, x, y + way * (MARK_GAP + MARK))
    for y in (top, top + height):
        for x, way in ((left, -1), (left + width, 1)):
            pdf.line(x + way * MARK_GAP, y, x + way * (MARK_GAP + MARK), y)


def cards(pdf, pieces: list, paper: tuple[float, float], brand: str) -> None:
    """Cards in a grid on each sheet, as many as fit with room for the crop marks around them."""
    width, height = CARD
    room = MARK_GAP + MARK + 3
    columns = int((paper[0] - 2 * room) // width)
    rows = int((paper[1] - 2 * room) // height)
    left = (paper[0] - columns * width) / 2
    top = (paper[1] - rows * height) / 2
    per_sheet = columns * rows
    for index, piece in enumerate(pieces):
        if index % per_sheet == 0:
            pdf.add_page()
            for column in range(columns):
                for row in range(rows):
                    _crop_marks(pdf, left + column * width, top + row * height, width, height)
        slot = index % per_sheet
        x, y = left + (slot % columns) * width, top + (slot // columns) * height
        _card(pdf, piece, x, y, brand)


def _card(pdf, piece, x: float, y: float, brand: str) -> None:
    width, height = CARD
    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.1)
    pdf.rect(x, y, width, height)  # a faint trim line, so a card cut a little off still looks square
    qr_x, qr_y = x + width - QR_CARD - 3, y + (height - QR_CARD) / 2
    pdfqr.draw(pdf, piece.qr, qr_x, qr_y, QR_CARD)
    text_width = qr_x - x - 6
    _text(pdf, x + 5, y + 9, text_width, piece.name, 14)
    _text(pdf, x + 5, y + 19, text_width, piece.line, 8, GREY)
    _text(pdf, x + 5, y + 33, text_width, piece.cta, 9, ACCENT)
    if brand:
        _text(pdf, x + 5, y + height - 8, text_width, brand, 6, GREY)


def tent(pdf, piece, paper: tuple[float, float], brand: str) -> None:
    """One A6 tent on its own sheet: two panels with the same face, the upper one upside down."""
    pdf.add_page()
    width, height = TENT
    left, top = (paper[0] - width) / 2, (paper[1] - height) / 2
    panel = height / 2
    fold = top + panel
    _tent_panel(pdf, piece, left, fold, brand)  # the lower panel, upright
    with pdf.rotation(180, left + width / 2, fold):  # the upper panel: the same, turned over the fold
        _tent_panel(pdf, piece, left, fold, brand)
    _crop_marks(pdf, left, top, width, height)
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=2, gap=2)
    pdf.line(left - MARK_GAP - MARK, fold, left - MARK_GAP, fold)  # the fold, marked beside the trim too
    pdf.line(left + width + MARK_GAP, fold, left + width + MARK_GAP + MARK, fold)
    pdf.line(left, fold, left + width, fold)
    pdf.set_dash_pattern()


def _tent_panel(pdf, piece, left: float, fold: float, brand: str) -> None:
    """A panel below the fold line at `fold`: a band that bleeds past the trim, the code, the words."""
    width, panel = TENT[0], TENT[1] / 2
    band = 12.0
    pdf.set_fill_color(*ACCENT)
    pdf.rect(left - BLEED, fold + panel - band, width + 2 * BLEED, band + BLEED, style="F")
    qr_x, qr_y = left + width - QR_TENT - 6, fold + 5
    pdfqr.draw(pdf, piece.qr, qr_x, qr_y, QR_TENT)
    text_width = qr_x - left - 10
    _text(pdf, left + 7, fold + 12, text_width, piece.name, 18)
    _text(pdf, left + 7, fold + 24, text_width, piece.line, 9, GREY)
    _text(pdf, left + 7, fold + 38, text_width, piece.cta, 11, ACCENT)
    if brand:
        _text(pdf, left + 7, fold + panel - band / 2 - 2, width - 14, brand, 8, (255, 255, 255))


def poster(pdf, piece, paper: tuple[float, float], brand: str) -> None:
    """A store's poster: its name, the shop, a large code that opens the store's page."""
    pdf.add_page()
    width, height = paper
    pdf.set_fill_color(*ACCENT)
    pdf.rect(0, 0, width, 40, style="F")
    _text(pdf, 15, 14, width - 30, piece.line, 16, (255, 255, 255), align="C")
    _text(pdf, 15, 55, width - 30, piece.name, 40, align="C")
    pdfqr.draw(pdf, piece.qr, (width - QR_POSTER) / 2, 80, QR_POSTER)
    _text(pdf, 15, 212, width - 30, piece.cta, 20, ACCENT, align="C")
    _text(pdf, 15, 228, width - 30, piece.qr, 9, GREY, align="C")
    if brand:
        _text(pdf, 15, height - 20, width - 30, brand, 11, GREY, align="C")
