"""Validation's model of the published directory, over the small base site."""

from __future__ import annotations

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
