"""What a view reads of the model is noted as it reads it (generator/reads.py)."""

from __future__ import annotations

import datetime
import operator
import sys

from generator import reads
from generator.model import Category, Contact, Guide, Product, Shop, Store


def shop(slug="alpha", name="Alpha") -> Shop:
    return Shop(slug, name, ("tea",), Contact(qr="https://u.wechat.com/a"), "content/shops/alpha/shop.yaml")


def product(slug="cup", shop="alpha", price=88) -> Product:
    return Product(shop, slug, "Cup", "tea", f"content/shops/{shop}/products/{slug}.md", price=price)


def test_reading_a_field_notes_the_object_but_its_naming_fields_do_not():
    s, p = shop(), product()
    with reads.recording() as facts:
        assert s.slug == "alpha" and p.shop == "alpha" and p.slug == "cup"
    assert facts == set()
    with reads.recording() as facts:
        assert p.price == 88 and s.name == "Alpha"
    assert facts == {("product", "alpha", "cup"), ("shop", "alpha")}


def test_nothing_is_noted_outside_a_view_and_the_classes_read_plainly_again():
    p = product()
    with reads.recording():
        pass
    assert "__getattribute__" not in Product.__dict__
    assert p.price == 88


def test_a_kept_card_gives_what_it_read_to_every_view_that_takes_it():
    table: dict = {}
    c = Category("tea", "Tea")
    with reads.recording() as first:
        assert reads.kept(table, "tea", lambda: {"name": c.name}) == {"name": "Tea"}
    with reads.recording() as second:  # taken from the table: nothing is read again, yet it is noted
        assert reads.kept(table, "tea", lambda: {"name": "made again"}) == {"name": "Tea"}
    assert first == second == {("category", "tea")}


def test_a_lookup_notes_each_key_asked_for_found_or_not():
    pictures = reads.Lookup("picture", {("alpha", "a.jpg"): "A"})
    with reads.recording() as facts:
        assert pictures.get(("alpha", "a.jpg")) == "A"
        assert pictures.get(("alpha", "gone.jpg")) is None
        assert ("beta", "b.jpg") not in pictures
    assert facts == {("picture", ("alpha", "a.jpg")), ("picture", ("alpha", "gone.jpg")), ("picture", ("beta", "b.jpg"))}


def test_a_page_planned_with_other_items_has_another_signature():
    shared: dict = {}
    one = reads.signature("list.html", ("tea", 1, [product("a"), product("b")]), shared)
    assert one == reads.signature("list.html", ("tea", 1, [product("a"), product("b", price=99)]), shared), \
        "what an item holds is read, and noted, when the view is made: the plan names it only"
    assert one != reads.signature("list.html", ("tea", 1, [product("b"), product("a")]), shared)
    assert one != reads.signature("list.html", ("tea", 2, [product("a"), product("b")]), shared)
    many = [product(f"p{n}") for n in range(40)]
    assert reads.signature("list.html", (many,), shared) != reads.signature("list.html", (many[:-1],), shared)


def test_a_list_of_products_has_another_digest_when_its_order_or_its_members_change():
    """A category's list as a fact: its products by shop and slug, in order (the pages of a list read it)."""
    a, b, c = product("a"), product("b"), product("c", shop="beta")
    digest = reads._keys
    assert digest([a, b, c]) == digest([product("a", price=1), b, c]), "by the products' names only"
    assert digest([a, b, c]) != digest([b, a, c]), "the order"
    assert digest([a, b, c]) != digest([a, b]) != digest([]), "the members"
    assert digest([product("ab", shop="c")]) != digest([product("a", shop="bc")]), "where one name ends"


class _Views:  # the plan's view methods are bound methods of a new object each build
    def product(self):
        pass

    def shop(self):
        pass


def test_a_kept_signature_is_taken_only_for_arguments_that_name_the_page_alike():
    """Serve keeps each page's signature with its arguments; a later build takes it only where naming the
    arguments again would give the same signature, and names them again otherwise."""
    a, b, c = product("a"), product("b"), product("c")
    first = reads.Signatures(None, keep=True)
    pager = {"number": 1, "count": 2, "pages": [{"number": 1}, {"number": 2}]}
    items = [a, b]
    planned = {"tea/": ("list.html", (_Views().shop, Category("tea", "Tea"), 1, items, dict(pager))),
               "alpha/cup/": ("product.html", (_Views().product, shop(), product("cup")))}
    for file, (template, args) in planned.items():
        assert first.of(file, template, args, {}) == reads.signature(template, args, {})
    items.append(c)  # a list changed after it was planned: the kept copy is not

    def again(file, template, args):
        later = reads.Signatures(dict(first.now), keep=True)  # each as the first build left them
        got = later.of(file, template, args, {})
        assert got == reads.signature(template, args, {}), (file, args)
        return got, later.now[file] is first.now[file]

    views = _Views()  # a new build: new view methods, the categories made again
    assert again("tea/", "list.html", (views.shop, Category("tea", "Teas"), 1, [a, b], dict(pager))) == (
        first.now["tea/"][2], True)
    assert again("alpha/cup/", "product.html", (views.product, shop(name="Other"), product("cup", price=1)))[1]
    assert again("tea/", "list.html", (views.shop, Category("tea", "Tea"), 1, [a, product("b", price=5)],
                                       dict(pager)))[1], "a product made again, named alike"
    many = [product(f"p{n}") for n in range(40)]
    long = reads.Signatures(None, keep=True)
    for n in range(3):  # the pages of one tag: planned with its one list of shops
        long.of(f"tea/{n}/", "list.html", (views.shop, many, n), {})
    assert len({id(kept[1][1]) for kept in long.now.values()}) == 1, "the list is copied once"
    groups = long.of("tags/", "terms.html", (views.shop, [("tea", [shop()], many)]), {})
    later, remade = reads.Signatures(dict(long.now), keep=True), [product(f"p{n}") for n in range(40)]
    for n in range(3):
        assert later.of(f"tea/{n}/", "list.html", (views.shop, remade, n), {}) == long.now[f"tea/{n}/"][2]
        assert later.now[f"tea/{n}/"] is long.now[f"tea/{n}/"]
    assert len(later.lists) == 1, "compared once"
    assert later.of("tags/", "terms.html", (views.shop, [("tea", [shop()], remade)]), {}) == groups
    assert later.now["tags/"] is long.now["tags/"], "a tag's group made again, named alike"
    moved = later.of("tea/0/", "list.html", (views.shop, remade[1:] + remade[:1], 0), {})
    assert moved == reads.signature("list.html", (views.shop, remade[1:] + remade[:1], 0), {}) != \
        long.now["tea/0/"][2]
    for file, template, args in [
            ("tea/", "list.html", (views.shop, Category("tea", "Tea"), 1, [a, c], dict(pager))),
            ("tea/", "list.html", (views.shop, Category("tea", "Tea"), 1, [a, b, c], dict(pager))),
            ("tea/", "list.html", (views.shop, Category("tea", "Tea"), 1, [b, a], dict(pager))),
            ("tea/", "list.html", (views.shop, Category("tea", "Tea"), 1, [a, b], dict(pager, number=2))),
            ("tea/", "list.html", (views.shop, Category("green", "Tea"), 1, [a, b], dict(pager))),
            ("tea/", "list.html", (views.product, Category("tea", "Tea"), 1, [a, b], dict(pager))),
            ("tea/", "shop.html", (views.shop, Category("tea", "Tea"), 1, [a, b], dict(pager))),
            ("alpha/cup/", "product.html", (views.product, shop(), product("cup", shop="beta"))),
            ("alpha/cup/", "product.html", (views.product, shop("beta"), product("cup")))]:
        got, kept = again(file, template, args)
        assert not kept and got != first.now[file][2], args


def test_a_build_that_keeps_nothing_holds_no_signatures():
    once = reads.Signatures(None, keep=False)
    assert once.of("alpha/", "shop.html", (shop(),), {}) == reads.signature("shop.html", (shop(),), {})
    assert once.now is None


def test_serve_takes_a_fact_s_digest_again_only_while_it_names_the_very_same_values():
    from generator.catalogue import Catalogue
    from generator.model import Curation, Directory, Settings

    def facts_of(products, held, owner=None, codes=None):
        owner = owner or shop()
        directory = Directory(Settings("t", "https://example.com/"), (Category("tea", "Tea"),), (owner,),
                              tuple(products), Curation(), ())
        return reads.Facts(directory, Catalogue(directory), {}, codes or {}, {}, held)

    a, b = product("a"), product("b")
    held: dict = {}
    first = facts_of([a, b], held)
    listed = [("products_under", "tea"), ("directory", "products")]
    digests = {fact: first.digest(fact) for fact in listed}
    plain = facts_of([a, b], None)
    assert digests == {fact: plain.digest(fact) for fact in listed}
    kept = held["facts"]
    assert facts_of([a, b], held).digest(listed[0]) == digests[listed[0]]
    assert held["facts"][listed[0]] is kept[listed[0]], "the very same products: taken again"
    for products in ([a, product("b", price=1)], [a, product("c")], [b, a], [a]):
        build, clean = facts_of(products, held), facts_of(products, None)  # one build, one clean build
        got = {fact: build.digest(fact) for fact in listed}
        assert got == {fact: clean.digest(fact) for fact in listed}, products
        assert (got == digests) == (products[0] is a and len(products) == 2 and products[1].slug == "b")
        # kept with the objects of this build, whether its digest was taken or made
        for fact, value in zip(listed, (build.c.products_under("tea"), build.d.products)):
            assert len(held["facts"][fact][0]) == len(value) and all(map(operator.is_, held["facts"][fact][0], value))

    # one object a fact names (a shop, a QR code): taken again while it is the very same object
    from generator.qr import QRCode
    alpha, code = shop(), QRCode("https://u.wechat.com/a", "qr/a.png", 29, b"png")
    fact, coded = ("shop", "alpha"), ("qr", "https://u.wechat.com/a")
    held = {}
    one = facts_of([a], held, alpha, {code.text: code})
    before = one.digest(fact), one.digest(coded)
    kept = dict(held["facts"])
    again = facts_of([a], held, alpha, {code.text: code})
    assert (again.digest(fact), again.digest(coded)) == before
    assert held["facts"][fact] is kept[fact] and held["facts"][coded] is kept[coded]
    for owner, other in ((shop(name="Alpha"), QRCode(code.text, "qr/a.png", 29, b"png")),
                         (shop(name="Alpha Tea"), QRCode(code.text, "qr/a2.png", 33, b"png"))):
        build, clean = facts_of([a], held, owner, {code.text: other}), facts_of([a], None, owner, {code.text: other})
        got = build.digest(fact), build.digest(coded)
        assert got == (clean.digest(fact), clean.digest(coded))
        assert (got == before) == (owner.name == "Alpha")


def test_a_fact_s_digest_follows_its_values_not_the_objects_that_hold_them():
    body = "".join(["手工皂，用山茶油做的。"] * 50)  # a text made at run time: nothing shares it
    size = sys.getsizeof(body)
    one = Product("alpha", "cup", "Cup", "tea", "p.md", price=88, date=datetime.date(2026, 5, 1), body=body)
    digest = reads._digest(one)
    assert sys.getsizeof(body) == size  # no UTF-8 copy kept beside the text (pickle's way keeps one)
    same = Product("alpha", "cup", "Cup", "tea", "p.md", price=88, date=datetime.date(2026, 5, 1),
                   body="".join(["手工皂，用山茶油做的。"] * 50))
    assert reads._digest(same) == digest
    for changed in (dict(price=89), dict(price=88.0), dict(price="88"), dict(date=datetime.date(2026, 5, 2)),
                    dict(body=body + "。"), dict(tags=("tea",)), dict(available=False)):
        fields = {**dict(price=88, date=datetime.date(2026, 5, 1), body=body), **changed}
        assert reads._digest(Product("alpha", "cup", "Cup", "tea", "p.md", **fields)) != digest, changed
    guide = Guide("li", "Li", "https://u.wechat.com/li")
    store = Store("east", "East", guides=(guide,))
    kept = reads._digest(Shop("alpha", "Alpha", ("tea",), Contact(), "s.yaml", stores=(store,)))
    renamed = Store("east", "East", guides=(Guide("li", "Li Na", "https://u.wechat.com/li"),))
    assert reads._digest(Shop("alpha", "Alpha", ("tea",), Contact(), "s.yaml", stores=(renamed,))) != kept
    assert reads._digest(Shop("alpha", "Alpha", ("tea",), Contact(wechat_id="a"), "s.yaml", stores=(store,))) != kept
