"""The catalogue of rules: every problem shopdir reports has a rule of its own, and docs/rules.md is the catalogue."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from generator import rules
from generator.build import build
from generator.problems import Problem
from tests.cases.test_error_cases import CASES, _cases, materialise

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
SECURITY = CASES.parent / "security"


def _expected_messages() -> list[str]:
    """Every message the data-driven cases expect, errors and security cases alike."""
    found = []
    for expected in sorted(CASES.glob("*/expected.txt")) + sorted(SECURITY.glob("*/expected.txt")):
        for line in expected.read_text("utf-8").splitlines():
            match = re.match(r"^.*?:\d+:\d+: (.*?)(?: \[[a-z0-9-]+\])?$", line)
            if match:
                found.append(match[1])
    return found


def test_rule_ids_are_unique_kebab_case_and_fully_described():
    ids = [rule.id for rule in rules.RULES]
    assert len(ids) == len(set(ids))
    for rule in rules.RULES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.id), rule.id
        assert rule.severity in (rules.ERROR, rules.WARNING), rule.id
        assert rule.meaning and rule.fix and rule.patterns and rule.example, rule.id
    assert rules.UNCLASSIFIED.id not in ids


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda rule: rule.id)
def test_each_rules_example_is_recognised_as_that_rule_and_no_other(rule):
    assert [r.id for r in rules.RULES if r.matches(rule.example)] == [rule.id]


@pytest.mark.parametrize("name", _cases())
def test_every_problem_of_every_error_case_has_a_real_rule(name, tmp_path):
    problems = build(materialise(CASES / name, tmp_path / "site"), None).problems
    assert problems
    for problem in problems:
        assert problem.rule and problem.rule != rules.UNCLASSIFIED.id, str(problem)
        assert rules.rule_of(problem).id == problem.rule


def test_every_expected_message_matches_exactly_one_rule():
    messages = _expected_messages()
    assert len(messages) > 150
    for message in messages:
        assert len([r for r in rules.RULES if r.matches(message)]) == 1, message


def test_a_rule_named_by_the_problem_wins_over_its_message():
    problem = Problem("themes/x/templates/a.html", 1, 1, 'unknown key "x"', rule="template-unused")
    assert rules.rule_of(problem).id == "template-unused" and not rules.is_error(problem)
    assert rules.rule_of(Problem("a", 1, 1, 'unknown key "x"')).id == "unknown-key"
    assert rules.rule_of(Problem("a", 1, 1, "something nobody wrote a rule for")) is rules.UNCLASSIFIED


def test_docs_rules_md_is_the_catalogue():
    expected = rules.table()
    if os.environ.get("SHOPDIR_REGENERATE"):
        DOCS.write_text(expected, "utf-8")
    assert DOCS.read_text("utf-8") == expected, (
        "docs/rules.md differs from generator/rules.py: regenerate it with "
        "`python -m generator.rules > docs/rules.md` (or run the tests with SHOPDIR_REGENERATE=1)")
    for rule in rules.RULES:
        assert f"| `{rule.id}` | {rule.severity} |" in expected
