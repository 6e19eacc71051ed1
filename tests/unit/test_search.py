"""How the shops' search records are split into index shards."""

from __future__ import annotations

from generator import search
from generator.search import split


def folders(shops: int) -> list[str]:
    """A directory of this many shops with no products."""
    return [folder for folder, _ in split([f"shop-{n}" for n in range(shops)], shops)]


def test_one_index_until_a_shard_would_be_full(monkeypatch):
    monkeypatch.setattr(search, "SHARD_RECORDS", 100)
    assert folders(0) == []
    assert folders(1) == folders(100) == ["pagefind/"]
    assert folders(101) == ["pagefind/", "pagefind/1/"]
    assert folders(1000) == ["pagefind/"] + [f"pagefind/{n}/" for n in range(1, 10)]


def test_empty_shards_are_left_out(monkeypatch):
    monkeypatch.setattr(search, "SHARD_RECORDS", 1)
    assert split(["a"], 3) == [("pagefind/", ["a"])]  # one shop and its two products


def test_a_shop_and_its_products_stay_in_their_shard_when_shops_are_added(monkeypatch):
    monkeypatch.setattr(search, "SHARD_RECORDS", 11)
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
    shown = json.loads(gzip.decompress(files[f"search/{version}/d0.json.gz"]))
    assert shown[-1][:3] == ["大红袍 </script>", "商品", "岩韵茶庄"]
