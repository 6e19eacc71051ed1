"""pdfqr: the rectangles of a printed code cover exactly its dark modules, and are few."""

from __future__ import annotations

import pytest

from generator import pdfqr, qr


@pytest.mark.parametrize("text", ["https://u.wechat.com/shanye-lin-3Fa9", "https://example.org/店/" + "x" * 120])
def test_rectangles_cover_the_dark_modules_once(text):
    modules = qr.symbol(text)
    width, rects = pdfqr.runs(text)
    assert width == modules.width + 2 * pdfqr.BORDER
    covered = {}
    for x, y, w, h in rects:
        for cx in range(x, x + w):
            for cy in range(y, y + h):
                covered[(cx, cy)] = covered.get((cx, cy), 0) + 1
    dark = {(x + pdfqr.BORDER, y + pdfqr.BORDER) for y in range(modules.height) for x in range(modules.width)
            if modules.getpixel((x, y)) < 128}
    assert set(covered) == dark
    assert set(covered.values()) == {1}
    assert len(rects) < len(dark) / 2  # merged into runs, not one square per module
