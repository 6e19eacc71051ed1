"""Properties over random hostile input: loading, checking and rendering give Problems or inert HTML, never a crash.

- decode / parse_yaml / parse_markdown: any bytes, any YAML-ish text, any front matter.
- validation: random shop.yaml and product files in a real site, checked by build(root, None).
- rendering: random Markdown made of sanitiser-bypass fragments, through render_markdown; the HTML
  passes the same inertness check as every built page (tests/cases/test_security_cases.py).
- a few whole builds with hostile names and bodies: every output file passes the inertness check.
"""

from __future__ import annotations

import shutil
import string

import pytest
import yaml
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

from generator.build import build
from generator.markup import markdown_problem, plain_text, render_markdown
from generator.problems import Problem
from generator.sources import Doc, MarkdownSource, decode, parse_markdown, parse_yaml
from tests.cases.test_security_cases import BASE, html_problems, inertness_problems, theme_elements

QUICK = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
# Whole builds are slow: a few fixed (derandomized) examples, not shrunk.
BUILDS = settings(max_examples=4, deadline=None, database=None, derandomize=True,
                  phases=(Phase.explicit, Phase.generate), suppress_health_check=[HealthCheck.too_slow])

# -- strategies -----------------------------------------------------------------

YAML_TOKENS = ["\n", "\n", "  ", "    ", "- ", ": ", ":", "name", "tags", "contact", "qr", "stores", "slug", "[", "]",
               "{", "}", ", ", "&a ", "*a", "&b ", "*b", "<<: ", "!!python/object/apply:os.system ", "!x ", "!!binary ",
               "!!str ", "? ", "|\n", ">-\n", "'", '"', "\\", "\\u0000", "\\uFFFF", "\\ud800", "#", "---\n", "...\n",
               "%TAG ! tag:evil:\n", "%YAML 1.1\n", "\t", "2026-02-30", "2026-03-01", "0x1F", "0o17", "1e9999", ".nan",
               "-.inf", "~", "null", "yes", "No", "@", "`", "%", "\ufeff", "\u202e", "\u200b", "\u2028", "\x85", "\r",
               "\r\n", "茶", "Ｔｅａ", "e\u0301", "<script>", "{{ 7*7 }}", "{% x %}", "javascript:alert(1)",
               "https://u.wechat.com/x", "images/logo.png", "../", "/etc/passwd", "1" * 30]
yamlish = st.lists(st.one_of(st.sampled_from(YAML_TOKENS), st.text(max_size=4)), max_size=40).map("".join)

MD_TOKENS = ["\n", "\n\n", " ", "[", "]", "(", ")", "<", ">", "!", "*", "_", "`", "```\n", "    ", "> ", "- ", "1. ",
             "#", "|", "---", "\\", "&", ";", "#x6A;", "#106;", "colon;", "Tab;", "NewLine;", "&#0;", "&#1;",
             "&#x09;", "&#10;", "&#x3A;", "javascript", "JaVaScRiPt", "vbscript", "data", ":", "alert(1)", "//evil.example",
             "java\tscript", "java\nscript", "&#x0B;javascript", " javascript", "text/html,", "base64,PHN2Zz4=",
             "<a href=", "<a href='", '<a href="', "<img src=", "<img srcset=", " onerror=", " onclick=",
             " style=", " xlink:href=", " formaction=", "<script>", "</script>", "<style>", "<iframe", "<svg", "<math",
             "<object", "<embed", "<form", "<base", "<meta http-equiv=refresh content=", "<noscript>", "<template>",
             "<!--", "-->", "<![CDATA[", "]]>", "<details open ontoggle=", "<textarea>", "<title>", "<xmp>",
             "x", "https://ok.example/", "mailto:a@b.example", "tel:+86", "{{ 7*7 }}", "\u202e", "茶"]
markdownish = st.lists(st.one_of(st.sampled_from(MD_TOKENS), st.text(max_size=3)), max_size=60).map("".join)
link_target = st.lists(st.sampled_from(MD_TOKENS[17:50] + [" ", "\t", "\n", "&", "#"]), min_size=1, max_size=8).map("".join)
links = st.tuples(st.sampled_from(["[a](", "![a](", "[a]: ", '<a href="', "<a href='", "<a href=", '<img src="',
                                   '<img srcset="', "<"]),
                  link_target, st.sampled_from([")", '">x</a>', "'>x</a>", ">x</a>", '">', ">", "\n\n[a]\n"])).map("".join)

TEXT_VALUES = st.one_of(st.text(max_size=30), st.sampled_from(YAML_TOKENS), st.integers(), st.floats(allow_nan=True),
                        st.booleans(), st.none(), st.dates().map(str))
VALUE = st.recursive(TEXT_VALUES, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                     max_leaves=12)
SHOP_KEYS = ["name", "tagline", "categories", "city", "tags", "logo", "cover", "since", "contact", "description",
             "stores", "nmae", "contact"]
shop_data = st.dictionaries(st.sampled_from(SHOP_KEYS), VALUE, max_size=8)
PRODUCT_KEYS = ["name", "price", "currency", "images", "category", "tags", "available", "date", "draft", "prize"]
product_data = st.dictionaries(st.sampled_from(PRODUCT_KEYS), VALUE, max_size=8)


def assert_problems(problems, path: str | None = None) -> None:
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem), problem
        assert problem.line >= 1 and problem.column >= 1, problem
        assert "\n" not in problem.message, problem
        if path is not None:
            assert problem.path == path


# -- loading ------------------------------------------------------------------------


@QUICK
@given(st.one_of(st.binary(max_size=300),
                 st.tuples(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]), yamlish.map(str.encode),
                           st.binary(max_size=8), yamlish.map(str.encode)).map(b"".join)))
def test_decode_gives_text_or_problems(data):
    text, problems = decode("content/shops/x/shop.yaml", data)
    assert_problems(problems, "content/shops/x/shop.yaml")
    assert (text is None) == bool(problems)
    if text is not None:
        assert isinstance(text, str) and "\r\n" not in text
        bom = b"\xef\xbb\xbf"
        if data.startswith(bom) and not data[3:].startswith(bom):
            assert not text.startswith("\ufeff")  # one byte-order mark is accepted and dropped


@QUICK
@given(yamlish)
def test_parse_yaml_gives_a_doc_or_problems(text):
    decoded, problems = decode("shop.yaml", text.encode("utf-8", "surrogatepass"))
    assume(decoded is not None)
    doc, problems = parse_yaml("shop.yaml", decoded)
    assert_problems(problems, "shop.yaml")
    assert doc is not None or problems
    if doc is not None:
        assert isinstance(doc, Doc)
        for keypath, (line, column) in doc.marks.items():
            assert line >= 1 and column >= 1


@QUICK
@given(yamlish, markdownish, st.sampled_from(["---\n", "---\r\n", "--- \n", "\ufeff---\n", "-- -\n", ""]),
       st.sampled_from(["\n---\n", "\n...\n", "\n--- \n", "\n", ""]))
def test_parse_markdown_gives_a_source_or_problems(front, body, opening, closing):
    decoded, problems = decode("p.md", (opening + front + closing + body).encode("utf-8"))
    assume(decoded is not None)
    source, problems = parse_markdown("p.md", decoded)
    assert_problems(problems, "p.md")
    assert source is not None or problems
    if source is not None:
        assert isinstance(source, MarkdownSource) and isinstance(source.body, str) and source.body_line >= 2


# -- validation: random files in a real site ------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("properties") / "site"
    shutil.copytree(BASE, root)
    return root


def check_site(root, files: dict) -> list[Problem]:
    saved = {rel: (root / rel).read_bytes() for rel in files if (root / rel).is_file()}
    try:
        for rel, data in files.items():
            (root / rel).write_bytes(data)
        result = build(root, None)
    finally:
        for rel in files:
            (root / rel).unlink(missing_ok=True)
        for rel, data in saved.items():
            (root / rel).write_bytes(data)
    assert_problems(result.problems)
    return result.problems


@SLOW
@given(yamlish, yamlish)
def test_random_yaml_files_give_problems_never_an_exception(site, shop, front):
    check_site(site, {"content/shops/beta-kiln/shop.yaml": shop.encode("utf-8", "surrogatepass"),
                      "content/shops/alpha-tea/products/gift.md": ("---\n" + front + "\n---\nbody\n").encode(
                          "utf-8", "surrogatepass")})


@SLOW
@given(shop_data, product_data, markdownish)
def test_random_fields_give_problems_never_an_exception(site, shop, product, body):
    shop_yaml = yaml.safe_dump(shop, allow_unicode=True)
    front = yaml.safe_dump(product, allow_unicode=True)
    check_site(site, {"content/shops/beta-kiln/shop.yaml": shop_yaml.encode("utf-8", "surrogatepass"),
                      "content/shops/beta-kiln/products/cup.md": ("---\n" + front + "---\n" + body).encode(
                          "utf-8", "surrogatepass")})


# -- rendering ----------------------------------------------------------------------


rendered = st.lists(st.one_of(markdownish, links), min_size=1, max_size=6).map("".join)


@QUICK
@example(text="[y](java&#1;script:alert(1))")
@given(rendered)
def test_rendered_markdown_is_inert(text):
    html = render_markdown(text)
    assert isinstance(html, str)
    assert html_problems(html, "markdown", fragment=True) == [], (text, html)
    assert isinstance(plain_text(text), str)
    assert markdown_problem(text) is None


@QUICK
@example(text='<a href="javascript&#1;:alert(2)">z</a>')
@given(links)
def test_rendered_links_are_inert(text):
    html = render_markdown(text)
    assert html_problems(html, "markdown", fragment=True) == [], (text, html)


@QUICK
@given(rendered)
def test_rendered_markdown_is_inert_for_current_browsers(text):
    """The same, with URLs read exactly as current browsers read them (control characters inside a scheme
    make it a relative URL)."""
    html = render_markdown(text)
    assert html_problems(html, "markdown", fragment=True, strict=False) == [], (text, html)
    assert isinstance(plain_text(text), str)
    assert markdown_problem(text) is None


@QUICK
@given(links)
def test_rendered_links_are_inert_for_current_browsers(text):
    html = render_markdown(text)
    assert html_problems(html, "markdown", fragment=True, strict=False) == [], (text, html)


# -- whole builds with hostile text --------------------------------------------------

hostile_line = st.lists(st.sampled_from(["<script>alert(1)</script>", '"', "'", "<", ">", "&", "&amp;", "{{ 7*7 }}",
                                         "{% if 1 %}", "]]>", "</title>", "<!--", "javascript:", "\\", "\u2028",
                                         "茶", "Tea", " ", "onerror=", "</script>"]),
                        min_size=1, max_size=4).map("".join).map(str.strip).filter(lambda s: 0 < len(s) <= 60)


def hostile_site(tmp_path_factory, name: str, tagline: str, product: str, body: str):
    """The base site with hostile text in the shop's name and tagline, a product's name and its body."""
    root = tmp_path_factory.mktemp("hostile") / "site"
    shutil.copytree(BASE, root)

    def scalar(text: str) -> str:
        return yaml.safe_dump(text, allow_unicode=True, width=1000).split("\n...")[0].strip()

    shop = (root / "content/shops/alpha-tea/shop.yaml").read_text("utf-8")
    shop = shop.replace("name: Alpha Tea", "name: " + scalar(name))
    shop = shop.replace("tagline: Three generations of tea", "tagline: " + scalar(tagline))
    (root / "content/shops/alpha-tea/shop.yaml").write_text(shop, "utf-8")
    dhp = (root / "content/shops/alpha-tea/products/dhp.md").read_text("utf-8")
    dhp = dhp.replace("name: Da Hong Pao 250g", "name: " + scalar(product))
    dhp = dhp.replace("Roasted over charcoal.", body.replace("\n---", "\n- --"))
    (root / "content/shops/alpha-tea/products/dhp.md").write_text(dhp, "utf-8")
    return root


def assert_inert_build(root) -> None:
    out = root.parent / "out"
    result = build(root, out, cache_dir=root.parent / "cache")
    assert_problems(result.problems)
    if result.problems:  # some hostile text is refused with a message; then nothing is written
        assert not out.exists()
        return
    assert inertness_problems(out, theme_elements()) == []


@BUILDS
@given(hostile_line, hostile_line, hostile_line)
def test_whole_builds_with_hostile_names_are_inert(tmp_path_factory, name, tagline, product):
    assert_inert_build(hostile_site(tmp_path_factory, name, tagline, product, "Roasted over charcoal."))


@BUILDS
@example(body="x &#1; y")
@given(st.lists(st.one_of(markdownish, links), max_size=4).map("".join))
def test_whole_builds_with_hostile_markdown_are_inert(tmp_path_factory, body):
    assert_inert_build(hostile_site(tmp_path_factory, "Alpha Tea", "Tea", "Da Hong Pao", body))


def test_the_strategies_reach_the_interesting_places():
    """The token lists hold what the properties are about (a guard against a refactor emptying them)."""
    assert {"&a ", "*a", "!!python/object/apply:os.system ", "\t", "\\uFFFF"} <= set(YAML_TOKENS)
    assert {"javascript", "<script>", " onerror=", "<iframe", "&#x09;"} <= set(MD_TOKENS)
    assert all(ch in string.printable for ch in "[]()<>")
