"""generator/plan.py: every page's path and view, computed from a small directory built by hand."""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from generator.markup import Markdown
from generator.model import Category, Contact, Curation, Directory, Page, Product, Settings, Shop
from generator.plan import Assets, plan_site

# The default theme's English strings, as a build would use them.
STRINGS = {str(k): str(v) for k, v in yaml.safe_load(
    (Path(__file__).parents[2] / "themes/default/i18n/en.yaml").read_text("utf-8")).items()}
SETTINGS = Settings(title="好店集", base_url="https://example.org/d/", per_page=2)
CATEGORIES = (Category("tea", "茶", children=("oolong", "green")), Category("oolong", "乌龙茶", parent="tea"),
              Category("green", "绿茶", parent="tea"))
SHOP = Shop(slug="shanye-tea", name="山野茶舍", categories=("oolong",), source="content/shops/shanye-tea/shop.yaml",
            contact=Contact(qr="https://u.wechat.com/EXAMPLE"), city="福州", tags=("岩茶",))


def product(slug: str, price=None, day: int | None = None, **fields) -> Product:
    return Product(shop="shanye-tea", slug=slug, name=slug.upper(), category="oolong",
                   source=f"content/shops/shanye-tea/products/{slug}.md", price=price,
                   date=datetime.date(2026, 3, day) if day else None, **fields)


PRODUCTS = (product("p1", 268, 1), product("p2", 12.5, 2), product("p3", "询价", 3), product("p4", None, 4),
            product("p5", 1234567, 5))


def plan(products=PRODUCTS, settings=SETTINGS, pages=()):
    directory = Directory(settings=settings, categories=CATEGORIES, shops=(SHOP,), products=tuple(products),
                          curation=Curation(), pages=tuple(pages))
    assets = Assets(pictures={}, qr_codes={}, shop_qr_text={}, strings=STRINGS,
                    build_date=datetime.date(2026, 4, 1), markdown=Markdown())
    specs, problems = plan_site(directory, assets)
    return {spec.path: spec for spec in specs}, problems


# -- prices ---------------------------------------------------------------

@pytest.mark.parametrize("price, currency, shown", [
    (268, "CNY", "¥268"),
    (1234567, "CNY", "¥1,234,567"),
    (0, "CNY", "¥0"),
    (12.5, "CNY", "¥12.50"),
    (12.0, "CNY", "¥12"),
    (0.3, "CNY", "¥0.30"),
    (5, "USD", "$5"),
    (5, "XYZ", "5 XYZ"),
    ("询价", "CNY", "询价"),
    (None, "CNY", "Price on request"),
])
def test_price_as_shown_on_the_product_page(price, currency, shown):
    specs, problems = plan([product("p1", price, 1, currency=currency)])
    assert problems == []
    assert specs["shops/shanye-tea/products/p1/"].view["product"]["price"] == shown
    assert specs["shops/shanye-tea/"].view["products"][0]["price"] == shown


# -- pagination -----------------------------------------------------------

def test_a_category_is_split_into_pages_of_per_page_products_newest_first():
    specs, _ = plan()
    pages = [specs.get(p) for p in ("categories/oolong/", "categories/oolong/page/2/", "categories/oolong/page/3/")]
    assert all(pages)
    assert "categories/oolong/page/4/" not in specs
    assert [[card["name"] for card in page.view["products"]] for page in pages] == [["P5", "P4"], ["P3", "P2"],
                                                                                    ["P1"]]
    pager = pages[1].view["pager"]
    assert (pager["number"], pager["count"]) == (2, 3)
    assert pager["prev"] == "/d/categories/oolong/"
    assert pager["next"] == "/d/categories/oolong/page/3/"
    assert [p["url"] for p in pager["pages"]] == ["/d/categories/oolong/", "/d/categories/oolong/page/2/",
                                                  "/d/categories/oolong/page/3/"]
    assert pages[0].view["pager"]["prev"] is None and pages[2].view["pager"]["next"] is None


def test_a_parent_category_lists_the_products_of_its_subcategories():
    specs, _ = plan()
    assert "categories/tea/page/3/" in specs
    assert specs["categories/tea/"].view["shops"][0]["name"] == "山野茶舍"


def test_an_empty_category_still_has_one_page_and_no_pager():
    specs, _ = plan()
    assert specs["categories/green/"].view["products"] == []
    assert specs["categories/green/"].view["pager"] is None
    assert "categories/green/page/2/" not in specs


@pytest.mark.parametrize("per_page, pages", [(1, 5), (2, 3), (4, 2), (5, 1), (24, 1)])
def test_page_count_follows_per_page(per_page, pages):
    specs, _ = plan(settings=replace(SETTINGS, per_page=per_page))
    found = [p for p in specs if p.startswith("categories/oolong/")]
    assert len(found) == pages
    first = specs["categories/oolong/"].view["pager"]
    assert (first["count"] if first else 1) == pages


def test_a_tag_page_is_paginated_too():
    tagged = [product(f"t{i}", 1, i, tags=("Spring",)) for i in range(1, 4)] + [product("t9", 1, 9, tags=("spring",))]
    specs, _ = plan(products=tagged)
    assert "tags/spring/" in specs and "tags/spring/page/2/" in specs  # "Spring" and "spring": one tag
    assert "tags/spring/page/3/" not in specs


def test_every_product_and_shop_page_is_planned_once():
    specs, problems = plan()
    assert problems == []
    for slug in ("p1", "p2", "p3", "p4", "p5"):
        assert f"shops/shanye-tea/products/{slug}/" in specs
    for path in ("", "shops/", "shops/shanye-tea/", "categories/", "tags/", "tags/岩茶/", "cities/", "cities/福州/",
                 "collections/", "new/", "404.html", "sitemap.xml", "feed.xml", "robots.txt"):
        assert path in specs, path


def test_canonical_urls_use_the_base_url():
    specs, _ = plan()
    assert specs["shops/shanye-tea/"].view["canonical"] == "https://example.org/d/shops/shanye-tea/"
    assert "https://example.org/d/cities/%E7%A6%8F%E5%B7%9E/" in specs["sitemap.xml"].view["urls"]


# -- collisions -----------------------------------------------------------

@pytest.mark.parametrize("slug", ["new", "shops", "Categories"])
def test_a_free_page_on_a_path_the_site_uses_is_a_problem(slug):
    _, problems = plan(pages=[Page(slug=slug, title="x", body="x", source=f"content/pages/{slug}.md")])
    assert len(problems) == 1
    assert "two pages would be written to" in problems[0].message


def test_a_free_page_on_its_own_path_is_fine():
    specs, problems = plan(pages=[Page(slug="about", title="关于", body="# 我们", source="content/pages/about.md")])
    assert problems == []
    assert specs["about/"].view["body"] == "<h2>我们</h2>"


def test_a_long_list_links_its_first_and_last_pages_and_the_pages_around_the_current_one():
    from generator import routes
    from generator.plan import paginate

    pagers = {number: pager for number, _, pager in paginate(list(range(40)), 1, lambda n: f"c/{n}/",
                                                              lambda path: routes.url("/", path))}
    numbers = lambda p: [n["number"] if not n.get("gap") else "…" for n in p["pages"]]  # noqa: E731
    assert numbers(pagers[1]) == [1, 2, 3, "…", 40]
    assert numbers(pagers[20]) == [1, "…", 18, 19, 20, 21, 22, "…", 40]
    assert numbers(pagers[39]) == [1, "…", 37, 38, 39, 40]
    assert [n["url"] for n in pagers[20]["pages"] if n.get("current")] == ["/c/20/"]
    small = {number: pager for number, _, pager in paginate(list(range(5)), 1, lambda n: f"c/{n}/",
                                                             lambda path: routes.url("/", path))}
    assert numbers(small[3]) == [1, 2, 3, 4, 5]


def test_the_model_objects_a_run_is_kept_by_show_alike_whenever_they_are_equal():
    """serve keeps a run's pages when its shop or category equals the last build's, not only when it is the
    very same object (plan._alike_inputs): the kept specs then make their views with the last build's object.
    That holds while every field of these classes is text, a whole number (validation refuses true and
    false), None, or a tuple or object of such fields: equal values are shown alike. A float (1 == 1.0) or
    a field left out of comparisons would need those runs compared by identity."""
    import dataclasses
    import re

    from generator import model

    allowed = {"str", "int", "None", "tuple", "...", "Store", "Guide", "Contact"}
    for cls in (model.Category, model.Shop, model.Store, model.Guide, model.Contact):
        for item in dataclasses.fields(cls):
            assert set(re.findall(r"[A-Za-z_.]+", str(item.type))) <= allowed, (cls.__name__, item.name, item.type)
            assert item.compare, (cls.__name__, item.name)
