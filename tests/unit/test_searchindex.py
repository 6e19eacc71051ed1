"""The search index files: what a query finds through them equals a plain scan of the entries,
two builds are the same bytes, and hostile text comes back as the text it was."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from generator import searchindex, terms
from generator.searchindex import Entry


def read(files: dict[str, bytes], name: str):
    return json.loads(gzip.decompress(files[name]))


def answer(files: dict[str, bytes], text: str, filters: dict[str, str] | None = None) -> list[int]:
    """What the browser does: the manifest, then only the buckets the query's terms hash to."""
    manifest = json.loads(files[searchindex.MANIFEST])
    base = f"{searchindex.FOLDER}{manifest['version']}/"
    asked = terms.query(text)
    if not asked.terms and not asked.prefix:
        return []
    found: dict[int, int] | None = None

    def postings(match) -> dict[int, int]:
        got: dict[int, int] = {}
        key = asked.prefix if match is None else match
        bucket = read(files, f"{base}t{terms.bucket(key, manifest['buckets'])}.json.gz")
        for term, (ids, scores) in bucket.items():
            if (term == match) if match is not None else (term.startswith(asked.prefix) or term == terms.fold(asked.prefix)):
                for n, s in zip(searchindex.undeltas(ids), scores):
                    got[n] = max(got.get(n, 0), s)
        return got

    lists = [postings(t) for t in asked.terms] + ([postings(None)] if asked.prefix else [])
    for got in lists:
        found = got if found is None else {n: found[n] + s for n, s in got.items() if n in found}
    for name, value in (filters or {}).items():
        allowed = set(searchindex.undeltas(read(files, base + "f.json.gz")[name].get(value, [])))
        found = {n: s for n, s in found.items() if n in allowed}
    return sorted(found, key=lambda n: (-found[n], n))


def scan(entries: list[Entry], text: str, filters: dict[str, str] | None = None) -> list[int]:
    """The same question answered by reading every entry."""
    asked = terms.query(text)
    if not asked.terms and not asked.prefix:
        return []
    hits = []
    for number, entry in enumerate(entries):
        have = searchindex.scores(entry)
        if not all(t in have for t in asked.terms):
            continue
        if asked.prefix and not any(t.startswith(asked.prefix) or t == terms.fold(asked.prefix) for t in have):
            continue
        if any(value not in dict(entry.filters).get(name, ()) for name, value in (filters or {}).items()):
            continue
        hits.append(number)
    return hits


WORDS = ["tea", "teas", "teapot", "box", "boxes", "shoe", "shoes", "berry", "berries", "iphone15", "gift",
         "手工皂", "北京烤鸭", "龙井茶", "茶叶", "上海", "杭州", "大红袍", "正山小种", "ｔｅａ", "Café", "café"]
CITIES = ["上海", "杭州", "London", ""]
CATEGORIES = ["茶", "Food", "Gifts"]


def corpus(size: int, seed: int) -> list[Entry]:
    pick = random.Random(seed)
    entries = []
    for n in range(size):
        city = pick.choice(CITIES)
        fields = (("title", " ".join(pick.sample(WORDS, 2))), ("tags", " ".join(pick.sample(WORDS, 2))),
                  ("city", city), ("body", " ".join(pick.choices(WORDS, k=pick.randint(0, 12)) + [f"item{pick.randint(0, 900)}"])))
        entries.append(Entry(f"/p/{n}/", pick.choice(["Shops", "Products"]), fields,
                             (("category", (pick.choice(CATEGORIES),)), ("city", (city,) if city else ()),
                              ("kind", ("product",)), ("shop", (f"s{n % 7}",))), shop=f"s{n % 7}"))
    return entries


QUERIES = ["tea", "teas", "TEA ", "te", "teap", "box", "boxes ", "berries", "berry shoe", "iphone 15", "iphone1",
           "手工皂", "烤鸭", "北京", "京烤", "龙井", "茶", "大红袍 ", "小种", "正山小种杭州", "茶 tea", "ｔｅａ",
           "cafe", "café", "item12", "item 12", "ite", "item4", "zzz", "不存在", "", "!!!", "🍵", "x" * 500, "t"]


@pytest.fixture(scope="module")
def site():
    entries = corpus(700, 19)
    files = searchindex.build(entries)
    assert json.loads(files[searchindex.MANIFEST])["buckets"] > 1  # so the answers do depend on the right bucket
    return entries, files


@pytest.mark.parametrize("text", QUERIES)
def test_the_index_answers_what_a_scan_of_every_entry_finds(site, text):
    entries, files = site
    assert sorted(answer(files, text)) == scan(entries, text)


@pytest.mark.parametrize("text, filters", [("tea", {"city": "上海"}), ("茶", {"category": "Food"}),
                                           ("box", {"shop": "s3", "city": "London"}), ("tea", {"city": "nowhere"})])
def test_filters_narrow_the_answer_as_a_scan_does(site, text, filters):
    entries, files = site
    assert sorted(answer(files, text, filters)) == scan(entries, text, filters)


def test_results_come_best_first_title_before_body():
    entries = [Entry("/a/", "k", (("title", "shoes"), ("body", "tea"))),
               Entry("/b/", "k", (("title", "tea"), ("body", "shoes"))),
               Entry("/c/", "k", (("body", "tea tea"),))]
    assert answer(searchindex.build(entries), "tea ") == [1, 2, 0]


def test_two_builds_of_the_same_entries_are_the_same_bytes(site):
    entries, files = site
    assert searchindex.build(corpus(700, 19)) == files


def test_another_build_has_another_version_so_cached_files_never_mix(site):
    entries, files = site
    other = searchindex.build(entries[:-1])
    one, two = json.loads(files[searchindex.MANIFEST]), json.loads(other[searchindex.MANIFEST])
    assert one["version"] != two["version"]
    assert not (set(files) & set(other)) - {searchindex.MANIFEST}


def test_the_bucket_count_grows_with_the_directory():
    small = json.loads(searchindex.build(corpus(5, 1))[searchindex.MANIFEST])["buckets"]
    wide = [Entry(f"/{n}/", "k", (("title", f"word{n} other{n}"),)) for n in range(2000)]
    large = json.loads(searchindex.build(wide)[searchindex.MANIFEST])["buckets"]
    assert small == 1 and large >= 8


def test_hostile_text_is_kept_as_the_text_it_was():
    hostile = '<img src=x onerror="alert(1)"></script><script>alert(2)</script>'
    entries = [Entry("javascript:alert(3)", "<b>kind</b>", (("title", hostile), ("body", hostile + " tea")),
                     (("city", ("</script>",)),), shop="<i>shop</i>", image='" onload="x')]
    files = searchindex.build(entries)
    manifest = json.loads(files[searchindex.MANIFEST])
    shown = read(files, f"search/{manifest['version']}/d0.json.gz")
    assert shown == [[hostile, "<b>kind</b>", "<i>shop</i>", hostile + " tea", '" onload="x', "javascript:alert(3)"]]
    assert manifest["filters"]["city"] == ["</script>"]
    assert answer(files, "onerror") == [0]


def test_no_entries_make_an_index_that_finds_nothing():
    files = searchindex.build([])
    assert answer(files, "tea") == []


def test_undeltas_gives_back_what_deltas_was_given():
    rng = random.Random(7)
    for _ in range(50):
        numbers = sorted(rng.sample(range(10_000), rng.randrange(0, 40)))
        assert searchindex.undeltas(searchindex.deltas(numbers)) == numbers


@pytest.mark.parametrize("run, ranges", [(1, 1), (64, 4), (333, 16), (699, 2)])
def test_a_part_gathered_in_runs_kept_on_disk_is_the_same_bytes(site, monkeypatch, run, ranges):
    """A large base is gathered a run of entries at a time, each run's postings spilled to temporary
    files by range of buckets: the files are those of the plain way, byte for byte."""
    entries, files = site
    monkeypatch.setattr(searchindex, "POSTINGS_PER_BUCKET", 100)  # 32 buckets: every range holds some
    plain = searchindex.build(entries)
    assert json.loads(plain[searchindex.MANIFEST])["buckets"] >= 16
    monkeypatch.setattr(searchindex, "RUN", run)
    monkeypatch.setattr(searchindex, "RANGES", ranges)
    assert searchindex.build(entries) == plain
