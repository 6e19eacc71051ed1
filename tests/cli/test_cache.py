"""Caches are correct by construction: after every kind of edit, a build with a warm cache gives
exactly the bytes of a build with no cache at all."""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image

from generator.build import build
from generator.theme import BUNDLED_THEMES


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def photo(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (500, 300), colour).save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


EDITS = {
    "edit one product": {"content/shops/alpha-tea/products/dhp.md":
                         "---\nname: Da Hong Pao 500g\nprice: 468\nimages: [images/dhp.jpg]\ndate: 2026-03-01\n---\nRoasted twice.\n"},
    "add one shop": {"content/shops/gamma-goods/shop.yaml":
                     "name: Gamma Goods\ncategories: [ceramics]\ncity: Fuzhou\ncontact:\n  qr: https://u.wechat.com/gamma\n",
                     "content/shops/gamma-goods/products/bowl.md": "---\nname: Bowl\nprice: 30\n---\nA bowl.\n"},
    "replace one image": {"content/shops/alpha-tea/images/dhp.jpg": photo((20, 90, 160))},
    "edit site.yaml": None,  # filled in below: a changed description
    "edit a theme string": None,  # filled in below: the site's own copy of the default theme, one string changed
    "edit a template": None,  # filled in below: the same copy, its base template's footer changed (compiled
    # templates are kept in the cache: the warm build must compile the changed one again)
}


def own_theme(root) -> None:
    """The site's own copy of the default theme, as a site that changes its theme has."""
    if not (root / "themes" / "default").exists():
        shutil.copytree(BUNDLED_THEMES / "default", root / "themes" / "default")


def apply_edit(root, edit: str) -> None:
    """Make one kind of edit of EDITS to the site in root."""
    files = EDITS[edit]
    if edit == "edit site.yaml":
        files = {"site.yaml": (root / "site.yaml").read_text("utf-8").replace(
            "A small directory for tests", "Another description")}
    if edit == "edit a theme string":
        own_theme(root)
        path = root / "themes/default/i18n/en.yaml"
        files = {"themes/default/i18n/en.yaml": path.read_text("utf-8").replace("Sold out", "Gone")}
    if edit == "edit a template":
        own_theme(root)
        path = root / "themes/default/templates/base.html"
        files = {"themes/default/templates/base.html": path.read_text("utf-8").replace(
            "<footer class=\"foot\">", "<footer class=\"foot\"><p>Edited footer</p>")}
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content, "utf-8")


@pytest.mark.parametrize("edit", list(EDITS))
def test_warm_cache_and_no_cache_give_the_same_bytes(edit, make_site, tmp_path):
    root = make_site()
    warm = tmp_path / "warm-cache"
    assert build(root, tmp_path / "first", cache_dir=warm).ok  # fills the cache with the old content
    apply_edit(root, edit)
    warm_out, cold_out = tmp_path / "warm", tmp_path / "cold"
    assert build(root, warm_out, cache_dir=warm).ok
    assert build(root, cold_out, cache_dir=tmp_path / "empty-cache").ok
    assert build(root, tmp_path / "none", cache_dir=None).ok
    assert tree(warm_out) == tree(cold_out) == tree(tmp_path / "none")
    assert tree(warm_out) != tree(tmp_path / "first"), "the edit shows in the output"


def test_a_sharded_search_index_reindexes_only_the_shard_of_the_edited_shop(make_site, tmp_path, monkeypatch):
    from generator import pagefind

    monkeypatch.setattr(pagefind, "SHARD_RECORDS", 1)  # the small site's records in several shards
    root = make_site(engine="pagefind")
    cache = tmp_path / "cache"
    assert build(root, tmp_path / "first", cache_dir=cache).ok
    before = {p.name for p in (cache / "search").iterdir()}
    assert len(before) >= 2 and (tmp_path / "first/pagefind/1/pagefind-entry.json").is_file()
    search_page = (tmp_path / "first/search/index.html").read_text("utf-8")
    assert 'mergeIndex: [{"bundlePath": "/pagefind/1/"}' in search_page

    product = root / "content/shops/alpha-tea/products/dhp.md"
    product.write_text(product.read_text("utf-8").replace("Roasted", "Toasted"), "utf-8")
    assert build(root, tmp_path / "warm", cache_dir=cache).ok
    after = {p.name for p in (cache / "search").iterdir()}
    assert len(before - after) == 1 and len(after - before) == 1, "one shard indexed again, the others kept"
    assert build(root, tmp_path / "none", cache_dir=None).ok
    assert tree(tmp_path / "warm") == tree(tmp_path / "none")


def test_a_cache_that_cannot_take_the_search_index_still_gives_the_whole_site(make_site, tmp_path):
    """The index is published from where Pagefind wrote it when the cache cannot keep it (here its folder
    is a file; a full disk does the same)."""
    root, cache = make_site(engine="pagefind"), tmp_path / "cache"
    cache.mkdir()
    (cache / "search").write_text("not a folder", "utf-8")
    assert build(root, tmp_path / "out", cache_dir=cache).ok
    assert build(root, tmp_path / "none", cache_dir=None).ok
    assert (tmp_path / "out/pagefind/pagefind-entry.json").is_file()
    assert tree(tmp_path / "out") == tree(tmp_path / "none")


def _cache_counts(cache) -> dict:
    import sqlite3

    with sqlite3.connect(cache / "markdown.sqlite") as db:
        texts = db.execute("SELECT count(*) FROM texts").fetchone()[0]
    return {"markdown": texts, "qr": len(list((cache / "qr").glob("*/*"))),
            "pictures": len([p for p in (cache / "images").glob("*/*") if p.is_dir()])}


def test_caches_are_tidied_once_they_hold_more_than_the_site_uses(make_site, tmp_path, monkeypatch):
    """A directory edited for years keeps caches about its own size: what no build uses any more is
    removed once it is more than the build used (here as soon as anything is: factor 1, no slack)."""
    from generator import build as builder

    monkeypatch.setattr(builder, "TIDY_FACTOR", 1)
    monkeypatch.setattr(builder, "TIDY_SLACK", 0)
    root = make_site()
    cache = tmp_path / "cache"
    assert build(root, tmp_path / "out", cache_dir=cache).ok
    live = _cache_counts(cache)
    assert min(live.values()) > 0, live
    apply_edit(root, "edit one product")  # a new text for a product
    apply_edit(root, "replace one image")  # a new picture for it
    shop = root / "content/shops/alpha-tea/shop.yaml"
    shop.write_text(shop.read_text("utf-8").replace("u.wechat.com/alpha\n", "u.wechat.com/alpha-new\n"), "utf-8")
    assert build(root, tmp_path / "out", cache_dir=cache).ok
    assert _cache_counts(cache) == live  # one entry each replaced: the old one is gone
    assert build(root, tmp_path / "again", cache_dir=cache).ok  # and what is kept still builds the same site
    assert build(root, tmp_path / "none", cache_dir=None).ok
    assert tree(tmp_path / "again") == tree(tmp_path / "none")


def test_caches_are_not_tidied_while_they_hold_less_than_twice_what_the_site_uses(make_site, tmp_path):
    root = make_site()
    cache = tmp_path / "cache"
    assert build(root, tmp_path / "out", cache_dir=cache).ok
    live = _cache_counts(cache)
    apply_edit(root, "edit one product")
    assert build(root, tmp_path / "out", cache_dir=cache).ok
    assert _cache_counts(cache)["markdown"] == live["markdown"] + 1  # the old rendering is kept for now


def test_a_build_without_search_leaves_the_cached_index_for_the_next_build_with_it(make_site, tmp_path):
    """A quick look with --no-search does not cost the next full build its index: at 10,000 shops that
    is over two minutes of indexing."""
    root, cache = make_site(engine="pagefind"), tmp_path / "cache"
    assert build(root, tmp_path / "out", cache_dir=cache).ok
    kept = {p.name: p.joinpath("files.json").stat().st_mtime_ns for p in (cache / "search").iterdir()}
    assert kept
    assert build(root, tmp_path / "out", cache_dir=cache, search_index=False).ok
    assert not (tmp_path / "out/pagefind").exists()
    assert build(root, tmp_path / "out", cache_dir=cache).ok
    assert {p.name: p.joinpath("files.json").stat().st_mtime_ns for p in (cache / "search").iterdir()} == kept, \
        "the index came from the cache, not from Pagefind again"
    assert build(root, tmp_path / "none", cache_dir=None).ok
    assert tree(tmp_path / "out") == tree(tmp_path / "none")


def _index_files(out) -> dict:
    """The search index's files: Pagefind's folder, or shopdir's own beside the search page."""
    return {rel: data for rel, data in tree(out).items()
            if rel.startswith("pagefind/") or rel.startswith("search/") and rel != "search/index.html"}


def _edited_and_paused(make_site, tmp_path, engine: str):
    """A site built with a cache, one product edited, and a build for serve paused where the pages are
    published and the index is to be made: (root, out, cache, the index before, the paused build)."""
    from generator.build import stages

    root = make_site(engine=engine)
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert build(root, out, cache_dir=cache).ok
    old_index = _index_files(out)
    assert old_index, "the site has a search index"
    apply_edit(root, "edit one product")
    steps = stages(root, out, cache_dir=cache, pages_first=True)
    assert isinstance(next(steps), int), "the build waits for the index only after publishing the pages"
    assert "Da Hong Pao 500g" in (out / "shops/alpha-tea/products/dhp/index.html").read_text("utf-8")
    assert _index_files(out) == old_index, "the previous index stays until the new one is made"
    return root, out, cache, old_index, steps


@pytest.mark.parametrize("engine", ["pagefind", "shopdir"])
def test_pages_first_publishes_the_edited_page_before_the_index_then_both_as_a_plain_build(make_site, tmp_path,
                                                                                           engine):
    """What `shopdir serve` does on an edit: the pages are published with the previous search index (while
    Pagefind works, or before shopdir's own is made whole: on this small site an edit passes the deltas'
    share of the base, and a new base takes seconds on a large one), then the new index; the end is the
    site a plain build makes."""
    import json

    from generator import fingerprint
    from generator.build import finish

    root, out, cache, old_index, steps = _edited_and_paused(make_site, tmp_path, engine)
    result = finish(steps)
    assert result.ok
    pages = json.loads((cache / fingerprint.PAGES).read_text("utf-8"))
    assert pages["output"] == fingerprint.output_identity(out), "the next build knows the pages it finds"
    plain = tmp_path / "plain"
    assert build(root, plain).ok
    if engine == "shopdir":  # a plain build makes a whole index, the cached one a delta: the same answers
        from tests.unit.test_searchindex_delta import output_files, same_answers
        assert _pages(out) == _pages(plain)
        same_answers(output_files(out), output_files(plain), ["Da Hong Pao 500g", "hong", "tea", "kiln", "茶"])
    else:
        assert tree(out) == tree(plain)
    assert _index_files(out) != old_index


def test_pages_first_makes_a_delta_of_the_own_index_with_the_pages(make_site, tmp_path, monkeypatch):
    """serve's edit that the kept index takes as a delta (tens of milliseconds): made with the pages and
    published with them, once, with the answers of a plain build's whole index."""
    import json

    from generator import searchindex
    from generator.build import stages
    from tests.unit.test_searchindex_delta import output_files, same_answers

    monkeypatch.setattr(searchindex, "DELTA_SHARE", 1.0)  # a small site: the edit makes a delta on the kept base
    root = make_site()
    out, cache = tmp_path / "out", tmp_path / "cache"
    assert build(root, out, cache_dir=cache).ok
    apply_edit(root, "edit one product")
    steps = stages(root, out, cache_dir=cache, pages_first=True)
    with pytest.raises(StopIteration) as stop:
        next(steps)
    assert stop.value.value.ok, "the build ends without waiting for an index"
    assert json.loads((out / "search/index.json").read_text("utf-8"))["deltas"], "a delta on the kept base"
    plain = tmp_path / "plain"
    assert build(root, plain).ok
    assert _pages(out) == _pages(plain)
    same_answers(output_files(out), output_files(plain), ["Da Hong Pao 500g", "hong", "tea", "kiln", "茶"])


@pytest.mark.parametrize("engine", ["pagefind", "shopdir"])
def test_pages_first_stopped_keeps_the_previous_index_and_frees_the_output(make_site, tmp_path, engine):
    """A newer edit stops the indexing of the last one: the pages stay, with the previous index, and the
    next build can start at once (the lock is free and no indexing process is left)."""
    import os

    root, out, cache, old_index, steps = _edited_and_paused(make_site, tmp_path, engine)
    children = {int(pid) for pid in os.listdir("/proc") if pid.isdigit()
                and _parent(pid) == os.getpid()}
    assert children or engine == "shopdir", "Pagefind indexes in a process of the build's own"
    steps.close()
    assert _index_files(out) == old_index
    assert (tmp_path / ".out.spare").is_dir() and (tmp_path / ".out.spare.json").is_file(), \
        "the spare site is left for the next build, which then links only what differs"
    assert not [pid for pid in children if os.path.exists(f"/proc/{pid}") and _parent(str(pid)) == os.getpid()]
    assert build(root, out, cache_dir=cache).ok
    plain = tmp_path / "plain"
    assert build(root, plain).ok
    assert _pages(out) == _pages(plain)
    assert engine == "shopdir" or tree(out) == tree(plain)


def _pages(out) -> dict:
    index = _index_files(out)
    return {rel: data for rel, data in tree(out).items() if rel not in index}


def _parent(pid: str) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return int(handle.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def test_builds_that_keep_the_parsed_files_in_memory_give_the_bytes_of_plain_builds(make_site, tmp_path):
    """What `shopdir serve` does: each build takes the files the last one parsed from memory. After every
    edit in turn (and a broken file, then mended), the site is byte for byte a build with no cache."""
    from generator.build import finish, stages

    root = make_site()
    out, cache, resident = tmp_path / "out", tmp_path / "cache", {}
    assert finish(stages(root, out, cache_dir=cache, resident=resident)).ok
    assert resident["parsed"] is not None
    product = root / "content/shops/beta-kiln/products/cup.md"
    steps = [*EDITS, "break a product", "mend it", "remove a product"]
    for n, edit in enumerate(steps):
        if edit == "break a product":
            good = product.read_text("utf-8")
            product.write_text("---\nname: [unclosed\n---\n", "utf-8")
        elif edit == "mend it":
            product.write_text(good.replace("A small cup.", "A small cup, mended."), "utf-8")
        elif edit == "remove a product":
            product.unlink()
        else:
            apply_edit(root, edit)
        result = finish(stages(root, out, cache_dir=cache, resident=resident))
        plain = tmp_path / f"plain-{n}"
        expected = build(root, plain)
        assert result.ok == expected.ok, edit
        assert [str(p) for p in result.problems] == [str(p) for p in expected.problems], edit
        if expected.ok:
            assert tree(out) == tree(plain), edit


def test_a_build_after_a_serve_session_still_makes_only_the_pages_an_edit_touches(make_site, tmp_path):
    """serve builds into a folder of its own with the site's cache: it keeps its pages' record in memory
    and leaves the one `shopdir build` made of output/, so the next build after an edit makes a few views,
    not every page's, and gives the bytes of a plain build."""
    from generator.build import finish, stages

    root = make_site()
    out, cache = root / "output", root / ".cache"
    first = build(root, out, cache_dir=cache)
    assert first.ok and first.stats["made"] == first.pages
    served, resident = tmp_path / "served", {}
    product = root / "content/shops/alpha-tea/products/dhp.md"
    for n in range(2):  # a serve session: its first build, then an edit
        if n:
            product.write_text(product.read_text("utf-8").replace("Roasted", "Roasted slowly"), "utf-8")
            resident["changed"] = {"content/shops/alpha-tea/products/dhp.md"}
        served_build = finish(stages(root, served, cache_dir=cache, dev=True, resident=resident))
        assert served_build.ok
    assert 0 < served_build.stats["made"] < served_build.pages / 2
    after = build(root, out, cache_dir=cache)
    assert after.ok
    assert 0 < after.stats["made"] < after.pages / 2, after.stats
    assert build(root, tmp_path / "plain").ok
    assert tree(out) == tree(tmp_path / "plain")


def test_serve_keeps_the_parsed_files_of_each_shop_folder_as_it_now_is(make_site, tmp_path):
    """serve takes an unchanged shop's parsed files as the last build held them: a file removed from a shop
    is forgotten there and in the cache, also in the builds after, when that shop is unchanged again."""
    from generator.build import finish, stages
    from generator.load import Parsed
    from generator.model import Limits

    root = make_site()
    out, cache, resident = tmp_path / "out", tmp_path / "cache", {}
    gone = "content/shops/alpha-tea/products/gift.md"
    other = root / "content/shops/beta-kiln/products/cup.md"
    steps = [({"content/shops/beta-kiln/products/cup.md"}, lambda: other.write_text(
                 other.read_text("utf-8") + "\nMore.\n", "utf-8")),
             ({gone}, lambda: (root / gone).unlink()),
             ({"content/shops/beta-kiln/products/cup.md"}, lambda: other.write_text(
                 other.read_text("utf-8") + "\nAgain.\n", "utf-8"))]
    assert finish(stages(root, out, cache_dir=cache, resident=resident)).ok
    for changed, edit in [(None, lambda: None), *steps]:
        edit()
        resident["changed"] = changed
        assert finish(stages(root, out, cache_dir=cache, resident=resident)).ok
        held = resident["parsed"][2]
        assert (gone in held) == (root / gone).exists(), changed
        assert "content/shops/alpha-tea/shop.yaml" in held
        assert set(Parsed(cache, Limits()).stored()) == set(held), changed


def test_builds_told_which_files_changed_judge_again_what_those_files_touch(make_site, tmp_path):
    """What `shopdir serve` does after each edit: shop folders in which nothing changed are taken as the last
    build read and judged them. Their problems are still told, and a change of categories judges every
    shop again; each build's problems are those of a plain build."""
    from generator.build import finish, stages

    root = make_site()
    out, cache, resident = tmp_path / "out", tmp_path / "cache", {}
    assert finish(stages(root, out, cache_dir=cache, resident=resident)).ok
    cup = "content/shops/beta-kiln/products/cup.md"
    categories = (root / "content/categories.yaml").read_text("utf-8")
    steps = [
        ({cup: "---\nname: [unclosed\n---\n"}, "a product broken"),
        ({"content/shops/alpha-tea/products/gift.md": "---\nname: Gift box\nprice: 99\n---\nAsk us.\n"},
         "another shop edited: the broken product is still told"),
        ({"content/categories.yaml": categories.replace("    - slug: oolong\n      name: Oolong\n", "")},
         "a category the unchanged alpha-tea names is removed"),
        ({"content/categories.yaml": categories, cup: "---\nname: Tea cup\nprice: 88\ncategory: ceramics\n---\nMended.\n"},
         "both mended"),
    ]
    for n, (files, what) in enumerate(steps):
        for rel, text in files.items():
            (root / rel).write_text(text, "utf-8")
        resident["changed"] = set(files)
        result = finish(stages(root, out, cache_dir=cache, resident=resident))
        plain = tmp_path / f"plain-{n}"
        expected = build(root, plain)
        assert [str(p) for p in result.problems] == [str(p) for p in expected.problems], what
        assert result.ok == expected.ok, what
        if n == 2:
            assert any("unknown category" in str(p) for p in result.problems), what
        if expected.ok:
            assert tree(out) == tree(plain), what
    assert result.ok


def test_a_template_edited_after_it_was_compiled_into_the_cache_shows(make_site, tmp_path):
    root = make_site()
    own_theme(root)  # the same template file before and after: only its source tells the compiled code stale
    warm = tmp_path / "warm-cache"
    assert build(root, tmp_path / "first", cache_dir=warm).ok
    apply_edit(root, "edit a template")
    assert build(root, tmp_path / "warm", cache_dir=warm).ok
    assert build(root, tmp_path / "cold", cache_dir=None).ok
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold")
    assert b"Edited footer" in (tmp_path / "warm/index.html").read_bytes()


def test_damaged_compiled_templates_in_the_cache_are_compiled_again(make_site, tmp_path):
    root = make_site()
    cache = tmp_path / "cache"
    assert build(root, tmp_path / "first", cache_dir=cache).ok
    compiled = sorted((cache / "templates").iterdir())
    assert compiled, "the build keeps its compiled templates"
    from jinja2.bccache import bc_magic  # Jinja's own header, then what its reader cannot take
    for n, path in enumerate(compiled):
        path.write_bytes(b"" if n % 3 == 2 else bc_magic + b"\x80\x04 not a checksum" if n % 3 else b"garbage")
    assert build(root, tmp_path / "second", cache_dir=cache).ok
    assert tree(tmp_path / "second") == tree(tmp_path / "first")


def test_serve_keeps_the_real_paths_of_an_unchanged_shop_s_files(tmp_path):
    from generator.load import Resident

    shop = tmp_path / "content/shops/alpha"
    (shop / "images").mkdir(parents=True)
    for name in ("a.jpg", "b.jpg"):
        (shop / "images" / name).write_bytes(b"x")
    (shop / "images/logo.jpg").symlink_to("a.jpg")
    held = Resident()
    held.changed(None)
    assert held.shop_file(tmp_path, "alpha", "images/logo.jpg").endswith("/a.jpg")
    (shop / "images/logo.jpg").unlink()
    (shop / "images/logo.jpg").symlink_to("b.jpg")
    held.changed({"site.yaml"})  # nothing in the shop's folder: the path is taken as it was
    assert held.shop_file(tmp_path, "alpha", "images/logo.jpg").endswith("/a.jpg")
    held.changed({"content/shops/alpha/images/logo.jpg"})
    assert held.shop_file(tmp_path, "alpha", "images/logo.jpg").endswith("/b.jpg")
    (shop / "images/logo.jpg").unlink()
    (shop / "images/logo.jpg").symlink_to("/etc/hostname")
    held.changed(None)
    with pytest.raises(OSError):
        held.shop_file(tmp_path, "alpha", "images/logo.jpg")


def test_serve_is_told_which_shop_folders_changed_or_that_it_does_not_know():
    from generator.load import Resident

    held = Resident()
    held.changed({"content/shops/alpha-tea/products/dhp.md", "content/shops/gamma", "site.yaml", "themes/x/a.html",
                  "content/categories.yaml"})
    assert held.touched == {"alpha-tea", "gamma"}
    for unknown in ({"content"}, {"content/shops"}, None):
        held.changed(unknown)
        assert held.touched is None, unknown


def test_a_build_s_shop_file_resolver_answers_as_shop_file_does(tmp_path):
    """load.shop_files takes a plain path with no link as it is, and asks shop_file for any other: the same
    real path, a link inside the folder followed, a link or a path leading out refused, a missing file named."""
    import errno

    from generator.load import shop_file, shop_files

    root = tmp_path / "site"
    shop = root / "content/shops/alpha"
    (shop / "images/deep").mkdir(parents=True)
    (tmp_path / "outside.jpg").write_bytes(b"x")
    for name in ("a.jpg", "deep/b.jpg"):
        (shop / "images" / name).write_bytes(b"x")
    (shop / "images/logo.jpg").symlink_to("a.jpg")
    (shop / "images/out.jpg").symlink_to(tmp_path / "outside.jpg")
    (shop / "linked").symlink_to("images", target_is_directory=True)
    resolve = shop_files(root)

    def answer(function, path):
        try:
            return function(root, "alpha", path)
        except OSError as error:
            return error.errno

    paths = ["images/a.jpg", "images/deep/b.jpg", "images/logo.jpg", "linked/a.jpg", "images/out.jpg",
             "images/none.jpg", "images/../images/a.jpg", "../beta/x.jpg", "./images/a.jpg", "images//a.jpg"]
    answers = [answer(resolve, path) for path in paths]
    assert answers == [answer(shop_file, path) for path in paths]
    assert answers[:4] == [str(shop.resolve() / "images/a.jpg"), str(shop.resolve() / "images/deep/b.jpg"),
                           str(shop.resolve() / "images/a.jpg"), str(shop.resolve() / "images/a.jpg")]
    assert answers[4] == answers[7] == errno.EACCES


def test_a_picture_whose_cached_size_is_gone_is_made_again(make_site, tmp_path, monkeypatch):
    """The stat index names each unchanged picture's sizes, so its picture.json is not read; a size file
    gone from the cache is still noticed, and the picture made again: the site is the one built first."""
    import json

    from generator import fingerprint

    monkeypatch.setattr(fingerprint, "RACY", -60)  # the pictures, written just now, taken as settled
    root, cache = make_site(), tmp_path / "cache"
    assert build(root, tmp_path / "first", cache_dir=cache).ok
    index = json.loads((cache / "images/stat-index.json").read_text("utf-8"))
    assert index["variants"], "the index names the pictures' sizes"
    sizes = sorted(p for p in (cache / "images").glob("*/*/*.webp"))
    assert sizes
    sizes[0].unlink()
    assert build(root, tmp_path / "second", cache_dir=cache).ok
    assert sizes[0].is_file(), "made again into the cache"
    assert tree(tmp_path / "second") == tree(tmp_path / "first")
