"""shopdir pr-check on real git repositories: a base commit with owners, a pull request branch on top."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import BASE_SITE, ROOT, write_files

SCHEMA = json.loads((ROOT / "docs" / "schemas" / "pr-check.schema.json").read_text("utf-8"))
SHOP = "content/shops/alpha-tea"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def commit(repo: Path, files: dict, message: str = "change") -> None:
    write_files(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


@pytest.fixture
def repo(tmp_path):
    """The base site on `main`, alpha-tea owned by alice and beta-kiln by bob, and a branch `pr` checked out."""
    root = tmp_path / "repo"
    shutil.copytree(BASE_SITE, root)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.org")
    git(root, "config", "core.ignorecase", "false")
    for slug, owner in (("alpha-tea", "alice"), ("beta-kiln", "bob")):
        path = root / f"content/shops/{slug}/shop.yaml"
        path.write_text(path.read_text("utf-8") + f"owners: [{owner}]\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")
    return root


def pr_check(repo: Path, author: str = "alice", *extra: str, base: str = "main", head: str = "pr", cwd=None):
    """The command as CI runs it, in its own process: (exit status, stdout, stderr)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "generator", "pr-check", "--root", str(repo), f"--base={base}",
                           f"--head={head}", f"--author={author}", *extra],
                          capture_output=True, text=True, env=env, cwd=cwd or repo, timeout=60)
    return done.returncode, done.stdout, done.stderr


def report(repo: Path, author: str = "alice", **kwargs) -> tuple[int, dict]:
    status, out, err = pr_check(repo, author, "--format", "json", **kwargs)
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    return status, data


def product(name: str = "Green tea") -> str:
    return f"---\nname: {name}\nprice: 20\n---\nA tea.\n"


def test_an_owner_editing_their_own_shop_is_a_merchant_change(repo):
    commit(repo, {f"{SHOP}/products/green.md": product(), f"{SHOP}/products/dhp.md": product("Da Hong Pao")})
    status, data = report(repo, "Alice")  # logins ignore case, as GitHub's do
    assert (status, data["verdict"], data["shop"]) == (0, "merchant", "alpha-tea")
    assert {p["path"]: p["status"] for p in data["paths"]} == {f"{SHOP}/products/green.md": "added",
                                                               f"{SHOP}/products/dhp.md": "modified"}
    status, out, err = pr_check(repo)
    assert status == 0 and out.splitlines()[-1].startswith("shopdir pr-check: merchant (shop alpha-tea)")
    assert err == ""


def test_editing_another_merchants_shop_needs_a_curator(repo):
    commit(repo, {"content/shops/beta-kiln/products/cup.md": product("Cup")})
    status, data = report(repo, "alice")
    assert (status, data["verdict"]) == (4, "curator")
    assert "does not own" in data["paths"][0]["reason"]


def test_adding_oneself_to_another_shops_owners_is_never_a_merchant_change(repo):
    path = repo / "content/shops/beta-kiln/shop.yaml"
    commit(repo, {"content/shops/beta-kiln/shop.yaml": path.read_text("utf-8").replace("[bob]", "[bob, alice]")})
    assert report(repo, "alice")[1]["verdict"] == "curator"
    # nor may an owner change their own shop's owners alone
    commit(repo, {f"{SHOP}/shop.yaml": (repo / SHOP / "shop.yaml").read_text("utf-8").replace("[alice]", "[alice, eve]")})
    status, data = report(repo, "bob")
    assert status == 4
    status, data = report(repo, "alice", base="pr~1")
    assert (status, data["paths"][0]["reason"]) == (4, "changes the owners of shop alpha-tea")


def test_an_owner_is_read_from_the_base_never_from_the_pull_request(repo):
    text = (repo / SHOP / "shop.yaml").read_text("utf-8").replace("[alice]", "[mallory]")
    commit(repo, {f"{SHOP}/shop.yaml": text, f"{SHOP}/products/green.md": product()})
    status, data = report(repo, "mallory")
    assert status == 4 and all(p["verdict"] == "curator" for p in data["paths"])


def test_a_new_shop_listing_its_author_needs_a_curator_as_a_new_shop(repo):
    shop = (repo / SHOP / "shop.yaml").read_text("utf-8").replace("[alice]", "[carol]")
    commit(repo, {"content/shops/gamma-pottery/shop.yaml": shop,
                  "content/shops/gamma-pottery/products/bowl.md": product("Bowl")})
    status, data = report(repo, "carol")
    assert (status, data["verdict"], data["shop"]) == (3, "new-shop", "gamma-pottery")
    assert report(repo, "dave")[1]["verdict"] == "curator"


@pytest.mark.parametrize("path", ["site.yaml", "content/curation.yaml", "content/pages/about.md",
                                  "themes/default/templates/x.html", ".github/workflows/check.yml", "pyproject.toml"])
def test_site_and_project_files_need_a_curator(repo, path):
    commit(repo, {path: "x: 1\n" if path.endswith((".yaml", ".yml", ".toml")) else "changed\n"})
    assert report(repo)[0] == 4


def test_two_shops_at_once_need_a_curator_even_for_their_owner(repo):
    git(repo, "checkout", "-q", "main")
    shop = repo / "content/shops/beta-kiln/shop.yaml"
    commit(repo, {"content/shops/beta-kiln/shop.yaml": shop.read_text("utf-8").replace("[bob]", "[bob, alice]")})
    git(repo, "checkout", "-q", "-B", "pr")
    commit(repo, {f"{SHOP}/products/green.md": product(), "content/shops/beta-kiln/products/cup.md": product("Cup")})
    status, data = report(repo)
    assert (status, data["shop"]) == (4, None)
    assert any("2 shops" in reason for reason in data["reasons"])


def test_a_symbolic_link_is_blocked(repo):
    (repo / SHOP / "images" / "link.png").symlink_to("/etc/passwd")
    commit(repo, {})
    status, data = report(repo)
    assert status == 5
    assert [p["path"] for p in data["paths"] if p["verdict"] == "blocked"] == [f"{SHOP}/images/link.png"]
    status, out, _ = pr_check(repo, "alice", "--format", "github")
    assert f"::error file={SHOP}/images/link.png,title=shopdir pr-check%3A blocked::" in out
    assert "::notice title=shopdir pr-check::pr-check: blocked" in out


def test_a_path_differing_only_by_case_or_unicode_form_is_blocked(repo):
    commit(repo, {f"{SHOP}/products/DHP.md": product()})
    status, data = report(repo)
    assert status == 5 and "collides with" in data["paths"][0]["reason"]
    git(repo, "reset", "-q", "--hard", "main")
    decomposed = unicodedata.normalize("NFD", "images/caf\u00e9.png")
    commit(repo, {f"{SHOP}/images/caf\u00e9.png": b"x", f"{SHOP}/{decomposed}": b"y"})
    assert report(repo)[0] == 5


def test_a_file_named_with_shell_syntax_is_only_a_name(repo, tmp_path):
    names = ["$(touch pwned).md", "`touch pwned`.md", 'a "quoted"; touch pwned.md', "new\nline.md"]
    commit(repo, {f"{SHOP}/notes/{name}": "x\n" for name in names})
    status, data = report(repo, cwd=tmp_path)
    assert status == 0
    assert sorted(p["path"] for p in data["paths"]) == sorted(f"{SHOP}/notes/{n}".replace("\n", "\\n") for n in names)
    for fmt in ("text", "github", "markdown"):
        assert pr_check(repo, "alice", "--format", fmt, cwd=tmp_path)[0] == 0
    assert not list(tmp_path.rglob("pwned")) and not list(repo.rglob("pwned"))
    assert not Path("pwned").exists()


def test_a_rename_out_of_the_shop_folder_is_blocked(repo):
    git(repo, "mv", f"{SHOP}/products/gift.md", "content/pages/gift.md")
    commit(repo, {})
    status, data = report(repo)
    assert status == 5
    assert data["paths"][0]["status"] == "renamed" and "renamed from" in data["paths"][0]["reason"]


def test_deleting_another_shops_file_in_a_merchant_change_is_blocked(repo):
    commit(repo, {f"{SHOP}/products/green.md": product(), "content/shops/beta-kiln/products/cup.md": None})
    status, data = report(repo)
    assert status == 5
    assert {p["path"]: p["verdict"] for p in data["paths"]}["content/shops/beta-kiln/products/cup.md"] == "blocked"


def test_a_file_over_the_base_limits_is_blocked(repo):
    commit(repo, {f"{SHOP}/products/big.md": product() + "x" * (1024 * 1024)})
    assert report(repo)[0] == 5
    git(repo, "reset", "-q", "--hard", "main")
    commit(repo, {f"{SHOP}/images/big.jpg": b"\xff\xd8" + b"0" * 2000})
    assert report(repo)[0] == 0
    # the limit comes from the base's site.yaml: a pull request cannot raise it for itself
    commit(repo, {"site.yaml": (repo / "site.yaml").read_text("utf-8") + "limits:\n  image_bytes: 1000000\n"})
    git(repo, "checkout", "-q", "main")
    commit(repo, {"site.yaml": (repo / "site.yaml").read_text("utf-8") + "limits:\n  image_bytes: 1024\n"})
    git(repo, "checkout", "-q", "pr")
    status, data = report(repo)
    assert status == 5 and "limits.image_bytes" in data["paths"][0]["reason"]


@pytest.mark.parametrize("base, head, message", [("nope", "pr", 'unknown revision "nope"'),
                                                 ("main", "--output=x", 'unknown revision "--output=x"')])
def test_an_unknown_revision_is_one_line_and_exit_2(repo, base, head, message):
    status, out, err = pr_check(repo, base=base, head=head)
    assert (status, out, err) == (2, "", f"shopdir pr-check: {message}\n")
    assert not (repo / "x").exists()


def test_a_folder_that_is_not_a_repository_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "plain").mkdir()
    status, out, err = pr_check(tmp_path / "plain", cwd=tmp_path)
    assert status == 2 and "is not in a git repository" in err and len(err.splitlines()) == 1


def test_a_bad_login_is_one_line_and_exit_2(repo):
    status, out, err = pr_check(repo, "al ice")
    assert (status, out) == (2, "") and err == 'shopdir pr-check: --author "al ice" is not a GitHub login\n'


def test_a_shallow_clone_lacking_the_base_is_one_line_and_exit_2(repo, tmp_path):
    commit(repo, {f"{SHOP}/products/green.md": product()})
    base = git(repo, "rev-parse", "main").strip()
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{repo}", str(clone)], check=True)
    status, out, err = pr_check(clone, base=base, head="HEAD", cwd=tmp_path)
    assert status == 2 and len(err.splitlines()) == 1 and "shallow" in err and "Traceback" not in err
