"""Validation's model of the published directory, over the small base site."""

from __future__ import annotations

import pytest

from tests.conftest import BASE_SITE


def test_a_collection_keeps_only_the_items_the_site_publishes(tmp_path):
    """A collection naming a draft, a product of a delisted shop, a product that is not there and a
    published one lists only the published one (and the draft with --drafts); a delisted shop's own item
    goes too."""
    import shutil

    import yaml

    site = tmp_path / "site"
    shutil.copytree(BASE_SITE, site)
    gift = site / "content/shops/alpha-tea/products/gift.md"
    gift.write_text(gift.read_text("utf-8").replace("date: 2026-02-01", "date: 2026-02-01\ndraft: true"), "utf-8")
    curation = site / "content/curation.yaml"
    data = yaml.safe_load(curation.read_text("utf-8"))
    data["collections"][0]["items"] = ["alpha-tea/dhp", "alpha-tea/gift", "beta-kiln/cup", "beta-kiln", "alpha-tea"]
    data["delisted"], data["featured"] = ["beta-kiln"], []
    curation.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    from generator.config import settings_from_doc
    from generator.load import load_site, load_sources
    from generator.validate import build_directory

    doc, _ = load_site(site)
    settings, _ = settings_from_doc(doc)
    sources, _ = load_sources(site, settings.limits)
    for drafts, items in ((False, [("alpha-tea", "dhp"), ("alpha-tea", None)]),
                          (True, [("alpha-tea", "dhp"), ("alpha-tea", "gift"), ("alpha-tea", None)])):
        directory, _, _ = build_directory(sources, settings, drafts)
        assert list(directory.curation.collections[0].items) == items



@pytest.mark.parametrize("alpha_guide, beta, expected", [
    ("u.wechat.com/alpha", "u.wechat.com/beta", ["alpha-tea/shop.yaml:21:9 8 shop \"alpha-tea\""]),
    ("u.wechat.com/alpha-lin", "u.wechat.com/alpha-lin",
     ['beta-kiln/shop.yaml:5:3 21 guide "lin" of store "gulou" in shop "alpha-tea"']),
], ids=["a guide's code is their shop's", "a shop's code is another shop's guide's"])
def test_a_qr_text_used_twice_is_told_at_the_later_key_naming_the_earlier_one(tmp_path, alpha_guide, beta, expected):
    """Each told where the copy is, naming the shop or guide that has it first, with its file and line."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(BASE_SITE, site)
    alpha = site / "content/shops/alpha-tea/shop.yaml"
    alpha.write_text(alpha.read_text("utf-8").replace("u.wechat.com/alpha-lin", alpha_guide), "utf-8")
    beta_file = site / "content/shops/beta-kiln/shop.yaml"
    beta_file.write_text(beta_file.read_text("utf-8").replace("u.wechat.com/beta", beta), "utf-8")
    from generator.config import settings_from_doc
    from generator.load import load_site, load_sources
    from generator.validate import build_directory

    doc, _ = load_site(site)
    settings, _ = settings_from_doc(doc)
    sources, _ = load_sources(site, settings.limits)
    _, _, problems = build_directory(sources, settings)
    shared = sorted(str(problem) for problem in problems if problem.rule == "qr-shared")
    told = "content/shops/{}: this QR code is the same as the one of {} (content/shops/alpha-tea/shop.yaml, " \
           "line {}): visitors who scan either reach the same person; give each its own code"
    assert shared == [told.format(where, owner, line) for where, line, owner in
                      (entry.split(" ", 2) for entry in expected)]
