"""generator/schema.py: field checks that report at the line of the key a merchant wrote."""

from __future__ import annotations

import pytest

from generator.schema import (QR_CAPACITY, QR_CAPACITY_UTF8, Checker, is_slug, path_problem, qr_capacity_problem,
                              url_problem)
from generator.sources import parse_yaml

SCHEMES = ("https", "http")


def checker(text: str) -> Checker:
    doc, problems = parse_yaml("content/shops/x/shop.yaml", text)
    assert problems == [], [str(p) for p in problems]
    return Checker(doc)


def where(check: Checker) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.message) for p in check.problems]


# -- mappings -------------------------------------------------------------

def test_unknown_key_is_reported_at_its_line_with_a_hint():
    check = checker("name: x\ncatgories: [tea]\ncontact: {}\n")
    check.mapping((), check.doc.data, ["name", "categories", "contact"])
    assert where(check) == [(2, 1, 'unknown key "catgories" (did you mean "categories"?)')]


def test_unknown_key_without_a_near_miss_has_no_hint():
    check = checker("name: x\nzzzz: 1\n")
    check.mapping((), check.doc.data, ["name", "categories"])
    assert where(check) == [(2, 1, 'unknown key "zzzz"')]


def test_unknown_key_in_a_nested_mapping_is_at_the_nested_line():
    check = checker("name: x\ncontact:\n  qr: https://u.example/x\n  wechat: abc\n")
    data = check.doc.data
    check.mapping(("contact",), data["contact"], ["qr", "qr_image", "wechat_id", "url"])
    assert where(check) == [(4, 3, 'unknown key "wechat" (did you mean "wechat_id"?)')]


def test_a_misspelt_required_key_is_reported_once_with_its_hint():
    check = checker("nmae: 山野茶舍\ncategories: [tea]\n")
    check.mapping((), check.doc.data, ["name", "categories"], required=["name", "categories"])
    assert where(check) == [(1, 1, 'unknown key "nmae" (did you mean "name"?)')]


def test_every_missing_required_key_is_reported():
    check = checker("tagline: hello\n")
    check.mapping((), check.doc.data, ["name", "categories", "contact", "tagline"],
                  required=["name", "categories", "contact"])
    assert sorted(p.message for p in check.problems) == ['missing required key "categories"',
                                                         'missing required key "contact"',
                                                         'missing required key "name"']


def test_a_list_where_a_mapping_belongs():
    check = checker("contact:\n  - qr\n")
    assert check.mapping(("contact",), check.doc.data["contact"], ["qr"], what="contact") is None
    assert where(check) == [(1, 1, "contact must be a mapping of 'key: value' lines: remove the \"- \" before its keys")]


# -- text -----------------------------------------------------------------

@pytest.mark.parametrize("written", ["10:00", "2016", "007", "1.50", "yes", "0x1F", "2026-03-01"])
def test_text_written_as_a_plain_scalar_keeps_the_written_text(written):
    check = checker(f"hours: {written}\n")
    assert check.text(("hours",), check.doc.data["hours"]) == written
    assert check.problems == []


def test_text_in_a_list_keeps_the_written_text():
    check = checker("tags: [2016, 10:00, 岩茶]\n")
    assert check.text_list(("tags",), check.doc.data["tags"], "tags") == ("2016", "10:00", "岩茶")


def test_a_mapping_is_not_text():
    check = checker("name:\n  first: x\n")
    assert check.text(("name",), check.doc.data["name"]) is None
    assert where(check) == [(1, 1, '"name" must be text')]


@pytest.mark.parametrize("escaped", ["\\u200b", "\\u202e", "\\u2066", "\\ufeff", "\\x07", "\\u200f"])
def test_invisible_and_control_characters_are_refused(escaped):
    check = checker(f'name: x\ntagline: "山野{escaped}茶舍"\n')
    assert check.text(("tagline",), check.doc.data["tagline"]) is None
    assert where(check) == [(2, 1, '"tagline" contains invisible or control characters')]


@pytest.mark.parametrize("escaped", ["\\u061c", "\\U000E0041", "\\x9b"])
def test_other_text_hiding_characters_are_refused(escaped):
    check = checker(f'tagline: "山野{escaped}茶舍"\n')
    assert check.text(("tagline",), check.doc.data["tagline"]) is None


def test_text_is_normalised_to_composed_form():
    check = checker('name: "Cafe\\u0301"\n')
    assert check.text(("name",), check.doc.data["name"]) == "Caf\u00e9"


def test_one_line_text_with_a_line_break_is_refused():
    check = checker("tagline: |\n  one\n  two\n")
    assert check.text(("tagline",), check.doc.data["tagline"]) is None
    assert where(check) == [(1, 1, '"tagline" must be one line')]


def test_text_too_long():
    check = checker(f"tagline: {'茶' * 201}\n")
    assert check.text(("tagline",), check.doc.data["tagline"]) is None
    assert "201 characters long; at most 200" in check.problems[0].message


def test_required_text_empty():
    check = checker("name: '  '\n")
    assert check.text(("name",), check.doc.data["name"], required=True) is None
    assert where(check) == [(1, 1, '"name" must not be empty')]


def test_markdown_keeps_line_breaks():
    check = checker("description: |\n  第一行\n  第二行\n")
    assert check.markdown(("description",), check.doc.data["description"]) == "第一行\n第二行\n"


# -- slugs ----------------------------------------------------------------

@pytest.mark.parametrize("slug", ["ab", "shanye-tea", "a1-b2-c3", "a" * 64, "2023"])
def test_good_slugs(slug):
    assert is_slug(slug)


@pytest.mark.parametrize("slug", ["a", "a" * 65, "Shanye", "shanye--tea", "-tea", "tea-", "shan_ye", "山野",
                                  "ｔｅａ", "tea shop", "", 12])
def test_bad_slugs(slug):
    assert not is_slug(slug)


def test_slug_problem_names_the_rule_at_the_line():
    check = checker("stores:\n  - slug: Gu_Lou\n")
    assert check.slug(("stores", 0, "slug"), check.doc.data["stores"][0]["slug"], "store slug") is None
    assert where(check) == [(2, 5, 'store slug "Gu_Lou" is not valid: use lowercase ASCII letters, digits and '
                                   'single hyphens, 2 to 64 characters')]


def test_missing_slug():
    check = checker("stores:\n  - name: x\n")
    assert check.slug(("stores", 0, "slug"), None, "store slug") is None
    assert where(check) == [(2, 5, "store slug is missing")]


def test_a_slug_with_a_trailing_newline_is_refused():
    check = checker("slug: |\n  gulou\n")
    assert check.doc.data["slug"] == "gulou\n"
    assert check.slug(("slug",), check.doc.data["slug"]) is None
    assert not is_slug("gulou\n")


def test_slug_list_reports_each_bad_item_at_its_position():
    check = checker("categories: [oolong, Bad, gifts, x]\n")
    assert check.slug_list(("categories",), check.doc.data["categories"], "category") == ("oolong", "gifts")
    assert [(line, column) for line, column, _ in where(check)] == [(1, 22), (1, 34)]


# -- numbers, booleans, dates, prices ------------------------------------

@pytest.mark.parametrize("written", ["-1", ".nan", ".inf", "-.inf", "true"])
def test_bad_prices(written):
    check = checker(f"price: {written}\n")
    assert check.price(("price",), check.doc.data["price"]) is None
    assert len(check.problems) == 1 and check.problems[0].line == 1


@pytest.mark.parametrize("written, value", [("268", 268), ("0", 0), ("12.5", 12.5), ("询价", "询价"),
                                            ('"268"', "268")])
def test_good_prices(written, value):
    check = checker(f"price: {written}\n")
    assert check.price(("price",), check.doc.data["price"]) == value
    assert check.problems == []


def test_a_price_too_large_to_show_is_refused():
    check = checker("price: " + "9" * 400 + "\n")
    assert check.price(("price",), check.doc.data["price"]) is None
    assert [p.line for p in check.problems] == [1]


def test_integer_range_and_booleans():
    check = checker("since: 1700\nper_page: true\n")
    assert check.integer(("since",), check.doc.data["since"], 1800, 2100) is None
    assert check.integer(("per_page",), check.doc.data["per_page"], 1, 500) is None
    assert [p.message for p in check.problems] == ['"since" must be a whole number from 1800 to 2100',
                                                   '"per_page" must be a whole number from 1 to 500']


def test_date_must_be_a_date():
    check = checker("date: March\n")
    assert check.date(("date",), check.doc.data["date"]) is None
    assert where(check) == [(1, 1, '"date" must be a date written as YYYY-MM-DD')]


def test_boolean_must_be_true_or_false():
    check = checker("available: maybe\n")
    assert check.boolean(("available",), check.doc.data["available"], True) is True
    assert where(check) == [(1, 1, '"available" must be true or false')]


# -- URLs -----------------------------------------------------------------

@pytest.mark.parametrize("url", ["https://u.wechat.com/EXAMPLE", "http://shanye.example/a?b=1#c",
                                 "HTTPS://SHANYE.EXAMPLE/"])
def test_good_urls(url):
    assert url_problem(url, SCHEMES) is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>x</script>",
                                 "vbscript:msgbox(1)", "java\tscript:alert(1)", " javascript:alert(1)",
                                 "\x01javascript:alert(1)", "jav&#x09;ascript:alert(1)", "file:///etc/passwd",
                                 "//evil.example/x", "shanye.example", "https:/evil.example",
                                 "https:\\\\evil.example", "http://", "https://exa mple.com/"])
def test_bad_urls(url):
    assert url_problem(url, SCHEMES) is not None


def test_checker_url_reports_the_allowed_schemes_at_the_line():
    check = checker("contact:\n  url: javascript:alert(1)\n")
    assert check.url(("contact", "url"), check.doc.data["contact"]["url"], SCHEMES) is None
    assert where(check) == [(2, 3, 'link "javascript:alert(1)" must start with https:, http:')]


def test_checker_url_refuses_a_hidden_character():
    check = checker('url: "https://shanye.example/\\u200b"\n')
    assert check.url(("url",), check.doc.data["url"], SCHEMES) is None


def test_qr_text_with_the_site_schemes():
    check = checker("qr: weixin://dl/chat?abc\n")
    assert check.qr_text(("qr",), check.doc.data["qr"], ("weixin", "https")) == "weixin://dl/chat?abc"
    assert check.qr_text(("qr",), check.doc.data["qr"], SCHEMES) is None
    assert len(check.problems) == 1 and check.problems[0].message.startswith("QR text ")


def test_an_ascii_qr_text_up_to_capacity_and_not_a_byte_more():
    # Longer than a qr field may be (2,000 characters), but a merchant's qr_image can hold it.
    fits = "https://x.cn/" + "ab" * 1159
    assert len(fits.encode("utf-8")) == QR_CAPACITY == 2331
    assert qr_capacity_problem(fits) is None
    assert qr_capacity_problem(fits + "a") == f"is 2332 bytes long; a QR code holds at most {QR_CAPACITY}"


def test_a_qr_text_beyond_ascii_holds_a_byte_less_and_the_limit_is_in_bytes():
    # 3 bytes per Chinese character; the code also says its text is UTF-8, which takes the room of a byte.
    fits = "https://x.cn/" + "a" + "茶" * 772
    assert len(fits.encode("utf-8")) == QR_CAPACITY_UTF8 == 2330
    check = checker(f"a: {fits}\nb: {fits}a\n")
    assert check.qr_text(("a",), check.doc.data["a"], SCHEMES) == fits
    assert check.qr_text(("b",), check.doc.data["b"], SCHEMES) is None
    assert where(check) == [(2, 1, "QR text is 2331 bytes long (a Chinese character takes 3); a QR code holds "
                                   "at most 2330")]


# -- paths ----------------------------------------------------------------

@pytest.mark.parametrize("path", ["images/logo.png", "logo.png", "images/2024/a-b_c.jpg"])
def test_good_paths(path):
    assert path_problem(path) is None


@pytest.mark.parametrize("path, words", [
    ("images\\logo.png", "backslashes"),
    ("..\\..\\etc\\passwd", "backslashes"),
    ("../other-shop/logo.png", "inside"),
    ("images/../../other/logo.png", "inside"),
    ("..", "inside"),
    ("./logo.png", "inside"),
    ("images//logo.png", "inside"),
    ("images/", "inside"),
    ("/etc/passwd", "absolute"),
    ("C:/Users/me/logo.png", "absolute"),
    ("c:logo.png", "absolute"),
    ("file:///etc/passwd", "inside"),
])
def test_bad_paths(path, words):
    problem = path_problem(path)
    assert problem is not None and words in problem


def test_checker_path_must_name_an_existing_file_with_a_hint():
    check = checker("logo: images/logo.jpg\ncover: images/cover.jpg\n")
    files = frozenset({"images/logo.png", "images/cover.jpg"})
    assert check.path(("logo",), check.doc.data["logo"], files) is None
    assert check.path(("cover",), check.doc.data["cover"], files) == "images/cover.jpg"
    assert where(check) == [(1, 1, 'image "images/logo.jpg" does not exist in the shop folder '
                                   '(did you mean "images/logo.png"?)')]
    assert check.paths == [("images/cover.jpg", ("cover",))]


def test_checker_path_through_a_link_leading_out_is_refused():
    check = checker("logo: shared/logo.png\n")
    files = frozenset({"shared/logo.png"})
    assert check.path(("logo",), check.doc.data["logo"], files, escaping=frozenset({"shared"})) is None
    assert "symbolic link" in check.problems[0].message


def test_checker_path_javascript_is_not_a_file():
    check = checker("logo: javascript:alert(1)\n")
    assert check.path(("logo",), check.doc.data["logo"], frozenset({"images/logo.png"})) is None
    assert len(check.problems) == 1


def test_a_problem_is_one_line_even_when_it_quotes_a_line_break():
    from generator.problems import Problem

    problem = Problem("content/shops/a/shop.yaml", 3, 5, 'unknown key "a\nb"')
    assert str(problem) == 'content/shops/a/shop.yaml:3:5: unknown key "a\\nb"'
