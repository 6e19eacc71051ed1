"""generator/markup.py: merchant Markdown rendered, then cleaned so that it cannot run script."""

from __future__ import annotations

import json
import os
import re
import time
from html.parser import HTMLParser

import pytest

from generator import markup
from generator.markup import plain_text, render_markdown

ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "background",
                  "data", "cite", "longdesc", "lowsrc", "dynsrc", "ping"}
NEVER_TAGS = {"script", "style", "iframe", "frame", "frameset", "object", "embed", "svg", "math", "form", "input",
              "button", "textarea", "select", "base", "meta", "link", "video", "audio", "source", "details",
              "template", "noscript", "applet", "marquee", "h1"}


class Elements(HTMLParser):
    """Every start tag of a fragment with its attributes, entity references already decoded."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def browser_scheme(url: str) -> str | None:
    """The scheme a browser would see (WHATWG URL parsing): controls and spaces trimmed, tabs and newlines dropped."""
    url = url.strip("".join(chr(c) for c in range(0x21)))
    url = re.sub(r"[\t\n\r]", "", url)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    return match.group(1).lower() if match else None


def assert_safe(html: str) -> list[tuple[str, dict]]:
    elements = Elements(html).tags
    for tag, attrs in elements:
        assert tag not in NEVER_TAGS, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name != "style", html
            if name in URL_ATTRIBUTES:
                for part in (value.split(",") if name == "srcset" else [value]):
                    scheme = browser_scheme(part)
                    assert scheme is None or scheme in ALLOWED_SCHEMES, (name, value, html)
    return elements


# -- rendering ------------------------------------------------------------

def test_markdown_is_rendered():
    html = render_markdown("正岩产区,**传统**炭焙。\n\n- 一\n- 二\n\n[店铺](https://shanye.example/)")
    elements = assert_safe(html)
    assert [tag for tag, _ in elements] == ["p", "strong", "ul", "li", "li", "p", "a"]
    assert ("a", {"href": "https://shanye.example/", "rel": "nofollow ugc noopener"}) in elements


def test_empty_markdown_is_empty():
    assert render_markdown("") == ""
    assert render_markdown("  \n\n ") == ""


def test_headings_are_shifted_down_one_level():
    html = render_markdown("# 一\n\n## 二\n\n### 三\n\n##### 五")
    assert [tag for tag, _ in Elements(html).tags] == ["h2", "h3", "h4", "h6"]


def test_raw_h1_becomes_h2():
    assert [tag for tag, _ in Elements(render_markdown("<h1>raw</h1>")).tags] == ["h2"]


def test_tables_render():
    html = render_markdown("| a | b |\n|:-:|---|\n| 1 | 2 |\n")
    tags = [tag for tag, _ in assert_safe(html)]
    assert "table" in tags and tags.count("td") == 2


def test_merchant_text_is_shown_literally_in_code():
    html = render_markdown("`<script>alert(1)</script>`")
    assert "&lt;script&gt;" in html
    assert [tag for tag, _ in Elements(html).tags] == ["p", "code"]


# -- sanitising -----------------------------------------------------------

@pytest.mark.parametrize("source, kept_text", [
    ("<script>alert(1)</script>你好", "你好"),
    ("<style>body{display:none}</style>你好", "你好"),
    ('<iframe src="https://evil.example/"></iframe>你好', "你好"),
    ('<object data="x.swf"></object>你好', "你好"),
    ('<svg onload="alert(1)"></svg>你好', "你好"),
    ('<form action="https://evil.example/"><input name="p"></form>你好', "你好"),
    ('<base href="https://evil.example/">你好', "你好"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">你好', "你好"),
])
def test_dangerous_elements_are_removed(source, kept_text):
    html = render_markdown(source)
    assert_safe(html)
    assert "alert" not in html and "evil.example" not in html
    assert kept_text in html


@pytest.mark.parametrize("source", [
    '<img src="x.jpg" onerror="alert(1)">',
    '<a href="https://ok.example/" onclick="alert(1)" onmouseover="alert(2)">ok</a>',
    '<p style="position:fixed;top:0">x</p>',
    '<table><tr><td align="center" onmouseover="alert(1)" style="x">a</td></tr></table>',
    '<details open ontoggle="alert(1)">x</details>',
])
def test_event_handlers_and_style_attributes_are_removed(source):
    html = render_markdown(source)
    assert_safe(html)
    assert "alert" not in html


BAD_LINKS = [
    "[a](javascript:alert(1))",
    "[a](JaVaScRiPt:alert(1))",
    "[a](jav&#x09;ascript:alert(1))",
    "[a](jav&#9;ascript:alert(1))",
    "[a](&#x6A;avascript:alert(1))",
    "[a](javascript&#58;alert(1))",
    "[a](<javascript:alert(1)>)",
    "[a]: javascript:alert(1)\n\n[b][a]",
    "<javascript:alert(1)>",
    "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![i](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[a](vbscript:msgbox(1))",
    "[a](VBScript:msgbox(1))",
    '<a href="jav&#x09;ascript:alert(1)">a</a>',
    '<a href="jav&#x0A;ascript:alert(1)">a</a>',
    '<a href="jav&#x0D;ascript:alert(1)">a</a>',
    '<a href=" &#14;  javascript:alert(1)">a</a>',
    '<a href="&#106;&#97;vascript:alert(1)">a</a>',
    '<a href="javascript&colon;alert(1)">a</a>',
    '<a href="jAvAsCrIpT&NewLine;:alert(1)">a</a>',
    '<A HREF="VBScript:msgbox(1)">a</A>',
    '<img src="javascript:alert(1)">',
    '<img src="  JAVASCRIPT:alert(1)">',
    '<img src="DATA:image/svg+xml,<svg onload=alert(1)>">',
    '<img src="x.jpg" srcset="javascript:alert(1) 1x">',
    '<a href="livescript:alert(1)">a</a>',
    '<a href="file:///etc/passwd">a</a>',
]


@pytest.mark.parametrize("source", BAD_LINKS)
def test_links_and_images_with_a_bad_scheme_lose_their_url(source):
    html = render_markdown(source)
    assert_safe(html)


@pytest.mark.parametrize("source, attribute, url", [
    ("[a](https://ok.example/x?y=1)", "href", "https://ok.example/x?y=1"),
    ("[a](http://ok.example/)", "href", "http://ok.example/"),
    ("[a](mailto:hi@shanye.example)", "href", "mailto:hi@shanye.example"),
    ("[a](tel:+865910000000)", "href", "tel:+865910000000"),
    ("[a](../about/)", "href", "../about/"),
    ("<https://ok.example/>", "href", "https://ok.example/"),
    ("![图](https://ok.example/a.jpg)", "src", "https://ok.example/a.jpg"),
])
def test_allowed_links_are_kept(source, attribute, url):
    elements = assert_safe(render_markdown(source))
    assert any(attrs.get(attribute) == url for _, attrs in elements)


def test_links_get_a_rel_that_stops_ranking_and_opener_access():
    (_, attrs), = [(t, a) for t, a in Elements(render_markdown("[a](https://ok.example/)")).tags if t == "a"]
    assert set(attrs["rel"].split()) >= {"nofollow", "ugc", "noopener"}


def test_comments_are_removed():
    assert "secret" not in render_markdown("<!-- secret -->x")


# -- plain text -----------------------------------------------------------

def test_plain_text_summary_has_no_markup_and_decoded_entities():
    text = plain_text("# 标题\n\n一些 **粗体** & <b>x</b> 文字 &amp; 更多。\n\n- 甲\n- 乙")
    assert text == "标题 一些 粗体 & x 文字 & 更多。 甲 乙"


def test_plain_text_drops_scripts():
    assert plain_text("<script>alert(1)</script>你好") == "你好"


def test_plain_text_is_cut_at_the_limit_with_an_ellipsis():
    text = plain_text("茶 " * 200, limit=20)
    assert len(text) <= 20
    assert text.endswith("…")
    assert text.startswith("茶 茶")


def test_plain_text_short_text_is_not_cut():
    assert plain_text("短文", limit=20) == "短文"
    assert plain_text("") == ""


@pytest.mark.parametrize("html", ['<a href="jav&#x09;ascript:alert(1)">a</a>', '<a href=" JAVASCRIPT:x">a</a>',
                                  '<img src="data:image/png;base64,xx">', '<img srcset="a.jpg 1x, vbscript:x 2x">',
                                  '<p onclick="x">a</p>', '<p style="x">a</p>', "<script></script>"])
def test_the_safety_check_used_above_does_catch_unsanitised_html(html):
    with pytest.raises(AssertionError):
        assert_safe(html)


def test_the_render_time_limit_counts_cpu_time_not_a_busy_machine():
    """A text is too slow when rendering it burns the CPU, not when the process waits: a loaded machine
    or a pause elsewhere must not turn an ordinary product into a problem."""
    started = time.process_time()
    with markup._time_limit(0.2):
        time.sleep(0.5)  # wall time passes, CPU time does not
    assert time.process_time() - started < 0.2
    with pytest.raises(markup.MarkdownTooSlow):
        with markup._time_limit(0.2):
            while True:
                pass


def test_plain_words_are_kept_for_a_bounded_number_of_texts():
    """A render worker asks for the words of every product it renders: they are not all held at once."""
    with markup.kept_in(None) as markdown:
        for n in range(markup.WORDS_KEPT + 10):
            assert markdown.plain_text(f"Text number **{n}**.") == f"Text number {n}."
        assert 0 < len(markdown.words) <= markup.WORDS_KEPT


def _summaries_in_a_forked_process(markdown, texts: list[str], limits: tuple[int, ...]) -> list[str]:
    """The HTML and plain_text in a forked process that can make neither: they must come from the cache."""
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(reader)
            markup._plain_words = markup.render_fresh = None  # any call fails: from the cache or not at all
            found = [markdown.render(text) for text in texts]
            found += [markdown.plain_text(text, limit) for text in texts for limit in limits]
            os.write(writer, json.dumps(found).encode("utf-8"))
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as handle:
        said = handle.read()
    os.waitpid(child, 0)
    return json.loads(said) if said else ["the forked process failed"]


def test_html_and_summaries_from_the_cache_are_those_made_from_the_text(tmp_path):
    texts = ["**岩茶**：大红袍，" + "岩韵明显，七泡有余香。" * 400,  # words far longer than the cache keeps
             "Short *tea* note with a [link](https://example.org) and `code`.",
             "# Title\n\n" + "word " * 399 + "end"]  # about 2,000 characters of words
    limits = (160, 300, 1999, 2000)
    with markup.kept_in(None) as markdown:
        expected = [markdown.render(text) for text in texts]
        expected += [markdown.plain_text(text, limit) for text in texts for limit in limits]
    assert len(markup.plain_text(texts[0], 2000)) == 2000
    with markup.kept_in(tmp_path) as markdown:  # a first build renders the texts and writes them to the cache
        for text in texts:
            markdown.render(text)
        markdown.flush()
        assert all(found is markup.IN_CACHE for found in markdown.rendered.values())  # no HTML held in memory
        assert _summaries_in_a_forked_process(markdown, texts, limits) == expected
    with markup.kept_in(tmp_path) as markdown:  # a later build finds them there
        assert markdown.not_rendered(texts) == []
        assert _summaries_in_a_forked_process(markdown, texts, limits) == expected
        assert [markdown.plain_text(text, limit) for text in texts for limit in limits] == expected[len(texts):]


def test_a_views_stand_ins_are_filled_with_the_html_and_summaries_they_stand_for():
    markdown = markup.Markdown()
    card = {"summary": markdown.summary_later("**粗体**和*斜体*的一段话", 5)}
    view = {"body": markdown.html_later("# 标题\n\n正文"), "cards": [card, card], "pair": (1, markdown.html_later("x")),
            "data": {"name": "n", "description": markdown.summary_later("![](a.png)", 300, absent_if_empty=True),
                     "kept": markdown.summary_later("有字", 300, absent_if_empty=True)},
            "empty": markdown.html_later("  "), "none": markdown.summary_later(""), "number": 3}
    done = markdown.filled(view)
    summary = plain_text("**粗体**和*斜体*的一段话", 5)
    assert done == {"body": render_markdown("# 标题\n\n正文"), "cards": [{"summary": summary}] * 2,
                    "pair": (1, render_markdown("x")), "data": {"name": "n", "kept": "有字"},
                    "empty": "", "none": "", "number": 3}
    assert summary == "粗体和斜…" and "<h2>标题</h2>" in done["body"]
    assert markdown.filled(done) is done  # nothing left to fill: nothing copied
    assert card["summary"] != summary and view["body"] != done["body"]  # cards shared by later views stay as made


def test_the_cache_gives_the_same_answers_looking_keys_up_or_reading_them_all(tmp_path, monkeypatch):
    """An edit's few texts are looked up in the cache; past Store.ASKED keys every key is read at once.
    Tidying counts the texts when no key was read, and removes those no build used."""
    texts = [f"text {n} with *words*" for n in range(12)]
    with markup.kept_in(tmp_path) as markdown:
        for text in texts[:8]:
            markdown.render(text)
    answers = []
    for asked in (1000, 3):
        monkeypatch.setattr(markup.Store, "ASKED", asked)
        with markup.kept_in(tmp_path) as markdown:
            answers.append([markdown.not_rendered(texts[n:n + 2]) for n in range(0, 12, 2)])
            assert (markdown.store.keys is None) == (asked == 1000)
    assert answers[0] == answers[1] == [[], [], [], [], texts[8:10], texts[10:12]]
    monkeypatch.setattr(markup.Store, "ASKED", 1000)
    with markup.kept_in(tmp_path) as markdown:
        assert markdown.tidy(lambda: set(texts[:2]), limit=8) == 0  # no more than the limit: nothing removed
        assert markdown.tidy(lambda: set(texts[:2]), limit=4) == 6
    with markup.kept_in(tmp_path) as markdown:
        assert markdown.not_rendered(texts[:8]) == texts[2:8]
