"""shopdir's own search after edits, in Chromium: the page reads the kept base and the chain of deltas
on it, and shows what the Python reading of the same files finds, in the same order
(tests/unit/test_searchindex_delta.py holds that reading equal to a whole index's)."""

from __future__ import annotations

import json
import shutil
from urllib.parse import quote, unquote

import pytest

from generator import build, searchindex
from tests.browser.conftest import _served, example_copy
from tests.browser.pages import TIMEOUT_MS, open_page
from tests.browser.test_search import CHINESE, ENGLISH
from tests.unit.test_searchindex_delta import answer

pytestmark = pytest.mark.browser

DONE = "() => document.querySelector('#search')?.getAttribute('data-state') === 'done'"
EDITED = ["新到货", "restocked", "新到货 restocked", "alpaca", "walrus", "茶", "tea", "tea cup"]


@pytest.fixture(scope="module")
def edited_site(tmp_path_factory):
    root = example_copy(tmp_path_factory, "delta-search-root")
    folder = tmp_path_factory.mktemp("delta-search-site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(searchindex, "DELTA_SHARE", 1.0)  # the example is small: any edit stays a delta
        with _served(folder, root=root) as served:
            base = json.loads((served.out / searchindex.MANIFEST).read_text("utf-8"))
            shops = sorted((root / "content/shops").iterdir())
            first, second, third = (sorted(shop.glob("products/*.md"))[0] for shop in shops[:3])
            texts = {product: product.read_text("utf-8") for product in (first, second, third)}
            # three deltas: three shops, one of them again (the two others' living entries outweigh it: the
            # first delta stays, with that shop's old entries removed by the second), then a shop removed
            for word, edited in [("alpaca", [first, second, third]), ("walrus", [first]), ("", [])]:
                for product in edited:
                    product.write_text(texts[product] + f"\n\n新到货 restocked {word}\n", "utf-8")
                if not edited:
                    shutil.rmtree(shops[-1])
                assert build.build(root, served.out, base_url=served.base_url, cache_dir=folder / "cache").ok
            manifest = json.loads((served.out / searchindex.MANIFEST).read_text("utf-8"))
            assert manifest["version"] == base["version"] and len(manifest["deltas"]) == 3, \
                "a chain of deltas on the kept base"
            yield served


def results(page, site, query: str) -> list[str]:
    open_page(page, site.url("search/") + "?q=" + quote(query))
    page.wait_for_function(DONE, timeout=TIMEOUT_MS)
    links = page.eval_on_selector_all("#search .results a.result-title", "links => links.map(a => a.href)")
    return ["/" + unquote(link[len(site.base_url):]) for link in links]


def test_the_page_shows_what_base_and_delta_answer_together(edited_site, page, page_problems):
    out = edited_site.out
    files = {p.relative_to(out).as_posix(): str(p) for p in (out / "search").rglob("*.gz")}
    files[searchindex.MANIFEST] = (out / searchindex.MANIFEST).read_bytes()
    differ = {}
    for query in EDITED + CHINESE + ENGLISH:
        expected = [path for _, path in answer(files, query)][:30]
        shown = results(page, edited_site, query)
        if shown != expected:
            differ[query] = (shown, expected)
    assert differ == {}
    assert results(page, edited_site, "新到货 restocked"), "the edited product is found by its new words"
    assert len(results(page, edited_site, "alpaca")) == 2 and len(results(page, edited_site, "walrus")) == 1, \
        "the product edited twice is found by its last words only"
    assert page_problems == []
