"""Pure parts of shopdir review: which kind of page a file is, and merchant text shown literally."""

from __future__ import annotations

import pytest

from generator import routes
from generator.changes import page_changes
from generator.routes import kind_of as page_kind
from generator.review import code


@pytest.mark.parametrize("path, kind", [
    (routes.home() + "index.html", "home"),
    (routes.shop("alpha") + "index.html", "shop"),
    (routes.product("alpha", "dhp") + "index.html", "product"),
    (routes.store("alpha", "gulou") + "index.html", "store"),
    (routes.guide("alpha", "gulou", "lin") + "index.html", "guide"),
    (routes.category("tea") + "index.html", "category"),
    (routes.category("tea", 3) + "index.html", "category"),
    (routes.shops(2) + "index.html", "other"),
    (routes.shop("page") + "index.html", "shop"),
    (routes.collection("spring") + "index.html", "collection"),
    (routes.tag("岩茶") + "index.html", "tag"),
    (routes.city("福州") + "index.html", "city"),
    (routes.new_arrivals() + "index.html", "new"),
    (routes.page("about") + "index.html", "page"),
    ("feed.xml", "feed"),
    ("assets/style.css", None),
])
def test_each_output_file_has_the_kind_of_its_route(path, kind):
    assert page_kind(path) == kind


def test_pages_are_added_changed_or_removed_and_other_files_only_counted():
    changes = page_changes({"index.html": "a", "shops/x/index.html": "b", "q/1.png": "c"},
                           {"index.html": "A", "shops/y/index.html": "b", "q/1.png": "c", "q/2.png": "d"})
    assert changes.changed == {"home": [""]}
    assert changes.added == {"shop": ["shops/y/"]} and changes.removed == {"shop": ["shops/x/"]}
    assert changes.files == {"added": 1, "changed": 0, "removed": 0}


@pytest.mark.parametrize("value, shown", [
    ("plain", "`plain`"),
    ("a `tick`", "`` a `tick` ``"),
    ("`edge`", "`` `edge` ``"),
    ("two\nlines", "`two lines`"),
    ("x" * 300, "`" + "x" * 199 + "…`"),
])
def test_merchant_text_is_one_code_span_whatever_it_holds(value, shown):
    assert code(value) == shown
