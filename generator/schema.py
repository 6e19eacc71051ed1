"""Field checks shared by every file: each reads one value of a Doc and reports at its key's line."""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any, Iterable
from urllib.parse import urlsplit

from generator.markup import MAX_CHARACTERS, Markdown, markdown_problem
from generator.problems import Problem, closest
from generator.sources import Doc, KeyPath

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A GitHub login: 1 to 39 ASCII letters, digits and single hyphens, not starting or ending with a hyphen.
LOGIN = re.compile(r"^(?=.{1,39}$)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")
SLUG_RULE = "lowercase ASCII letters, digits and single hyphens, 2 to 64 characters"
# Characters that reorder or hide text: never allowed in names a visitor reads.
_INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
                        "\U000e0000-\U000e007f]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
MAX_PRICE = 10**10
# Bytes a QR code of version 40 holds in byte mode at error correction level M. A text with any character
# beyond ASCII also says that it is UTF-8 (12 bits, see qr.symbol), which leaves room for one byte less.
QR_CAPACITY = 2331
QR_CAPACITY_UTF8 = QR_CAPACITY - 1


# The QR texts `shopdir new` writes for the merchant to replace: refused by the check, so that no shop goes
# live with a code that leads nowhere. Whole texts, so that no real code is ever taken for one.
PLACEHOLDER_QR = "https://u.wechat.com/YOUR-CODE"
PLACEHOLDER_GUIDE_QR = "https://u.wechat.com/GUIDE-CODE"
PLACEHOLDERS = frozenset({PLACEHOLDER_QR, PLACEHOLDER_GUIDE_QR})


def qr_capacity_problem(text: str) -> str | None:
    """Why a text does not fit in one QR code (as the site draws its codes), or None."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if text.isascii():
        return None if size <= QR_CAPACITY else f"is {size} bytes long; a QR code holds at most {QR_CAPACITY}"
    if size <= QR_CAPACITY_UTF8:
        return None
    return f"is {size} bytes long (a Chinese character takes 3); a QR code holds at most {QR_CAPACITY_UTF8}"


def is_slug(value: Any) -> bool:
    return isinstance(value, str) and 2 <= len(value) <= 64 and bool(SLUG.fullmatch(value))


class Checker:
    """Reads fields of one Doc; collects problems instead of raising."""

    def __init__(self, doc: Doc, rendered: Markdown | None = None):
        self.doc = doc
        self.rendered = rendered  # the build's Markdown, which knows the texts too slow to render
        self.problems: list[Problem] = []
        self.paths: list[tuple[str, KeyPath]] = []  # every good path read, with where it was written

    def report(self, keypath: KeyPath, message: str) -> None:
        self.problems.append(self.doc.problem(keypath, message))

    # -- containers -------------------------------------------------------

    def mapping(self, keypath: KeyPath, value: Any, allowed: Iterable[str], required: Iterable[str] = (),
                what: str = "this") -> dict | None:
        """Check a mapping's keys: unknown ones (with a hint) and missing required ones."""
        if not isinstance(value, dict):
            hint = ': remove the "- " before its keys' if isinstance(value, list) else ""
            self.report(keypath, f"{what} must be a mapping of 'key: value' lines{hint}")
            return None
        allowed = set(allowed)
        suggested = set()
        for key in value:
            if key not in allowed:
                near = closest(key, allowed - set(value))
                suggested.add(near)
                self.report(keypath + (key,), f'unknown key "{key}"' + (f' (did you mean "{near}"?)' if near else ""))
        for key in required:
            if key not in value and key not in suggested:  # a misspelt key was reported already
                self.report(keypath, f'missing required key "{key}"')
        return value

    def items(self, keypath: KeyPath, value: Any, what: str) -> list:
        """A list, or [] with a problem."""
        if value is None:
            return []
        if not isinstance(value, list):
            hint = (': write each entry on a line of its own starting with "- ", or as [a, b]'
                    if isinstance(value, dict) else "")
            self.report(keypath, f"{what} must be a list{hint}")
            return []
        return value

    # -- scalars ----------------------------------------------------------

    def text(self, keypath: KeyPath, value: Any, *, required: bool = False, one_line: bool = True,
             max_length: int = 200) -> str | None:
        key = keypath[-1] if keypath else "value"
        if isinstance(key, int):  # an entry of a list: name the list, not the position
            if isinstance(value, dict):
                self.report(keypath, f'each entry of "{keypath[-2]}" must be text; put text containing ": " in quotes')
                return None
            key = f"each entry of {keypath[-2]}"
        if value is None:
            if required:
                self.report(keypath, f'"{key}" must not be empty')
            return None
        if not isinstance(value, str):
            raw = self.doc.raw.get(tuple(keypath))
            if raw is None or isinstance(value, (dict, list)):
                self.report(keypath, f'"{key}" must be text')
                return None
            value = raw  # a plain scalar that YAML read as a number, date or boolean: keep what was written
        value = unicodedata.normalize("NFC", value)
        if _INVISIBLE.search(value) or _CONTROL.search(value):
            self.report(keypath, f'"{key}" contains invisible or control characters')
            return None
        if one_line:
            value = value.strip()
            if "\n" in value:
                self.report(keypath, f'"{key}" must be one line')
                return None
        if required and not value.strip():
            self.report(keypath, f'"{key}" must not be empty')
            return None
        if max_length and len(value) > max_length:
            self.report(keypath, f'"{key}" is {len(value)} characters long; at most {max_length} are allowed')
            return None
        return value

    def markdown(self, keypath: KeyPath, value: Any, max_length: int = MAX_CHARACTERS) -> str:
        text = self.text(keypath, value, one_line=False, max_length=max_length) or ""
        problem = markdown_problem(text, self.rendered) if text else None
        if problem:
            self.report(keypath, problem)
            return ""
        return text

    def slug(self, keypath: KeyPath, value: Any, what: str = "slug") -> str | None:
        if value is None:
            self.report(keypath, f"{what} is missing")
            return None
        if not is_slug(value):
            self.report(keypath, f'{what} "{value}" is not valid: use {SLUG_RULE}')
            return None
        return value

    def slug_list(self, keypath: KeyPath, value: Any, what: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        out = []
        for index, item in enumerate(self.items(keypath, value, what)):
            slug = self.slug(keypath + (index,), item, what)
            if slug:
                out.append(slug)
        return tuple(out)

    def text_list(self, keypath: KeyPath, value: Any, what: str, max_items: int = 30) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        items = self.items(keypath, value, what)
        if len(items) > max_items:
            self.report(keypath, f"{what} has {len(items)} entries; at most {max_items} are allowed")
            return ()
        out = []
        for index, item in enumerate(items):
            text = self.text(keypath + (index,), item, required=True, max_length=40)
            if text and text not in out:
                out.append(text)
        return tuple(out)

    def boolean(self, keypath: KeyPath, value: Any, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.report(keypath, f'"{keypath[-1]}" must be true or false')
            return default
        return value

    def integer(self, keypath: KeyPath, value: Any, low: int, high: int) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.report(keypath, f'"{keypath[-1]}" must be a whole number from {low} to {high}')
            return None
        return value

    def date(self, keypath: KeyPath, value: Any) -> datetime.date | None:
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        self.report(keypath, f'"{keypath[-1]}" must be a date written as YYYY-MM-DD')
        return None

    def price(self, keypath: KeyPath, value: Any) -> float | int | str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            self.report(keypath, 'price must be a number, or text such as "询价"')
            return None
        if isinstance(value, (int, float)):
            if value != value or not 0 <= value <= MAX_PRICE:
                self.report(keypath, f"price must be a number from 0 to {MAX_PRICE:,}")
                return None
            return value
        return self.text(keypath, value, required=True, max_length=40)

    def url(self, keypath: KeyPath, value: Any, schemes: Iterable[str], what: str = "link") -> str | None:
        text = self.text(keypath, value, max_length=2000)
        if text is None:
            return None
        schemes = tuple(schemes)
        problem = url_problem(text, schemes)
        if problem:
            self.report(keypath, f"{what} {problem}")
            return None
        return text

    def qr_text(self, keypath: KeyPath, value: Any, schemes: Iterable[str]) -> str | None:
        text = self.url(keypath, value, schemes, what="QR text")
        if text in PLACEHOLDERS:
            self.report(keypath, f'"{text}" is the example from shopdir new, not your code: open WeChat, '
                                 "scan your own QR code (Me → QR code) and paste the text it reads here, or put "
                                 "a picture of your code in qr_image and delete this line")
            return None
        problem = qr_capacity_problem(text) if text else None
        if problem:
            self.report(keypath, f"QR text {problem}")
            return None
        return text

    def path(self, keypath: KeyPath, value: Any, files: frozenset[str], escaping: frozenset[str] = frozenset(),
             what: str = "image") -> str | None:
        """A path inside the shop folder that names an existing file."""
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.report(keypath, f"{what} must be a path inside the shop folder, such as images/photo.jpg")
            return None
        problem = path_problem(value)
        if problem:
            self.report(keypath, f'{what} "{value}" {problem}')
            return None
        if value in escaping or any(value.startswith(link + "/") for link in escaping):
            self.report(keypath, f'{what} "{value}" is a symbolic link leading outside the shop folder')
            return None
        if value not in files:
            self.report(keypath, f'{what} "{value}" does not exist in the shop folder{path_hint(value, files)}')
            return None
        self.paths.append((value, tuple(keypath)))
        return value


def path_hint(value: str, files: Iterable[str]) -> str:
    """A hint for a near miss of a file name: same folder, a name that differs by a letter or an extension."""
    folder, _, name = value.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    same_folder = {f.rpartition("/")[2].rsplit(".", 1)[0]: f for f in files if f.rpartition("/")[0] == folder}
    near = closest(stem, same_folder, cutoff=0.75)
    return f' (did you mean "{same_folder[near]}"?)' if near else ""


def url_problem(text: str, schemes: tuple[str, ...]) -> str | None:
    """Why a URL is not acceptable, or None."""
    if any(ch.isspace() for ch in text) or _CONTROL.search(text):
        return f'"{text}" must not contain spaces or control characters'
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        allowed = ", ".join(f"{s}:" for s in schemes)
        return f'"{text}" must start with {allowed}'
    if scheme in ("http", "https") and not parts.netloc:
        return f'"{text}" has no host name'
    return None


def path_problem(value: str) -> str | None:
    """Why a path may not be used to name a file inside a shop folder, or None."""
    if "\\" in value:
        return "uses backslashes; write paths with /"
    if value.startswith("/") or re.match(r"^[A-Za-z]:", value):
        return "must be relative to the shop folder, not absolute"
    parts = value.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "must stay inside the shop folder (no '..', '.' or empty parts)"
    return None
