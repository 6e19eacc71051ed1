"""Pages made again only when something they read changed (generator/reads.py): after every edit of a
random sequence, a build that kept the last build's record gives exactly the bytes of a build with no
cache at all.

The edits are those a directory sees: shops and products added, edited, renamed, delisted and removed,
categories renamed and added, curation changed, a text page, the theme's strings and templates, pictures
replaced. SHOPDIR_READS_STEPS sets the number of edits a seed (benchmarks/reads_property.py runs more).
"""

from __future__ import annotations

import datetime
import io
import os
import random
import shutil

import pytest
import yaml
from PIL import Image

from generator.build import build, finish, stages
from generator.theme import BUNDLED_THEMES
from tests.cli.test_cache import tree

STEPS = int(os.environ.get("SHOPDIR_READS_STEPS", "12"))
SEEDS = [1, 2, 4]  # 4: a subcategory renamed early, after a serve build kept a shop's pages whole


def picture(rng: random.Random) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), tuple(rng.randrange(256) for _ in range(3))).save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


class Site:
    """A directory as data, written out as a merchant and a curator would write its files."""

    def __init__(self, root, rng: random.Random):
        self.root, self.rng = root, rng
        self.categories = {"tea": {"name": "Tea", "children": {"oolong": "Oolong", "green": "Green"}},
                           "ceramics": {"name": "Ceramics", "children": {"cups": "Cups"}}}
        self.shops: dict[str, dict] = {}
        self.delisted: set[str] = set()
        self.featured: list[str] = []
        self.collection: list[str] = []
        self.about = "A directory of **good** shops."
        self.theme_marks = 0
        self.counter = 0
        self.files: dict[str, bytes] = {}  # what was written last
        self.pictures: dict[str, bytes] = {}  # path -> bytes, kept between writes
        for _ in range(4):
            self.add_shop()
        self.featured = sorted(self.shops)[:1]
        shutil.copytree(BUNDLED_THEMES / "default", root / "themes" / "default")

    # -- the site's state as files -----------------------------------------------------------

    def category_slugs(self) -> list[str]:
        return [slug for top, entry in self.categories.items() for slug in (top, *entry["children"])]

    def write(self) -> set[str]:
        """Write the files that differ from those written last; the paths changed."""
        files: dict[str, bytes] = {}

        def put(rel: str, data) -> None:
            files[rel] = data if isinstance(data, bytes) else data.encode("utf-8")

        put("site.yaml", "title: Reads\ndescription: Pages made again only when needed\nbase_url: https://example.org/\n"
                         "language: en\nper_page: 2\nqr_schemes: [https]\n")
        put("content/categories.yaml", yaml.safe_dump([
            {"slug": top, "name": entry["name"],
             "children": [{"slug": slug, "name": name} for slug, name in entry["children"].items()]}
            for top, entry in self.categories.items()], allow_unicode=True, sort_keys=False))
        items = [item for item in self.collection if item.split("/")[0] in self.listed()]
        put("content/curation.yaml", yaml.safe_dump({
            "featured": [slug for slug in self.featured if slug in self.listed()],
            "collections": [{"slug": "picks", "title": "Picks", "items": items}] if items else [],
            "delisted": sorted(self.delisted & set(self.shops))}, sort_keys=False))
        put("content/pages/about.md", f"---\ntitle: About\n---\n{self.about}\n")
        for slug, shop in self.shops.items():
            doc = {key: shop[key] for key in ("name", "tagline", "categories", "city", "tags") if shop.get(key)}
            doc["contact"] = {"qr": f"https://u.wechat.com/{slug}"}
            if shop.get("logo"):
                doc["logo"] = shop["logo"]
            if shop.get("store"):
                doc["stores"] = [{"slug": "main", "name": shop["store"],
                                  "guides": [{"slug": "lin", "name": "Lin", "qr": f"https://u.wechat.com/{slug}-lin"}]}]
            put(f"content/shops/{slug}/shop.yaml", yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
            for product_slug, product in shop["products"].items():
                front = {key: product[key] for key in ("name", "price", "category", "images", "tags", "available",
                                                       "date") if product.get(key) is not None}
                put(f"content/shops/{slug}/products/{product_slug}.md",
                    "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + product["body"] + "\n")
        for rel, data in self.pictures.items():
            if rel.split("/")[2] in self.shops:
                put(rel, data)
        i18n = BUNDLED_THEMES / "default" / "i18n" / "en.yaml"
        put("themes/default/i18n/en.yaml", i18n.read_text("utf-8").replace(
            "Sold out", f"Sold out{' (' + str(self.theme_marks) + ')' if self.theme_marks % 2 else ''}"))
        template = (BUNDLED_THEMES / "default" / "templates" / "product.html").read_text("utf-8")
        head, end, tail = template.rpartition("{% endblock %}")  # inside the page's block: a mark it shows
        put("themes/default/templates/product.html", f"{head}<p>mark {self.theme_marks // 2}</p>\n{end}{tail}"
            if self.theme_marks // 2 else template)
        for rel in set(self.files) - set(files):
            (self.root / rel).unlink()
            folder = (self.root / rel).parent
            while folder != self.root and not any(folder.iterdir()):  # a removed shop leaves no folder
                folder.rmdir()
                folder = folder.parent
        changed = set(self.files) - set(files)
        for rel, data in files.items():
            if self.files.get(rel) != data:
                (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
                (self.root / rel).write_bytes(data)
                changed.add(rel)
        self.files = files
        return changed

    def listed(self) -> set[str]:
        return set(self.shops) - self.delisted

    # -- edits -------------------------------------------------------------------------------

    def new_slug(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}-{self.counter}"

    def new_product(self, shop: str) -> dict:
        rng = self.rng
        product = {"name": rng.choice(["Cup", "Bowl", "Leaves", "Pot"]) + f" {rng.randrange(100)}",
                   "price": rng.choice([30, 88, 268, None, "询价"]), "category": rng.choice(self.category_slugs()),
                   "tags": rng.sample(["oolong", "handmade", "gift", "Gift"], rng.randrange(3)),
                   "available": rng.choice([True, True, False]),
                   "date": rng.choice([None, datetime.date(2026, rng.randrange(1, 10), rng.randrange(10, 20))]),
                   "body": rng.choice(["Roasted.", "A *small* cup.", "Ask us.", "From the hills."])}
        pictures = [rel for rel in self.pictures if rel.split("/")[2] == shop]
        if pictures and rng.random() < 0.5:
            product["images"] = ["images/" + rng.choice(pictures).rsplit("/", 1)[1]]
        return product

    def add_shop(self) -> str:
        rng = self.rng
        slug = self.new_slug(rng.choice(["alpha-tea", "beta-kiln", "gamma-goods"]))
        shop = {"name": slug.replace("-", " ").title(), "categories": rng.sample(self.category_slugs(), 2),
                "city": rng.choice(["Fuzhou", "Jingdezhen", None]), "tags": rng.sample(["oolong", "handmade", "gift"], 2),
                "tagline": rng.choice([None, "Three generations"]), "store": rng.choice([None, "Gulou Store"]),
                "products": {}}
        if rng.random() < 0.5:
            self.pictures[f"content/shops/{slug}/images/photo.jpg"] = picture(rng)
            shop["logo"] = "images/photo.jpg"
        self.shops[slug] = shop
        for _ in range(rng.randrange(1, 4)):
            shop["products"][self.new_slug("item")] = self.new_product(slug)
        return slug

    def some_shop(self) -> str:
        return self.rng.choice(sorted(self.shops))

    def some_product(self) -> tuple[str, str]:
        shop = self.some_shop()
        return shop, self.rng.choice(sorted(self.shops[shop]["products"]))

    def edit(self) -> str:
        rng = self.rng
        kind = rng.choice(["edit product", "edit product", "add product", "remove product", "rename product",
                           "edit shop", "add shop", "remove shop", "rename shop", "delist", "rename category",
                           "add category", "feature", "collect", "about", "theme", "picture"])
        if kind == "edit product":
            shop, slug = self.some_product()
            fresh = self.new_product(shop)
            field = rng.choice(["name", "price", "category", "tags", "available", "date", "body"])
            self.shops[shop]["products"][slug][field] = fresh[field]
        elif kind == "add product":
            shop = self.some_shop()
            self.shops[shop]["products"][self.new_slug("item")] = self.new_product(shop)
        elif kind == "remove product":
            shop, slug = self.some_product()
            if len(self.shops[shop]["products"]) > 1:
                del self.shops[shop]["products"][slug]
        elif kind == "rename product":
            shop, slug = self.some_product()
            products = self.shops[shop]["products"]
            products[self.new_slug("item")] = products.pop(slug)
        elif kind == "edit shop":
            shop = self.shops[self.some_shop()]
            field = rng.choice(["name", "tagline", "city", "tags", "store", "categories"])
            shop[field] = {"name": f"Shop {rng.randrange(100)}", "tagline": rng.choice([None, "New tagline"]),
                           "city": rng.choice(["Fuzhou", "Xiamen", None]), "tags": rng.sample(["oolong", "gift", "new"], 2),
                           "store": rng.choice([None, "Gulou Store", "Harbour Store"]),
                           "categories": rng.sample(self.category_slugs(), rng.randrange(1, 3))}[field]
        elif kind == "add shop":
            self.add_shop()
        elif kind == "remove shop" and len(self.shops) > 2:
            del self.shops[self.some_shop()]
        elif kind == "rename shop":
            old = self.some_shop()
            new = self.new_slug("renamed")
            self.shops[new] = self.shops.pop(old)
            for rel in [rel for rel in self.pictures if rel.split("/")[2] == old]:
                self.pictures[rel.replace(f"/{old}/", f"/{new}/")] = self.pictures.pop(rel)
            self.featured = [new if slug == old else slug for slug in self.featured]
        elif kind == "delist":
            shop = self.some_shop()
            self.delisted ^= {shop}
            if len(self.listed()) < 2:
                self.delisted.discard(shop)
        elif kind == "rename category":  # a top one changes every page's navigation; a subcategory only some pages
            top = rng.choice(sorted(self.categories))
            names = ["Tea", "Teas", "Ceramics", "Pottery", "Goods"]
            children = self.categories[top]["children"]
            if rng.random() < 0.5:
                self.categories[top]["name"] = rng.choice(names)
            else:
                children[rng.choice(sorted(children))] = rng.choice(names)
        elif kind == "add category":
            top = rng.choice(sorted(self.categories))
            self.categories[top]["children"][self.new_slug("sub")] = f"Sub {self.counter}"
        elif kind == "feature":
            self.featured = rng.sample(sorted(self.shops), min(2, len(self.shops)))
        elif kind == "collect":
            shop, slug = self.some_product()
            self.collection = rng.sample(sorted({*self.collection, f"{shop}/{slug}", shop}), 2)
        elif kind == "about":
            self.about = rng.choice(["A directory of **good** shops.", "Shops we like.", "Ask them on WeChat."])
        elif kind == "theme":
            self.theme_marks += 1
        elif kind == "picture":
            if self.pictures:
                self.pictures[rng.choice(sorted(self.pictures))] = picture(rng)
        self.collection = [item for item in self.collection if item.split("/")[0] in self.shops and
                           ("/" not in item or item.split("/")[1] in self.shops[item.split("/")[0]]["products"])]
        self.featured = [slug for slug in self.featured if slug in self.shops]
        return kind


def edited(seed: int, steps: int, resident: bool, folder):
    """Random edits of a directory in `folder`, each followed by a build that keeps what the last one
    recorded and by a clean build: (the edit, the kept build's Result, whether both gave the same bytes)
    for each. With `resident`, builds as `shopdir serve` does (one process that keeps the shop folders it
    read and the shops it judged, told which files changed)."""
    root = folder / "site"
    site = Site(root, random.Random(seed))
    site.write()
    out, cache = folder / "out", folder / "cache"
    held = {} if resident else None
    first = finish(stages(root, out, cache_dir=cache, resident=held))
    assert first.ok, first.problems
    for step in range(steps):
        kind = site.edit()
        changed = site.write()
        if held is not None:
            held["changed"] = changed
        result = finish(stages(root, out, cache_dir=cache, resident=held))
        if held is not None:  # serve works out which facts pages read from the last build's record
            record = held["reads"]["record"]
            read = record.facts()
            assert record.digests.keys() == read == record.counts.keys() and min(record.counts.values()) > 0
            assert sum(record.counts.values()) == sum(len(facts) for _, facts in record.pages.values())
            assert held["reads"]["signatures"].keys() <= record.pages.keys(), "no signature of a page gone is kept"
        clean = folder / "clean"
        expected = build(root, clean, cache_dir=None)
        same = result.ok and expected.ok and tree(out) == tree(clean)
        shutil.rmtree(clean, ignore_errors=True)
        yield kind, result, same


@pytest.mark.parametrize("resident", [False, True], ids=["build", "serve"])
@pytest.mark.parametrize("seed", SEEDS)
def test_after_random_edits_pages_made_from_the_record_are_those_of_a_clean_build(seed, resident, tmp_path,
                                                                                  monkeypatch):
    """As `shopdir build` runs (a process a build), and as `shopdir serve` does. serve works out the record's
    facts, their digests and their index from the last build's: each time, they must be those worked out
    from every page."""
    from generator import reads

    counted = reads.Pages._counted

    def checked(pages):
        counts, digests, index = counted(pages)
        assert digests == pages.digests.table(pages.new.facts()), "the digests of every fact pages read"
        whole = reads.Index(pages.new.facts())
        assert vars(index) == vars(whole), "the facts by their shops, their kinds and their keys"
        return counts, digests, index

    monkeypatch.setattr(reads.Pages, "_counted", checked)
    kept = 0
    for step, (kind, result, same) in enumerate(edited(seed, STEPS, resident, tmp_path)):
        assert result.ok, (step, kind, result.problems)
        assert same, f"step {step}: {kind}"
        assert result.stats["made"] <= result.pages
        kept += result.stats["made"] < result.pages
    assert kept >= STEPS // 2, "most edits make only some pages again"


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_a_serve_build_that_fails_while_rendering_leaves_nothing_the_next_one_takes(seed, tmp_path, monkeypatch):
    """A build takes the last build's record of the pages over and changes it as it makes pages. When it
    fails after making some (a template fails on one page of each batch), the next build must find the
    record as it was: after another edit, its output is that of a clean build."""
    from generator import render
    from generator.problems import Problem

    real = render.render_pages
    failing = [False]

    def render_pages(specs, theme, common, root, known=None):
        done = list(real(specs, theme, common, root, known))
        if failing[0] and done:
            file, _, hashed, facts = done[-1]
            done[-1] = (file, Problem("themes/default/templates/base.html", 1, 1, "a planted failure"), hashed, facts)
        return iter(done)

    monkeypatch.setattr(render, "render_pages", render_pages)
    root, out, cache, held = tmp_path / "site", tmp_path / "out", tmp_path / "cache", {}
    site = Site(root, random.Random(seed))
    site.write()
    assert finish(stages(root, out, cache_dir=cache, resident=held)).ok
    failed = 0
    for step in range(6):
        for fail in (True, False):
            kind = site.edit()
            held["changed"] = site.write()
            failing[0] = fail
            result = finish(stages(root, out, cache_dir=cache, resident=held))
            failed += not result.ok
        assert result.ok, (step, kind, result.problems)
        expected = build(root, tmp_path / "clean", cache_dir=None)
        assert expected.ok and tree(out) == tree(tmp_path / "clean"), f"step {step}: {kind}"
        shutil.rmtree(tmp_path / "clean")
    assert failed >= 3, "most failing builds made pages before they failed"
