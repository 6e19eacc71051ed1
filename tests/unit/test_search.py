"""How the shops' search records are split into index shards."""

from __future__ import annotations

from generator import pagefind, search
from generator.pagefind import split


def folders(shops: int) -> list[str]:
    """A directory of this many shops with no products."""
    return [folder for folder, _ in split([f"shop-{n}" for n in range(shops)], shops)]


def test_one_index_until_a_shard_would_be_full(monkeypatch):
    monkeypatch.setattr(pagefind, "SHARD_RECORDS", 100)
    assert folders(0) == []
    assert folders(1) == folders(100) == ["pagefind/"]
    assert folders(101) == ["pagefind/", "pagefind/1/"]
    assert folders(1000) == ["pagefind/"] + [f"pagefind/{n}/" for n in range(1, 10)]


def test_empty_shards_are_left_out(monkeypatch):
    monkeypatch.setattr(pagefind, "SHARD_RECORDS", 1)
    assert split(["a"], 3) == [("pagefind/", ["a"])]  # one shop and its two products


def test_a_shop_and_its_products_stay_in_their_shard_when_shops_are_added(monkeypatch):
    monkeypatch.setattr(pagefind, "SHARD_RECORDS", 11)
    shops = [f"shop-{s}" for s in range(30)]
    found = split(shops, 30 * 4)  # each shop with 3 products
    assert len(found) == 11 and sorted(s for _, group in found for s in group) == sorted(shops)
    where = {shop: folder for folder, group in found for shop in group}
    again = split(shops + ["new-shop"], 30 * 4 + 1)  # the shard count is unchanged: nobody moves
    assert {shop for folder, group in again for shop in group if where.get(shop, folder) != folder} == set()
    assert max(len(group) for _, group in found) * 4 < 3 * 11, "shops spread over the shards"


def test_the_own_index_holds_categories_shops_stores_guides_and_products_with_their_fields():
    import gzip
    import json
    from pathlib import Path

    import yaml

    from generator import model, searchindex

    strings = yaml.safe_load((Path(__file__).resolve().parents[2] / "themes/default/i18n/zh-CN.yaml")
                             .read_text("utf-8"))
    tea = model.Category("tea", "茶叶", "好茶", children=("oolong",))
    oolong = model.Category("oolong", "乌龙茶", parent="tea")
    guide = model.Guide("li", "李导购", "https://example.com/li", title="岩茶顾问")
    store = model.Store("main", "武夷山总店", address="武夷山市<b>大道</b>1号", city="南平", guides=(guide,))
    shop = model.Shop("yan", "岩韵茶庄", ("oolong",), model.Contact(), "content/shops/yan/shop.yaml",
                      tagline="正岩大红袍", city="武夷山", tags=("岩茶",), stores=(store,))
    product = model.Product("yan", "dhp", "大红袍 </script>", "oolong", "x.md", tags=("茶",), body="肉桂 *香*")
    directory = model.Directory(model.Settings("t", "https://example.com/dir/"), (tea, oolong), (shop,),
                                (product,), model.Curation(), ())
    found = search.entries(directory, strings, {})
    assert [(e.path, e.kind) for e in found] == [
        ("/dir/categories/tea/", "分类"), ("/dir/categories/oolong/", "分类"), ("/dir/shops/yan/", "店铺"),
        ("/dir/shops/yan/stores/main/", "门店"), ("/dir/shops/yan/stores/main/guides/li/", "导购"),
        ("/dir/shops/yan/products/dhp/", "商品")]
    assert dict(found[-1].filters) == {"category": ("乌龙茶", "茶叶"), "city": ("武夷山",), "kind": ("商品",),
                                       "shop": ("岩韵茶庄",)}
    assert found[-1].text("body") == "肉桂 香"  # Markdown read as plain text
    files = searchindex.build(found, "zh-CN")
    version = json.loads(files[searchindex.MANIFEST])["version"]
    shown = [row for n in range(0, len(found), searchindex.CHUNK)
             for row in json.loads(gzip.decompress(files[f"search/{version}/d{n // searchindex.CHUNK}.json.gz"]))]
    assert shown[-1][:3] == ["大红袍 </script>", "商品", "岩韵茶庄"]


def test_site_yaml_chooses_the_search_engine():
    from generator.config import settings_from_doc
    from generator.sources import parse_yaml

    def read(text):
        doc, _ = parse_yaml("site.yaml", "title: t\nbase_url: https://example.org/\n" + text)
        settings, problems = settings_from_doc(doc)
        return settings.search_engine, [str(p) for p in problems]

    assert read("") == ("shopdir", [])
    assert read("search:\n  engine: pagefind\n") == ("pagefind", [])
    engine, problems = read("search:\n  engine: lucene\n")
    assert engine == "shopdir" and problems == ['site.yaml:4:3: search engine "lucene" must be shopdir or pagefind']


def test_a_build_with_the_own_engine_publishes_its_index_and_the_same_bytes_twice(make_site, tmp_path):
    import json

    from generator import searchindex
    from generator.build import build

    root = make_site()
    with open(root / "site.yaml", "a", encoding="utf-8") as handle:
        handle.write("search:\n  engine: shopdir\n")
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"out{n}"
        result = build(root, out, search_index=True)
        assert result.ok, result.problems
        outputs.append({p.relative_to(out / "search").as_posix(): p.read_bytes() for p in sorted((out / "search").rglob("*"))
                        if p.is_file() and p.name != "index.html"})
    assert outputs[0] == outputs[1]
    manifest = json.loads(outputs[0]["index.json"])
    assert manifest["entries"] > 0 and f"{manifest['version']}/t0.json.gz" in outputs[0]
    assert not (tmp_path / "out1" / "pagefind").exists()
    page = (tmp_path / "out1" / "search" / "index.html").read_text("utf-8")
    assert 'data-index="/search/"' in page and "/assets/search/search." in page and "pagefind" not in page
    assert searchindex.MANIFEST == "search/index.json"
