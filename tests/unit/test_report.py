"""Problems as text, GitHub Actions workflow commands and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from generator import report
from generator.problems import Problem

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "schemas" / "check-report.schema.json")
                    .read_text("utf-8"))
WARNING = Problem("themes/x/templates/shpo.html", 1, 1, 'the template "shpo.html" is not used by any page or template',
                  rule="template-unused")


def error(path: str = "content/shops/a/shop.yaml", line: int = 2, key: str = "nmae") -> Problem:
    return Problem(path, line, 1, f'unknown key "{key}"')


def test_text_shows_the_rule_and_marks_warnings():
    text = report.text([error(), WARNING])
    assert text.splitlines() == [
        'content/shops/a/shop.yaml:2:1: unknown key "nmae" [unknown-key]',
        'themes/x/templates/shpo.html:1:1: warning: the template "shpo.html" is not used by any page or template '
        "[template-unused]",
        "shopdir: 1 error and 1 warning found; nothing was written",
    ]
    assert report.text([]) == "shopdir: no problems found\n"
    assert report.summary([WARNING, WARNING]) == "shopdir: 2 warnings found; no errors"
    assert report.summary([error(), error(line=3)]) == "shopdir: 2 errors found; nothing was written"


def test_workflow_commands_escape_as_the_actions_toolkit_does():
    # escapeData: % \r \n; escapeProperty: the same and : ,
    assert report.escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert report.escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d"
    assert report.workflow_command("notice", "hello") == "::notice::hello"
    assert report.workflow_command("error", "50%: bad\nnext", file="a,b:c.yaml", line=3, col=4,
                                   title="t: x") == "::error file=a%2Cb%3Ac.yaml,line=3,col=4,title=t%3A x::50%25: bad%0Anext"
    assert report.workflow_command("warning", "m", file="f", line=None, col=None, title="") == "::warning file=f::m"


def test_github_annotates_each_problem_with_its_place_in_the_message_too():
    out = report.github([error(), WARNING]).splitlines()
    assert out[0] == ('::error file=content/shops/a/shop.yaml,line=2,col=1,title=shopdir unknown-key::'
                      'content/shops/a/shop.yaml:2:1: unknown key "nmae"')
    assert out[1].startswith("::warning file=themes/x/templates/shpo.html,line=1,col=1,title=shopdir template-unused::")
    assert out[2] == "::group::shopdir check: all problems"
    assert out[3:5] == report.text([error(), WARNING]).splitlines()[:2]
    assert out[5:] == ["::endgroup::", "shopdir: 1 error and 1 warning found; nothing was written"]


def test_a_problem_about_a_whole_file_has_no_line_or_column():
    out = report.github([Problem("content/shops/a", 0, 0, "the shop folder has no shop.yaml")])
    assert out.startswith("::error file=content/shops/a,title=shopdir shop-yaml-missing::")


def test_github_shows_ten_of_each_level_one_file_at_a_time_then_says_how_many_more():
    errors = [error(f"content/shops/s{n % 4}/shop.yaml", line=n + 1, key=f"k{n}") for n in range(25)]
    warnings = [Problem(f"themes/x/templates/t{n}.html", 1, 1, f'the template "t{n}.html" is not used by any page',
                        rule="template-unused") for n in range(12)]
    lines = report.github(errors + warnings).splitlines()
    annotated = [line for line in lines if line.startswith("::error ")]
    assert len(annotated) == 10 and len([line for line in lines if line.startswith("::warning ")]) == 10
    # the first problem of each of the four files, then the second of each, ...
    assert [a.split("file=")[1].split(",")[0] for a in annotated[:4]] == [
        f"content/shops/s{n}/shop.yaml" for n in range(4)]
    assert "line=1," in annotated[0] and "line=5," in annotated[4]
    notices = [line for line in lines if line.startswith("::notice")]
    assert notices == ['::notice::17 more problems than GitHub shows as annotations: every problem is listed in '
                       'this step\'s log, under "shopdir check: all problems"']
    group = lines[lines.index("::group::shopdir check: all problems") + 1:lines.index("::endgroup::")]
    assert len(group) == 37 and all(line.endswith("]") for line in group)


def test_json_report_follows_its_schema():
    data = json.loads(report.json_report([error(), WARNING]))
    jsonschema.validate(data, SCHEMA)
    assert data["version"] == 1 and data["ok"] is False
    assert data["summary"] == {"errors": 1, "warnings": 1}
    assert data["problems"][0] == {"path": "content/shops/a/shop.yaml", "line": 2, "column": 1, "rule": "unknown-key",
                                   "severity": "error", "message": 'unknown key "nmae"',
                                   "text": 'content/shops/a/shop.yaml:2:1: unknown key "nmae" [unknown-key]'}
    clean = json.loads(report.json_report([]))
    jsonschema.validate(clean, SCHEMA)
    assert clean["ok"] is True and clean["problems"] == []


def test_the_schema_refuses_what_is_not_a_report():
    bad = json.loads(report.json_report([error()]))
    bad["problems"][0]["severity"] = "fatal"
    try:
        jsonschema.validate(bad, SCHEMA)
    except jsonschema.ValidationError:
        return
    raise AssertionError("a severity outside error/warning passed the schema")
