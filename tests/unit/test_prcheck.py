"""The verdict on a pull request, from the facts git gives: pure, no repository needed."""

from __future__ import annotations

import json
import unicodedata

import pytest

from generator import prcheck
from generator.gitrepo import Change, Entry
from generator.model import Limits
from generator.prcheck import Facts, collisions, verdict

A = "content/shops/alpha-tea"
B = "content/shops/beta-kiln"
FILE = Entry("100644", 10)


def facts(changes, tree=None, owners=None, head_owners=None, shops=("alpha-tea", "beta-kiln"), limits=Limits()):
    changes = tuple(Change(*c) if isinstance(c, tuple) else Change("M", c) for c in changes)
    tree = tree if tree is not None else {c.path: FILE for c in changes if c.status != "D"}
    owners = owners if owners is not None else {"alpha-tea": ("alice",), "beta-kiln": ("bob",)}
    head = head_owners if head_owners is not None else dict(owners)
    return Facts(changes, tree, frozenset(shops), owners, head, limits)


def by_path(v):
    return {p.path: (p.verdict, p.status) for p in v.paths}


def test_own_shop_is_merchant_whatever_the_case_of_the_login():
    v = verdict(facts([f"{A}/products/dhp.md", ("A", f"{A}/images/new.png")]), "ALICE")
    assert (v.verdict, v.shop, v.exit_status) == ("merchant", "alpha-tea", 0)


def test_a_shop_without_owners_needs_a_curator():
    v = verdict(facts([f"{A}/products/dhp.md"], owners={"alpha-tea": ()}), "alice")
    assert (v.verdict, v.paths[0].reason) == ("curator", "in shop alpha-tea, which has no owners")


def test_owners_changed_in_the_head_need_a_curator_but_reordering_them_does_not():
    changed = facts([f"{A}/shop.yaml"], head_owners={"alpha-tea": ("alice", "eve")})
    assert verdict(changed, "alice").verdict == "curator"
    reordered = facts([f"{A}/shop.yaml"], owners={"alpha-tea": ("alice", "eve")},
                      head_owners={"alpha-tea": ("Eve", "alice")})
    assert verdict(reordered, "alice").verdict == "merchant"
    unreadable = facts([f"{A}/shop.yaml"], head_owners={"alpha-tea": None})  # a broken head shop.yaml
    assert verdict(unreadable, "alice").verdict == "curator"


def test_a_new_shop_is_judged_by_its_own_owners():
    f = facts([("A", "content/shops/gamma/shop.yaml")], head_owners={"gamma": ("carol",)})
    assert verdict(f, "carol").verdict == "new-shop" and verdict(f, "carol").exit_status == 3
    assert verdict(f, "alice").verdict == "curator"


@pytest.mark.parametrize("path", ["site.yaml", "content/categories.yaml", "content/pages/about.md", "themes/a.css",
                                  ".github/workflows/x.yml", "README.md", "content/shops/README.md"])
def test_files_outside_the_shops_need_a_curator(path):
    assert verdict(facts([path]), "alice").verdict == "curator"


def test_two_owned_shops_at_once_need_a_curator():
    f = facts([f"{A}/products/a.md", f"{B}/products/b.md"],
              owners={"alpha-tea": ("alice",), "beta-kiln": ("alice",)})
    v = verdict(f, "alice")
    assert (v.verdict, v.shop) == ("curator", None) and "changes 2 shops: alpha-tea, beta-kiln" in v.reasons


@pytest.mark.parametrize("mode", ["120000", "160000"])
def test_links_and_submodules_are_blocked(mode):
    path = f"{A}/images/x.png"
    v = verdict(facts([("A", path)], tree={path: Entry(mode, None if mode == "160000" else 11)}), "alice")
    assert v.verdict == "blocked" and v.exit_status == 5


def test_renames_across_a_shop_boundary_are_blocked_and_inside_one_are_not():
    inside = facts([("R", f"{A}/products/b.md", f"{A}/products/a.md")])
    assert by_path(verdict(inside, "alice")) == {f"{A}/products/b.md": ("merchant", "renamed")}
    for old, new in ((f"{A}/products/a.md", f"{B}/products/a.md"), (f"{A}/a.md", "content/pages/a.md"),
                     ("content/pages/a.md", f"{A}/a.md")):
        assert verdict(facts([("R", new, old)]), "alice").verdict == "blocked"


def test_deleting_outside_the_one_shop_edited_is_blocked_but_a_curators_delete_is_not():
    merchant = facts([f"{A}/products/a.md", ("D", f"{B}/products/cup.md")])
    assert by_path(verdict(merchant, "alice"))[f"{B}/products/cup.md"] == ("blocked", "deleted")
    own = facts([("D", f"{A}/products/a.md")])
    assert verdict(own, "alice").verdict == "merchant"
    curator = facts(["site.yaml", f"{A}/products/a.md", ("D", f"{B}/products/cup.md")])
    assert verdict(curator, "alice").verdict == "curator"


def test_sizes_are_judged_by_the_limits_pictures_by_image_bytes():
    limits = Limits(file_bytes=100, image_bytes=1000)
    tree = {f"{A}/a.md": Entry("100644", 101), f"{A}/b.JPG": Entry("100644", 999), f"{A}/c.webp": Entry("100644", 1001)}
    v = verdict(facts([("A", p) for p in tree], tree=tree, limits=limits), "alice")
    assert {p: verdict_ for p, (verdict_, _) in by_path(v).items()} == {
        f"{A}/a.md": "blocked", f"{A}/b.JPG": "merchant", f"{A}/c.webp": "blocked"}


def test_collisions_by_case_unicode_form_and_folder():
    nfd = unicodedata.normalize("NFD", "café.md")
    tree = {f"{A}/DHP.md": FILE, f"{A}/dhp.md": FILE, f"{A}/café.md": FILE, f"{A}/{nfd}": FILE,
            f"{A}/Images/x.png": FILE, f"{A}/images/y.png": FILE, f"{A}/ok.md": FILE}
    found = collisions([f"{A}/DHP.md", f"{A}/{nfd}", f"{A}/images/y.png", f"{A}/ok.md"], tree)
    assert found == {f"{A}/DHP.md": f"{A}/dhp.md", f"{A}/{nfd}": f"{A}/café.md",
                     f"{A}/images/y.png": f"{A}/Images"}


def test_the_overall_verdict_is_the_worst():
    f = facts([f"{A}/a.md", "site.yaml", ("A", f"{A}/l")], tree={f"{A}/a.md": FILE, "site.yaml": FILE,
                                                                  f"{A}/l": Entry("120000", 5)})
    assert verdict(f, "alice").verdict == "blocked"
    assert verdict(facts([]), "alice").verdict == "curator"  # an empty pull request merges nothing a merchant owns


def test_markdown_cannot_be_injected_by_a_file_name():
    name = f"{A}/<img src=x onerror=alert(1)> @octocat #1 [a](http://x) | `b` **c** :smile: www.x.org.md"
    out = prcheck.markdown(verdict(facts([("A", name)]), "alice"))
    row = out.splitlines()[-1]
    for unsafe in ("<", ">", "@", " #1", "[", "](", "`", "**", ":smile:", "www.x.org", "http://"):
        assert unsafe not in row
    assert row.count("|") == 5  # the name made no extra table cell
    assert row.startswith("| merchant | added | content&#47;shops&#47;alpha&#45;tea&#47;&#60;img src&#61;x")


def test_github_annotations_name_each_blocked_path_and_escape_it():
    path = f"{A}/a,b:c%.md"
    v = verdict(facts([("A", path)], tree={path: Entry("120000", 3)}), "alice")
    lines = prcheck.github(v).splitlines()
    assert lines[0].startswith(f"::error file={A}/a%2Cb%3Ac%25.md,title=shopdir pr-check%3A blocked::")
    assert lines[1].startswith("::notice title=shopdir pr-check::pr-check: blocked")


def test_text_and_json_show_control_characters_escaped():
    path = f"{A}/new\nline\x1b[31m.md"
    v = verdict(facts([("A", path)]), "alice")
    assert "\x1b" not in prcheck.text(v) and len(prcheck.text(v).splitlines()) == 2
    assert json.loads(prcheck.json_report(v))["paths"][0]["path"] == f"{A}/new\\nline\\x1b[31m.md"


def test_a_login_is_checked_as_github_does():
    assert all(prcheck.is_login(x) for x in ("a", "a-b", "A1", "x" * 39))
    assert not any(prcheck.is_login(x) for x in ("", "-a", "a-", "a--b", "a_b", "x" * 40, "al ice", "é"))


def test_a_shop_folder_named_with_a_line_break_stays_on_one_line_in_every_format():
    odd = "content/shops/a\nb/x.md"
    v = verdict(facts([f"{A}/a.md", ("R", f"{B}/x.md", odd)], owners={"alpha-tea": ("alice",), "beta-kiln": ("alice",),
                                                                     "a\nb": ("alice",)}, shops=("alpha-tea", "beta-kiln", "a\nb")), "alice")
    assert len(prcheck.text(v).splitlines()) == 3
    assert all(line.startswith("::") for line in prcheck.github(v).splitlines()[:2])
    assert "\n" not in "".join(json.loads(prcheck.json_report(v))["reasons"])
