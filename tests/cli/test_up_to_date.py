"""`shopdir build` with nothing changed does no work; with anything changed it builds, and its
output is then exactly what a build with no cache at all makes."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from generator import fingerprint
from generator.build import build
from tests.cli.test_cache import EDITS, apply_edit, own_theme, tree


def settle():
    """Let the file system's clock move past the files just written (see fingerprint.RACY)."""
    time.sleep(fingerprint.RACY + 0.02)


def assert_as_without_cache(root, out, tmp_path) -> None:
    """The output folder holds, byte for byte, what a build with no cache at all makes."""
    assert build(root, tmp_path / "none", cache_dir=None).ok
    assert tree(out) == tree(tmp_path / "none")


def shopdir_build(run_cli, root, out, cache, *extra):
    status, _, err = run_cli("build", "--root", str(root), "--out", str(out), "--cache-dir", str(cache), *extra)
    assert status == 0, err
    return err


def test_a_second_build_with_nothing_changed_is_skipped_and_says_so(make_site, run_cli, tmp_path):
    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    settle()
    assert "built" in shopdir_build(run_cli, root, out, cache)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    err = shopdir_build(run_cli, root, out, cache)
    assert "is up to date" in err and "built" not in err
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


@pytest.mark.parametrize("edit", list(EDITS))
def test_after_each_kind_of_edit_the_build_runs_and_matches_a_build_without_cache(edit, make_site, run_cli,
                                                                                    tmp_path):
    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    if edit == "edit a theme string":
        own_theme(root)  # before the first build: copying it is a change of its own
    settle()
    shopdir_build(run_cli, root, out, cache)
    assert "is up to date" in shopdir_build(run_cli, root, out, cache)
    apply_edit(root, edit)
    assert "built" in shopdir_build(run_cli, root, out, cache)
    assert_as_without_cache(root, out, tmp_path)


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(make_site, run_cli, tmp_path):
    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    settle()
    shopdir_build(run_cli, root, out, cache)
    product = root / "content/shops/alpha-tea/products/dhp.md"
    text = product.read_text("utf-8")
    stat = product.stat()
    product.write_text(text.replace("Roasted", "Toasted"), "utf-8")
    os.utime(product, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as a tool that restores times would
    assert product.stat().st_size == stat.st_size
    assert "built" in shopdir_build(run_cli, root, out, cache)
    assert "Toasted" in (out / "shops/alpha-tea/products/dhp/index.html").read_text("utf-8")


@pytest.mark.parametrize("change", ["output deleted", "output replaced", "other base url", "drafts"])
def test_a_changed_output_folder_or_option_builds_again(change, make_site, run_cli, tmp_path):
    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    settle()
    shopdir_build(run_cli, root, out, cache)
    extra = []
    if change == "output deleted":
        shutil.rmtree(out)
    elif change == "output replaced":
        shutil.copytree(out, tmp_path / "copy")
        shutil.rmtree(out)
        (tmp_path / "copy").rename(out)
    elif change == "other base url":
        extra = ["--base-url", "https://example.net/sub/"]
    else:
        extra = ["--drafts"]
    err = shopdir_build(run_cli, root, out, cache, *extra)
    assert "built" in err
    assert (out / "index.html").is_file()


def test_a_failed_build_leaves_nothing_up_to_date(make_site, run_cli, tmp_path):
    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    settle()
    shopdir_build(run_cli, root, out, cache)
    site = root / "site.yaml"
    good = site.read_bytes()
    site.write_text("title: [unclosed\n", "utf-8")
    status, _, err = run_cli("build", "--root", str(root), "--out", str(out), "--cache-dir", str(cache))
    assert status == 1
    site.write_bytes(good)
    settle()
    assert "built" in shopdir_build(run_cli, root, out, cache)


def test_a_file_changed_during_the_scan_is_not_trusted(make_site, tmp_path):
    root, out = make_site(), tmp_path / "out"
    scan = fingerprint.Scan(root, out, fingerprint.options(base_url=None, drafts=False))
    assert not scan.trustworthy, "the site was written just now"
    settle()
    assert fingerprint.Scan(root, out, fingerprint.options(base_url=None, drafts=False)).trustworthy


def test_a_page_deleted_from_the_output_is_rendered_again(make_site, run_cli, tmp_path):
    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    settle()
    shopdir_build(run_cli, root, out, cache)
    (out / "shops/beta-kiln/index.html").unlink()
    product = root / "content/shops/alpha-tea/products/dhp.md"
    product.write_text(product.read_text("utf-8").replace("Roasted", "Toasted"), "utf-8")
    assert "built" in shopdir_build(run_cli, root, out, cache)
    assert_as_without_cache(root, out, tmp_path)


def test_a_changed_template_renders_every_page_again(make_site, run_cli, tmp_path):
    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    own_theme(root)
    settle()
    shopdir_build(run_cli, root, out, cache)
    base = root / "themes/default/templates/base.html"
    base.write_text(base.read_text("utf-8").replace("</body>", "<!-- changed --></body>"), "utf-8")
    err = shopdir_build(run_cli, root, out, cache)
    assert " 0 written" not in err
    pages = list(out.rglob("*.html"))
    assert pages and all(b"<!-- changed -->" in p.read_bytes() for p in pages)


def test_files_changed_just_before_a_build_are_parsed_again_by_the_next(make_site, tmp_path):
    from generator.load import Parsed, load_sources
    from generator.model import Limits

    root = make_site()
    kept = Parsed(tmp_path, Limits())
    fresh, _ = load_sources(root, Limits(), kept)
    assert kept.new and all(status is None for status, _, _ in kept.new.values()), \
        "every file was written just now: none is trusted by its status, only by its bytes"
    kept.save()
    settle()
    kept = Parsed(tmp_path, Limits())
    assert load_sources(root, Limits(), kept)[0] == fresh
    kept.save()
    again = Parsed(tmp_path, Limits())
    assert len(again.stored()) == len(kept.new) > 5
    assert all(status is not None for status, _, _ in again.stored().values()), \
        "settled since, the files are trusted by their status from the next build on"
    assert load_sources(root, Limits(), again)[0] == fresh


def test_the_parse_cache_is_not_written_again_when_nothing_was_parsed(make_site, tmp_path):
    from generator.load import Parsed, load_sources
    from generator.model import Limits

    root = make_site()
    settle()
    kept = Parsed(tmp_path, Limits())
    load_sources(root, Limits(), kept)
    kept.save()
    cache = tmp_path / "sources.sqlite"
    written = cache.stat().st_mtime_ns
    settle()
    again = Parsed(tmp_path, Limits())
    load_sources(root, Limits(), again)
    again.save()
    assert cache.stat().st_mtime_ns == written
    product = root / "content/shops/alpha-tea/products/dhp.md"
    product.write_text(product.read_text("utf-8") + "More.\n", "utf-8")
    (root / "content/shops/alpha-tea/products/gone.md").write_text("---\nname: Gone\n---\nSoon gone.\n", "utf-8")
    settle()
    third = Parsed(tmp_path, Limits())
    sources, _ = load_sources(root, Limits(), third)
    third.save()
    assert cache.stat().st_mtime_ns != written
    assert "More." in next(p for s in sources.shops for p in s.products if p.slug == "dhp").source.body
    # the row of the changed file is replaced, the new file's added, a removed file's forgotten
    (root / "content/shops/alpha-tea/products/gone.md").unlink()
    fourth = Parsed(tmp_path, Limits())
    assert "content/shops/alpha-tea/products/gone.md" in fourth.stored()
    assert load_sources(root, Limits(), fourth)[0] == load_sources(root, Limits())[0]
    fourth.save()
    fifth = Parsed(tmp_path, Limits()).stored()
    assert set(fifth) == set(fourth.new) and "content/shops/alpha-tea/products/gone.md" not in fifth
    assert "More." in fifth["content/shops/alpha-tea/products/dhp.md"][2][0].body


def test_a_copy_of_the_site_is_not_parsed_again_but_its_changed_files_are(make_site, tmp_path):
    """A checkout of another branch, a fresh clone with a restored cache, a revision unpacked for a
    review: every file has a new status, and only the files whose bytes differ are parsed."""
    import shutil

    from generator import load
    from generator.model import Limits

    root = make_site()
    settle()
    kept = load.Parsed(tmp_path / "cache", Limits())
    first, _ = load.load_sources(root, Limits(), kept)
    kept.save()
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    product = copy / "content/shops/alpha-tea/products/dhp.md"
    product.write_text(product.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    parsed = []
    real = load.parse_markdown

    def counting(rel, text):
        parsed.append(rel)
        return real(rel, text)

    load.parse_markdown = counting
    try:
        again = load.Parsed(tmp_path / "cache", Limits())
        second, _ = load.load_sources(copy, Limits(), again)
    finally:
        load.parse_markdown = real
    assert parsed == ["content/shops/alpha-tea/products/dhp.md"]
    assert second == load.load_sources(copy, Limits())[0] != first


def test_the_first_build_into_an_empty_cache_keeps_what_it_parsed(make_site, tmp_path):
    root = make_site()
    settle()
    assert build(root, tmp_path / "out", cache_dir=tmp_path / "new-cache").ok
    assert (tmp_path / "new-cache/sources.sqlite").stat().st_size > 0


def test_a_picture_replaced_by_one_of_the_same_size_and_time_is_processed_again(make_site, run_cli, tmp_path):
    import io

    from PIL import Image

    def png(colour) -> bytes:  # uncompressed: every 300x200 RGB picture has the same length
        buffer = io.BytesIO()
        Image.new("RGB", (300, 200), colour).save(buffer, format="PNG", compress_level=0)
        return buffer.getvalue()

    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    logo = root / "content/shops/alpha-tea/images/logo.png"
    logo.write_bytes(png((200, 30, 30)))
    settle()
    shopdir_build(run_cli, root, out, cache)
    stat = logo.stat()
    logo.write_bytes(png((30, 30, 200)))
    os.utime(logo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert logo.stat().st_size == stat.st_size and logo.stat().st_ino == stat.st_ino
    shopdir_build(run_cli, root, out, cache)
    assert_as_without_cache(root, out, tmp_path)


def _photo(size, colour) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def test_a_picture_replaced_is_published_at_its_new_sizes_whether_or_not_the_build_may_fork(make_site, tmp_path):
    """A build after a picture is replaced makes its sizes beside the search index and the plan (in a forked
    process): the pages and files are those of a build without cache. Called from a thread of a program's
    own, where the build forks nothing, it makes them itself, with the same result."""
    from concurrent.futures import ThreadPoolExecutor

    from PIL import Image

    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    photo = root / "content/shops/alpha-tea/images/dhp.jpg"
    assert build(root, out, cache_dir=cache).ok
    for colour, threaded in (((200, 40, 40), False), ((40, 40, 200), True)):
        settle()
        photo.write_bytes(_photo((1500, 1000), colour))
        if threaded:
            with ThreadPoolExecutor(max_workers=1) as pool:
                assert pool.submit(build, root, out, cache_dir=cache).result().ok
        else:
            assert build(root, out, cache_dir=cache).ok
        assert_as_without_cache(root, out, tmp_path)
        page = (out / "shops/alpha-tea/products/dhp/index.html").read_text("utf-8")
        largest = [path for path in out.rglob("*-1280.webp") if path.name in page]
        assert len(largest) == 1
        with Image.open(largest[0]) as shown:
            assert shown.size == (1280, 853)
            assert shown.convert("RGB").getpixel((640, 426)) == pytest.approx(colour, abs=8)
        shutil.rmtree(tmp_path / "none")


def test_a_picture_replaced_is_published_when_the_cache_cannot_keep_its_sizes(make_site, tmp_path):
    """The forked process leaves nothing in a cache that cannot take pictures (a file where their folder
    goes): the build makes the sizes itself after the plan, and publishes them from memory."""
    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    cache.mkdir()
    (cache / "images").write_text("not a folder")
    assert build(root, out, cache_dir=cache).ok
    settle()
    (root / "content/shops/alpha-tea/images/dhp.jpg").write_bytes(_photo((1500, 1000), (200, 40, 40)))
    assert build(root, out, cache_dir=cache).ok
    assert_as_without_cache(root, out, tmp_path)


def test_a_long_details_picture_is_published_narrower_than_webp_s_limit(make_site, run_cli, tmp_path):
    """A product's long details picture (750 × 17,000 pixels, within the pixel limit) is taller than a WebP
    picture can be: it is published narrowed to fit, not a crash of the build."""
    from PIL import Image

    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    (root / "content/shops/alpha-tea/images/dhp.jpg").write_bytes(_photo((750, 17000), (90, 140, 60)))
    shopdir_build(run_cli, root, out, cache)
    page = (out / "shops/alpha-tea/products/dhp/index.html").read_text("utf-8")
    shown = [path for path in out.rglob("*.webp") if path.name in page]
    assert shown
    for path in shown:
        with Image.open(path) as picture:
            assert picture.height <= 16383
            assert abs(picture.height / picture.width - 17000 / 750) < 0.05


def test_the_parse_cache_gives_back_every_text_whole_and_leaves_no_copy_inside_the_strings(make_site, tmp_path):
    """CPython keeps a UTF-8 copy inside each string pickle writes: for a directory's texts, which live on in
    the model, that was a third more memory. The cache writes them as bytes instead."""
    import sys

    from generator.load import Parsed, load_sources
    from generator.model import Limits

    root = make_site()
    product = root / "content/shops/alpha-tea/products/dhp.md"
    product.write_text(product.read_text("utf-8") + "\n大红袍，岩韵明显，七泡有余香。\n", "utf-8")
    settle()
    kept = Parsed(tmp_path, Limits())
    sources, _ = load_sources(root, Limits(), kept)
    body = next(p for s in sources.shops for p in s.products if p.slug == "dhp").source.body
    size = sys.getsizeof(body)
    kept.save()
    assert sys.getsizeof(body) == size
    again = Parsed(tmp_path, Limits())
    assert len(again.stored()) == len(kept.new) > 5
    assert all(status is not None for status, _, _ in again.stored().values()), \
        "settled since, the files are trusted by their status from the next build on"
    assert load_sources(root, Limits(), again)[0] == sources


def test_caches_that_are_not_databases_are_replaced_and_the_site_is_whole(make_site, tmp_path):
    """A damaged cache (here: files that are not databases at all) costs one build's time, not every build's."""
    from generator.load import Parsed
    from generator.model import Limits

    root, cache = make_site(), tmp_path / "cache"
    settle()
    cache.mkdir()
    for name in ("sources.sqlite", "markdown.sqlite"):
        (cache / name).write_bytes(b"not a database at all " * 100)
    assert build(root, tmp_path / "out", cache_dir=cache).ok
    assert build(root, tmp_path / "none", cache_dir=None).ok
    assert tree(tmp_path / "out") == tree(tmp_path / "none")
    assert build(root, tmp_path / "out2", cache_dir=cache).ok  # the damaged parse cache went: a new one is made
    assert tree(tmp_path / "out2") == tree(tmp_path / "none")
    assert len(Parsed(cache, Limits()).stored()) > 5
    import sqlite3
    with sqlite3.connect(cache / "markdown.sqlite") as db:
        assert db.execute("SELECT count(*) FROM texts").fetchone()[0] > 5


def test_a_shop_folder_left_alone_is_neither_read_nor_judged_again(make_site, tmp_path, monkeypatch):
    """Each shop folder is kept in the cache as one row: its sources and the shop as validation judged
    it. A build reads and judges again only the shops whose folders changed; a category added judges
    every shop again without reading any of them; each build's site is a clean build's."""
    from generator import load, validate

    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    parsed, judged = [], []
    parse_markdown, parse_yaml, shop_model = load.parse_markdown, load.parse_yaml, validate._shop_model

    def markdown(rel, text):
        parsed.append(rel)
        return parse_markdown(rel, text)

    def yaml(rel, text):
        parsed.append(rel)
        return parse_yaml(rel, text)

    def judging(shop_source, *args):
        judged.append(shop_source.slug)
        return shop_model(shop_source, *args)

    monkeypatch.setattr(load, "parse_markdown", markdown)
    monkeypatch.setattr(load, "parse_yaml", yaml)
    monkeypatch.setattr(validate, "_shop_model", judging)
    settle()
    assert build(root, out, cache_dir=cache).ok
    assert sorted(judged) == ["alpha-tea", "beta-kiln"] and "content/shops/beta-kiln/products/cup.md" in parsed

    def edited(rel: str, text: str) -> tuple[list, list]:
        parsed.clear()
        judged.clear()
        path = root / rel
        path.write_text(path.read_text("utf-8").replace(*text.split("|")), "utf-8")
        settle()
        assert build(root, out, cache_dir=cache).ok
        seen = sorted(rel for rel in parsed if rel.startswith("content/")), sorted(judged)
        assert build(root, tmp_path / "clean", cache_dir=None).ok
        assert tree(out) == tree(tmp_path / "clean")
        shutil.rmtree(tmp_path / "clean")
        return seen

    assert edited("content/pages/about.md", "shops.|shops, and more.") == (["content/pages/about.md"], [])
    assert edited("content/shops/beta-kiln/products/cup.md", "A small cup.|A small cup, fired twice.") == (
        ["content/shops/beta-kiln/products/cup.md"], ["beta-kiln"])
    assert edited("content/categories.yaml", "name: Ceramics|name: Ceramics and clay") == (
        ["content/categories.yaml"], []), "a shop is judged by the categories' slugs, not their names"
    assert edited("content/categories.yaml", "- slug: ceramics|- slug: glass\n  name: Glass\n- slug: ceramics") == (
        ["content/categories.yaml"], ["alpha-tea", "beta-kiln"])
    assert edited("content/pages/about.md", "and more.|and more!") == (["content/pages/about.md"], [])


SHOP_CHANGES = ("append", "add", "remove", "rename", "link", "relink", "escape", "break", "touch", "picture",
                "settings", "categories")


def _change_a_shop_folder(root, rng) -> str:
    """One random change to the site's shop folders (or to what every shop is judged by)."""
    shops = sorted(p for p in (root / "content/shops").iterdir() if p.is_dir())
    shop = rng.choice(shops)
    products = shop / "products"
    files = sorted(p for p in products.iterdir() if p.suffix == ".md" and not p.is_symlink())
    kind = rng.choice(SHOP_CHANGES)
    if kind == "append" and files:
        target = rng.choice(files)
        target.write_text(target.read_text("utf-8") + f"\nMore {rng.random()}.\n", "utf-8")
    elif kind == "add":
        name = f"p{rng.randrange(1000)}"
        body = rng.choice(["---\nname: New\nprice: 5\n---\nNew.\n", "---\nname: [broken\n---\nBad.\n",
                           "---\nname: Odd\ncategory: nowhere\n---\nOdd.\n"])
        (products / f"{name}.md").write_text(body, "utf-8")
    elif kind == "remove" and len(files) > 1:
        rng.choice(files).unlink()
    elif kind == "rename" and files:
        target = rng.choice(files)
        target.rename(products / f"r{rng.randrange(1000)}.md")
    elif kind == "link" and files:
        link = products / f"l{rng.randrange(1000)}.md"
        if not link.exists() and not link.is_symlink():
            link.symlink_to(rng.choice(files).name)
    elif kind == "relink":
        links = sorted(p for p in products.iterdir() if p.is_symlink())
        if links and files:
            link = rng.choice(links)
            link.unlink()
            link.symlink_to(rng.choice(files).name)
    elif kind == "escape":
        outside = root.parent / f"outside-{rng.randrange(3)}.md"
        outside.write_text("---\nname: Outside\n---\nNot ours.\n", "utf-8")
        link = products / f"e{rng.randrange(1000)}.md"
        if not link.exists() and not link.is_symlink():
            link.symlink_to(outside)
    elif kind == "break":
        yaml = shop / "shop.yaml"
        text = yaml.read_text("utf-8")
        yaml.write_text(text.replace("name:", "name: [", 1) if "name: [" not in text else text.replace("name: [", "name:", 1),
                        "utf-8")
    elif kind == "touch" and files:
        target = rng.choice(files)
        os.utime(target, ns=(target.stat().st_atime_ns, target.stat().st_mtime_ns + 1_000_000_000))
    elif kind == "picture":
        pictures = shop / "images"
        pictures.mkdir(exist_ok=True)
        (pictures / f"i{rng.randrange(3)}.png").write_bytes(b"\x89PNG not really " + bytes([rng.randrange(256)]))
    elif kind == "settings":
        site = root / "site.yaml"
        text = site.read_text("utf-8")
        site.write_text(text.replace("currency: CNY", "currency: USD") if "currency: CNY" in text
                        else text.replace("currency: USD", "currency: CNY"), "utf-8")
    elif kind == "categories":
        categories = root / "content/categories.yaml"
        text = categories.read_text("utf-8")
        extra = "- slug: glass\n  name: Glass\n"
        categories.write_text(text + extra if extra not in text else text.replace(extra, ""), "utf-8")
    return kind


@pytest.mark.parametrize("seed", range(4))
def test_after_random_changes_to_shop_folders_the_cache_gives_what_reading_them_gives(make_site, tmp_path, seed):
    """The shop folders taken whole from the cache (by their listing), read again, or judged again: the
    sources, the model and the problems are those of reading and judging every file with no cache."""
    import random
    from dataclasses import replace

    from generator.config import settings_from_doc
    from generator.load import Parsed, load_site, load_sources
    from generator.markup import Markdown
    from generator.validate import build_directory

    rng = random.Random(seed)
    root, cache = make_site(), tmp_path / "cache"
    taken = 0
    for step in range(14):
        kind = _change_a_shop_folder(root, rng) if step else "first"
        if rng.random() < 0.7:
            settle()  # else the folders just changed are not trusted by their listing
        settings, _ = settings_from_doc(load_site(root)[0])
        scan = fingerprint.Scan(root, tmp_path / "out", {}) if rng.random() < 0.5 else None
        kept = Parsed(cache, settings.limits)
        sources, found = load_sources(root, settings.limits, kept, listings=scan.listings if scan else None)
        taken += len(kept.taken)
        judged: dict = {}
        kept.offer(judged)
        directory, _, problems = build_directory(sources, settings, False, Markdown(), judged)
        kept.save(judged)
        plain, plain_found = load_sources(root, settings.limits)
        expected, _, expected_problems = build_directory(plain, settings, False, Markdown())
        assert replace(sources, shops=tuple(map(sources.whole, sources.shops))) == plain, (step, kind)
        assert sorted(found) == sorted(plain_found), (step, kind)
        assert directory == expected, (step, kind)
        assert sorted(problems) == sorted(expected_problems), (step, kind)
    assert taken > 0, "some shop folders were taken whole"


def test_an_edit_keeps_the_published_qr_codes_and_pictures_without_reading_them(make_site, run_cli, tmp_path,
                                                                                 monkeypatch):
    """The last build recorded what each QR code, picture and asset was made from: a build after a product
    edit keeps those unchanged without reading them back or comparing them; the index's manifest, whose bytes
    changed, is written; and the site is the one a build without cache makes."""
    from generator import output

    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    settle()
    shopdir_build(run_cli, root, out, cache)
    product = root / "content/shops/alpha-tea/products/dhp.md"
    product.write_text(product.read_text("utf-8").replace("Roasted", "Toasted"), "utf-8")
    written, linked = [], []
    for name, calls in (("write", written), ("link", linked)):
        original = getattr(output.Staging, name)
        monkeypatch.setattr(output.Staging, name, lambda self, rel, data, _o=original, _c=calls: (
            _c.append(rel), _o(self, rel, data))[1])
    assert "built" in shopdir_build(run_cli, root, out, cache)
    assert not [rel for rel in written if rel.endswith(".png")], "QR codes kept as they are"
    assert not linked, "pictures kept as they are"
    assert "search/index.json" in written
    assert_as_without_cache(root, out, tmp_path)


def test_a_qr_code_or_picture_deleted_from_the_output_is_published_again(make_site, run_cli, tmp_path):
    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    settle()
    shopdir_build(run_cli, root, out, cache)
    gone = [sorted(out.rglob("*.png"))[0], sorted(out.rglob("*.webp"))[0]]
    for path in gone:
        path.unlink()
    product = root / "content/shops/alpha-tea/products/dhp.md"
    product.write_text(product.read_text("utf-8").replace("Roasted", "Toasted"), "utf-8")
    assert "built" in shopdir_build(run_cli, root, out, cache)
    assert all(path.is_file() for path in gone)
    assert_as_without_cache(root, out, tmp_path)


def _edit_and_build(root, out, cache, ok=True):
    cup = root / "content/shops/beta-kiln/products/cup.md"
    cup.write_text(cup.read_text("utf-8") + "x", "utf-8")
    settle()
    assert build(root, out, cache_dir=cache).ok is ok


@pytest.mark.parametrize("what", ["a QR code", "a page"])
def test_a_file_deleted_from_the_output_twice_is_published_again_each_time(make_site, tmp_path, what):
    """A QR code kept on the record of the files' sources, a page on the record of what it read: the second
    time, neither the spare (the site the first deletion left) nor the published site holds it, and it is
    written again from its bytes, or rendered again (before, the build failed: "build again")."""
    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    for _ in range(3):  # a spare with its record
        _edit_and_build(root, out, cache)
    code = sorted((out / "qr").glob("*.png"))[0] if what == "a QR code" else out / "about/index.html"
    for _ in range(2):
        code.unlink()
        _edit_and_build(root, out, cache)
        assert code.is_file()
    assert_as_without_cache(root, out, tmp_path)


@pytest.mark.parametrize("failed_between", [False, True])
def test_a_folder_deleted_from_the_output_is_made_again(make_site, tmp_path, failed_between):
    """The spare is the site the deletion left, and its record still promises the folder: it is made
    when a file goes there (before, the build stopped with an internal error)."""
    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    for _ in range(2):
        _edit_and_build(root, out, cache)
    shutil.rmtree(out / "assets")
    _edit_and_build(root, out, cache)
    assert (out / "assets").is_dir()
    if failed_between:
        shop = root / "content/shops/beta-kiln/shop.yaml"
        good = shop.read_bytes()
        shop.write_text("name: [unclosed\n", "utf-8")
        _edit_and_build(root, out, cache, ok=False)
        shop.write_bytes(good)
    _edit_and_build(root, out, cache)
    assert_as_without_cache(root, out, tmp_path)


def test_a_file_put_where_the_output_had_a_folder_never_stops_a_build_with_an_internal_error(make_site, tmp_path):
    """The spare then holds a file where its record has a folder. A build either puts the folder back or
    stops with a plain message (OutputError: "build again"), never with an internal error (before, a
    NotADirectoryError); the build after it gives the site a build without cache gives."""
    from generator.output import OutputError

    root, out, cache = make_site(), tmp_path / "out", tmp_path / "cache"
    for _ in range(2):
        _edit_and_build(root, out, cache)
    shutil.rmtree(out / "assets")
    (out / "assets").write_text("not a folder", "utf-8")
    for _ in range(3):
        try:
            _edit_and_build(root, out, cache)
        except OutputError as error:
            assert "build again" in str(error)
    _edit_and_build(root, out, cache)
    assert_as_without_cache(root, out, tmp_path)
