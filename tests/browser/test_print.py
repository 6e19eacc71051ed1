"""A store or guide page printed on A4 to stand on a shop counter: the name and a big QR code, no site chrome."""

from __future__ import annotations

import pytest

from tests.browser.content import PAGE_KINDS
from tests.browser.pages import A4, TIMEOUT_MS, heading, open_page

pytestmark = pytest.mark.browser

HIDDEN = {"header navigation": "header.top nav", "breadcrumbs": "nav.crumbs",
          "search form": "form[role=search]", "footer": "footer"}
MIN_QR_WIDTH = 300  # CSS px, about 8 cm on paper


@pytest.mark.parametrize("kind", ["store", "guide"])
def test_printed_page_is_the_name_and_a_big_qr_code(site, new_page, kind):
    page = new_page(viewport=A4)
    path, name = PAGE_KINDS[kind]
    open_page(page, site.url(path))
    page.emulate_media(media="print")

    shown = [what for what, selector in HIDDEN.items()
             if page.locator(selector).count() == 0 or any(e.is_visible() for e in page.locator(selector).all())]
    assert shown == [], f"{kind} ({path}) prints (or lacks) these parts: {shown}"

    assert heading(page) == name

    codes = page.locator('img[src*="/qr/"]')
    assert codes.count() == 1
    code = codes.first
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=code.element_handle(),
                           timeout=TIMEOUT_MS)
    assert code.is_visible()
    box = code.bounding_box()
    assert box["width"] >= MIN_QR_WIDTH, f"{kind} ({path}): the printed QR code is {box['width']:.0f} px wide"
    assert box["x"] >= 0 and box["x"] + box["width"] <= A4["width"], f"{kind} ({path}): the QR code leaves the page"
