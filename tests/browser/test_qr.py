"""The QR code a visitor scans from a phone screen: one per page, big enough, whole on screen, and readable."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from tests.browser.content import PAGE_KINDS, SHOP, STORE, GUIDE, guide, product_path, shop_qr_text
from tests.browser.pages import PHONE, TIMEOUT_MS, open_page

pytestmark = pytest.mark.browser

OTHER_SHOP, OTHER_PRODUCT = "north-hill-woodworks", "walnut-spoon"  # a shop with a website as well as a QR text

# page -> the text its QR code must hold, as the content files say
CASES = {
    "shop": (PAGE_KINDS["shop"][0], shop_qr_text(SHOP)),
    "product": (PAGE_KINDS["product"][0], shop_qr_text(SHOP)),
    "product of another shop": (product_path(OTHER_SHOP, OTHER_PRODUCT), shop_qr_text(OTHER_SHOP)),
    "store": (PAGE_KINDS["store"][0], shop_qr_text(SHOP)),
    "guide": (PAGE_KINDS["guide"][0], guide(SHOP, STORE, GUIDE)["qr"]),
}

MIN_WIDTH = 240  # CSS px


@pytest.mark.parametrize("case", list(CASES))
def test_qr_code_is_on_screen_big_and_reads_back(site, page, case):
    path, expected = CASES[case]
    open_page(page, site.url(path))
    codes = page.locator('img[src*="/qr/"]')
    assert codes.count() == 1, f"{path}: exactly one QR code"
    code = codes.first
    code.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=code.element_handle(),
                           timeout=TIMEOUT_MS)
    assert code.is_visible()

    box = code.bounding_box()
    assert box is not None
    assert box["width"] >= MIN_WIDTH, f"{path}: the QR code is {box['width']:.0f} px wide"
    assert (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            and box["y"] + box["height"] <= PHONE["height"]), f"{path}: the QR code is not whole on screen: {box}"

    shot = Image.open(io.BytesIO(code.screenshot(timeout=TIMEOUT_MS)))
    found = [result.text for result in zxingcpp.read_barcodes(shot)]
    assert found == [expected], f"{path}: the QR code on screen reads {found}"
