"""shopdir check fails exactly when shopdir build does, with the same problems, and reports them as text,
GitHub Actions annotations or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.cases.test_error_cases import CASES, _cases, materialise

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "schemas" / "check-report.schema.json")
                    .read_text("utf-8"))
CHILD_THEME = {"themes/x/theme.yaml": "extends: default\n"}


def _with_child_theme(root: Path, templates: dict) -> Path:
    site = root / "site.yaml"
    site.write_text(site.read_text("utf-8").replace("theme: default", "theme: x"), "utf-8")
    for name, text in {**CHILD_THEME, **{f"themes/x/templates/{n}": t for n, t in templates.items()}}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    return root


def _problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if not line.startswith("shopdir: ")]


def _check_and_build(run_cli, root: Path, tmp_path: Path):
    check = run_cli("check", "--root", str(root))
    out = tmp_path / "out"
    build = run_cli("build", "-q", "--root", str(root), "--out", str(out), "--cache-dir", str(tmp_path / "cache"))
    return check, build, out


@pytest.mark.parametrize("name", ["__none__"] + _cases())
def test_check_fails_exactly_when_build_does_with_the_same_problems(name, run_cli, tmp_path):
    root = materialise(CASES / name, tmp_path / "site")
    (check_status, _, check_err), (build_status, _, build_err), out = _check_and_build(run_cli, root, tmp_path)
    assert check_status == build_status, (check_err, build_err)
    assert _problem_lines(check_err) == _problem_lines(build_err)
    only_warnings = all(": warning: " in line for line in _problem_lines(check_err))  # also when there are none
    assert (check_status == 0) == only_warnings == out.is_dir()
    assert only_warnings == (name in ("__none__", "86-qr-code-shared"))
    assert "Traceback" not in check_err + build_err


def test_a_broken_child_template_fails_the_check_as_it_fails_the_build(run_cli, make_site, tmp_path):
    """The issue as a curator met it: a child theme whose template breaks only on some pages."""
    root = _with_child_theme(make_site(), {"shop.html": '{% extends "default/shop.html" %}\n{% block main %}\n'
                                                       "{% if page.shop.since %}{{ page.shop.snice.year }}{% endif %}\n"
                                                       "{{ super() }}{% endblock %}\n"})
    (status, _, err), (build_status, _, _), out = _check_and_build(run_cli, root, tmp_path)
    # no shop says since when it exists, so the broken line is never reached
    assert status == build_status == 0 and "no problems found" in err
    shop = root / "content/shops/beta-kiln/shop.yaml"
    shop.write_text(shop.read_text("utf-8") + "since: 1998\n", "utf-8")
    (status, _, err), (build_status, _, build_err), _ = _check_and_build(run_cli, root, tmp_path)
    assert status == build_status == 1
    assert _problem_lines(err) == _problem_lines(build_err) == [
        "themes/x/templates/shop.html:3:1: template error: 'dict object' has no attribute 'snice' [template-error]"]


def test_warnings_neither_fail_the_check_nor_stop_the_build(run_cli, make_site, tmp_path):
    root = _with_child_theme(make_site(), {"shpo.html": '{% extends "default/shop.html" %}\n'})
    (status, _, err), (build_status, _, build_err), out = _check_and_build(run_cli, root, tmp_path)
    warning = ('themes/x/templates/shpo.html:1:1: warning: the template "shpo.html" is not used by any page or '
               'template (did you mean "shop.html"?) [template-unused]')
    assert status == 0 and _problem_lines(err) == [warning]
    assert err.splitlines()[-1] == "shopdir: 1 warning found; no errors"
    assert build_status == 0 and _problem_lines(build_err) == [warning]
    assert (out / "shops" / "alpha-tea" / "index.html").is_file()


def test_a_template_used_by_another_is_not_unused(run_cli, make_site):
    root = _with_child_theme(make_site(), {
        "shop.html": '{% extends "default/shop.html" %}\n{% block main %}{% include "_badge.html" %}'
                     "{{ super() }}{% endblock %}\n",
        "_badge.html": "<p>badge</p>\n"})
    status, _, err = run_cli("check", "--root", str(root))
    assert status == 0 and err.strip() == "shopdir: no problems found"


def test_check_json_is_a_report_its_schema_accepts(run_cli, tmp_path):
    root = materialise(CASES / "64-several-mistakes-at-once", tmp_path / "site")
    status, out, err = run_cli("check", "--root", str(root), "--format", "json")
    assert status == 1 and err == ""
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    assert report["summary"]["errors"] == len(report["problems"]) > 1 and report["ok"] is False
    assert all(p["severity"] == "error" and p["rule"] != "unclassified" for p in report["problems"])
    assert [f'{p["path"]}:{p["line"]}:{p["column"]}: {p["message"]}' for p in report["problems"]] == \
        [line for line in (CASES / "64-several-mistakes-at-once" / "expected.txt").read_text("utf-8").splitlines()
         if line.strip()]


def test_check_github_annotates_each_problem_and_lists_them_all(run_cli, tmp_path):
    root = materialise(CASES / "64-several-mistakes-at-once", tmp_path / "site")
    status, out, err = run_cli("check", "--root", str(root), "--format", "github")
    lines = out.splitlines()
    expected = [line for line in (CASES / "64-several-mistakes-at-once" / "expected.txt").read_text("utf-8")
                .splitlines() if line.strip()]
    assert status == 1 and err == ""
    annotations = [line for line in lines if line.startswith("::error ")]
    assert len(annotations) == len(expected)
    path, line_number, column = expected[0].split(":")[:3]
    assert any(a.startswith(f"::error file={path},line={line_number},col={column},title=shopdir ") for a in annotations)
    group = lines[lines.index("::group::shopdir check: all problems") + 1:lines.index("::endgroup::")]
    assert [line.rsplit(" [", 1)[0] for line in group] == expected
    assert lines[-1] == f"shopdir: {len(expected)} errors found; nothing was written"


def test_hidden_files_beside_a_themes_templates_are_not_templates(run_cli, make_site):
    root = _with_child_theme(make_site(), {".DS_Store": "\0\0", "shop.html": '{% extends "default/shop.html" %}\n'})
    status, _, err = run_cli("check", "--root", str(root))
    assert status == 0 and err.strip() == "shopdir: no problems found"


def test_the_search_page_is_checked_as_the_build_renders_it_with_its_index(run_cli, make_site, tmp_path):
    root = _with_child_theme(make_site(), {"search.html": '{% extends "default/search.html" %}\n{% block main %}\n'
                                                          "{% if page.indexed %}{{ page.index.bundle }}{% endif %}\n"
                                                          "{% endblock %}\n"})
    (status, _, err), (build_status, _, build_err), _ = _check_and_build(run_cli, root, tmp_path)
    assert status == build_status == 1
    assert _problem_lines(err) == _problem_lines(build_err) == [
        "themes/x/templates/search.html:3:1: template error: 'dict object' has no attribute 'index' [template-error]"]


def test_a_shared_qr_code_is_a_warning_that_does_not_stop_the_build(run_cli, make_site, tmp_path):
    base = (CASES.parent / "base" / "content" / "shops" / "beta-kiln" / "shop.yaml").read_text("utf-8")
    root = make_site({"content/shops/beta-kiln/shop.yaml": base.replace("u.wechat.com/beta", "u.wechat.com/alpha")})
    status, _, err = run_cli("check", "--root", str(root))
    assert status == 0
    assert ('content/shops/beta-kiln/shop.yaml:5:3: warning: this QR code is the same as the one of shop "alpha-tea" '
            "(content/shops/alpha-tea/shop.yaml, line 8)") in err and "[qr-shared]" in err
    status, _, err = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"), "-q")
    assert status == 0 and "[qr-shared]" in err
    assert (tmp_path / "out" / "shops" / "beta-kiln" / "index.html").is_file()
