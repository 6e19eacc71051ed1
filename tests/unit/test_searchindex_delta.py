"""The index made again shop by shop (a base and a delta) answers every query exactly as a whole
index made from scratch: after random shops are added, edited and removed, and through real builds."""

from __future__ import annotations

import functools
import gzip
import json
import random
import shutil
import tempfile

import pytest

from generator import build, searchindex, searchstore, terms
from generator.searchindex import Entry

from tests.unit.test_searchindex import QUERIES, WORDS, corpus


def read(files: dict, name: str):
    data = files[name]
    return _unpacked(data if isinstance(data, bytes) else open(data, "rb").read())


@functools.lru_cache(maxsize=4096)
def _unpacked(data: bytes):
    return json.loads(gzip.decompress(data))


def answer(files: dict, text: str, filters: dict[str, str] | None = None) -> list[tuple[int, str]]:
    """What the browser script does (search.js): the manifest, each part's bucket for each term (the base,
    then each delta, its entries numbered from its `first`), every entry some delta removes (listed in the
    manifest) left out.
    Each result as (score, page path), best first."""
    manifest = json.loads(files[searchindex.MANIFEST])
    parts = [(manifest["version"], manifest["buckets"], 0)]
    gone: set[int] = set()
    for delta in manifest["deltas"]:
        parts.append((delta["version"], delta["buckets"], delta["first"]))
        gone.update(searchindex.undeltas(delta["removed"]))
    asked = terms.query(text)
    if not asked.terms and not asked.prefix:
        return []

    def postings(key: str, match) -> dict[int, int]:
        got: dict[int, int] = {}
        for version, buckets, first in parts:
            bucket = read(files, f"search/{version}/t{terms.bucket(key, buckets)}.json.gz")
            for term, (ids, scores) in bucket.items():
                if match(term):
                    for i, s in zip(searchindex.undeltas(ids), scores):
                        if i + first not in gone:
                            got[i + first] = max(got.get(i + first, 0), s)
        return got

    lists = [postings(t, lambda term, t=t: term == t) for t in asked.terms]
    if asked.prefix:
        folded = terms.fold(asked.prefix)
        lists.append(postings(asked.prefix, lambda term: term.startswith(asked.prefix) or term == folded))
    found = lists[0]
    for got in lists[1:]:
        found = {n: found[n] + s for n, s in got.items() if n in found}
    for name, value in (filters or {}).items():
        allowed = {i + first for version, _, first in parts
                   for i in searchindex.undeltas(read(files, f"search/{version}/f.json.gz")[name].get(value, []))}
        found = {n: s for n, s in found.items() if n in allowed}

    def path(n: int) -> str:
        version, _, first = [part for part in parts if n >= part[2]][-1]
        local = n - first
        return read(files, f"search/{version}/d{local // manifest['chunk']}.json.gz")[local % manifest["chunk"]][5]

    return [(found[n], path(n)) for n in sorted(found, key=lambda n: (-found[n], n))]


def same_answers(one: dict, two: dict, queries: list[str]) -> None:
    for text in queries:
        assert sorted(answer(one, text)) == sorted(answer(two, text)), text
    for text, filters in [("tea", {"city": "上海"}), ("茶", {"category": "Food"}), ("box", {"kind": "Products"}),
                          ("gift", {"shop": "s3"})]:
        assert sorted(answer(one, text, filters)) == sorted(answer(two, text, filters)), (text, filters)
    listed = json.loads(one[searchindex.MANIFEST])["filters"]
    assert listed == json.loads(two[searchindex.MANIFEST])["filters"]


class Directory:
    """Groups of entries, edited at random: shops added, edited and removed."""

    def __init__(self, seed: int, shops: int):
        self.pick = random.Random(seed)
        self.serial = 0
        self.earlier: dict[str, list[list[Entry]]] = {}  # each group's versions before its edits
        self.groups: dict[str, list[Entry]] = {"": corpus(3, seed)}
        for _ in range(shops):
            self.add()

    def shop(self, name: str) -> list[Entry]:
        self.serial += 1
        made = corpus(self.pick.randint(1, 6), self.serial)
        return [Entry(f"/{name}/{n}/{self.serial}/", e.kind, e.fields, e.filters, e.shop, e.image)
                for n, e in enumerate(made)]

    def add(self) -> None:
        self.groups[f"shop{self.serial}"] = self.shop(f"shop{self.serial}")

    def edit(self) -> None:
        name = self.pick.choice([n for n in self.groups if n])
        self.earlier.setdefault(name, []).append(self.groups[name])
        self.groups[name] = self.shop(name)

    def empty(self) -> None:
        """A group left with no entries (its key changes all the same)."""
        name = self.pick.choice([n for n in self.groups if n])
        self.earlier.setdefault(name, []).append(self.groups[name])
        self.groups[name] = []

    def revert(self) -> None:
        """A group given one of its earlier versions again: its key is one an earlier index was made with."""
        names = [n for n in self.earlier if n in self.groups]
        if not names:
            return self.edit()
        name = self.pick.choice(names)
        self.groups[name] = self.pick.choice(self.earlier[name])

    def remove(self) -> None:
        del self.groups[self.pick.choice([n for n in self.groups if n])]

    def keys(self) -> list[tuple[str, str]]:
        return [(name, repr(entries)) for name, entries in self.groups.items()]

    def entries(self) -> list[Entry]:
        return [e for entries in self.groups.values() for e in entries]


class Published:
    """What searchstore publishes of each update(): the manifest, and the files of the base and of each delta
    its state names (kept here as searchstore keeps their packs)."""

    def __init__(self):
        self.parts: dict[str, dict[str, bytes]] = {}

    def files(self, done: searchindex.Update) -> dict[str, bytes]:
        for made in (done.base, done.delta):
            if made is not None:
                self.parts[made.version] = made.out()
        found = {searchindex.MANIFEST: done.files[searchindex.MANIFEST]}
        for version in [done.state["base"]["version"], *(delta["version"] for delta in done.state["deltas"])]:
            found.update(self.parts[version])
        return found

    def part(self, version: str) -> dict[str, bytes] | None:
        """A kept part's files by name inside its folder, as searchstore reads them from its pack."""
        folder = f"{searchindex.FOLDER}{version}/"
        return {path[len(folder):]: data for path, data in self.parts[version].items()} if version in self.parts else None


def started(seed: int, shops: int) -> tuple[Directory, Published, searchindex.Update]:
    """A directory of random shops, its first (whole) index, and what is published of it."""
    site, published = Directory(seed, shops), Published()
    done = searchindex.update(site.keys(), site.groups.__getitem__, "en", "site", None)
    published.files(done)
    return site, published, done


def again(site: Directory, published: Published, done: searchindex.Update) -> searchindex.Update:
    """The index updated from the last one's state, its kept parts read as searchstore reads their packs."""
    return searchindex.update(site.keys(), site.groups.__getitem__, "en", "site", done.state, published.part)


SHOPS_CHANGE = ["add", "edit", "edit", "remove"]
AND_COME_BACK = SHOPS_CHANGE + ["empty", "revert"]  # groups left with no entries, and earlier keys again


@pytest.mark.parametrize("seed, actions", [(seed, SHOPS_CHANGE) for seed in range(4)]
                         + [(seed, AND_COME_BACK) for seed in range(4, 8)])
def test_random_edits_answer_what_a_whole_index_answers(seed, actions, monkeypatch):
    monkeypatch.setattr(searchindex, "DELTA_SHARE", 0.4)  # long chains, merges and new bases all taken
    site, published, done = started(seed, 40)
    chains, merges, bases, one = set(), 0, 0, 0
    for step in range(40):
        getattr(site, site.pick.choice(actions))()
        asked: list[str] = []
        before = len(done.state["deltas"])
        done = searchindex.update(site.keys(), lambda name: asked.append(name) or site.groups[name], "en", "site",
                                  done.state, published.part)
        chain = len(done.state["deltas"])
        assert chain <= searchindex.MAX_DELTAS
        chains.add(chain)
        if done.base is not None:
            bases += 1
        elif chain <= before:
            merges += 1
        else:
            one += 1
        if done.base is None:
            assert len(asked) <= 1, "a delta, merged or not, makes only the group that changed"
        same_answers(published.files(done), searchindex.build(site.entries()), QUERIES + WORDS)
    assert bases and merges and one, "every path taken"
    if actions is SHOPS_CHANGE:  # shops coming back leave chains shorter: a delta of theirs dropped for nothing
        assert max(chains) == searchindex.MAX_DELTAS


def test_a_delta_removing_a_group_stays_removed_when_merged(monkeypatch):
    """A shop removed in one delta is still gone after that delta is merged with later ones."""
    monkeypatch.setattr(searchindex, "DELTA_SHARE", 1.0)
    site, published, done = started(11, 20)
    victim = next(name for name in site.groups if name)
    words = [w for _, text in site.groups[victim][0].fields for w in text.split()][:3]
    paths = {entry.path for entry in site.groups.pop(victim)}
    for step in range(2 * searchindex.MAX_DELTAS + 1):  # removed, then merged more than once
        if step:
            site.edit()
        done = again(site, published, done)
        assert done.base is None
        files = published.files(done)
        assert not [path for text in words for _, path in answer(files, text) if path in paths]
        same_answers(files, searchindex.build(site.entries()), QUERIES + WORDS + words)


def test_a_shop_edited_again_and_again_leaves_one_copy_in_the_chain(monkeypatch):
    """A delta none of whose groups live on is dropped when the next is made: a merchant saving the same
    shop over and over does not fill the chain with its old copies (which would soon make a new base)."""
    monkeypatch.setattr(searchindex, "DELTA_SHARE", 0.5)
    site, published, done = started(12, 30)
    name = next(name for name in site.groups if name)
    base_copy = len(site.groups[name])
    for _ in range(12):
        site.groups[name] = site.shop(name)
        done = again(site, published, done)
        assert done.base is None
        files = published.files(done)
    assert [delta["entries"] for delta in done.state["deltas"]] == [len(site.groups[name])]
    assert len(done.state["deltas"][0]["removed"]) == base_copy, "only the base's copy is left out"
    same_answers(files, searchindex.build(site.entries()), QUERIES + WORDS)


def test_a_group_with_no_entries_at_a_delta_s_end_lives_on_through_a_merge(monkeypatch):
    """A group emptied sits at the very end of its delta; merged, it is carried (with no entry), and given
    its old entries again it is found as a clean index finds it."""
    monkeypatch.setattr(searchindex, "DELTA_SHARE", 1.0)
    site, published, done = started(5, 20)
    names = [name for name in site.groups if name]
    last, other = names[-1], names[0]
    entries = site.groups[last]
    for change in ({last: []}, {other: site.shop(other) + site.shop(other)}, {last: entries}):
        site.groups.update(change)
        done = again(site, published, done)
        assert done.base is None
        same_answers(published.files(done), searchindex.build(site.entries()), QUERIES + WORDS)
    found = {path for text in QUERIES + WORDS for _, path in answer(published.files(done), text)}
    assert found & {entry.path for entry in entries}, "the group given its entries again is found"


@pytest.mark.parametrize("damage", ["lost", "a file missing", "not gzip"])
def test_a_merge_without_the_merged_delta_s_files_whole_makes_a_new_base(monkeypatch, damage):
    monkeypatch.setattr(searchindex, "DELTA_SHARE", 0.5)
    site, published, done = started(13, 30)
    first, second = [name for name in site.groups if name][:2]
    site.groups[first] = site.shop(first)
    done = again(site, published, done)
    published.files(done)
    site.groups[second] = site.shop(second)
    while len(site.groups[second]) < len(site.groups[first]):  # as large or larger: the first delta is merged
        site.groups[second] += site.shop(second)

    def damaged(version: str) -> dict[str, bytes] | None:
        files = dict(published.part(version))
        if damage == "a file missing":
            del files["f.json.gz"]
        return None if damage == "lost" else files if damage == "a file missing" else dict.fromkeys(files, b"no")

    lost = searchindex.update(site.keys(), site.groups.__getitem__, "en", "site", done.state, damaged)
    assert lost.base is not None and lost.state["deltas"] == []
    merged = again(site, published, done)
    assert merged.base is None and len(merged.state["deltas"]) == 1
    same_answers(published.files(merged), searchindex.build(site.entries()), QUERIES + WORDS)
    same_answers(published.files(lost), searchindex.build(site.entries()), QUERIES + WORDS)


def test_nothing_changed_gives_the_same_manifest_and_no_delta():
    site = Directory(7, 30)
    first = searchindex.update(site.keys(), site.groups.__getitem__, "en", "site", None)
    again = searchindex.update(site.keys(), lambda name: pytest.fail(f"{name} made again"), "en", "site", first.state)
    assert again.base is None and again.delta is None
    assert again.files == {searchindex.MANIFEST: first.files[searchindex.MANIFEST]}
    site.edit()
    edited = searchindex.update(site.keys(), site.groups.__getitem__, "en", "site", first.state)
    still = searchindex.update(site.keys(), lambda name: pytest.fail(f"{name} made again"), "en", "site",
                               edited.state)
    assert still.files == {searchindex.MANIFEST: edited.files[searchindex.MANIFEST]} and still.delta is None


def test_another_site_key_or_language_makes_a_new_base():
    site = Directory(8, 30)
    first = searchindex.update(site.keys(), site.groups.__getitem__, "en", "site", None)
    assert searchindex.update(site.keys(), site.groups.__getitem__, "en", "other", first.state).base is not None
    assert searchindex.update(site.keys(), site.groups.__getitem__, "zh-CN", "site", first.state).base is not None


def test_deltas_past_their_share_of_the_base_make_a_new_base():
    site = Directory(9, 30)
    state = searchindex.update(site.keys(), site.groups.__getitem__, "en", "site", None).state
    entries = len(site.entries())
    while True:
        site.edit()
        done = searchindex.update(site.keys(), site.groups.__getitem__, "en", "site", state)
        manifest = json.loads(done.files[searchindex.MANIFEST])
        later = searchindex.update(site.keys(), site.groups.__getitem__, "en", "site", state, whole=False)
        if done.base is not None:
            assert manifest["deltas"] == [] and manifest["entries"] == len(site.entries())
            assert later is None, "asked for no whole index (serve makes it once the pages are out): none"
            break
        assert later is not None and later.files == done.files, "a delta is made alike either way"
        state = done.state
        held = sum(delta["entries"] + len(delta["removed"]) for delta in state["deltas"])
        assert held <= searchindex.DELTA_SHARE * entries
        assert [d["first"] for d in manifest["deltas"]] == [d["first"] for d in state["deltas"]]


# Through real builds: shop files edited, added and removed, built with the cache and without.

SITE = {"site.yaml": "title: T\nbase_url: https://example.org/\nlanguage: en\nsearch: {engine: shopdir}\n"}


def output_files(out) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "search").rglob("*") if p.is_file()}


def shops(root, count: int):
    for n in range(count):
        shop = root / "content/shops" / f"shop-{n:02}"
        (shop / "products").mkdir(parents=True)
        (shop / "shop.yaml").write_text(f"name: Shop {n} 茶庄\ncategories: [oolong]\ncity: City{n % 3}\n"
                                        f"contact:\n  qr: https://u.wechat.com/shop{n}\n", "utf-8")
        (shop / "products" / "tea.md").write_text(f"---\nname: Oolong {n} tea\ncategory: oolong\n---\n"
                                                  f"大红袍 teapot gift box {n}\n", "utf-8")
    return root


def test_builds_with_the_cache_answer_what_a_build_without_it_answers(make_site, tmp_path, monkeypatch):
    monkeypatch.setattr(searchindex, "DELTA_SHARE", 0.25)  # a small site: its deltas stay under a quarter
    root = shops(make_site(SITE), 24)
    cache, out = tmp_path / "cache", tmp_path / "out"
    queries = ["tea", "oolong", "大红袍", "红袍", "teap", "gift box", "shop 1", "茶庄", "city2", "fuzhou", "kiln"]
    versions = []
    for edit in range(4):
        if edit == 1:  # one product's text edited
            (root / "content/shops/shop-03/products/tea.md").write_text(
                "---\nname: Lapsang souchong\ncategory: oolong\n---\n正山小种 smoky\n", "utf-8")
            queries += ["正山小种", "smoky", "lapsang"]
        elif edit == 2:  # a shop added
            shutil.copytree(root / "content/shops/shop-05", root / "content/shops/shop-new")
        elif edit == 3:  # a shop removed
            shutil.rmtree(root / "content/shops/shop-07")
        assert build.build(root, out, cache_dir=cache).ok
        clean = tmp_path / f"clean{edit}"
        assert build.build(root, clean).ok
        files, whole = output_files(out), output_files(clean)
        same_answers(files, whole, queries)
        versions.append(json.loads(files[searchindex.MANIFEST]))
    assert versions[0]["deltas"] == []
    assert all(m["version"] == versions[0]["version"] and m["deltas"] for m in versions[1:]), \
        "the base is kept, only deltas are made"
    assert [len(m["deltas"]) for m in versions] == [0, 1, 1, 2], "the second delta is merged with the first"
    assert answer(output_files(out), "smoky")
    assert not [path for _, path in answer(output_files(out), "tea") if "shop-07" in path]
    kept = cache / searchstore.FOLDER
    parts = [versions[-1]["version"], *(delta["version"] for delta in versions[-1]["deltas"])]
    assert sorted(p.name for p in kept.iterdir()) == sorted([v + searchstore.PACK for v in parts]
                                                            + [searchstore.STATE, searchstore.CHAIN])
    assert sorted(p.name for p in (out / "search").iterdir() if p.is_dir()) == sorted(parts), \
        "the site holds the parts its manifest names"


@pytest.mark.parametrize("damage", ["nothing", "the pack lost", "the pack cut short", "the state unreadable"])
def test_a_damaged_cache_gives_a_whole_index_again(make_site, tmp_path, monkeypatch, damage):
    monkeypatch.setattr(searchindex, "DELTA_SHARE", 1.0)  # undamaged, any edit would be a delta
    root = shops(make_site(SITE), 6)
    cache, out = tmp_path / "cache", tmp_path / "out"
    assert build.build(root, out, cache_dir=cache).ok
    kept = cache / searchstore.FOLDER
    pack = next(kept.glob("*" + searchstore.PACK))
    if damage == "the pack lost":
        pack.unlink()
    elif damage == "the pack cut short":
        pack.write_bytes(pack.read_bytes()[:-10])
    elif damage == "the state unreadable":
        (kept / searchstore.STATE).write_text("{not json", "utf-8")
    (root / "content/shops/shop-02/products/tea.md").write_text(
        "---\nname: Lapsang\ncategory: oolong\n---\n正山小种\n", "utf-8")
    assert build.build(root, out, cache_dir=cache).ok
    files = output_files(out)
    assert (json.loads(files[searchindex.MANIFEST])["deltas"] == []) == (damage != "nothing")
    assert build.build(root, tmp_path / "clean").ok
    same_answers(files, output_files(tmp_path / "clean"), ["正山小种", "lapsang", "tea", "大红袍", "茶庄"])


@pytest.mark.parametrize("lost", [0, 1])
def test_a_lost_delta_pack_gives_a_delta_of_every_shop_changed_since(make_site, tmp_path, monkeypatch, lost):
    """The chain is kept up to a delta whose pack is gone: the next build compares with what is left."""
    monkeypatch.setattr(searchindex, "DELTA_SHARE", 1.0)
    root = shops(make_site(SITE), 6)
    cache, out = tmp_path / "cache", tmp_path / "out"
    assert build.build(root, out, cache_dir=cache).ok
    (root / "content/shops/shop-02/products/tea.md").write_text(
        "---\nname: Lapsang\ncategory: oolong\n---\n正山小种\n", "utf-8")
    assert build.build(root, out, cache_dir=cache).ok
    shutil.rmtree(root / "content/shops/shop-04")
    assert build.build(root, out, cache_dir=cache).ok
    chain = json.loads(output_files(out)[searchindex.MANIFEST])["deltas"]
    assert len(chain) == 2
    (cache / searchstore.FOLDER / (chain[lost]["version"] + searchstore.PACK)).unlink()
    shutil.rmtree(out)  # the published parts are gone too: only the packs could give them
    (root / "content/shops/shop-05/products/tea.md").write_text(
        "---\nname: Keemun\ncategory: oolong\n---\n祁门红茶\n", "utf-8")
    kept = searchstore._kept(cache / searchstore.FOLDER)
    assert [d["version"] for d in kept["deltas"]] == [d["version"] for d in chain][:lost], \
        "the deltas before the lost one stand"
    assert build.build(root, out, cache_dir=cache).ok
    files = output_files(out)
    assert build.build(root, tmp_path / "clean").ok
    same_answers(files, output_files(tmp_path / "clean"), ["正山小种", "lapsang", "祁门红茶", "keemun", "tea", "茶庄"])


def test_a_kept_base_is_published_from_its_pack_when_the_site_is_gone(make_site, tmp_path, monkeypatch):
    monkeypatch.setattr(searchindex, "DELTA_SHARE", 1.0)
    root = shops(make_site(SITE), 6)
    cache, out = tmp_path / "cache", tmp_path / "out"
    assert build.build(root, out, cache_dir=cache).ok
    shutil.rmtree(out)
    (root / "content/shops/shop-02/products/tea.md").write_text(
        "---\nname: Lapsang\ncategory: oolong\n---\n正山小种\n", "utf-8")
    assert build.build(root, out, cache_dir=cache).ok
    files = output_files(out)
    assert json.loads(files[searchindex.MANIFEST])["deltas"], "the kept base stands"
    assert build.build(root, tmp_path / "clean").ok
    same_answers(files, output_files(tmp_path / "clean"), ["正山小种", "lapsang", "tea", "大红袍", "茶庄"])


def _shop_folders(root) -> list:
    return sorted((root / "content/shops").glob("shop-*"))


def _edit_product(root, pick, word):
    pick.choice(_shop_folders(root)).joinpath("products/tea.md").write_text(
        f"---\nname: Tea {word}\ncategory: oolong\n---\n{word} 正山小种 smoky\n", "utf-8")


def _edit_shop(root, pick, word):
    shop = pick.choice(_shop_folders(root)) / "shop.yaml"
    shop.write_text(shop.read_text("utf-8").replace("city: ", f"city: {word}", 1), "utf-8")


def _add_product(root, pick, word):
    pick.choice(_shop_folders(root)).joinpath(f"products/{word}.md").write_text(
        f"---\nname: Cup {word}\ncategory: ceramics\n---\n{word} celadon cup\n", "utf-8")


def _a_product(root, pick):
    return pick.choice([p for shop in _shop_folders(root) for p in sorted(shop.glob("products/*.md"))])


def _rename_product(root, pick, word):
    product = _a_product(root, pick)
    product.rename(product.with_name(f"{word}.md"))


def _draft_product(root, pick, word):
    product = _a_product(root, pick)
    product.write_text(product.read_text("utf-8").replace("category:", "draft: true\ncategory:", 1), "utf-8")


def _add_shop(root, pick, word):
    shutil.copytree(pick.choice(_shop_folders(root)), root / f"content/shops/shop-{word}")


def _remove_shop(root, pick, word):
    shutil.rmtree(pick.choice(_shop_folders(root)))


def _rename_category(root, pick, word):
    categories = root / "content/categories.yaml"
    categories.write_text(categories.read_text("utf-8").replace("name: Oolong", f"name: Oolong {word}", 1), "utf-8")


def _delist_shop(root, pick, word):
    curation = root / "content/curation.yaml"
    curation.write_text(curation.read_text("utf-8").replace(
        "delisted: [", f"delisted: [{pick.choice(_shop_folders(root)).name}, ", 1), "utf-8")


EDITS = [_edit_product, _edit_shop, _add_product, _rename_product, _draft_product, _add_shop, _remove_shop,
         _rename_category, _delist_shop]


@pytest.mark.parametrize("seed", range(3))
def test_random_edits_through_real_builds_answer_what_a_clean_build_answers(make_site, tmp_path, monkeypatch, seed):
    """Each shop's key comes from the digests loading took of its files: whatever is edited (a product, a
    shop, a category, the curation, drafts, drafts shown or not), the index built on the kept base answers
    as a clean one."""
    monkeypatch.setattr(searchindex, "DELTA_SHARE", 0.6)
    root = shops(make_site(SITE), 8)
    pick = random.Random(seed)
    cache, out = tmp_path / "cache", tmp_path / "out"
    queries = ["tea", "oolong", "大红袍", "teap", "gift box", "茶庄", "city1", "celadon", "smoky"]
    assert build.build(root, out, cache_dir=cache).ok
    deltas = 0
    for step in range(7):
        word = f"w{seed}n{step}"
        pick.choice(EDITS)(root, pick, word)
        queries.append(word)
        drafts = pick.random() < 0.3  # a preview with drafts in, between builds without
        assert build.build(root, out, cache_dir=cache, drafts=drafts).ok
        clean = tmp_path / f"clean{step}"
        assert build.build(root, clean, drafts=drafts).ok
        files = output_files(out)
        deltas += bool(json.loads(files[searchindex.MANIFEST])["deltas"])
        same_answers(files, output_files(clean), queries)
    assert deltas, "some edits were deltas on the kept base"


@pytest.mark.parametrize("delta", [False, True])
@pytest.mark.parametrize("count", [0, 1, 4, 5, 37])
def test_a_part_s_files_are_known_from_its_size(count, delta):
    made = searchindex.part(corpus(count, count) if count else [], delta=delta)
    assert sorted(searchindex.names(made.buckets, made.entries)) == sorted(made.files)


def test_showing_drafts_or_not_with_no_file_changed_answers_as_a_clean_build(make_site, tmp_path, monkeypatch):
    """The same files give a shop other products when drafts are shown: the kept index must not stand."""
    monkeypatch.setattr(searchindex, "DELTA_SHARE", 1.0)
    root = shops(make_site(SITE), 6)
    (root / "content/shops/shop-02/products/kiln.md").write_text(
        "---\nname: Draft kiln cup\ncategory: ceramics\ndraft: true\n---\n龙泉 celadon\n", "utf-8")
    cache, out = tmp_path / "cache", tmp_path / "out"
    for drafts in (False, True, False):
        assert build.build(root, out, cache_dir=cache, drafts=drafts).ok
        clean = tmp_path / f"clean-{drafts}"
        assert build.build(root, clean, drafts=drafts).ok
        same_answers(output_files(out), output_files(clean), ["celadon", "龙泉", "kiln", "tea"])
        assert bool(answer(output_files(out), "celadon")) == drafts


def test_a_large_index_is_gathered_in_the_cache_folder_not_the_system_s_temporary_one(make_site, tmp_path,
                                                                                     monkeypatch):
    """The system's temporary folder may be memory (tmpfs): a build with a cache folder gathers a large
    index's runs there. Here the system's is a folder that is not there: the build still succeeds, with the
    index a build made the plain way."""
    root = shops(make_site(SITE), 12)
    plain = tmp_path / "plain"
    assert build.build(root, plain).ok
    monkeypatch.setattr(searchindex, "RUN", 5)  # 12 shops, 34 entries: gathered in runs
    monkeypatch.setattr(searchindex, "RANGES", 1)  # the index has one bucket: one range keeps the same bytes
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    out = tmp_path / "out"
    assert build.build(root, out, cache_dir=tmp_path / "cache").ok
    assert output_files(out) == output_files(plain)
    assert sorted(p.name for p in (tmp_path / "cache" / searchstore.FOLDER).iterdir()) == sorted(
        [json.loads(output_files(out)[searchindex.MANIFEST])["version"] + searchstore.PACK,
         searchstore.STATE, searchstore.CHAIN]), "the runs' files are gone"
