"""Search terms: how a text is cut into the terms the search index stores and a query looks up.

The same cut runs in the visitor's browser (themes/default/static/search/terms.js); both
sides must agree term for term, and tests/unit/test_terms.py runs the two over one corpus.

- The text is NFKC-normalised and lower-cased, so full-width and half-width forms,
  ligatures and compatibility characters meet their plain forms.
- Chinese, Japanese and Korean characters give each character and each pair of
  neighbouring characters as terms (no dictionary: a word of any length is found through
  its pairs, the way Lucene's CJK bigram analyser cuts).
- Other runs of letters, digits and marks are words. An English plural is folded to its
  singular ("boxes" -> "box"); a word mixing letters and digits ("iphone15") is indexed
  whole and by its parts, so "iphone 15" finds it too.
- Everything else (spaces, punctuation, symbols, emoji) only separates terms.
- A query's last word, when the query does not end with a separator, is a prefix: the
  visitor may still be typing it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Code points cut as CJK: each character is a term and so is each neighbouring pair.
# Inclusive ranges; terms.js holds the same list and the agreement test compares them.
CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x1100, 0x11FF),    # Hangul Jamo
    (0x2E80, 0x2FDF),    # CJK and Kangxi radicals
    (0x3005, 0x3007),    # 々 〆 〇
    (0x3021, 0x3029),    # Hangzhou numerals
    (0x3038, 0x303B),
    (0x3041, 0x309F),    # Hiragana
    (0x30A1, 0x30FA),    # Katakana (not the middle dot ・, which separates)
    (0x30FC, 0x30FF),    # Katakana prolonged sound mark and iteration marks
    (0x3131, 0x318F),    # Hangul compatibility Jamo
    (0x31F0, 0x31FF),    # Katakana phonetic extensions
    (0x3400, 0x4DBF),    # CJK extension A
    (0x4E00, 0x9FFF),    # CJK unified ideographs
    (0xA960, 0xA97F),    # Hangul Jamo extended A
    (0xAC00, 0xD7AF),    # Hangul syllables
    (0xD7B0, 0xD7FF),    # Hangul Jamo extended B
    (0xF900, 0xFAFF),    # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # CJK extensions B onwards
)

CJK, WORD, OTHER = "cjk", "word", "other"
PREFIX_MIN = 2  # a last word shorter than this is looked up whole: one letter would match too much


@dataclass(frozen=True)
class Query:
    terms: tuple[str, ...]  # every one must be found
    prefix: str | None  # the last word as typed so far: some term must start with it


def normalise(text: str) -> str:
    """NFKC, lower case, and the final sigma as any sigma (the browser lowers it by context)."""
    return unicodedata.normalize("NFKC", text).lower().replace("ς", "σ")


_KINDS: dict[str, str] = {}  # each character's kind, once looked up: texts repeat few characters


def kind_of(char: str) -> str:
    found = _KINDS.get(char)
    if found is None:
        found = _KINDS[char] = _kind(char)
    return found


def _kind(char: str) -> str:
    code = ord(char)
    for low, high in CJK_RANGES:
        if low <= code <= high:
            return CJK
    return WORD if unicodedata.category(char)[0] in "LNM" else OTHER


def runs(text: str) -> list[tuple[str, str]]:
    """The normalised text as (kind, run) pairs, separators dropped."""
    found: list[tuple[str, str]] = []
    current, kind = [], OTHER
    for char in normalise(text):
        this = kind_of(char)
        if this != kind and current:
            found.append((kind, "".join(current)))
            current = []
        kind = this
        if this != OTHER:
            current.append(char)
    if current:
        found.append((kind, "".join(current)))
    return found


def fold(word: str) -> str:
    """An English plural as its singular; any other word unchanged. Both sides fold alike, so
    a rough rule is enough: it only has to send "shoes" and "shoe" to one term."""
    if not (word.isascii() and word.isalpha()) or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def parts(word: str) -> list[str]:
    """The letter runs and digit runs of a word that mixes them ("iphone15" -> iphone, 15)."""
    pieces: list[str] = []
    for char in word:
        digit = char.isdecimal()
        if pieces and pieces[-1][-1].isdecimal() == digit:
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces if len(pieces) > 1 else []


def cjk_terms(run: str) -> list[str]:
    """Each character, then each neighbouring pair (the index side)."""
    return list(run) + [run[i:i + 2] for i in range(len(run) - 1)]


def cjk_query(run: str) -> list[str]:
    """The pairs when there are any (together they pin the phrase down), else the one character."""
    return [run[i:i + 2] for i in range(len(run) - 1)] or [run]


def index_terms(text: str) -> list[str]:
    """Every term a text is found by, in order of appearance, repeats kept (they weigh)."""
    terms: list[str] = []
    for kind, run in runs(text):
        if kind == CJK:
            terms += cjk_terms(run)
        else:
            terms.append(fold(run))
            terms += [fold(piece) for piece in parts(run)]
    return terms


def query(text: str) -> Query:
    """What a visitor typed, as terms to find and a prefix for the word being typed."""
    found = runs(text)
    normal = normalise(text)
    prefix = None
    if found and found[-1][0] == WORD and normal.endswith(found[-1][1]) and len(found[-1][1]) >= PREFIX_MIN:
        prefix = found.pop()[1]
    terms: list[str] = []
    for kind, run in found:
        for term in cjk_query(run) if kind == CJK else [fold(run)]:
            if term not in terms:
                terms.append(term)
    return Query(tuple(terms), prefix)


def bucket(term: str, count: int) -> int:
    """Which of `count` index files holds a term: a hash of its first two characters, so
    every term a prefix can reach lies in the prefix's one file. FNV-1a over UTF-8."""
    value = 0x811C9DC5
    for byte in term[:2].encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % count
