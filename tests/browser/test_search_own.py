"""shopdir's own search (site.yaml `search: {engine: shopdir}`) as a visitor uses it in Chromium:
the same queries as test_search.py must find every product whose name holds them."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.pages import TIMEOUT_MS, open_page
from tests.browser.test_search import CHINESE, ENGLISH, expected_pages

pytestmark = pytest.mark.browser

DONE = "() => document.querySelector('#search')?.getAttribute('data-state') === 'done'"


def results(page, site, query: str) -> list[str]:
    open_page(page, site.url("search/") + "?q=" + quote(query))
    page.wait_for_function(DONE, timeout=TIMEOUT_MS)
    links = page.eval_on_selector_all("#search .results a.result-title", "links => links.map(a => a.href)")
    assert all(link.startswith(site.base_url) for link in links), links
    return [link[len(site.base_url):] for link in links]


def test_recall_of_chinese_and_english_queries(own_site, page, page_problems):
    missed = {}
    for query in CHINESE + ENGLISH:
        found = set(results(page, own_site, query))
        if not expected_pages(query) <= found:
            missed[query] = sorted(expected_pages(query) - found)
    assert missed == {}
    assert page_problems == []


def test_nothing_found_says_so_and_suggests_browsing(own_site, page, page_problems):
    assert results(page, own_site, "zzqqxx") == []
    assert "zzqqxx" in page.text_content("#search [role=status]")
    assert page.locator("#search .result-none a").get_attribute("href").endswith("/categories/")


def test_the_header_form_leads_to_results(own_site, page, page_problems):
    open_page(page, own_site.url(""))
    page.fill("form.find input[name=q]", "大红袍")
    page.press("form.find input[name=q]", "Enter")
    page.wait_for_url("**/search/**", timeout=TIMEOUT_MS)
    page.wait_for_function(DONE, timeout=TIMEOUT_MS)
    assert page.locator("#search .results a.result-title").count() >= 1
    assert page.input_value("#search-q") == "大红袍"
