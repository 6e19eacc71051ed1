"""Text to data, with the position of every key: YAML documents and Markdown front matter.

The YAML is read from the parser's event stream (libyaml when available), and the
values are composed here, so that anchors, aliases, tags, duplicate keys and deep
nesting are refused the moment they appear, before anything is expanded, and every
key and list item keeps the line and column a person needs to find it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

from generator.problems import Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Characters no text file of ours contains: C0 controls but tab and newline, DEL, C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
# A key followed by a full-width colon, as a Chinese keyboard types it.
_FULL_WIDTH_KEY = re.compile(r"^(\s*(?:-\s+)?[^\s:：#'\"]+\s*)：")
_resolver = Resolver()
_constructor = SafeConstructor()

MAX_DEPTH = 24

KeyPath = tuple  # of str (mapping keys) and int (list positions)


@dataclass(frozen=True)
class Doc:
    """A parsed YAML value, which can tell the 1-based (line, column) of every key and list item.

    The positions are not kept with the value: a valid file never needs one, and a large
    directory has millions. The first problem that asks for a position reads the YAML again.
    """

    path: str
    data: Any
    raw: dict = field(default_factory=dict)  # KeyPath -> source text of a plain scalar YAML did not read as text
    source: str = ""  # the YAML text the data was read from
    line_offset: int = 0  # lines of the file above the source

    @functools.cached_property
    def marks(self) -> dict:
        """KeyPath -> (line, column) of every key and list item."""
        if not self.source:
            return {}
        return _compose(yaml.parse(self.source, Loader=_Loader), _positions(self.line_offset), self.path, [])[1]

    def where(self, keypath: KeyPath) -> tuple[int, int]:
        keypath = tuple(keypath)
        while keypath:
            if keypath in self.marks:
                return self.marks[keypath]
            keypath = keypath[:-1]
        return self.marks.get((), (1, 1))

    def problem(self, keypath: KeyPath, message: str) -> Problem:
        line, column = self.where(keypath)
        return Problem(self.path, line, column, message)


@dataclass(frozen=True)
class MarkdownSource:
    """A Markdown file split into its front matter and its body."""

    meta: Doc
    body: str
    body_line: int  # line of the file where the body starts


class _Refused(Exception):
    def __init__(self, mark, message: str):
        super().__init__(message)
        self.mark = mark
        self.message = message


def decode(path: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes to text: UTF-8, with or without a byte-order mark; anything else is a problem."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start:error.start].decode("utf-8", errors="replace")) + 1  # characters, not bytes
        byte = data[error.start]
        return None, [
            Problem(path, line, column, f"the file is not UTF-8 text (byte 0x{byte:02x}); save it as UTF-8")
        ]
    text = text.replace("\r\n", "\n")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        kind = "NUL" if bad.group() == "\x00" else "control"
        return None, [Problem(path, line, column, f"the file contains a {kind} character "
                                                  f"(U+{ord(bad.group()):04X}); remove it")]
    return text, []


def parse_yaml(path: str, text: str, line_offset: int = 0) -> tuple[Doc | None, list[Problem]]:
    """Parse one YAML document. Returns (None, problems) when it cannot be read at all."""
    problems: list[Problem] = []
    at = _positions(line_offset)
    try:
        data, _, raw = _compose(yaml.parse(text, Loader=_Loader), at, path, problems)
    except _Refused as refused:
        line, column = at(refused.mark)
        return None, [Problem(path, line, column, refused.message)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = at(mark) if mark else (1 + line_offset, 1)
        full_width = _full_width_colon(text, error)
        if full_width:
            return None, [Problem(path, full_width[0] + line_offset, full_width[1],
                                  'a full-width colon "：" is used; YAML needs ":" followed by a space')]
        if "maximum nesting depth" in str(error.problem):  # libyaml's own limit, far past ours
            line, column = _too_deep(text)
            return None, [Problem(path, line + line_offset, column,
                                  f"the YAML is nested more than {MAX_DEPTH} levels deep")]
        plain = first_timer(error, text) if "\t" not in text else None
        if plain:
            return None, [Problem(path, plain[0] + 1 + line_offset, plain[1] + 1, plain[2])]
        message = _syntax_message(error, text, mark)
        context = error.context_mark
        if context is not None and mark is not None and context.line != mark.line and "tab" not in message:
            message += f" (what is unclosed starts on line {at(context)[0]})"
        return None, [Problem(path, line, column, message)]
    except yaml.reader.ReaderError as error:  # characters YAML refuses that decode() let through
        before = text[: error.position]
        line = before.count("\n") + 1 + line_offset
        column = error.position - (before.rfind("\n") + 1) + 1
        return None, [Problem(path, line, column, f"the file contains a character YAML does not accept "
                                                  f"(U+{error.character:04X}); remove it")]
    except yaml.YAMLError as error:
        return None, [Problem(path, 1 + line_offset, 1, f"YAML cannot be read: {str(error).splitlines()[0]}")]
    return Doc(path, data, raw, text, line_offset), problems


def _positions(line_offset: int):
    """A parser mark to the 1-based (line, column) of the file."""
    return lambda mark: (mark.line + 1 + line_offset, mark.column + 1)


def parse_markdown(path: str, text: str) -> tuple[MarkdownSource | None, list[Problem]]:
    """Split '---' front matter from the body; the front matter's lines count from the file's top."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, [Problem(path, 1, 1, "the file must start with a front matter block: a line '---', "
                                          "the fields in YAML, and another line '---'")]
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
    else:
        return None, [Problem(path, 1, 1, "the front matter opened by '---' on line 1 is never closed "
                                          "by another '---' line")]
    meta_text = "\n".join(lines[1:index])
    doc, problems = parse_yaml(path, meta_text, line_offset=1)
    if doc is None:
        return None, problems
    if doc.data is None:
        doc = Doc(path, {})
    body = "\n".join(lines[index + 1:])
    return MarkdownSource(doc, body, index + 2), problems


def _too_deep(text: str) -> tuple[int, int]:
    """(line, column) where brackets first open deeper than MAX_DEPTH, outside quotes."""
    depth, quote, line, column = 1, None, 1, 0  # the document's own mapping is the first level
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:  # the same level the event check refuses at
                return line, column
        elif char in "]}":
            depth -= 1
    return 1, 1


def _full_width_colon(text: str, error: yaml.MarkedYAMLError) -> tuple[int, int] | None:
    """(line, column) of a 'key：' written with a full-width colon near a syntax error, if there is one."""
    lines = text.split("\n")
    marks = [m.line for m in (error.context_mark, error.problem_mark) if m is not None]
    if not marks:
        return None
    for index in range(max(0, min(marks) - 1), min(len(lines), max(marks) + 1)):
        found = _FULL_WIDTH_KEY.match(lines[index])
        if found:
            return index + 1, found.end()
    return None


def _syntax_message(error: yaml.MarkedYAMLError, text: str, mark) -> str:
    if mark is not None:
        lines = text.split("\n")
        if mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            return "a tab is used for indentation; YAML needs spaces"
    problem = error.problem or "cannot be read"
    context = f" {error.context}" if error.context else ""
    return f"YAML syntax error: {problem}{context}"


_KEY_LINE = re.compile(r"^( *)(?:- +)?([^\s:#'\"\[{][^:#]*?): +(\S.*)$")
_QUOTED = re.compile(r"""^ *(?:- +)?(?:[^\s:#'"][^:#]*?: +)?(["'])""")


def _open_quote(line: str) -> tuple[int, str] | None:
    """(column, quote) of a value that opens a quote and does not close it on its line, else None."""
    found = _QUOTED.match(line)
    if not found:
        return None
    quote, rest, at = found.group(1), line[found.end():], 0
    while at < len(rest):
        if quote == '"' and rest[at] == "\\":
            at += 2
            continue
        if rest[at] == quote:
            if quote == "'" and rest[at + 1:at + 2] == "'":  # '' stands for one ' inside single quotes
                at += 2
                continue
            return None
        at += 1
    return found.start(1), quote


_NO_SPACE = re.compile(r"^( *)(?:- +)?([A-Za-z_][\w-]*):(\S.*)$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous(lines: list[str], index: int) -> int | None:
    """The nearest line above that holds something other than a comment."""
    for before in range(index - 1, -1, -1):
        if lines[before].strip() and not lines[before].lstrip().startswith("#"):
            return before
    return None


def first_timer(error: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str] | None:
    """The mistakes a person new to YAML makes, in plain words with the fix: (0-based line, 0-based column,
    message), or None for another error."""
    mark, lines = error.problem_mark, text.split("\n")
    if mark is None or mark.line >= len(lines):
        return None
    line, problem = lines[mark.line], error.problem or ""
    for index in range(mark.line + 1):  # a quoted value left open runs on over the next lines: the error comes later
        found = _open_quote(lines[index])
        if found:
            column, quote = found
            return index, column, (f"the quote {quote} that starts here is never closed: add the "
                                           f"closing {quote} at the end of the value")
    above = _previous(lines, mark.line)
    if above is not None and _NO_SPACE.match(lines[above]) and "://" not in lines[above]:
        found = _NO_SPACE.match(lines[above])
        return above, found.end(2), (f'write a space after the colon of "{found.group(2)}": '
                                     f'{found.group(2)}: {found.group(3)}')
    if problem.startswith("mapping values are not allowed"):
        found = _KEY_LINE.match(line)
        if found and mark.column > found.end(2):
            key, value = found.group(2).strip(), found.group(3)
            return mark.line, found.start(3), (f'the value of "{key}" holds ": ", which YAML reads as another key: '
                                               f'put the whole value in quotes, such as {key}: "{value}"')
        if above is not None and _indent(line) > _indent(lines[above]):
            return mark.line, 0, (f"this line is indented more than line {above + 1} above it: keys of one "
                                  "mapping start in the same column, so remove the extra spaces (or, if it belongs "
                                  "under the key above, that key needs nothing after its colon)")
    if problem.startswith("did not find expected key") and line.lstrip().startswith("- "):
        return mark.line, mark.column, ('a list entry ("- ") where a "key: value" line was expected: remove the '
                                        '"- ", or indent the entry under the key whose list it is')
    if problem.startswith(("did not find expected key", "did not find expected '-' indicator",
                           "expected <block end>")) and above is not None:
        spaces = lambda n: f"{n} space{'s' if n != 1 else ''}"  # noqa: E731
        return mark.line, 0, (f"this line is indented by {spaces(_indent(line))} and line {above + 1} above it by "
                              f"{spaces(_indent(lines[above]))}: lines of one mapping or list start in the same column; "
                              "line them up")
    return None



def _scalar(event, at, path: str, problems: list[Problem]) -> Any:
    if not event.implicit[0]:  # quoted: always text
        return event.value
    tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == "tag:yaml.org,2002:str":
        return event.value
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        return _constructor.construct_object(node, deep=True)
    except (ConstructorError, ValueError, OverflowError):
        line, column = at(event.start_mark)
        if tag == "tag:yaml.org,2002:timestamp":
            problems.append(Problem(path, line, column, f'"{event.value}" is not a real date'))
        else:
            problems.append(Problem(path, line, column, f'"{event.value}" cannot be read as a value'))
        return None


def _compose(events, at, path: str, problems: list[Problem]):
    """Build plain Python values from parser events, refusing what merchants may not use."""
    marks: dict = {}
    raw: dict = {}
    stack: list[list] = []  # frames: [container, keypath, pending_key or None]
    root: Any = None
    seen_root = False
    documents = 0
    skipped = 0

    def place(value: Any, event) -> None:
        nonlocal root, seen_root
        if not stack:
            if seen_root:
                return
            root, seen_root = value, True
            marks.setdefault((), at(event.start_mark))
            return
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
        else:
            key = frame[2]
            frame[2] = None
            if key is not _SKIP:
                container[key] = value

    for event in events:
        kind = type(event)
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Refused(event.start_mark, "only one YAML document is allowed per file (remove the second '---')")
            continue
        if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
            continue
        if kind is yaml.AliasEvent:
            raise _Refused(event.start_mark, f"YAML aliases (*{event.anchor}) are not allowed; write the value out in full")
        if getattr(event, "anchor", None):
            raise _Refused(event.start_mark, f"YAML anchors (&{event.anchor}) are not allowed; write each value out in full")
        if getattr(event, "tag", None) is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(event.start_mark, f"YAML tags ({tag}) are not allowed")

        if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            container, keypath, _ = stack.pop()
            place(container, event)
            continue

        # A key of a mapping?
        if stack and isinstance(stack[-1][0], dict) and stack[-1][2] is None:
            frame = stack[-1]
            if kind is not yaml.ScalarEvent:
                raise _Refused(event.start_mark, "a key must be plain text, not a list or a mapping")
            key = event.value
            keypath = frame[1] + (key,)
            if key in frame[0] or keypath in marks:
                first = marks.get(keypath, (0, 0))[0]
                line, column = at(event.start_mark)
                problems.append(Problem(path, line, column, f'duplicate key "{key}" (first given on line {first})'))
                frame[2] = _SKIP
            else:
                marks[keypath] = at(event.start_mark)
                frame[2] = key
            continue

        # A value: where does it go?
        if stack:
            frame = stack[-1]
            if isinstance(frame[0], list):
                keypath = frame[1] + (len(frame[0]),)
                marks[keypath] = at(event.start_mark)
            elif frame[2] is _SKIP:  # the value of a duplicate key: kept apart from every real key path
                skipped += 1
                keypath = frame[1] + (f"\0skip{skipped}",)
            else:
                keypath = frame[1] + (frame[2],)
        else:
            keypath = ()

        if kind is yaml.ScalarEvent:
            value = _scalar(event, at, path, problems)
            if event.implicit[0] and not isinstance(value, str):  # read as a number, date or the like
                raw[keypath] = event.value
            place(value, event)
        elif kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _Refused(event.start_mark, f"the YAML is nested more than {MAX_DEPTH} levels deep")
            if not stack:
                marks[()] = at(event.start_mark)
            stack.append([{} if kind is yaml.MappingStartEvent else [], keypath, None])
    return root, marks, raw


class _SkipType:
    def __repr__(self) -> str:
        return "<skip>"


_SKIP = _SkipType()
