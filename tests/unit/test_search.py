"""How search records are split into index shards."""

from __future__ import annotations

from generator import search
from generator.search import Record, shards


def record(path: str) -> Record:
    return Record(path, "t", "text", (), ())


def folders(count: int) -> list[str]:
    return [folder for folder, _ in shards([record(f"shops/shop-{n}/") for n in range(count)])]


def test_one_index_until_a_shard_would_be_full(monkeypatch):
    monkeypatch.setattr(search, "SHARD_RECORDS", 100)
    assert folders(0) == []
    assert folders(1) == folders(100) == ["pagefind/"]
    assert folders(101) == ["pagefind/", "pagefind/1/"]
    assert folders(1000) == ["pagefind/"] + [f"pagefind/{n}/" for n in range(1, 10)]


def test_empty_shards_are_left_out(monkeypatch):
    monkeypatch.setattr(search, "SHARD_RECORDS", 1)
    found = shards([record("shops/a/"), record("shops/a/products/x/"), record("shops/a/products/y/")])
    assert [(folder, len(records)) for folder, records in found] == [("pagefind/", 3)]


def test_a_shop_and_its_products_share_a_shard_and_stay_there_when_shops_are_added(monkeypatch):
    monkeypatch.setattr(search, "SHARD_RECORDS", 11)
    items = []
    for s in range(30):
        items += [record(f"shops/shop-{s}/")] + [record(f"shops/shop-{s}/products/p{p}/") for p in range(3)]
    split = [r for _, r in shards(items)]
    assert len(split) == 11 and sum(map(len, split)) == len(items)
    where = {item.path: n for n, shard in enumerate(split) for item in shard}
    for s in range(30):
        assert {where[f"shops/shop-{s}/products/p{p}/"] for p in range(3)} == {where[f"shops/shop-{s}/"]}
    more = items + [record("shops/new-shop/")]  # the shard count is unchanged: nobody moves
    moved = {item.path for n, (_, shard) in enumerate(shards(more)) for item in shard
             if where.get(item.path, n) != n}
    assert moved == set()
    assert max(map(len, split)) < 3 * 11, "shops spread over the shards"
