"""QR codes drawn into a PDF as vectors: one filled rectangle per run of dark modules, never a picture.

The modules come from qr.symbol, the same encoder (error correction M, UTF-8 with its ECI header)
that draws the site's codes, so a printed code holds exactly the text the site's code holds.
"""

from __future__ import annotations

from generator import qr

BORDER = qr.BORDER  # modules of quiet zone on every side, as the QR standard asks


def runs(text: str) -> tuple[int, list[tuple[int, int, int, int]]]:
    """The code's width in modules (quiet zone included) and its dark areas as (x, y, width, height)
    in modules: the dark runs of each row, and a run repeated on the rows below merged into one
    taller rectangle, so a code is a few hundred rectangles rather than thousands."""
    modules = qr.symbol(text)
    width, height = modules.size
    pixels = modules.load()
    open_runs: dict[tuple[int, int], list[int]] = {}  # (x, length) -> [y, height] of a run still growing
    done: list[tuple[int, int, int, int]] = []
    for y in range(height):
        row, x = [], 0
        while x < width:
            if pixels[x, y] < 128:
                start = x
                while x < width and pixels[x, y] < 128:
                    x += 1
                row.append((start, x - start))
            else:
                x += 1
        for key in list(open_runs):
            if key not in row:
                top, tall = open_runs.pop(key)
                done.append((key[0], top, key[1], tall))
        for key in row:
            if key in open_runs:
                open_runs[key][1] += 1
            else:
                open_runs[key] = [y, 1]
    done.extend((key[0], top, key[1], tall) for key, (top, tall) in open_runs.items())
    return width + 2 * BORDER, sorted((x + BORDER, y + BORDER, w, h) for x, y, w, h in done)


def draw(pdf, text: str, x: float, y: float, size: float) -> None:
    """The code for `text` as a white square of `size` mm (quiet zone included) at (x, y), dark
    modules filled black. The module size is size / width, so the caller picks the printed size."""
    width, rects = runs(text)
    module = size / width
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for left, top, w, h in rects:
        pdf.rect(x + left * module, y + top * module, w * module, h * module, style="F")
