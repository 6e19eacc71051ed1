"""shopdir review on real git repositories: what a curator reads before merging."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import BASE_SITE, ROOT, git

SCHEMA = json.loads((ROOT / "docs" / "schemas" / "review.schema.json").read_text("utf-8"))


@pytest.fixture
def repo(site_repo):
    return site_repo


def review(run_cli, root: Path, *extra: str):
    status, out, err = run_cli("review", "--root", str(root), "--base", "main", "--head", "pr", *extra)
    return status, out, err


def shop_yaml(root: Path, shop: str) -> str:
    return (root / "content" / "shops" / shop / "shop.yaml").read_text("utf-8")


def test_a_changed_qr_code_is_flagged_first_with_old_new_and_host(repo, run_cli):
    root, commit = repo
    text = shop_yaml(root, "alpha-tea").replace("https://u.wechat.com/alpha\n", "https://pay.example.net/x\n")
    commit({"content/shops/alpha-tea/shop.yaml": text})
    status, out, err = review(run_cli, root, "--verdict", "merchant")
    assert status == 0, err
    first, *rest = out.splitlines()
    assert "verdict **merchant**" in first and git(root, "rev-parse", "pr")[:10] in first
    flags = out.split("### Look at these first")[1].split("###")[0]
    assert "**qr-changed** `alpha-tea`" in flags and "host pay.example.net" in flags
    assert "`https://u.wechat.com/alpha` → `https://pay.example.net/x`" in flags
    assert "**new-host**" in flags


def test_a_category_page_that_changes_only_through_another_shop_is_counted(repo, run_cli):
    root, commit = repo
    # a product added to beta-kiln's folder: alpha-tea's files are untouched, the ceramics listing gains a card
    commit({"content/shops/beta-kiln/products/bowl.md": "---\nname: Tea bowl\nprice: 30\n---\nA bowl.\n"})
    status, out, _ = run_cli("review", "--root", str(root), "--base", "main", "--head", "pr", "--format", "json")
    assert status == 0
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["pages"]["product"]["added"] == ["shops/beta-kiln/products/bowl/"]
    assert "categories/ceramics/" in data["pages"]["category"]["changed"]
    assert data["summary"]["added"] == 1 and data["summary"]["changed"] >= 2
    assert {"entity": "product beta-kiln/bowl", "field": "name", "old": None, "new": "Tea bowl"} in data["fields"]


def test_removed_pages_are_listed_without_a_link_and_added_ones_link_to_the_preview(repo, run_cli):
    root, commit = repo
    commit({"content/shops/alpha-tea/products/gift.md": None,
            "content/shops/beta-kiln/products/bowl.md": "---\nname: Tea bowl\n---\nA bowl.\n"})
    status, out, _ = review(run_cli, root, "--preview-url", "https://preview.example.org/pr-7/")
    assert status == 0
    assert "- `/shops/alpha-tea/products/gift/`\n" in out
    assert "[`/shops/beta-kiln/products/bowl/`](https://preview.example.org/pr-7/shops/beta-kiln/products/bowl/)" in out


def test_a_new_shop_and_a_delisted_one(repo, run_cli):
    root, commit = repo
    curation = (root / "content" / "curation.yaml").read_text("utf-8")
    commit({"content/shops/gamma-soap/shop.yaml": "name: Gamma Soap\ncategories: [ceramics]\n"
                                                  "contact:\n  qr: https://u.wechat.com/gamma\n",
            "content/curation.yaml": curation.rstrip("\n") + "\ndelisted: [beta-kiln]\n"
            if "delisted" not in curation else curation.replace("delisted: [", "delisted: [beta-kiln, ")})
    status, out, _ = run_cli("review", "--root", str(root), "--base", "main", "--head", "pr", "--format", "json")
    data = json.loads(out)
    assert status == 0
    assert "shops/gamma-soap/" in data["pages"]["shop"]["added"]
    assert "shops/beta-kiln/" in data["pages"]["shop"]["removed"]
    assert {"kind": "delisted", "where": "beta-kiln"} in [{k: f[k] for k in ("kind", "where")} for f in data["flags"]]


def test_merchant_text_cannot_inject_markup_links_or_mentions(repo, run_cli):
    root, commit = repo
    hostile = "Bowl `` <img src=x onerror=alert(1)> [click](https://evil.example) @octocat"
    commit({"content/shops/beta-kiln/products/bowl.md": f"---\nname: \"{hostile}\"\n---\nA <script>x()</script> bowl.\n"})
    status, out, _ = review(run_cli, root)
    assert status == 0
    line = next(line for line in out.splitlines() if "product beta-kiln/bowl` name" in line)
    assert line.endswith("→ ```Bowl `` <img src=x onerror=alert(1)> [click](https://evil.example) @octocat```")
    sanitised = next(line for line in out.splitlines() if "**sanitised**" in line)
    assert "`<script>`" in sanitised and " <script>" not in sanitised.replace("`<script>`", "")


def test_the_report_stays_under_64_kb_for_a_change_of_hundreds_of_pages(repo, run_cli):
    root, commit = repo
    long_name = "很长的名字" * 19
    commit({f"content/shops/beta-kiln/products/p{n:03}.md": f"---\nname: \"{long_name}{n}\"\nprice: {n}\n---\nText.\n"
            for n in range(400)})
    status, out, _ = review(run_cli, root, "--preview-url", "https://preview.example.org/")
    assert status == 0, out[:3000]
    assert len(out.encode("utf-8")) < 64 * 1024
    assert "<summary>product: 400 added</summary>" in out
    assert "more" in out


def test_problems_in_the_head_are_reported_and_exit_1(repo, run_cli):
    root, commit = repo
    commit({"content/shops/beta-kiln/shop.yaml": shop_yaml(root, "beta-kiln").replace("name:", "nmae:")})
    status, out, _ = review(run_cli, root)
    assert status == 1
    assert "### Problems in the head (2 errors" in out or "### Problems in the head (1 errors" in out
    assert "content/shops/beta-kiln/shop.yaml:1:1: unknown key" in out


@pytest.mark.parametrize("args, message", [
    (("--base", "no-such-branch", "--head", "pr"), 'unknown revision "no-such-branch"'),
    (("--base", "main", "--head", "--upload-pack=touch pwned"), "is not a revision"),
])
def test_bad_revisions_are_one_line_and_exit_2(repo, run_cli, args, message, tmp_path):
    root, _ = repo
    status, out, err = run_cli("review", "--root", str(root), *args)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and message in err
    assert not (root / "pwned").exists()


def test_not_a_repository_and_a_shallow_clone_without_the_base(repo, run_cli, tmp_path):
    root, commit = repo
    commit({"content/pages/about.md": "---\ntitle: About\n---\nNew words.\n"})
    before = set(Path(tempfile.gettempdir()).glob("shopdir-review-*"))
    plain = tmp_path / "plain"
    shutil.copytree(BASE_SITE, plain)
    status, _, err = run_cli("review", "--root", str(plain), "--base", "main", "--head", "pr")
    assert status == 2 and "is not in a git repository" in err
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{root}", str(shallow)], check=True)
    status, _, err = run_cli("review", "--root", str(shallow), "--base", "origin/main", "--head", "HEAD")
    assert status == 2 and "clone is shallow" in err
    assert set(Path(tempfile.gettempdir()).glob("shopdir-review-*")) <= before  # nothing left behind


def test_one_review_writes_markdown_and_json(repo, run_cli, tmp_path):
    root, commit = repo
    commit({"content/shops/beta-kiln/products/bowl.md": "---\nname: Tea bowl\n---\nA bowl.\n"})
    status, out, _ = review(run_cli, root, "--out", str(tmp_path / "r.md"), "--json", str(tmp_path / "r.json"))
    assert status == 0 and out == ""
    assert (tmp_path / "r.md").read_text("utf-8").startswith("**shopdir review**")
    jsonschema.validate(json.loads((tmp_path / "r.json").read_text("utf-8")), SCHEMA)


def test_a_kept_cache_gives_the_same_report_as_none(repo, run_cli, tmp_path):
    """The kept output and cache only save work: a review after another, of other revisions, says the same."""
    root, commit = repo
    first = git(root, "rev-parse", "pr")
    commit({"content/shops/beta-kiln/products/bowl.md": "---\nname: Tea bowl\nprice: 30\n---\nA bowl.\n"})
    cache = tmp_path / "kept"
    plain = run_cli("review", "--root", str(root), "--base", "main", "--head", "pr", "--format", "json")
    run_cli("review", "--root", str(root), "--base", first, "--head", "main", "--cache-dir", str(cache))
    kept = run_cli("review", "--root", str(root), "--base", "main", "--head", "pr", "--format", "json",
                   "--cache-dir", str(cache))
    assert kept == plain and json.loads(plain[1])["pages"]["product"]["added"] == ["shops/beta-kiln/products/bowl/"]


EDITS = {  # what a pull request may do, each applied to the files as they are on the branch it starts from
    "text": lambda root, rng: {"content/shops/alpha-tea/products/dhp.md":
                               (root / "content/shops/alpha-tea/products/dhp.md").read_text("utf-8")
                               + f"\nLine {rng.randrange(1000)}.\n"},
    "product": lambda root, rng: {f"content/shops/beta-kiln/products/p{rng.randrange(5)}.md":
                                  f"---\nname: Bowl {rng.randrange(100)}\nprice: {rng.randrange(1, 99)}\n---\nA bowl.\n"},
    "remove": lambda root, rng: {"content/shops/alpha-tea/products/gift.md": None},
    "qr": lambda root, rng: {"content/shops/alpha-tea/shop.yaml": shop_yaml(root, "alpha-tea").replace(
        "https://u.wechat.com/alpha\n", f"https://u.wechat.com/alpha{rng.randrange(9)}\n")},
    "broken": lambda root, rng: {"content/shops/beta-kiln/shop.yaml": "name: [unclosed\n"},
    "link": lambda root, rng: {"content/shops/beta-kiln/products/cup.md": Path("/etc/hostname")},
}


@pytest.mark.parametrize("seed", [1, 2])
def test_reviews_with_a_kept_cache_say_what_reviews_without_one_say(repo, run_cli, tmp_path, seed):
    """The kept workspaces only save work: over a random run of pull requests (and of main moving on),
    each review with the cache gives the report a review without one gives."""
    import os
    import random

    rng = random.Random(seed)
    root, _ = repo
    cache = tmp_path / "kept"
    for step in range(5):
        git(root, "checkout", "-q", "main")
        if rng.random() < 0.3:  # main moves on: a pull request merged before
            (root / "content/shops/beta-kiln/products/cup.md").write_text(
                f"---\nname: Cup {step}\nprice: 12\n---\nA cup.\n", "utf-8")
            git(root, "commit", "-qam", f"main {step}")
        git(root, "checkout", "-q", "-B", "pr", "main")
        for kind in rng.sample(sorted(EDITS), 2):
            for path, text in EDITS[kind](root, rng).items():
                target = root / path
                if text is None:
                    target.unlink(missing_ok=True)
                elif isinstance(text, Path):
                    target.unlink(missing_ok=True)
                    os.symlink(text, target)
                else:
                    target.write_text(text, "utf-8")
        git(root, "add", "-A")
        git(root, "commit", "-qm", f"pr {step}", "--allow-empty")
        plain = run_cli("review", "--root", str(root), "--base", "main", "--head", "pr", "--format", "json")
        for _ in range(rng.choice((1, 2))):  # the same revisions again: nothing is built, the report is the same
            kept = run_cli("review", "--root", str(root), "--base", "main", "--head", "pr", "--format", "json",
                           "--cache-dir", str(cache))
            assert kept == plain, f"step {step}"
        assert plain[0] in (0, 1), plain[2]
    assert not any(path.is_symlink() for path in (cache / "review").rglob("*")), "a link written into a workspace"


def test_two_reviews_cannot_share_one_cache_at_once(repo, run_cli, tmp_path):
    import fcntl

    root, commit = repo
    commit({"content/shops/beta-kiln/products/bowl.md": "---\nname: Tea bowl\n---\nA bowl.\n"})
    (tmp_path / "kept" / "review").mkdir(parents=True)
    with open(tmp_path / "kept" / "review" / "lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        status, out, err = review(run_cli, root, "--cache-dir", str(tmp_path / "kept"))
    assert status == 2 and out == "" and err.count("\n") == 1 and "another shopdir review is using" in err
    assert review(run_cli, root, "--cache-dir", str(tmp_path / "kept"))[0] == 0


def test_a_revision_against_itself_changes_nothing_and_is_built_once(repo, run_cli, tmp_path):
    root, _ = repo
    status, out, err = run_cli("review", "--root", str(root), "--base", "main", "--head", "main",
                               "--cache-dir", str(tmp_path / "kept"))
    assert status == 0, err
    assert "pages +0 added, ~0 changed, −0 removed" in out and "No page of the site changes." in out
    assert (tmp_path / "kept/review/base/output/index.html").is_file()
    assert not (tmp_path / "kept/review/head").exists()
