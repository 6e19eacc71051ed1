"""shopdir's own search in Chromium, on the example (zh-CN) and on a small English site: a sample of
the query sets in tests/search/ typed into the search page finds exactly its pages; filters narrow;
the header form and the keyboard alone lead to results; axe finds nothing serious; each site speaks
its own language; hostile content stays text; odd queries raise no error."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from tests.browser.conftest import _served
from tests.browser.pages import TIMEOUT_MS, open_page
from tests.conftest import write_files
from tests.search import reference
from tests.search.quality import SETS, Index, load_queries, site_entries

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
DONE = "() => document.querySelector('#search')?.getAttribute('data-state') === 'done'"
SHOWN = 30  # the search page shows at most this many results
ZH, EN = load_queries(SETS["zh"][1]), load_queries(SETS["en"][1])

# A shop whose texts try to become markup or script. The search must show them as the text they are.
HOSTILE = {
    "content/shops/odd-shop/shop.yaml": """\
name: Zebra </script><script>window.__pwned=1</script>
tagline: <b onmouseover=window.__pwned=2>bold</b> zebra
categories: [kitchen]
city: <img src=x onerror=window.__pwned=3>
contact:
  url: https://odd.example
description: |
  Zebra things. [Click me](javascript:window.__pwned=4) and <script>window.__pwned=5</script>.
""",
    "content/shops/odd-shop/products/img.md": """\
---
name: Zebra <img src=x onerror="window.__pwned=6;alert(6)"> mug
tags: ["<svg onload=window.__pwned=7>", zebra]
---
A zebra mug. </script><script>window.__pwned=8</script> [a link](javascript:alert(9))
<a href="javascript:alert(10)">raw link</a>
""",
}
HOSTILE_TITLES = {"Zebra </script><script>window.__pwned=1</script>",
                  'Zebra <img src=x onerror="window.__pwned=6;alert(6)"> mug'}


@pytest.fixture(scope="module")
def english_site(tmp_path_factory):
    """The English site of tests/search/site-en, plus one hostile shop, built and served."""
    root = tmp_path_factory.mktemp("english-search-root") / "site"
    shutil.copytree(SETS["en"][0], root)
    write_files(root, HOSTILE)
    with _served(tmp_path_factory.mktemp("english-search-site"), root=root) as served:
        assert (served.out / "search/index.json").is_file()
        yield served


def search_url(site, text: str, filters=()) -> str:
    return site.url("search/") + "?" + urlencode({"q": text, **dict(filters)}, quote_via=quote)


def shown(page, site) -> list[str]:
    """The results on the page, as paths below the site root, once the search has answered."""
    page.wait_for_function(DONE, timeout=TIMEOUT_MS)
    links = page.eval_on_selector_all("#search .results a.result-title", "links => links.map(a => a.href)")
    assert all(link.startswith(site.base_url) for link in links), links
    return [link[len(site.base_url):] for link in links]


def asked(page, site, text: str, filters=()) -> list[str]:
    open_page(page, search_url(site, text, filters))
    return shown(page, site)


def sample(queries, every: int):
    """Every few queries of a set, and all its filtered ones, that the page can show in full (and that
    have something typed: an empty box runs no search)."""
    picked = [q for n, q in enumerate(queries) if n % every == 0 or q.filters]
    return [q for q in picked if len(q.expect) <= SHOWN and q.text.strip() and not q.gap]


@pytest.mark.parametrize("site_fixture, queries, least, kinds", [
    ("own_site", lambda: sample(ZH, 8), 20, {"word", "tail", "phrase", "mixed", "fullwidth", "none"}),
    ("english_site", lambda: sample(EN, 5), 18, {"plural", "prefix", "case", "fullwidth", "none"}),
], ids=["chinese", "english"])
def test_a_sample_of_the_queries_finds_exactly_its_pages(request, page, page_problems, site_fixture, queries,
                                                         least, kinds):
    site = request.getfixturevalue(site_fixture)
    queries = queries()
    assert len(queries) >= least and {q.kind for q in queries} >= kinds
    wrong = {}
    for query in queries:
        found = set(asked(page, site, query.text, query.filters))
        if found != query.expect:
            wrong[(query.text, query.filters)] = {"missed": sorted(query.expect - found),
                                                  "unwanted": sorted(found - query.expect)}
    assert wrong == {}
    assert page_problems == []


def test_the_page_agrees_with_the_index_files_read_in_python(own_site, page):
    """Order too: what the page lists first is what the evaluator ranks first."""
    index = Index.from_folder(own_site.out)
    for text in ("茶", "龙井 明前", "咖啡", "Suzhou 木作"):
        assert asked(page, own_site, text) == index.answer(text)[:SHOWN], text


def test_filters_narrow_the_results(own_site, page, page_problems):
    entries, _, base = site_entries(SETS["zh"][0])
    everything = set(asked(page, own_site, "茶"))
    assert len(everything) == min(SHOWN, len(reference.pages(entries, base, "茶")))
    chosen = {}
    for name, value in (("city", "福州"), ("kind", "商品"), ("category", "乌龙茶")):
        before = set(shown(page, own_site))
        page.select_option(f"#search-{name}", value)
        chosen[name] = value
        after = set(shown(page, own_site))
        assert after == reference.pages(entries, base, "茶", chosen), chosen
        assert after and after < before, chosen  # narrower at each step, never empty here
        assert f"{name}=" in page.url  # the address keeps the choice
    assert after == {f"shops/shanye-tea/products/{p}/" for p in
                     ("dahongpao-2025", "rougui-huiyuan", "shuixian-laocong", "tea-sampler", "tieluohan-gift")}
    page.select_option("#search-city", "")  # back to any city: wider again
    assert set(shown(page, own_site)) == reference.pages(entries, base, "茶", {"kind": "商品", "category": "乌龙茶"})
    assert page_problems == []


def test_the_header_form_leads_to_the_search_page_with_the_query(english_site, page, page_problems):
    open_page(page, english_site.url("shops/oak-kitchen/"))
    page.fill("form.find input[name=q]", "teapots")
    page.press("form.find input[name=q]", "Enter")
    page.wait_for_url("**/search/?q=teapots", timeout=TIMEOUT_MS)
    assert shown(page, english_site) == ["shops/hill-tea/products/teapot/"]
    assert page.input_value("#search-q") == "teapots"
    assert page.text_content("#search [role=status]") == "Results for “teapots”: 1"  # never "1 results"
    assert page_problems == []


def focus_by_tab(page, selector: str, limit: int = 60) -> int:
    """Press Tab until the focused element matches selector; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"Tab never reached {selector}")


def test_the_keyboard_alone_finds_and_opens_a_result(own_site, page, page_problems):
    open_page(page, own_site.url(""))
    focus_by_tab(page, "form.find input[name=q]")
    page.keyboard.type("红袍")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/**", timeout=TIMEOUT_MS)
    assert set(shown(page, own_site)) == next(q.expect for q in ZH if q.text == "红袍")
    focus_by_tab(page, "#search-q")  # the page's own box: a new query typed there runs as it is typed
    page.keyboard.press("Control+A")
    page.keyboard.type("铁罗汉")
    page.wait_for_function("() => document.querySelector('#search [role=status]').textContent.includes('铁罗汉')",
                           timeout=TIMEOUT_MS)
    expected = next(q.expect for q in ZH if q.text == "铁罗汉")
    assert set(shown(page, own_site)) == expected
    first = page.eval_on_selector("#search .results a.result-title", "a => a.href")
    focus_by_tab(page, "#search .results a.result-title")
    assert page.evaluate("() => document.activeElement.href") == first
    page.keyboard.press("Enter")
    page.wait_for_url(first, timeout=TIMEOUT_MS)
    assert page_problems == []


def test_the_arrow_keys_go_from_the_box_through_the_results_and_back(own_site, page):
    asked(page, own_site, "茶")
    page.focus("#search-q")
    titles = page.locator("#search .results a.result-title")
    assert titles.count() >= 2
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement === document.querySelectorAll('#search a.result-title')[0]")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement === document.querySelectorAll('#search a.result-title')[1]")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("() => document.activeElement.matches('#search-q')")


def test_the_results_show_where_the_keyboard_is(own_site, page):
    """A focused result is outlined (a visible focus indicator), so a keyboard user sees where they are."""
    asked(page, own_site, "龙井")
    focus_by_tab(page, "#search .results a.result-title")
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }")
    assert style[0] != "none" and style[1] != "0px" or style[2] != "none", style


def axe_serious(page) -> list[str]:
    assert AXE.is_file(), "axe-core is missing: npm install --prefix tests/browser"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']} {v['id']}: {v['help']} at {[' '.join(map(str, n['target'])) for n in v['nodes'][:3]]}"
            for v in result["violations"] if v.get("impact") in ("serious", "critical")]


@pytest.mark.parametrize("which, text", [("zh", "茶"), ("zh", "zzqqxx"), ("en", "tea")])
def test_no_serious_accessibility_issue_with_results_shown(own_site, english_site, page, which, text):
    site = own_site if which == "zh" else english_site
    asked(page, site, text)
    assert axe_serious(page) == []


def page_words(page) -> str:
    """The search page's own words: labels, choices, button, status, hints, result kinds (not content)."""
    return page.evaluate("""() => {
      const box = document.querySelector('#search');
      const own = [...box.querySelectorAll('label, button, [role=status], .result-none')].map(n => n.textContent);
      const kinds = [...box.querySelectorAll('.result-meta')].map(n => n.textContent.split(' · ')[0]);
      const any = [...box.querySelectorAll('select')].map(s => s.options[0].textContent);
      const kindOptions = [...box.querySelectorAll('#search-kind option')].map(o => o.textContent);
      return [document.title, document.querySelector('main h1').textContent,
              box.querySelector('input').placeholder, ...own, ...kinds, ...any, ...kindOptions].join('\\n');
    }""")


def test_the_chinese_page_speaks_chinese(own_site, page):
    asked(page, own_site, "咖啡")
    words = page_words(page)
    open_page(page, search_url(own_site, "zzqqxx"))
    shown(page, own_site)
    words += "\n" + page_words(page)
    assert "“咖啡”共" in words and "没有找到“zzqqxx”" in words and "试试更少或更短的词" in words
    english = set(re.findall(r"[A-Za-z]{2,}", words)) - {"zzqqxx"}
    assert english == set(), english  # no "Kind", "Shop", "Any", "results"...
    assert page.evaluate("document.documentElement.lang") == "zh-CN"


def test_the_english_page_speaks_english(english_site, page):
    asked(page, english_site, "tea")
    words = page_words(page)
    open_page(page, search_url(english_site, "coffee"))
    shown(page, english_site)
    words += "\n" + page_words(page)
    for said in ("Results for “tea”: ", "Nothing found for “coffee”.", "Try fewer or shorter words", "Category", "City",
                 "Kind", "Any", "Products", "Shops"):
        assert said in words
    assert re.findall(r"[\u3000-\u9fff\uff00-\uffef]", words) == []
    assert page.evaluate("document.documentElement.lang") == "en"


def test_hostile_content_is_shown_as_plain_text_and_never_runs(english_site, page, page_problems):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    found = asked(page, english_site, "zebra")
    assert set(found) == {"shops/odd-shop/", "shops/odd-shop/products/img/"}
    titles = set(page.eval_on_selector_all("#search .result-title", "ts => ts.map(t => t.textContent)"))
    assert titles == HOSTILE_TITLES
    metas = page.eval_on_selector_all("#search .result-meta, #search .result-excerpt", "ps => ps.map(p => p.textContent)")
    assert any("</script><script>" in text for text in metas)
    page.hover("#search .results")  # an onmouseover, had it become markup, would run now
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__pwned") is None
    assert page.eval_on_selector_all("#search .results img, #search .results svg, #search .results script, "
                                     "#search .results b, #search [onerror], #search [onload], #search [onmouseover]",
                                     "nodes => nodes.length") == 0
    hrefs = page.eval_on_selector_all("#search a", "links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.lower().lstrip().startswith("javascript:")], hrefs
    assert dialogs == [] and page_problems == []


ODD = ["", " ", "x" * 500, "茶" * 500, "，。！？、；：", "!!!???...", "🍵", "🍵🍵 大红袍 🫖", "'\"<>&\\%E4%",
       "\u200b\u0000", "a" * 2 + "\u0301" * 50]


def test_odd_queries_give_no_error(own_site, page, page_problems):
    asked(page, own_site, "茶")
    box = page.locator("#search-q")
    for text in ODD:
        page.evaluate("() => document.querySelector('#search').removeAttribute('data-state')")
        box.fill(text)
        page.wait_for_function(DONE, timeout=TIMEOUT_MS)  # the box's input ran a search (or cleared the list)
        status = page.text_content("#search [role=status]")
        assert "失败" not in status, (text, status)
    open_page(page, search_url(own_site, "x" * 500))  # the same from an address
    shown(page, own_site)
    assert page_problems == []
