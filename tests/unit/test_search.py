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
