"""generator/cache.py: entries are written whole or not at all, and tidying removes only what no build used."""

from __future__ import annotations

from generator import cache


def test_a_file_is_written_whole_in_bytes_text_or_pieces(tmp_path):
    assert cache.write(tmp_path / "a" / "b.bin", b"\x00\x01")
    assert cache.write(tmp_path / "c.txt", "茶")
    assert cache.write(tmp_path / "d.json", iter(['{"a": ', "1}"]))
    assert (tmp_path / "a" / "b.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "c.txt").read_text("utf-8") == "茶"
    assert (tmp_path / "d.json").read_text("utf-8") == '{"a": 1}'
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b.bin", "c.txt", "d.json"], "no .tmp is left"


def test_a_cache_that_cannot_take_a_file_says_so_and_keeps_the_old_one(tmp_path):
    (tmp_path / "blocked").write_text("a file where a folder should be", "utf-8")
    assert not cache.write(tmp_path / "blocked" / "entry", b"x")
    assert cache.write(tmp_path / "entry", b"old")

    def pieces():
        yield "new, then "
        raise OSError("no room")

    assert not cache.write(tmp_path / "entry", pieces())
    assert (tmp_path / "entry").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked", "entry"], "no .tmp is left"


def test_a_pack_gives_back_each_of_its_files_and_lists_them(tmp_path):
    files = {"t0.json.gz": b"0", "d0.json.gz": b"\x00\x01"}
    assert cache.write_pack(tmp_path / "v1.pack", files)
    pack = cache.Pack(tmp_path / "v1.pack", lambda: sorted(files))
    assert {name: pack.read(name) for name in pack.names()} == files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v1.pack"], "no .tmp is left"


def test_tidy_removes_unused_entries_only_past_the_limit(tmp_path):
    folder = tmp_path / "qr"
    paths = [folder / key[:2] / key for key in ("aa1", "aa2", "bb1", "cc1")]
    for path in paths:
        cache.write(path, b"png")
    used = lambda: {str(paths[0]), str(paths[2])}  # noqa: E731
    assert cache.tidy(folder, used, limit=4) == 0
    assert all(path.exists() for path in paths)
    assert cache.tidy(folder, used, limit=3) == 2
    assert [path.exists() for path in paths] == [True, False, True, False]
