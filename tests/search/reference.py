"""A plain reference for the Chinese query set: which pages a query should find, by reading the
searched texts, with nothing of the index (no terms, no pairs, no buckets).

A query is cut where a reader would cut it: into runs of Chinese characters and runs of
letters and digits. A page matches when each run appears in one of its searched fields (title,
tags, category, city, shop, body), after NFKC and lower case: a Chinese run anywhere in the
field's text, a run of letters and digits as a whole word of it or, for the query's last run
when the query does not end with a space or a mark, as the beginning of a word (the visitor may
still be typing it). Filters keep the pages that carry the value.

    python -m tests.search.reference 大红袍 "龙井 明前"    # prints the pages each finds

sweep() asks the index every run of 3 to 5 Chinese characters of the example's texts this way
(benchmarks/search_quality.py --sweep).
"""

from __future__ import annotations

import re
import sys
import unicodedata

from tests.search.quality import SETS, Figures, Index, Query, evaluate, site_entries

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{HAN}]+|[^\W_{HAN}]+")


def normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def words(text: str) -> set[str]:
    """The whole words of a text, and the letter and digit runs of words that mix them ("250g": 250, g)."""
    found = set()
    for run in re.findall(rf"[^\W_{HAN}]+", text):
        found.add(run)
        found.update(re.findall(r"\d+|[^\W\d_]+", run))
    return found


def matches(fields: list[str], text: str, vocabulary: set[str] | None = None) -> bool:
    query = normal(text)
    runs = RUN.findall(query)
    if not runs:
        return False
    typing = bool(re.search(r"[^\W_]$", query))  # the last run is still being typed
    if vocabulary is None:
        vocabulary = set().union(*(words(f) for f in fields))
    for n, run in enumerate(runs):
        if re.match(rf"[{HAN}]", run):
            if not any(run in f for f in fields):
                return False
        elif typing and n == len(runs) - 1:
            if not any(w.startswith(run) for w in vocabulary):
                return False
        elif run not in vocabulary:
            return False
    return True


_READ: dict[int, tuple] = {}  # the entries last read, by the identity of their list


def _read(entries) -> list[tuple]:
    """Each entry's path, normalised fields, words and filters, read once per list of entries."""
    if _READ.get(id(entries), (None,))[0] is not entries:
        _READ.clear()
        read = []
        for entry in entries:
            fields = [normal(value) for _, value in entry.fields]
            read.append((entry.path, fields, set().union(*(words(f) for f in fields)), dict(entry.filters)))
        _READ[id(entries)] = (entries, read)
    return _READ[id(entries)][1]


def pages(entries, base: str, text: str, filters: dict | None = None) -> set[str]:
    found = set()
    for path, fields, vocabulary, have in _read(entries):
        if any(value not in have.get(name, ()) for name, value in (filters or {}).items()):
            continue
        if matches(fields, text, vocabulary):
            found.add(path[len(base):])
    return found


def sweep(index: Index, lengths=(3, 4, 5)) -> Figures:
    """Every run of `lengths` Chinese characters in the example's searched texts, as a query whose
    expected pages are what this reference reads: how the index answers phrases nobody chose."""
    entries, _, base = site_entries(SETS["zh"][0])
    runs = set()
    for entry in entries:
        for _, text in entry.fields:
            for run in re.findall(rf"[{HAN}]+", normal(text)):
                runs.update(run[i:i + n] for n in lengths for i in range(len(run) - n + 1))
    queries = [Query(run, "sweep", frozenset(pages(entries, base, run))) for run in sorted(runs)]
    return evaluate(index, queries, "zh sweep")


if __name__ == "__main__":
    entries, _, base = site_entries(SETS["zh"][0])
    for text in sys.argv[1:]:
        print(text, sorted(pages(entries, base, text)))
