"""Merchant Markdown to safe HTML: rendered by Python-Markdown, then cleaned by an allowlist sanitiser."""

from __future__ import annotations

import contextlib
import functools
import html as html_lib
import signal
import threading

import markdown
import nh3

# Exactly the schemes the content contract allows; relative URLs are always allowed.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
TAGS = frozenset({"p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "ins", "sub", "sup", "small",
                  "mark", "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
                  "h2", "h3", "h4", "h5", "h6", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
                  "abbr", "q", "cite"})
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
              "abbr": {"title"}, "td": {"align"}, "th": {"align"}, "ol": {"start"}}

_markdown = markdown.Markdown(extensions=["sane_lists", "tables"], output_format="html")

MAX_CHARACTERS = 50_000  # of one Markdown text
TIME_LIMIT = 1.0  # seconds to render one Markdown text; some inputs make the parser quadratic


class MarkdownTooSlow(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the Python code inside after `seconds` (main thread on POSIX; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise MarkdownTooSlow()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def markdown_problem(text: str) -> str | None:
    """Why a Markdown text cannot be published, or None. Renders it once; the result is kept."""
    if len(text) > MAX_CHARACTERS:
        return f"the Markdown text is {len(text):,} characters long; at most {MAX_CHARACTERS:,} are allowed"
    try:
        render_markdown(text)
    except MarkdownTooSlow:
        return (f"the Markdown text takes more than {TIME_LIMIT:g} s to render; look for long runs of "
                "unclosed brackets such as [ or [text]( and remove them")
    return None


def sanitise(html: str) -> str:
    """Keep only harmless markup: no script, style, frames, forms, event handlers or style attributes."""
    return nh3.clean(html, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), link_rel="nofollow ugc noopener", strip_comments=True)


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML. Headings are shifted down one level: the page owns <h1>."""
    if not text or not text.strip():
        return ""
    _markdown.reset()
    with _time_limit(TIME_LIMIT):
        html = _markdown.convert(text)
    for level in (5, 4, 3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    return sanitise(html)


def plain_text(text: str, limit: int = 160) -> str:
    """A short plain-text summary of Markdown, for meta descriptions and cards."""
    html = render_markdown(text)
    words = nh3.clean(html, tags=set()).replace("\n", " ")
    words = " ".join(words.split())
    words = html_lib.unescape(words)
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
