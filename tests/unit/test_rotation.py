"""Fair turns on the first page: any 30 days in a row, every shop gets its share, and first place goes round."""

from __future__ import annotations

import collections
import re

from hypothesis import given, settings, strategies as st

from generator import rotation
from generator.build import build

DAYS = 30


def turns(shops: int, slots: int, start: int, listing: str = "category:tea"):
    slugs = [f"shop-{n}" for n in range(shops)]
    on_first, first = collections.Counter(), collections.Counter()
    for day in range(start, start + DAYS):
        order = rotation.order(listing, slugs, day, slots)
        assert sorted(order) == sorted(slugs)  # nobody lost, nobody twice
        on_first.update(order[:slots])
        first[order[0]] += 1
    return slugs, on_first, first


@settings(max_examples=300, deadline=None)
@given(shops=st.integers(1, 400), slots=st.integers(1, 40), start=st.integers(0, 800_000))
def test_any_30_days_give_every_shop_its_share_of_the_first_page(shops, slots, start):
    slugs, on_first, first = turns(shops, slots, start)
    share = DAYS * min(slots, shops) / shops
    assert all(abs(on_first[slug] - share) < 1 for slug in slugs), (share, on_first.most_common(2))
    assert max(first[slug] for slug in slugs) - min(first[slug] for slug in slugs) <= 1


def test_the_same_day_gives_the_same_order_and_the_next_day_another():
    slugs = [f"shop-{n}" for n in range(50)]
    assert rotation.order("tag:茶", slugs, 739_000, 24) == rotation.order("tag:茶", list(reversed(slugs)), 739_000, 24)
    assert rotation.order("tag:茶", slugs, 739_000, 24)[:24] != rotation.order("tag:茶", slugs, 739_001, 24)[:24]


def test_listings_have_orders_of_their_own():
    slugs = [f"shop-{n}" for n in range(50)]
    assert rotation.circle("category:tea", slugs) != rotation.circle("category:coffee", slugs)
    assert rotation.circle("category:tea", slugs) != sorted(slugs)


SHOPS = 7


def shop(n: int) -> str:
    return f"name: Shop {n}\ncategories: [tea]\ncontact:\n  qr: https://u.wechat.com/shop-{n}\n"


def test_thirty_daily_builds_turn_a_category_page_fairly(make_site, tmp_path, monkeypatch):
    """Seven shops in a category whose first page shows three: over 30 daily builds each is shown on 30 × 3 / 7
    days, give or take one; two builds of one day are byte-identical."""
    site = make_site({"site.yaml": "title: T\nbase_url: https://example.org/\nper_page: 3\n",
                      "content/categories.yaml": "- slug: tea\n  name: Tea\n",
                      "content/curation.yaml": None, "content/shops/alpha-tea": None, "content/shops/beta-kiln": None,
                      **{f"content/shops/shop-{n}/shop.yaml": shop(n) for n in range(SHOPS)}})
    shown, first = collections.Counter(), collections.Counter()
    for day in range(DAYS):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str((20_000 + day) * 86400))
        out = tmp_path / f"out-{day}"
        assert build(site, out, jobs=1, search_index=False).ok
        page = (out / "categories" / "tea" / "index.html").read_text("utf-8")
        cards = re.findall(r'href="/shops/(shop-\d)/"', page.split('class="shops"')[1].split("</ul>")[0])
        assert len(cards) == 3
        shown.update(cards)
        first[cards[0]] += 1
    share = DAYS * 3 / SHOPS
    assert all(abs(shown[f"shop-{n}"] - share) < 1 for n in range(SHOPS)), shown
    assert max(first.values()) - min(first[f"shop-{n}"] for n in range(SHOPS)) <= 1
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str((20_000 + DAYS - 1) * 86400))
    again = tmp_path / "again"
    assert build(site, again, jobs=1, search_index=False).ok
    for path in ("index.html", "categories/tea/index.html"):
        assert (again / path).read_bytes() == (tmp_path / f"out-{DAYS - 1}" / path).read_bytes()
