"""A visitor on a phone: following real links from the home page down to a product and back, every page kind
loading cleanly, fitting a 360 px screen, and readable with JavaScript turned off."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.content import PAGE_KINDS, PRODUCT, SHOP, product_path
from tests.browser.pages import NARROW, PHONE, TIMEOUT_MS, heading, open_page, wait_for_search

pytestmark = pytest.mark.browser

KINDS = list(PAGE_KINDS)
_answers: dict[str, int] = {}  # link target -> HTTP status, so links shared by many pages are fetched once


def href(site, path: str) -> str:
    """The href the site's own links use for a page: its path from the server root."""
    return urlsplit(site.url(path)).path


def click_to(page, site, selector: str, path: str) -> None:
    """Click a real link on the page and wait until its target has loaded."""
    link = page.locator(selector).first
    link.click()
    page.wait_for_url(site.url(path), wait_until="load")


def ready(page, kind: str) -> None:
    """Wait until the page shows what a visitor came for (the search page fills itself in with JavaScript)."""
    if kind == "search":
        wait_for_search(page)


def unexpected(problems: list[str], site, kind: str) -> list[str]:
    """The problems a visit recorded, less the 404 status the missing page is meant to answer with."""
    if kind != "404":
        return problems
    missing = site.url(PAGE_KINDS["404"][0])

    def own_status(problem: str) -> bool:  # seen twice: as a response, and as the console's note about it
        return problem.startswith(f"HTTP 404: {missing} ") or (
            problem.startswith(f"console error on {missing}: ") and problem.endswith(f"[{missing}]"))

    return [p for p in problems if not own_status(p)]


def test_home_to_category_to_shop_to_product_and_back(site, page, page_problems):
    open_page(page, site.url(""))
    assert heading(page) == PAGE_KINDS["home"][1]
    assert page_problems == []

    category_path, category_name = PAGE_KINDS["category"]
    click_to(page, site, f'main a[href="{href(site, category_path)}"]', category_path)
    assert heading(page) == category_name
    assert page_problems == []

    shop_path, shop_name = PAGE_KINDS["shop"]
    click_to(page, site, f'main a[href="{href(site, shop_path)}"]', shop_path)
    assert heading(page) == shop_name
    assert page_problems == []

    _, product_name = PAGE_KINDS["product"]
    click_to(page, site, f'main a[href="{href(site, product_path(SHOP, PRODUCT))}"]', product_path(SHOP, PRODUCT))
    assert heading(page) == product_name
    assert page_problems == []

    page.go_back(wait_until="load")
    assert page.url == site.url(shop_path)
    assert heading(page) == shop_name
    assert page_problems == []


def test_the_icon_browsers_ask_for_exists(site, page, page_problems):
    """Browsers fetch the page's icon by themselves (/favicon.ico unless a <link rel="icon"> names one)."""
    open_page(page, site.url(PAGE_KINDS["product"][0]))
    icon = page.evaluate("""() => (document.querySelector('link[rel~="icon"]') || {}).href
                                  || new URL('/favicon.ico', location.href).href""")
    if not icon.startswith("data:"):
        response = page.request.get(icon, timeout=5_000)
        assert response.status == 200, f"the icon {icon} answers HTTP {response.status}: a console error on every page"


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_kind_loads_without_errors(site, page, page_problems, kind):
    path, title = PAGE_KINDS[kind]
    open_page(page, site.url(path), status=404 if kind == "404" else 200)
    ready(page, kind)
    assert heading(page) == title
    # Load every lazy picture now, so a broken one shows up as a failed request too.
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("[...document.images].every(i => i.complete)", timeout=TIMEOUT_MS)
    assert unexpected(page_problems, site, kind) == []


@pytest.mark.parametrize("kind", KINDS)
def test_no_horizontal_scroll_at_360_px(site, new_page, kind):
    page = new_page(viewport=NARROW)
    path, _ = PAGE_KINDS[kind]
    open_page(page, site.url(path), status=404 if kind == "404" else 200)
    ready(page, kind)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > NARROW["width"]:
        wide = page.evaluate("""limit => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 0.5)
            .slice(0, 8).map(e => e.outerHTML.slice(0, 160))""", NARROW["width"])
        pytest.fail(f"{kind} ({path}) is {width} px wide at {NARROW['width']} px; wider elements: {wide}")


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "search"])
def test_without_javascript_heading_shows_and_links_work(site, new_page, kind):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    path, title = PAGE_KINDS[kind]
    open_page(page, site.url(path), status=404 if kind == "404" else 200)
    assert heading(page) == title

    # Every link to the site answers, and the links a visitor would follow are plain links that work.
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    targets = sorted({urljoin(page.url, h).split("#")[0] for h in hrefs
                      if urljoin(page.url, h).startswith(site.base_url) and not h.startswith("#")})
    assert targets
    for target in targets:
        if target not in _answers:
            _answers[target] = page.request.get(target, timeout=5_000, max_redirects=0).status
    assert [f"{t}: HTTP {_answers[t]}" for t in targets if _answers[t] != 200] == [], f"{kind} ({path})"

    followed = 0
    for selector in ("main a[href^='/']", ".crumbs a[href^='/'], header.top nav a"):
        others = [(link, urljoin(page.url, link.get_attribute("href"))) for link in page.locator(selector).all()]
        others = [(link, target) for link, target in others if target != page.url]
        if not others:
            continue
        link, target = others[0]
        link.click()
        page.wait_for_url(target, wait_until="load")
        page.locator("main h1").first.wait_for(state="visible")
        followed += 1
        page.go_back(wait_until="load")
        assert heading(page) == title
    assert followed >= 1, f"{kind}: no link to follow"
