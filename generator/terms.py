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

import operator
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import chain

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
    if not unicodedata.is_normalized("NFKC", text):
        for wide, plain in _WIDE:  # what NFKC would make of them, done first: the rest is then mostly normal,
            text = text.replace(wide, plain)  # which NFKC checks quickly instead of decomposing the whole text
        text = unicodedata.normalize("NFKC", text)
    return text.lower().replace("ς", "σ")


# Full-width punctuation common in Chinese text, each with its compatibility decomposition (so NFKC
# gives the same either way). One such mark in a long text makes NFKC rework all of it.
_WIDE = tuple((wide, unicodedata.normalize("NFKD", wide)) for wide in "，：；（）！？\u3000")


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
    return _runs(normalise(text))


def _runs(normal: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    current, kind = [], OTHER
    for char in normal:
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
    """An English plural and its singular as one term; any other word unchanged. Both sides fold
    alike, so a rough rule is enough: it has to send "shoes" and "shoe", "leaves" and "leaf",
    "knives" and "knife", "cookies" and "cookie", "tomatoes" and "tomato" each to one term (which
    need not be a word: "knif", "cooky", "sho")."""
    if not (word.isascii() and word.isalpha()) or len(word) < 3:
        return word
    if len(word) == 3:  # gas, bus, yes: no plural cut; pie, toe: their endings below
        pass
    elif word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ves"):
        word = word[:-3] + "f"
    elif word.endswith("oes"):
        word = word[:-2]
    elif word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ie"):  # the singulars' own endings, where their plurals meet them
        return word[:-2] + "y"
    if word.endswith(("fe", "ve")):
        return word[:-2] + "f"
    if word.endswith("oe"):
        return word[:-1]
    return word


def word_terms(word: str) -> list[str]:
    """A word's terms: folded, then its letter and digit parts folded, then the word as written when
    folding changed it (so that a plural being typed, "berri", still begins a term: "berries")."""
    folded = fold(word)
    return [folded, *(fold(piece) for piece in parts(word)), *([word] if folded != word else [])]


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
    return _slow_terms(normalise(text))


def index_counts(text: str) -> Counter:
    """Each term of index_terms(text) with how often it appears: the same terms, cut faster (the index
    cuts millions of characters), with no Python statement run per character or per Chinese term."""
    normal = normalise(text)
    if _UNCHECKED.search(normal):  # a character outside the blocks checked below: checked here, once
        chars = set(normal)
        unseen = chars - _SEEN
        if unseen:
            _classify(unseen)
        if not chars.isdisjoint(_UNLIKE):  # one the patterns would misjudge: the cut one by one
            return Counter(_slow_terms(normal))
    found = Counter(chain.from_iterable(map(_WORDS.__getitem__, _WORD_RUN.findall(normal))))
    runs = _CJK_RUN.findall(normal)
    if runs:  # the characters and pairs of all runs at once, joined by a stand-in that is then taken out
        joined = _GAP.join(runs)
        found.update(chain(joined, map(operator.add, joined, joined[1:])))
        for gap in {run[-1] + _GAP for run in runs[:-1]} | {_GAP + run[0] for run in runs[1:]} | {_GAP}:
            found.pop(gap, None)
    return found


class _Words(dict):
    """The terms of each word seen, by word: words repeat across a directory, so most are cut once."""

    def __missing__(self, word: str) -> tuple[str, ...]:
        found = tuple(word_terms(word))
        if len(self) >= WORDS_KEPT:
            self.clear()
        self[word] = found
        return found


# The fast cut: regular expressions find the runs. Python's \w is not exactly "letter, digit or
# mark" (marks are not \w, "_" is), so each character is checked once against the rule; a text
# holding one that the patterns judge otherwise is cut one character at a time (_runs).
_CJK_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in CJK_RANGES)
_CJK_RUN = re.compile(f"[{_CJK_CLASS}]+")
_WORD_RUN = re.compile(f"[^\\W_{_CJK_CLASS}]+")
_GAP = "\0"  # never in a run
_SEEN: set[str] = set()
_UNLIKE: set[str] = set()
_WORDS = _Words()
WORDS_KEPT = 200_000


def _classify(chars: set[str]) -> None:
    for char in chars:
        judged = CJK if _CJK_RUN.fullmatch(char) else WORD if _WORD_RUN.fullmatch(char) else OTHER
        if judged != kind_of(char):
            _UNLIKE.add(char)
        _SEEN.add(char)


# Most text is Latin, CJK and their punctuation: those blocks are checked against the rule when this
# module is loaded (a thousand characters), so a text made of them only needs one search for others.
_BLOCKS = ((0x0, 0x24F), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF))
_classify({chr(code) for low, high in _BLOCKS for code in range(low, high + 1)})
_UNCHECKED = re.compile("[^" + "".join(re.escape(char) for char in sorted(_SEEN - _UNLIKE)) + _CJK_CLASS + "]")


def _slow_terms(normal: str) -> list[str]:
    terms: list[str] = []
    for kind, run in _runs(normal):
        if kind == CJK:
            terms += cjk_terms(run)
        else:
            terms += word_terms(run)
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
    head = term[:2]
    value = _HASHES.get(head)
    if value is None:
        value = 0x811C9DC5
        for byte in head.encode("utf-8"):
            value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
        if len(_HASHES) >= WORDS_KEPT:
            _HASHES.clear()
        _HASHES[head] = value
    return value % count


_HASHES: dict[str, int] = {}  # by a term's first two characters: an index asks for each term, a few thousand heads


def forget() -> None:
    """Let go of the words cut and the heads hashed so far (see searchindex.let_go)."""
    _WORDS.clear()
    _HASHES.clear()
