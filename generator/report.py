"""Problems as a person or a machine reads them: plain text, GitHub Actions workflow commands, JSON.

Pure: every function returns a string; only cli prints it.
"""

from __future__ import annotations

import itertools
import json
from typing import Iterable

from generator.problems import Problem
from generator.rules import ERROR, WARNING, rule_of

JSON_VERSION = 1
ANNOTATIONS = 10  # GitHub shows at most 10 annotations of each level per step


def line(problem: Problem) -> str:
    """`path:line:column: message [rule]`, with `warning: ` before the message of a warning."""
    rule = rule_of(problem)
    mark = "warning: " if rule.severity == WARNING else ""
    return f"{problem.path}:{problem.line}:{problem.column}: {mark}{problem.message} [{rule.id}]"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def counts(problems: Iterable[Problem]) -> tuple[int, int]:
    """(errors, warnings)."""
    severities = [rule_of(p).severity for p in problems]
    return severities.count(ERROR), severities.count(WARNING)


def summary(problems: list[Problem], written: bool = False) -> str:
    """The last line: how many errors and warnings, and whether the site was written."""
    errors, warnings = counts(problems)
    if not problems:
        return "shopdir: no problems found"
    found = " and ".join(_plural(n, word) for n, word in ((errors, "error"), (warnings, "warning")) if n)
    if errors:
        return f"shopdir: {found} found; nothing was written"
    return f"shopdir: {found} found; no errors" + ("" if not written else ", the site was written")


def text(problems: list[Problem], written: bool = False) -> str:
    """One line per problem and the summary line."""
    return "".join(line(p) + "\n" for p in problems) + summary(problems, written) + "\n"


# -- GitHub Actions ------------------------------------------------------------------------------


def escape_data(value: str) -> str:
    """As the Actions toolkit's escapeData."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """As the Actions toolkit's escapeProperty."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(level: str, message: str, *, file: str | None = None, line: int | None = None,
                     col: int | None = None, title: str | None = None) -> str:
    """One workflow command line, such as `::error file=a.yaml,line=3,col=1,title=…::message`.

    Properties that are None (or empty) are left out, as the toolkit leaves them out.
    """
    properties = [(key, str(value)) for key, value in (("file", file), ("line", line), ("col", col),
                                                         ("title", title)) if value not in (None, "")]
    head = f"::{level}"
    if properties:
        head += " " + ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"{head}::{escape_data(message)}"


def annotation_order(problems: list[Problem]) -> list[Problem]:
    """The order in which problems of one level become annotations, the most useful first: the first
    problem of each file (files in path order), then the second of each, and so on. Ten annotations
    then reach ten files rather than ten lines of one, and each file's first problem, often the cause of
    the ones after it, comes first."""
    by_file: dict[str, list[Problem]] = {}
    for problem in sorted(problems):
        by_file.setdefault(problem.path, []).append(problem)
    rounds = itertools.zip_longest(*by_file.values())
    return [problem for round_ in rounds for problem in round_ if problem is not None]


def _annotation(problem: Problem) -> str:
    rule = rule_of(problem)
    return workflow_command(rule.severity, f"{problem}", file=problem.path, line=problem.line or None,
                            col=problem.column or None if problem.line else None, title=f"shopdir {rule.id}")


def github(problems: list[Problem], command: str = "shopdir check") -> str:
    """Workflow commands: at most ANNOTATIONS annotations of each level, a notice of how many more there
    are, then every problem as plain text in a collapsed group of the log, and the summary line."""
    out = []
    left = 0
    for level in (ERROR, WARNING):
        ordered = annotation_order([p for p in problems if rule_of(p).severity == level])
        out += [_annotation(p) for p in ordered[:ANNOTATIONS]]
        left += max(0, len(ordered) - ANNOTATIONS)
    if left:
        out.append(workflow_command("notice", f"{_plural(left, 'more problem')} than GitHub shows as annotations: "
                                              f'every problem is listed in this step\'s log, under "{command}: '
                                              f'all problems"'))
    if problems:
        out.append(workflow_command("group", f"{command}: all problems"))
        out += [line(p) for p in problems]
        out.append("::endgroup::")
    out.append(summary(problems))
    return "\n".join(out) + "\n"


# -- JSON ------------------------------------------------------------------------------------------


def json_report(problems: list[Problem]) -> str:
    """The report as JSON, in the shape docs/schemas/check-report.schema.json describes."""
    errors, warnings = counts(problems)
    report = {
        "version": JSON_VERSION,
        "tool": "shopdir",
        "ok": errors == 0,
        "summary": {"errors": errors, "warnings": warnings},
        "problems": [{"path": p.path, "line": p.line, "column": p.column, "rule": rule_of(p).id,
                      "severity": rule_of(p).severity, "message": p.message, "text": line(p)} for p in problems],
    }
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


FORMATS = {"text": text, "github": github, "json": json_report}
