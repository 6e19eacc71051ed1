"""The GitHub Actions workflows: linted by actionlint and zizmor, and their `run:` steps executed on real git
repositories with the files and variables GitHub gives a step."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, git

WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def tool(name: str) -> str:
    found = shutil.which(name, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def test_actionlint_finds_nothing():
    # The files are named, so that actionlint also runs on a source tree that is not a git checkout.
    files = [str(path) for path in sorted(WORKFLOWS.glob("*.yml"))]
    done = subprocess.run([tool("actionlint"), "-no-color", *files], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing():
    done = subprocess.run([tool("zizmor"), "--offline", "--no-progress", str(WORKFLOWS)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_run_step_interpolates_an_expression():
    """Values from the event reach scripts through env:, never pasted into the shell text."""
    for path in WORKFLOWS.glob("*.yml"):
        for job in yaml.safe_load(path.read_text("utf-8"))["jobs"].values():
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), f"{path.name}: {step.get('name')}"


def has_command(name: str) -> bool:
    return subprocess.run([tool("shopdir"), name, "--help"], capture_output=True).returncode == 0


needs_pr_check = pytest.mark.skipif(not has_command("pr-check"), reason="shopdir pr-check is not installed yet")


# -- the harness ------------------------------------------------------------------------------------


def lookup(expression: str, context: dict) -> str:
    if expression.startswith("!") or "(" in expression or "==" in expression:
        raise AssertionError(f"the harness does not evaluate {expression!r} in env:")
    value = context
    for part in expression.split("."):
        value = value[part]
    return str(value)


class Run:
    def __init__(self, workspace: Path, tmp: Path):
        self.workspace = workspace
        self.files = {name: tmp / name.lower() for name in ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GITHUB_ENV")}
        for path in self.files.values():
            path.write_text("", "utf-8")
        self.log: list[tuple[str, int, str]] = []  # (step name, exit status, output)

    def read(self, name: str) -> str:
        return self.files[name].read_text("utf-8")

    def outputs(self) -> dict:
        return dict(line.split("=", 1) for line in self.read("GITHUB_OUTPUT").splitlines() if "=" in line)

    @property
    def failed(self) -> bool:
        return any(status for _, status, _ in self.log)


def run_job(workflow: str, job: str, workspace: Path, tmp: Path, context: dict, env: dict | None = None) -> Run:
    """Each `run:` step of a job, in order, as the runner runs it: bash -eo pipefail, the step's env: with
    its expressions read from `context`, GITHUB_* files in tmp. `uses:` steps are left out (the caller
    stands in for what they leave), and so is installing shopdir (the test's own is installed). A failed
    step stops the job, but for steps that run `if: !cancelled()`."""
    spec = yaml.safe_load((WORKFLOWS / workflow).read_text("utf-8"))["jobs"][job]
    run = Run(workspace, tmp)
    event = tmp / "event.json"
    event.write_text(json.dumps(context.get("github", {}).get("event", {})), "utf-8")
    for step in spec["steps"]:
        if "run" not in step or step.get("name", "").startswith("Install"):
            continue
        if run.failed and "!cancelled()" not in str(step.get("if", "")):
            continue
        step_env = {key: EXPRESSION.sub(lambda m: lookup(m.group(1), context), str(value))
                    for key, value in step.get("env", {}).items()}
        full = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": str(workspace), "GITHUB_EVENT_PATH": str(event),
                **{name: str(path) for name, path in run.files.items()}, **(env or {}), **step_env}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=workspace,
                              env=full, capture_output=True, text=True, timeout=300)
        run.log.append((step.get("name", step["run"][:30]), done.returncode, done.stdout + done.stderr))
    return run


def pull_request(root: Path, number: int = 7) -> dict:
    """The part of a pull_request event the workflows read, for the `pr` branch of a site_repo."""
    return {"github": {"event": {"pull_request": {
        "number": number, "base": {"sha": git(root, "rev-parse", "main")}, "head": {"sha": git(root, "rev-parse", "pr")},
        "user": {"login": "alpha-owner"}}}}}


def with_origin(root: Path, tmp: Path, number: int = 7) -> Path:
    """A clone of main whose origin holds the pull request as refs/pull/N/head, as GitHub's does."""
    git(root, "update-ref", f"refs/pull/{number}/head", "pr")
    clone = tmp / "clone"
    subprocess.run(["git", "clone", "-q", "--branch", "main", str(root), str(clone)], check=True)
    return clone


@pytest.fixture
def site_repo(site_repo):
    """The test site with this project's .github folder, committed on main, as a checkout has both."""
    root, commit = site_repo
    git(root, "checkout", "-q", "main")
    shutil.copytree(ROOT / ".github", root / ".github")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "workflows")
    git(root, "checkout", "-q", "pr")
    git(root, "merge", "-q", "--ff-only", "main")
    return root, commit


# -- check.yml --------------------------------------------------------------------------------------


def test_check_reviews_a_good_pull_request_into_the_summary_and_the_artifact(site_repo, tmp_path):
    root, commit = site_repo
    commit({"content/shops/beta-kiln/products/bowl.md": "---\nname: Tea bowl\n---\nA bowl.\n"})
    run = run_job("check.yml", "check", root, tmp_path, pull_request(root))
    assert not run.failed, run.log
    summary = run.read("GITHUB_STEP_SUMMARY")
    assert summary.startswith("**shopdir review**") and "/shops/beta-kiln/products/bowl/" in summary
    assert (root / "review" / "pr-number").read_text() == "7\n"
    assert json.loads((root / "review" / "review.json").read_text("utf-8"))["summary"]["added"] == 1
    assert (root / "review" / "review.md").read_text("utf-8") == summary


def test_check_annotates_a_bad_file_and_still_reviews(site_repo, tmp_path):
    root, commit = site_repo
    shop = (root / "content/shops/beta-kiln/shop.yaml").read_text("utf-8")
    commit({"content/shops/beta-kiln/shop.yaml": shop.replace("name:", "nmae:")})
    run = run_job("check.yml", "check", root, tmp_path, pull_request(root))
    (check_name, check_status, check_out), (review_name, review_status, _) = run.log
    assert check_status == 1 and "::error file=content/shops/beta-kiln/shop.yaml,line=1,col=1," in check_out
    assert review_status == 0  # the review still runs, and shows the problems
    assert "### Problems in the head" in run.read("GITHUB_STEP_SUMMARY")


# -- ownership.yml ----------------------------------------------------------------------------------


@needs_pr_check
@pytest.mark.parametrize("files, verdict, failed", [
    ({"content/curation.yaml": "featured: [beta-kiln]\n"}, "curator", False),
    ({"content/shops/beta-kiln/images/link.png": None}, "blocked", True),
])
def test_ownership_gives_the_base_branch_verdict(site_repo, tmp_path, files, verdict, failed):
    root, commit = site_repo
    if verdict == "blocked":
        (root / "content/shops/beta-kiln/images").mkdir(parents=True)
        os.symlink("/etc/passwd", root / "content/shops/beta-kiln/images/link.png")
        commit({})
    else:
        commit(files)
    clone = with_origin(root, tmp_path)
    context = pull_request(root)
    context["github"]["event"]["pull_request"]["head"]["sha"] = git(root, "rev-parse", "pr")
    run = run_job("ownership.yml", "ownership", clone, tmp_path, context)
    assert run.failed == failed, run.log
    assert run.outputs()["verdict"] == verdict


# -- comment.yml ------------------------------------------------------------------------------------

FAKE_GH = r'''#!/usr/bin/env python3
"""A stand-in for the gh command: records each call, answers the two questions comment.sh asks."""
import json, os, sys
args = sys.argv[1:]
with open(os.environ["GH_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
if "--method" in args:
    body = next(a for a in args if a.startswith("body=@"))[6:]
    with open(os.environ["GH_LOG"] + ".body", "w") as out:
        out.write(open(body).read())
elif any("/pulls/" in a for a in args):
    print(os.environ["GH_PULL"])
elif any(a.endswith("/comments") for a in args):
    print(os.environ.get("GH_EXISTING", ""))
'''


@pytest.fixture
def comment_run(site_repo, tmp_path):
    """(run(artifact files, **env) -> (Run, gh calls, posted body)): comment.yml's steps against a fake gh."""
    root, commit = site_repo
    commit({"content/shops/beta-kiln/products/bowl.md": "---\nname: Tea bowl\n---\nA bowl.\n"})
    clone = with_origin(root, tmp_path)
    fake = tmp_path / "bin" / "gh"
    fake.parent.mkdir()
    fake.write_text(FAKE_GH, "utf-8")
    fake.chmod(0o755)
    head, base = git(root, "rev-parse", "pr"), git(root, "rev-parse", "main")
    review_json = json.dumps({"version": 1, "tool": "shopdir", "summary": {}})

    def run(artifact: dict | None = None, **env):
        files = {"pr-number": "7\n", "review.md": "**shopdir review** · the review\n", "review.json": review_json,
                 **(artifact or {})}
        folder = clone / "artifact"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for name, text in files.items():
            if text.startswith("symlink:"):
                (folder / name).symlink_to(text.removeprefix("symlink:"))
            else:
                (folder / name).write_text(text, "utf-8")
        log = tmp_path / "gh.log"
        log.write_text("", "utf-8")
        context = {"github": {"token": "t", "repository": "owner/site",
                              "event": {"workflow_run": {"head_sha": head}}}}
        done = run_job("comment.yml", "comment", clone, tmp_path, context,
                       env={"PATH": f"{fake.parent}{os.pathsep}{BIN}{os.pathsep}{os.environ['PATH']}",
                            "GH_LOG": str(log), "GH_PULL": f"{head} {base} alpha-owner", **env})
        calls = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
        body = Path(f"{log}.body")
        return done, calls, body.read_text("utf-8") if body.exists() else None

    return run


def test_comment_posts_one_sticky_comment_and_updates_it_after(comment_run):
    run, calls, body = comment_run()
    assert not run.failed, run.log
    assert body.startswith("<!-- shopdir-review -->\n") and "**shopdir review** · the review" in body
    assert ["api", "--method", "POST", "repos/owner/site/issues/7/comments"] == calls[-1][:4]
    run, calls, _ = comment_run(GH_EXISTING="4242")
    assert ["api", "--method", "PATCH", "repos/owner/site/issues/comments/4242"] == calls[-1][:4]


@pytest.mark.parametrize("artifact, env, message", [
    ({"review.md": "x" * 70_000}, {}, "review.md is larger than 64 KB"),
    ({"pr-number": "7;touch x\n"}, {}, "pr-number is not a number"),
    ({"review.json": "[]"}, {}, "not a version 1 review report"),
    ({"review.md": "symlink:/etc/passwd"}, {}, "the artifact is incomplete"),
    ({}, {"GH_PULL": "0000000000000000000000000000000000000000 x y"}, "is not the one the check ran on"),
])
def test_comment_refuses_an_artifact_it_cannot_trust(comment_run, artifact, env, message):
    run, calls, body = comment_run(artifact, **env)
    assert run.failed and message in run.log[-1][2]
    assert body is None and not any("--method" in call for call in calls)


# -- publish.yml ------------------------------------------------------------------------------------


def test_publish_builds_for_the_pages_address_and_refuses_a_site_too_large(site_repo, tmp_path):
    root, _ = site_repo
    context = {"steps": {"pages": {"outputs": {"base_url": "https://owner.github.io/site"}}}}
    run = run_job("publish.yml", "build", root, tmp_path, context)
    assert not run.failed, run.log
    home = (root / "output" / "index.html").read_text("utf-8")
    assert 'href="/site/' in home
    assert "build date: " in run.log[0][2]
    run = run_job("publish.yml", "build", root, tmp_path, context, env={"PAGES_LIMIT_BYTES": "1000"})
    assert run.failed and "::error title=site too large::" in run.log[-1][2]
