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


def test_a_catalogue_made_from_the_last_one_is_the_one_made_anew_after_random_edits():
    """serve makes each build's catalogue from the last one (`since`): after random edits (shops and
    products added, changed, removed; tags, cities, categories and dates changed), every list and grouping
    is the one a catalogue made anew gives, in the same order, and a list no changed shop is in is the
    very same list. Unchanged shops keep their objects, as serve's validation keeps them."""
    import datetime
    import random

    from generator.model import Product

    base = load_directory(BASE_SITE)
    slugs = [c.slug for c in base.categories]
    words = ["Tea", "tea", "TEA", "Gift", "gift", "New", "茶", "Ｔｅａ"]  # shops have none of the first three:
    cities = [None, "Hangzhou", "hangzhou", "Xiamen"]  # groups of products alone are named by their first product

    def shop(rng, slug):
        return dataclasses.replace(base.shops[0], slug=slug, categories=tuple(rng.sample(slugs, rng.randrange(1, 3))),
                                   tags=tuple(rng.sample(words[3:], rng.randrange(3))), city=rng.choice(cities))

    def product(rng, shop_slug, n):
        return Product(shop=shop_slug, slug=f"p{n}", name=f"P{n}", category=rng.choice(slugs), source="x",
                       tags=tuple(rng.sample(words, rng.randrange(4))),
                       date=rng.choice([None, datetime.date(2026, rng.randrange(1, 4), rng.randrange(1, 3))]))

    def directory(shops: dict, products: dict):
        order = sorted(shops)
        products_of = {slug: tuple(products[slug]) for slug in order}
        return dataclasses.replace(base, shops=tuple(shops[slug] for slug in order),
                                   products=tuple(p for slug in order for p in products_of[slug]), products_of=products_of)

    def lists(c):
        return (c.products, c._in_order, c.newest, c.newest_of, {slug: c.products_under(slug) for slug in c.categories},
                {slug: list(c.shops_in.get(slug, ())) for slug in c.categories},
                c.group_by_text(lambda s: s.tags, lambda p: p.tags, lambda text: text.casefold() + "/", "tags"),
                c.group_by_text(lambda s: (s.city,) if s.city else (), None, lambda text: text.casefold() + "/",
                                "cities"))

    reused = 0
    for seed in range(30):
        rng = random.Random(seed)
        shops = {f"s{n:02d}": shop(rng, f"s{n:02d}") for n in range(rng.randrange(45, 70))}
        products = {slug: [product(rng, slug, n) for n in range(rng.randrange(0, 5))] for slug in shops}
        last = Catalogue(directory(shops, products))
        lists(last)
        for step in range(8):
            for _ in range(rng.randrange(1, 3)):
                slug, what = rng.choice(sorted(shops)), rng.randrange(6)
                if what == 0:
                    shops[slug] = shop(rng, slug)
                elif what == 1 and products[slug]:
                    products[slug][rng.randrange(len(products[slug]))] = product(rng, slug, rng.randrange(8))
                elif what == 2:
                    products[slug].append(product(rng, slug, 10 + step))
                elif what == 3 and products[slug]:
                    products[slug].pop(rng.randrange(len(products[slug])))
                elif what == 4:
                    del shops[slug], products[slug]
                else:
                    new = f"s{rng.randrange(100):02d}x"
                    shops[new], products[new] = shop(rng, new), [product(rng, new, 0)]
            for slug in products:  # no two products of a shop with one slug
                seen = {}
                products[slug] = [seen.setdefault(p.slug, p) for p in products[slug] if p.slug not in seen]
            now = directory(shops, products)
            made = Catalogue(now, last)
            assert made._since is last, "the catalogue was made anew: nothing of the incremental way was tried"
            assert lists(made) == lists(Catalogue(now)), (seed, step)
            old_under, new_under = last._under_all, made._under_all
            reused += sum(old_under[slug] is new_under[slug] for slug in new_under)
            last = made
    assert reused > 0  # some category's list was taken as it was
