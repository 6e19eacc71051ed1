"""generator/config.py: site.yaml to Settings, every problem at the line of its key."""

from __future__ import annotations

import pytest

from generator.config import base_url_problem, settings_from_doc
from generator.sources import parse_yaml

GOOD = "title: 好店集\nbase_url: https://example.org/\n"


def settings(text: str, **kwargs):
    doc, problems = parse_yaml("site.yaml", text)
    assert problems == [], [str(p) for p in problems]
    return settings_from_doc(doc, **kwargs)


def problems_of(text: str, **kwargs) -> list[str]:
    _, problems = settings(text, **kwargs)
    assert problems, "expected problems"
    return [str(p) for p in problems]


def test_the_smallest_site_yaml_gets_the_defaults():
    result, problems = settings(GOOD)
    assert problems == []
    assert result.title == "好店集"
    assert result.base_url == "https://example.org/"
    assert (result.language, result.currency, result.theme, result.per_page) == ("zh-CN", "CNY", "default", 24)
    assert result.qr_schemes == ("https", "http")


def test_every_setting_is_read():
    result, _ = settings("title: T\ndescription: 值得逛\nbase_url: https://example.org/d\nlanguage: en\n"
                         "currency: USD\ntheme: dark\nper_page: 12\nqr_schemes: [https, weixin]\n")
    assert result.description == "值得逛"
    assert result.base_url == "https://example.org/d/"
    assert result.base_path == "/d/"
    assert (result.language, result.currency, result.theme, result.per_page) == ("en", "USD", "dark", 12)
    assert result.qr_schemes == ("https", "weixin")


def test_a_title_written_as_a_number_keeps_its_text():
    result, _ = settings("title: 2024\nbase_url: https://example.org/\n")
    assert result.title == "2024"


def test_both_required_keys_reported_when_missing():
    assert problems_of("description: x\n") == ['site.yaml:1:1: missing required key "title"',
                                               'site.yaml:1:1: missing required key "base_url"']


def test_an_empty_title():
    assert problems_of("title:\nbase_url: https://example.org/\n") == ['site.yaml:1:1: "title" must not be empty']


def test_unknown_keys_are_errors_with_a_hint_at_their_line():
    assert problems_of(GOOD + "per_pgae: 10\ncolour: red\n") == [
        'site.yaml:3:1: unknown key "per_pgae" (did you mean "per_page"?)',
        'site.yaml:4:1: unknown key "colour"',
    ]


def test_site_yaml_must_be_a_mapping():
    assert problems_of("- title\n") == ["site.yaml:1:1: site.yaml must be a mapping of 'key: value' lines: remove the \"- \" before its keys"]


def test_no_document_adds_no_problem_of_its_own():
    # site.yaml that could not be read at all was reported by the parser already.
    _, problems = settings_from_doc(None)
    assert problems == []


@pytest.mark.parametrize("url, words", [
    ("example.org", "must start with http:, https:"),
    ("ftp://example.org/", "must start with http:, https:"),
    ("javascript:alert(1)", "must start with http:, https:"),
    ("https://", "no host name"),
    ("https://example.org/?x=1", "query or fragment"),
    ("https://example.org/#top", "query or fragment"),
    ("https://exa mple.org/", "spaces"),
])
def test_bad_base_urls_are_reported_at_their_line(url, words):
    (message,) = problems_of(f"title: T\nbase_url: {url}\n")
    assert message.startswith("site.yaml:2:1: base_url ")
    assert words in message


@pytest.mark.parametrize("url", ["https://example.org/", "http://localhost:8000/", "https://example.org/dir/sub"])
def test_good_base_urls(url):
    assert base_url_problem(url) is None


def test_a_base_url_without_a_final_slash_gets_one():
    result, _ = settings("title: T\nbase_url: https://example.org/shops\n")
    assert result.base_url == "https://example.org/shops/"
    assert result.base_path == "/shops/"


def test_the_command_line_base_url_overrides_site_yaml():
    result, _ = settings(GOOD, base_url="https://preview.example/pr-12")
    assert result.base_url == "https://preview.example/pr-12/"


@pytest.mark.parametrize("scheme", ["javascript", "vbscript", "data", "file", "blob", "JavaScript", "java script"])
def test_qr_schemes_refuses_schemes_that_run_or_read_things(scheme):
    messages = problems_of(GOOD + f"qr_schemes: [https, {scheme}]\n")
    assert messages == [f'site.yaml:3:21: "{scheme}" cannot be a QR scheme']


def test_qr_schemes_with_nothing_usable_left():
    assert problems_of(GOOD + "qr_schemes: [javascript]\n") == [
        'site.yaml:3:14: "javascript" cannot be a QR scheme',
        "site.yaml:3:1: qr_schemes must list at least one scheme, such as https",
    ]


def test_qr_schemes_empty_or_not_a_list():
    assert "site.yaml:3:1: qr_schemes must list at least one scheme, such as https" in problems_of(
        GOOD + "qr_schemes: []\n")
    assert "site.yaml:3:1: qr_schemes must be a list" in problems_of(GOOD + "qr_schemes: https\n")


@pytest.mark.parametrize("line, message", [
    ("language: english!", 'language "english!" is not a language tag such as zh-CN or en'),
    ("currency: usd", 'currency "usd" must be a three-letter code such as CNY'),
    ("theme: ../x", 'theme "../x" must be the name of a folder under themes/'),
    ("per_page: 0", '"per_page" must be a whole number from 1 to 500'),
    ("per_page: '5'", '"per_page" must be a whole number from 1 to 500'),
])
def test_other_bad_settings(line, message):
    assert problems_of(GOOD + line + "\n") == [f"site.yaml:3:1: {message}"]


def test_every_problem_in_one_run():
    messages = problems_of("title: T\nbase_url: example.org\ncurrency: usd\nper_page: 0\nzz: 1\n")
    assert sorted(int(m.split(":")[1]) for m in messages) == [2, 3, 4, 5]
