"""Merchant Markdown to safe HTML: rendered by Python-Markdown, then cleaned by an allowlist sanitiser."""

from __future__ import annotations

import collections
import contextlib
import hashlib
import html as html_lib
import json
import os
import re
import signal
import sqlite3
import threading
from pathlib import Path
from typing import Callable

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
TIME_LIMIT = 1.0  # seconds of CPU to render one Markdown text; some inputs make the parser quadratic


class MarkdownTooSlow(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the Python code inside after `seconds` of this process's CPU time (main thread on
    POSIX; elsewhere no limit). CPU time, not wall time: a busy machine does not make a text too slow."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise MarkdownTooSlow()

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def markdown_problem(text: str, markdown: Markdown | None = None) -> str | None:
    """Why a Markdown text cannot be published, or None. Rendered once by the build's `markdown`, which
    keeps the result."""
    if len(text) > MAX_CHARACTERS:
        return f"the Markdown text is {len(text):,} characters long; at most {MAX_CHARACTERS:,} are allowed"
    if text and not text.isspace() and (markdown or Markdown())._rendering(text) is None:
        return (f"the Markdown text takes more than {TIME_LIMIT:g} s to render; look for long runs of "
                "unclosed brackets such as [ or [text]( and remove them")
    return None


# Characters XML 1.0 does not allow (C0 controls but tab and newline, DEL, C1 controls, noncharacters):
# never published, so every feed and sitemap stays well-formed.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_SQUASH = re.compile("[\x00-\x20\x7f-\x9f]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


def _safe_url(element: str, attribute: str, value: str) -> str | None:
    """Drop a link or image address with a control character, or whose scheme, read the way the most
    lenient browser reads it (whitespace and controls removed, any case), is not allowed."""
    if attribute not in ("href", "src"):
        return value
    if NOT_XML.search(value):
        return None
    scheme = _SCHEME.match(_SQUASH.sub("", value).lower())
    return None if scheme and scheme.group(1) not in URL_SCHEMES else value


def sanitise(html: str) -> str:
    """Keep only harmless markup: no script, style, frames, forms, event handlers or style attributes."""
    clean = nh3.clean(html, tags=set(TAGS), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
                      url_schemes=set(URL_SCHEMES), link_rel="nofollow ugc noopener", strip_comments=True,
                      attribute_filter=_safe_url)
    return NOT_XML.sub("", clean)


_HEADING = re.compile(r"<(/?)h([1-6])\b")


def _headings_below_the_page_title(html: str) -> str:
    """The page owns <h1>: the text's highest heading becomes <h2>, the rest keep their steps below it."""
    levels = [int(level) for _, level in _HEADING.findall(html)]
    if not levels:
        return html
    shift = 2 - min(levels)
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", html)


# Everything the HTML of a text depends on besides the text: part of every cache key.
SETTINGS_KEY = json.dumps(["v3", markdown.__version__, getattr(nh3, "__version__", ""), sorted(TAGS),
                           {k: sorted(v) for k, v in sorted(ATTRIBUTES.items())}, sorted(URL_SCHEMES)])


class Store:
    """Rendered Markdown kept between builds, by a hash of the text and SETTINGS_KEY (safe to delete):
    its HTML, and the start of its plain words (WORDS_STORED characters), for summaries.

    New renderings are written as they come, a few hundred at a time, and all of them by flush().
    From then on a build holds no text's HTML or words in memory (at 10,000 shops they were a third
    of it): each process that makes pages reads them through a connection of its own (Markdown._stored).
    """

    FLUSH_EVERY = 500

    def __init__(self, path: Path, written: Callable[[list[tuple[str, str, str]]], None]):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.written = written  # told the (text, HTML, words) written by each flush
        self.db = sqlite3.connect(path, timeout=30)
        self.db.execute("DROP TABLE IF EXISTS html")  # the earlier form, without the words
        self.db.execute("CREATE TABLE IF NOT EXISTS texts (key TEXT PRIMARY KEY, html BLOB NOT NULL, words BLOB NOT NULL)")
        self.db.commit()
        self.new: list[tuple[str, str, str]] = []  # (text, HTML, words) not yet written
        self.keys: set[str] | None = None  # every key in the cache, read once enough are asked for (held)
        self.asked = 0

    _SETTINGS = hashlib.sha256(f"{SETTINGS_KEY}\0".encode("utf-8"))  # hashed once, copied for each text

    @classmethod
    def key(cls, text: str) -> str:
        digest = cls._SETTINGS.copy()
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    ASKED = 2000  # keys looked up one query at a time before every key is read

    def held(self, keys: list[str]) -> set[str]:
        """Those of these keys that the cache holds. An edit's few texts are looked up; past ASKED keys
        the cache's keys are read once, in one query (a query for each shop's texts took 0.5 s at 10,000
        shops, reading every key 0.07 s: the one cost of an edit's Markdown in serve)."""
        if self.keys is None:
            self.asked += len(keys)
            if self.asked <= self.ASKED:
                found: set[str] = set()
                for start in range(0, len(keys), 500):
                    part = keys[start:start + 500]
                    found.update(key for key, in self.db.execute(
                        f"SELECT key FROM texts WHERE key IN ({','.join('?' * len(part))})", part))
                return found
        return self.every_key().intersection(keys)

    def every_key(self) -> set[str]:
        if self.keys is None:
            self.keys = {key for key, in self.db.execute("SELECT key FROM texts")}
        return self.keys

    def count(self) -> int:
        if self.keys is None:
            return self.db.execute("SELECT count(*) FROM texts").fetchone()[0]
        return len(self.keys)

    def put(self, key: str, text: str, html: str, words: str) -> None:
        self.new.append((key, text, html, words[:WORDS_STORED]))
        if len(self.new) >= self.FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        # given as UTF-8 bytes: handing SQLite the strings would leave a UTF-8 copy inside each for as
        # long as it lives (CPython caches the encoding in the string)
        rows = [(key, html.encode("utf-8", "surrogatepass"), words.encode("utf-8", "surrogatepass"))
                for key, _, html, words in self.new]
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?)", rows)
        if self.keys is not None:
            self.keys.update(row[0] for row in rows)
        new, self.new = self.new, []
        self.written([(text, html, words) for _, text, html, words in new])

    def close(self) -> None:
        self.flush()
        self.db.close()


def _open_store(path: Path, written) -> Store | None:
    """The cache, or None when it cannot be opened (that only costs time). A file that is not a database
    (damaged) is replaced by a new one."""
    try:
        return Store(path, written)
    except sqlite3.OperationalError:  # locked, unreadable, no room
        return None
    except sqlite3.DatabaseError:
        try:
            path.unlink(missing_ok=True)
            return Store(path, written)
        except (OSError, sqlite3.Error):
            return None
    except (OSError, sqlite3.Error):
        return None


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "surrogatepass") if isinstance(value, bytes) else value


WORDS_STORED = 2001  # plain words kept with each text: enough for any summary (plain_text's limit is below)
IN_CACHE = True  # in Markdown.rendered: the text's HTML is in the cache, which is where it is read from
WORDS_KEPT = 2048  # plain texts kept at once: a page asks for its own text's words twice, a list its items' once

# A view names its Markdown by stand-ins, filled in only when its page is rendered: a page whose view
# is unchanged is never rendered, so its HTML and words need not be read from the cache at all. A
# stand-in holds the text's key (a hash of the text and SETTINGS_KEY, and how long a summary), so the
# view's hash covers what the HTML is made from and how, without hashing the text again on every page
# that shows it (a product page's view named its text three times: two thirds of the bytes hashed).
_LATER = "\0shopdir: Markdown rendered when the page is"
_NESTED = {dict, list, tuple}
_NOTHING = object()  # what an empty summary made with absent_if_empty fills in: its key is left out


class Markdown:
    """The Markdown of one build: each text rendered once (render), its plain words for summaries
    (plain_text), stand-ins for views (html_later, summary_later, filled); with a cache folder, the
    renderings also kept there between builds. The build makes one (kept_in) and hands it to the
    stages that show Markdown; the processes it forks use their copy, reading the cache through a
    connection of their own (SQLite forbids sharing one) and never writing to it.
    """

    def __init__(self, cache_dir: Path | None = None):
        self.pid = os.getpid()
        self.store = _open_store(cache_dir / "markdown.sqlite", self._written) if cache_dir is not None else None
        self.store_path = self.store.path if self.store is not None else None
        self.reader: tuple[int, sqlite3.Connection] | None = None  # this process's own connection
        # Every text rendered during this build: its HTML (IN_CACHE once written to the cache), or None
        # when it takes too long to render; and its plain words, for summaries.
        self.rendered: dict[str, str | bool | None] = {}
        self.words: dict[str, str] = {}
        # Each text's key (Store.key), worked out once: the cache is asked by key, and views name their
        # Markdown by it (see html_later). Both ways, for the build's texts (the model's own strings).
        self.keys: dict[str, str] = {}
        self.texts: dict[str, str] = {}

    def _own_store(self) -> Store | None:
        """The cache to write to: only the process that opened it writes (a forked one renders what the
        build has not without the cache)."""
        return self.store if self.pid == os.getpid() else None

    def _written(self, done: list[tuple[str, str, str]]) -> None:
        for text, html, _ in done:
            if self.rendered.get(text) is html:
                self.rendered[text] = IN_CACHE  # written: read from there when asked, not held

    def close(self) -> None:
        self.rendered.clear()
        self.words.clear()
        self.keys.clear()
        self.texts.clear()
        store, self.store, self.store_path = self._own_store(), None, None
        if self.reader is not None:
            if self.reader[0] == os.getpid():
                self.reader[1].close()
            self.reader = None
        if store is not None:
            try:
                store.close()
            except sqlite3.Error:
                pass

    def text_key(self, text: str) -> str:
        key = self.keys.get(text)
        if key is None:
            key = self.keys[text] = Store.key(text)
            self.texts[key] = text
        return key

    def _stored(self, column: str, text: str) -> str | None:
        """A text's HTML or the start of its plain words, from the cache (read-only, by a connection of
        this process's own: forked processes never use the parent's)."""
        if self.store_path is None:
            return None
        try:
            if self.reader is None or self.reader[0] != os.getpid():
                self.reader = (os.getpid(), sqlite3.connect(f"file:{self.store_path}?mode=ro", uri=True, timeout=30))
            row = self.reader[1].execute(f"SELECT {column} FROM texts WHERE key = ?",
                                         (self.text_key(text),)).fetchone()
        except sqlite3.Error:
            return None
        return _text(row[0]) if row else None

    def flush(self) -> None:
        """Write every rendering made so far to the cache, where forked processes can read its plain words."""
        store = self._own_store()
        if store is not None:
            try:
                store.flush()
            except sqlite3.Error:
                pass

    def tidy(self, texts: Callable[[], set[str]], limit: int) -> int:
        """Remove the renderings of texts not among texts() (the build's), when the cache holds more than
        `limit` texts; the number removed. The file does not shrink, but its free pages are used again."""
        store = self._own_store()
        try:
            if store is None or store.count() <= limit:
                return 0
            every = store.every_key()
        except sqlite3.Error:
            return 0
        used = {self.text_key(text) for text in texts()}
        stale = [key for key in every if key not in used]
        try:
            with store.db:
                store.db.executemany("DELETE FROM texts WHERE key = ?", ((key,) for key in stale))
        except sqlite3.Error:
            return 0
        store.keys.difference_update(stale)
        return len(stale)

    def not_rendered(self, texts) -> list[str]:
        """The distinct texts among these that neither this build nor the cache has rendered yet."""
        asked = [text for text in dict.fromkeys(texts) if text and not text.isspace() and text not in self.rendered]
        store = self._own_store()
        if asked and store is not None:
            held = store.held([self.text_key(text) for text in asked])
            self.rendered.update(dict.fromkeys((text for text in asked if self.keys[text] in held), IN_CACHE))
        return [text for text in asked if text not in self.rendered]

    def keep(self, text: str, html: str | None, words: str | None = None) -> None:
        """Record a text's rendering made elsewhere (by render_fresh in another process), and its plain
        words (the start of them will do) when they were made there too."""
        self.rendered[text] = html
        store = self._own_store()
        if html is not None and store is not None:
            store.put(self.text_key(text), text, html, _plain_words(html) if words is None else words)

    def _rendering(self, text: str) -> str | bool | None:
        """What this build has of a text: its HTML, IN_CACHE, or None (too slow); rendered now if need be."""
        if text not in self.rendered and self.not_rendered([text]):  # neither this build nor the cache has it
            self.keep(text, render_fresh(text))
        return self.rendered[text]

    def render(self, text: str) -> str:
        """Markdown to sanitised HTML. Headings are shifted down one level: the page owns <h1>."""
        if not text or text.isspace():
            return ""
        html = self._rendering(text)
        if html is IN_CACHE:
            html = self._stored("html", text)
            if html is None:  # the cache is gone (deleted while building): made again
                html = render_fresh(text)
        if html is None:
            raise MarkdownTooSlow()
        return html

    def plain_text(self, text: str, limit: int = 160, keep: bool = True) -> str:
        """A short plain-text summary of Markdown, for meta descriptions and cards.

        With keep=False the words are not kept for the next call (one use of a large directory's texts).
        The limit is below WORDS_STORED: the cache keeps that many characters of each text's words.
        """
        assert limit < WORDS_STORED
        words = self.words.get(text)
        if words is None:
            words = self._stored("words", text) if text else None
            if words is None:
                words = _plain_words(self.render(text))
            if keep:
                if len(self.words) >= WORDS_KEPT:  # a large directory's texts are not all held: begin again
                    self.words.clear()
                self.words[text] = words
        return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"

    def html_later(self, text: str) -> tuple | str:
        """render(text), once the view is filled()."""
        return (_LATER, self.text_key(text)) if text and not text.isspace() else ""

    def summary_later(self, text: str, limit: int = 160, *, absent_if_empty: bool = False) -> tuple | str:
        """plain_text(text, limit), once the view is filled(). With absent_if_empty, a summary that comes
        out empty takes its key out of the dict that holds it (for data that has no empty fields; in a
        list it is left as "")."""
        assert limit < WORDS_STORED
        return (_LATER, self.text_key(text), limit, absent_if_empty) if text and not text.isspace() else ""

    def filled(self, value):
        """A view with its stand-ins replaced by the HTML and summaries they stand for. Containers are
        copied where something in them changes, never changed: views share cards that later views use
        again."""
        kind = type(value)
        if kind is tuple and value and value[0] == _LATER:
            text = self.texts[value[1]]
            if len(value) == 2:
                return self.render(text)
            summary = self.plain_text(text, value[2])
            return _NOTHING if value[3] and not summary else summary
        if kind is dict:
            new = None
            for key, item in value.items():
                if type(item) in _NESTED:  # leaves (most of a view) are passed over without a call
                    done = self.filled(item)
                    if done is not item:
                        new = dict(value) if new is None else new
                        if done is _NOTHING:
                            del new[key]
                        else:
                            new[key] = done
            return value if new is None else new
        if kind is list or kind is tuple:
            changed = None
            for index, item in enumerate(value):
                if type(item) in _NESTED:
                    done = self.filled(item)
                    if done is not item:
                        changed = list(value) if changed is None else changed
                        changed[index] = "" if done is _NOTHING else done
            if changed is None:
                return value
            return changed if kind is list else tuple(changed)
        return value


@contextlib.contextmanager
def kept_in(cache_dir: Path | None):
    """A build's Markdown (see Markdown): with a cache_dir, also read from and added to its cache."""
    kept = Markdown(cache_dir)
    try:
        yield kept
    finally:
        kept.close()


def text_key(text: str) -> str:
    """The key of a text's rendering (Store.key)."""
    return Store.key(text)


_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_ATTRIBUTE = re.compile(r"\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=")


def sanitised_away(text: str) -> list[str]:
    """What the sanitiser takes out of a text's HTML, as '<tag>' and 'attribute' names (sorted, once each):
    raw HTML a merchant wrote that the site will not show. Added link attributes (rel) are not counted."""
    _markdown.reset()
    try:
        with _time_limit(TIME_LIMIT):
            html = _headings_below_the_page_title(_markdown.convert(text))
    except MarkdownTooSlow:
        return []

    def parts(markup: str) -> collections.Counter:
        found = collections.Counter()
        for name, rest in _TAG.findall(markup):
            found[f"<{name.lower()}>"] += 1
            found.update(attribute.lower() for attribute in _ATTRIBUTE.findall(" " + rest)
                         if attribute.lower() != "rel")
        return found

    return sorted(parts(html) - parts(sanitise(html)))


def render_fresh(text: str) -> str | None:
    """The HTML of a text, computed now (no cache); None when it takes more than TIME_LIMIT."""
    _markdown.reset()
    try:
        with _time_limit(TIME_LIMIT):
            html = _markdown.convert(text)
    except MarkdownTooSlow:
        return None
    return sanitise(_headings_below_the_page_title(html))


def render_fresh_with_words(text: str) -> tuple[str | None, str | None]:
    """render_fresh, and the start of the plain words of the HTML (both made where the work is spread)."""
    html = render_fresh(text)
    return html, None if html is None else _plain_words(html)[:WORDS_STORED]


def _plain_words(html: str) -> str:
    words = nh3.clean(html, tags=set()).replace("\n", " ")
    return NOT_XML.sub("", html_lib.unescape(" ".join(words.split())))


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML, with no cache (see Markdown.render)."""
    return Markdown().render(text)


def plain_text(text: str, limit: int = 160) -> str:
    """A short plain-text summary of Markdown, with no cache (see Markdown.plain_text)."""
    return Markdown().plain_text(text, limit)
