"""The catalogue's lookups and orders, over the small base site (tea > oolong, ceramics)."""

from __future__ import annotations

import dataclasses

from generator.catalogue import Catalogue
from generator.validate import load_directory
from tests.conftest import BASE_SITE, ROOT


def catalogue() -> Catalogue:
    return Catalogue(load_directory(BASE_SITE))


def test_a_category_reaches_its_subcategories_and_its_names_up_to_the_top():
    c = catalogue()
    assert c.descendants("tea") == ["tea", "oolong"]
    assert c.lineage("oolong") == ("Oolong", "Tea") and c.lineage("tea") == ("Tea",)


def test_a_category_lists_the_products_of_its_subcategories_newest_first():
    c = catalogue()
    under_tea = [p.name for p in c.products_under("tea")]
    assert under_tea == [p.name for p in c.products_under("oolong")] and under_tea[:1] == ["Da Hong Pao 250g"]
    dates = [p.date for p in c.products_under("tea") if p.date]
    assert dates == sorted(dates, reverse=True)
    assert [p.name for p in c.products_under("ceramics")] == ["Tea cup"]
    assert [p.name for p in c.newest][:1] == ["Da Hong Pao 250g"]


def test_a_shop_in_a_subcategory_is_in_its_parent_too():
    c = catalogue()
    assert [s.name for s in c.shops_in["oolong"]] == ["Alpha Tea"]
    assert sorted(s.name for s in c.shops_in["tea"]) == ["Alpha Tea", "Beta Kiln"]
    assert [s.name for s in c.shops_in["ceramics"]] == ["Beta Kiln"]


def test_a_text_written_two_ways_on_one_item_groups_it_once():
    c = catalogue()
    groups = c.group_by_text(lambda shop: ["Tea", "tea"] if shop.slug == "alpha-tea" else ["TEA"],
                             lambda product: [], lambda text: text.lower() + "/")
    assert len(groups) == 1
    name, shops, products = groups[0]
    assert sorted(s.slug for s in shops) == ["alpha-tea", "beta-kiln"] and products == []


def test_each_shop_s_products_as_validation_keeps_them_are_the_catalogue_s_own_grouping():
    """The example (a delisted shop, a draft): the grouping validation hands over is what grouping the
    published products gives, so a shop page never lists a draft or misses a product."""
    directory = load_directory(ROOT)
    given = {slug: list(products) for slug, products in directory.products_of.items()}
    grouped = Catalogue(dataclasses.replace(directory, products_of=None)).products_of
    assert given == {slug: list(products) for slug, products in grouped.items()}
    assert sorted(given) == sorted(shop.slug for shop in directory.shops)
    assert "qiuyue-incense" not in given
    assert "shifeng-longjing-2026" not in [p.slug for p in given["meijiawu-tea"]]
    assert sum(map(len, given.values())) == len(directory.products)


def test_products_sorted_by_their_places_come_in_the_order_of_their_dates_shops_and_slugs():
    """Catalogue.newest_first sorts the directory's own products by their places in the whole directory:
    on random products (dates missing, equal and apart), any subset comes as sorting by the key would."""
    import datetime
    import random

    from generator.catalogue import newest_first
    from generator.model import Product

    base = load_directory(BASE_SITE)
    for seed in range(20):
        rng = random.Random(seed)
        products = tuple(Product(shop=f"s{rng.randrange(5)}", slug=f"p{n}", name=f"P{n}",
                                 category=rng.choice(["tea", "oolong", "ceramics", "gone"]), source="x",
                                 date=rng.choice([None, datetime.date(2026, rng.randrange(1, 4), 1)]))
                         for n in range(rng.randrange(1, 60)))
        c = Catalogue(dataclasses.replace(base, products=products, products_of=None))
        subset = rng.sample(products, rng.randrange(len(products) + 1))
        assert c.newest_first(subset) == sorted(subset, key=newest_first)
        copies = [dataclasses.replace(p) for p in subset]  # not the directory's own objects
        assert c.newest_first(copies) == sorted(copies, key=newest_first)
        assert c.newest == sorted((p for p in products if p.date), key=newest_first)
        for slug in c.categories:  # each category's products and its subcategories', dealt out in one pass
            below = c.descendants(slug)
            assert c.products_under(slug) == sorted((p for p in products if p.category in below), key=newest_first)
        for shop in {p.shop for p in products}:  # each shop's list, dealt out in one pass: as sorting it would
            assert c.newest_of[shop] == sorted((p for p in products if p.shop == shop), key=newest_first)


def test_grouping_by_text_on_random_tags_is_the_plain_grouping():
    """group_by_text against the plain way (every item's texts through a dict of routes, each group's
    products sorted): random tags written several ways, on shops and products, none, one or several."""
    import datetime
    import random

    from generator.catalogue import newest_first
    from generator.model import Product

    def plain(c, shop_values, product_values, route):
        groups: dict = {}
        for index, items, values_of in ((1, c.d.shops, shop_values), (2, c.d.products, product_values)):
            for item in items:
                seen: dict = {}
                for value in values_of(item):
                    seen.setdefault(route(value), value)
                for path, value in seen.items():
                    groups.setdefault(path, (value, [], []))[index].append(item)
        return [(name, shops, sorted(products, key=newest_first)) for _, (name, shops, products) in sorted(groups.items())]

    base = load_directory(BASE_SITE)
    words = ["Tea", "tea", "TEA", "Gift", "gift", "New", "茶", "Ｔｅａ"]
    for seed in range(20):
        rng = random.Random(seed)
        shops = tuple(dataclasses.replace(shop, tags=tuple(rng.sample(words, rng.randrange(4)))) for shop in base.shops)
        products = tuple(Product(shop=rng.choice(shops).slug, slug=f"p{n}", name=f"P{n}", category="tea", source="x",
                                 tags=tuple(rng.sample(words, rng.randrange(4))),
                                 date=rng.choice([None, datetime.date(2026, rng.randrange(1, 4), 1)]))
                         for n in range(rng.randrange(1, 60)))
        c = Catalogue(dataclasses.replace(base, shops=shops, products=products, products_of=None))
        route = lambda text: text.casefold() + "/"  # noqa: E731
        assert c.group_by_text(lambda s: s.tags, lambda p: p.tags, route) == \
            plain(c, lambda s: s.tags, lambda p: p.tags, route)
        assert c.group_by_text(lambda s: s.tags, None, route) == plain(c, lambda s: s.tags, lambda p: (), route)
