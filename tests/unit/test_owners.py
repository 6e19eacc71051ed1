"""owners in shop.yaml: GitHub logins that reach the model as written; old files without them stay valid."""

from __future__ import annotations

from generator.build import build
from generator.load import load_sources
from generator.model import Settings
from generator.validate import build_directory

SHOP = "content/shops/beta-kiln/shop.yaml"
BETA = "name: Beta Kiln\ncategories: [ceramics]\ncontact:\n  qr: https://u.wechat.com/beta\n"


def shops(root):
    sources, problems = load_sources(root)
    directory, _, found = build_directory(sources, Settings(title="t", base_url="https://e.org/"))
    assert problems + found == []
    return {shop.slug: shop for shop in directory.shops}


def test_owners_reach_the_model_as_written(make_site):
    root = make_site({SHOP: BETA + "owners:\n  - Beta-Kiln\n  - 12345\n  - jing\n"})
    assert shops(root)["beta-kiln"].owners == ("Beta-Kiln", "12345", "jing")  # an all-digit login stays text


def test_one_owner_may_be_written_without_a_list(make_site):
    assert shops(make_site({SHOP: BETA + "owners: jing\n"}))["beta-kiln"].owners == ("jing",)


def test_a_shop_without_owners_is_still_valid(make_site):
    root = make_site({SHOP: BETA})
    assert shops(root)["beta-kiln"].owners == ()
    assert build(root, None).ok


def test_ten_owners_are_allowed(make_site):
    logins = [f"owner-{n}" for n in range(10)]
    assert shops(make_site({SHOP: BETA + f"owners: [{', '.join(logins)}]\n"}))["beta-kiln"].owners == tuple(logins)
