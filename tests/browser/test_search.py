"""Search with Pagefind (`search: {engine: pagefind}`) as a visitor uses it: the search page in Chromium,
Pagefind's own UI, Chinese and English queries.

A query is expected to find every published product whose name contains it; recall must be 100%.
"""

from __future__ import annotations

import time
import unicodedata
from urllib.parse import quote

import pytest

from tests.browser.content import PRODUCTS, SHOPS, STRINGS, lineage, product_category, product_path
from tests.browser.pages import SEARCH_SETTLED, TIMEOUT_MS, open_page, wait_for_search

pytestmark = pytest.mark.browser

CHINESE = ["大红袍", "正山小种", "肉桂", "水仙", "铁罗汉", "龙井", "扎染", "围巾", "亚麻", "松烟墨", "小楷", "构皮纸",
           "耶加雪菲", "挂耳咖啡", "手冲壶", "郫县豆瓣", "花椒", "香肠", "老婆饼", "鸡仔饼", "杏仁饼", "青花", "盖碗",
           "马克杯", "牛肝菌", "松茸", "蜂蜜", "宣威火腿", "品茗杯", "滤杯"]
ENGLISH = ["soap", "shampoo bar", "camellia", "walnut", "spoon", "cutting board", "butter knife", "serving tray",
           "seaweed", "bamboo", "tea table", "cherry"]

MESSAGE = "() => (document.querySelector('#search .pagefind-ui__message') || {}).textContent || ''"


def expected_pages(query: str) -> set[str]:
    """The product pages a query must find: every published product whose name contains it."""
    return {product_path(shop, slug) for (shop, slug), meta in PRODUCTS.items()
            if query.casefold() in str(meta["name"]).casefold()}


def columns(text: str) -> int:
    """How many terminal columns text takes: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def result_paths(page, site) -> list[str]:
    """Every result of the search, after pressing "load more" until there is no more."""
    wait_for_search(page)
    more = page.locator("#search .pagefind-ui__button")
    for _ in range(50):
        if more.count() == 0:
            break
        shown = page.locator("#search .pagefind-ui__result").count()
        more.first.click()
        page.wait_for_function(f"() => document.querySelectorAll('#search .pagefind-ui__result').length > {shown}"
                               f" && ({SEARCH_SETTLED})()", timeout=TIMEOUT_MS)
    links = page.eval_on_selector_all("#search .pagefind-ui__result-link", "links => links.map(a => a.href)")
    assert all(link.startswith(site.base_url) for link in links), links
    return [link[len(site.base_url):] for link in links]


def search(page, site, query: str) -> list[str]:
    open_page(page, site.url("search/") + "?q=" + quote(query))
    return result_paths(page, site)


def test_every_query_is_about_some_product():
    for query in CHINESE + ENGLISH:
        assert expected_pages(query), f"no product name contains {query!r}: pick another query"
    assert len(CHINESE) >= 20 and len(ENGLISH) >= 10


@pytest.fixture(params=["one index", "sharded index"])
def search_site(request):
    """The example with one search index, and with its index split into shards (merged by the search page)."""
    return request.getfixturevalue("pagefind_site" if request.param == "one index" else "sharded_site")


def test_recall_of_chinese_and_english_queries(search_site, page, page_problems):
    site = search_site
    rows, missed = [], []
    for query in CHINESE + ENGLISH:
        expected = expected_pages(query)
        found = expected & set(search(page, site, query))
        rows.append((query, len(expected), len(found)))
        missed += [f"{query!r} does not find /{path}" for path in sorted(expected - found)]
    total_expected = sum(r[1] for r in rows)
    total_found = sum(r[2] for r in rows)
    width = max(columns(r[0]) for r in rows) + 2
    print(f"\nsearch recall ({len(CHINESE)} Chinese, {len(ENGLISH)} English queries)")
    print(f"{'query':<{width}}expected  found")
    for query, expected, found in rows:
        pad = " " * (width - columns(query))
        print(f"{query}{pad}{expected:>8}  {found:>5}{'' if found == expected else '  <-- missed'}")
    print(f"{'total':<{width}}{total_expected:>8}  {total_found:>5}   recall {total_found / total_expected:.0%}")
    assert missed == []
    assert page_problems == []


def check_filter(page, site, query: str, filter_name: str, value: str) -> tuple[list[str], list[str]]:
    """The results of a query before and after ticking one value of one of the UI's filters."""
    before = search(page, site, query)
    message = page.evaluate(MESSAGE)
    block = page.locator("#search details.pagefind-ui__filter-block", has_text=filter_name).first
    block.wait_for(state="visible", timeout=4 * TIMEOUT_MS)  # the UI fetches its filters after the first results
    block.locator("summary").click(timeout=4 * TIMEOUT_MS)
    box = block.locator(f'input[type="checkbox"][value="{value}"]')
    assert box.count() == 1, f"the filter {filter_name} offers no {value}"
    box.check()
    page.wait_for_function(f"() => ({MESSAGE})() !== {message!r}", timeout=TIMEOUT_MS)
    return before, result_paths(page, site)


def shop_of(path: str) -> str:
    return path.split("/")[1]


def test_city_filter_narrows_to_shops_in_that_city(search_site, page, page_problems):
    site = search_site
    query, city = "茶", "福州"
    before, after = check_filter(page, site, query, STRINGS["city"], city)
    assert any(SHOPS[shop_of(p)].get("city") != city for p in before), "the query must find pages in other cities"
    assert after, f"{query!r} in {city} finds nothing"
    assert len(after) < len(before)
    assert [p for p in after if SHOPS[shop_of(p)].get("city") != city] == []
    assert page_problems == []


def test_category_filter_narrows_to_that_category(search_site, page, page_problems):
    site = search_site
    query, category = "茶", "陶瓷"

    def in_category(path: str) -> bool:
        parts = path.split("/")
        if len(parts) > 3 and parts[2] == "products":
            return category in lineage(product_category(parts[1], parts[3]))
        return any(category in lineage(c) for c in SHOPS[parts[1]]["categories"])

    before, after = check_filter(page, site, query, STRINGS["category"], category)
    assert not all(in_category(p) for p in before), "the query must find pages of other categories"
    assert after, f"{query!r} in {category} finds nothing"
    assert len(after) < len(before)
    assert [p for p in after if not in_category(p)] == []
    assert page_problems == []


def test_every_filter_is_offered_when_one_loads_slowly(search_site, page, page_problems):
    """On a slow network the first search must not end before the filters load: the UI would then list
    only the filters loaded by then, until the visitor typed again (seen as a missing category filter)."""
    site = search_site
    requested: list[str] = []

    def slow_after_the_first(route):
        requested.append(route.request.url)
        if len(requested) > 1:
            time.sleep(1.5)
        route.continue_()

    page.route("**/filter/*.pf_filter", slow_after_the_first)
    search(page, site, "茶")
    assert len(requested) > 1, "the search page loaded fewer filter files than it has filters"
    shown = page.eval_on_selector_all("#search details.pagefind-ui__filter-block summary",
                                      "names => names.map(n => n.textContent.trim())")
    assert sorted(shown) == sorted([STRINGS["category"], STRINGS["city"]])
    assert page_problems == []


def test_header_search_form_leads_to_results(pagefind_site, page, page_problems):
    """The search box in every page's header is a plain GET form to the search page."""
    site = pagefind_site
    open_page(page, site.url(""))
    page.locator("header form[role=search] input[name=q]").fill("大红袍")
    page.locator("header form[role=search] button[type=submit]").click()
    page.wait_for_url(lambda url: url.startswith(site.url("search/") + "?q="), wait_until="load")
    assert expected_pages("大红袍") <= set(result_paths(page, site))
    assert page_problems == []


def test_a_sharded_index_costs_the_visitor_one_webassembly_file(sharded_site, page, page_problems):
    """Every shard's metadata is fetched, but the search code is loaded once and shared by all shards."""
    site = sharded_site
    shards = sorted(p.parent for p in site.out.glob("pagefind/**/pagefind-entry.json"))
    assert len(shards) >= 3
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    assert expected_pages("大红袍") <= set(search(page, site, "大红袍"))
    wasm = [url for url in requested if "/wasm." in url]
    entries = [url for url in requested if "/pagefind-entry.json" in url]
    assert len(wasm) == 1, wasm
    assert len(entries) == len(shards), entries
    assert page_problems == []
