"""generator/output.py: the site is built beside the output folder and swapped in whole."""

from __future__ import annotations

import json
import os
import shutil
import time

import pytest

from generator import output, processes
from generator.output import OutputError, Staging, exclusive, look_ahead

OLD = 1_000_000_000  # 2001: an mtime no fresh write can have


def files_under(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def publish(out, files: dict[str, bytes], spare_first: bool = False, own: bool = False) -> dict:
    """As a build publishes: and ends with the processes it started (build.build settles them)."""
    staging = Staging(out, spare_first=spare_first, own=own)
    try:
        for rel, data in files.items():
            staging.write(rel, data)
        return staging.commit()
    except BaseException:
        staging.abort()
        raise
    finally:
        processes.settle()


def test_writes_then_commit_make_the_output_folder(tmp_path):
    out = tmp_path / "output"
    stats = publish(out, {"index.html": b"<h1>home</h1>", "shops/a/index.html": b"a"})
    assert files_under(out) == {"index.html": b"<h1>home</h1>", "shops/a/index.html": b"a"}
    assert stats == {"written": 2, "unchanged": 0, "removed": 0}


def test_nothing_is_visible_before_commit(tmp_path):
    out = tmp_path / "output"
    staging = Staging(out)
    try:
        staging.write("index.html", b"x")
        assert not out.exists()
    finally:
        staging.abort()


def test_no_staging_or_old_folder_is_left_beside_the_output_only_the_spare_site(tmp_path):
    out = tmp_path / "output"
    publish(out, {"index.html": b"1"})
    publish(out, {"index.html": b"2"})
    publish(out, {"index.html": b"3"})
    assert files_under(out) == {"index.html": b"3"}
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == [".output.spare", "output"]
    assert files_under(tmp_path / ".output.spare") == {"index.html": b"2"}  # the site just replaced


def _children_finished_but_not_reaped() -> list[int]:
    me = os.getpid()
    found = []
    for pid in open(f"/proc/{me}/task/{me}/children").read().split():
        try:
            state = open(f"/proc/{pid}/stat").read().rsplit(") ", 1)[1].split()[0]
        except OSError:
            continue
        if state == "Z":
            found.append(int(pid))
    return found


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc")
def test_publishing_again_and_again_leaves_no_finished_process_behind(tmp_path):
    """shopdir serve publishes in one long-lived process: the removal of each previous site must not pile
    up finished children."""
    out = tmp_path / "output"
    for number in range(4):
        publish(out, {"index.html": str(number).encode(), **{f"p/{i}/index.html": b"x" for i in range(50)}})
    time.sleep(0.5)  # time for the removals to end
    assert _children_finished_but_not_reaped() == []


def test_reading_the_spare_ahead_changes_nothing_and_leaves_no_process_behind(tmp_path):
    """Builds read the spare site's folders as they start (look_ahead), beside the check that uses it."""
    out = tmp_path / "output"
    for number in range(2):
        publish(out, {"index.html": str(number).encode(), **{f"p/{i}/index.html": b"x" for i in range(50)}})
    spare, record = tmp_path / ".output.spare", tmp_path / ".output.spare.json"
    before = (files_under(spare), record.read_bytes(), sorted(os.listdir(tmp_path)))
    for _ in range(3):
        look_ahead(out)
    time.sleep(0.5)  # time for the readers to end
    assert (files_under(spare), record.read_bytes(), sorted(os.listdir(tmp_path))) == before
    processes.settle()  # as each build ends
    assert _children() == []
    stats = publish(out, {"index.html": b"2", **{f"p/{i}/index.html": b"x" for i in range(50)}})
    assert stats == {"written": 1, "unchanged": 50, "removed": 0}
    look_ahead(tmp_path / "never-built")  # no spare: nothing to read, nothing made
    assert not (tmp_path / ".never-built.spare").exists()


def _children() -> list[int]:
    me = os.getpid()
    return [int(pid) for pid in open(f"/proc/{me}/task/{me}/children").read().split()]


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc")
def test_the_removal_of_the_previous_site_ends_with_the_build(tmp_path):
    """Removals run beside the build, in its process group and session, and the build waits for them: once
    it has ended, nothing it started changes a folder beside the output."""
    out = tmp_path / "output"
    publish(out, {"index.html": b"1"})
    publish(out, {"index.html": b"2", **{f"p/{i}/index.html": b"x" for i in range(2000)}})
    staging = Staging(out)  # a spare that cannot be used: it is removed beside this build
    (tmp_path / ".output.spare.json").write_text("{}")
    staging.abort()
    staging = Staging(out)
    staging.write("index.html", b"3")
    staging.commit()
    assert _children()  # the removals were still running
    processes.settle()
    assert _children() == []
    assert [p.name for p in tmp_path.iterdir() if ".removing-" in p.name] == []


def test_a_second_build_waits_for_the_first_then_gives_up_with_one_line(tmp_path, monkeypatch, capsys):
    """The lock is taken before anything is read or written, on the output folder and on the cache."""
    import subprocess
    import sys

    out, cache = tmp_path / "output", tmp_path / "cache"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from generator.output import exclusive\n"
                               f"with exclusive({str(out)!r}, None):\n print('held', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        monkeypatch.setenv("SHOPDIR_LOCK_WAIT", "0.5")
        started = time.monotonic()
        told = []
        with pytest.raises(OutputError) as raised:
            with exclusive(out, cache, told.append):
                pass
        assert time.monotonic() - started < 5
        assert str(raised.value).startswith(f"{tmp_path / '.output.lock'}: another build of this site "
                                            f"(pid {holder.pid}) still holds this lock after 0.5 s")
        assert told == [f"shopdir: waiting for another build of this site (pid {holder.pid}) "
                        "to finish (at most 0.5 s)..."]
        assert capsys.readouterr().err == ""  # the caller says it (only the command line prints)
        with exclusive(tmp_path / "elsewhere", cache):  # another output folder, the cache free: no wait
            pass
    finally:
        holder.kill()
        holder.wait()
    with exclusive(out, cache):  # the holder killed: its lock went with it
        assert not out.exists()  # the lock is beside the output folder, which it does not make


def test_a_previous_site_whose_removal_was_cut_short_is_removed_by_the_next_build(tmp_path):
    out = tmp_path / "output"
    grave = tmp_path / ".output.removing-1"
    (grave / "shops").mkdir(parents=True)
    (grave / "shops/index.html").write_bytes(b"old")
    publish(out, {"index.html": b"1"})
    assert not grave.exists()


def test_unchanged_files_keep_their_mtime_and_changed_ones_are_rewritten(tmp_path):
    out = tmp_path / "output"
    publish(out, {"index.html": b"same", "about/index.html": b"old text"})
    for rel in ("index.html", "about/index.html"):
        os.utime(out / rel, (OLD, OLD))
    stats = publish(out, {"index.html": b"same", "about/index.html": b"new text"})
    assert (out / "index.html").stat().st_mtime == OLD
    assert (out / "about/index.html").stat().st_mtime != OLD
    assert (out / "about/index.html").read_bytes() == b"new text"
    assert stats == {"written": 1, "unchanged": 1, "removed": 0}


def test_a_same_size_change_is_still_written(tmp_path):
    out = tmp_path / "output"
    publish(out, {"a.txt": b"aaaa"})
    publish(out, {"a.txt": b"bbbb"})
    assert (out / "a.txt").read_bytes() == b"bbbb"


def test_removed_files_are_counted_and_gone(tmp_path):
    out = tmp_path / "output"
    publish(out, {"index.html": b"1", "shops/gone/index.html": b"2", "img/old.webp": b"3"})
    stats = publish(out, {"index.html": b"1"})
    assert files_under(out) == {"index.html": b"1"}
    assert not (out / "shops" / "gone").exists()
    assert stats["removed"] == 2


@pytest.mark.parametrize("rel", ["../outside.html", "a/../../outside.html", "/tmp/outside.html", "", "."])
def test_a_write_outside_the_folder_is_refused(tmp_path, rel):
    staging = Staging(tmp_path / "output")
    try:
        with pytest.raises(OutputError, match="outside the output folder"):
            staging.write(rel, b"x")
    finally:
        staging.abort()
    assert not (tmp_path / "outside.html").exists()


def test_a_write_through_a_link_leading_out_is_refused(tmp_path):
    staging = Staging(tmp_path / "output")
    try:
        (staging.dir / "link").symlink_to(tmp_path)
        with pytest.raises(OutputError):
            staging.write("link/escaped.html", b"x")
    finally:
        staging.abort()
    assert not (tmp_path / "escaped.html").exists()


def test_the_same_path_written_twice_is_refused(tmp_path):
    staging = Staging(tmp_path / "output")
    try:
        staging.write("shops/a/index.html", b"first")
        with pytest.raises(OutputError, match="written twice"):
            staging.write("shops/a/index.html", b"second")
    finally:
        staging.abort()


@pytest.mark.parametrize("again", ["shops/a/./index.html", "shops//a/index.html", "shops/b/../a/index.html"])
def test_the_same_file_under_another_spelling_is_refused(tmp_path, again):
    staging = Staging(tmp_path / "output")
    try:
        staging.write("shops/a/index.html", b"first")
        with pytest.raises(OutputError):
            staging.write(again, b"second")
    finally:
        staging.abort()


def test_abort_leaves_the_previous_output_intact(tmp_path):
    out = tmp_path / "output"
    publish(out, {"index.html": b"previous", "shops/a/index.html": b"a"})
    before = files_under(out)
    staging = Staging(out)
    staging.write("index.html", b"half-built")
    staging.write("new.html", b"new")
    staging.abort()
    assert files_under(out) == before
    for _ in range(100):  # what the aborted build wrote is removed by a child process, just after
        if sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["output"]:
            break
        time.sleep(0.05)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["output"]


def test_a_failure_while_writing_leaves_the_previous_output_intact(tmp_path):
    out = tmp_path / "output"
    publish(out, {"index.html": b"previous"})
    with pytest.raises(OutputError):
        publish(out, {"index.html": b"next", "../escape.html": b"x"})
    assert files_under(out) == {"index.html": b"previous"}


def test_a_staging_folder_left_by_a_killed_build_is_cleared(tmp_path):
    out = tmp_path / "output"
    leftover = tmp_path / ".output.staging"
    (leftover / "stale").mkdir(parents=True)
    (leftover / "stale" / "index.html").write_bytes(b"stale")
    publish(out, {"index.html": b"fresh"})
    assert files_under(out) == {"index.html": b"fresh"}


def test_an_old_site_left_by_a_killed_swap_is_restored(tmp_path):
    out = tmp_path / "output"
    old = tmp_path / ".output.old"
    old.mkdir()
    (old / "index.html").write_bytes(b"previous")
    staging = Staging(out)
    staging.abort()
    assert files_under(out) == {"index.html": b"previous"}


# -- the spare site, made into the next one --------------------------------

def folders_under(folder) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def test_each_site_is_published_exactly_when_the_spare_is_made_into_it(tmp_path):
    out = tmp_path / "output"
    sites = [
        {"index.html": b"1", "shops/a/index.html": b"a", "shops/b/index.html": b"b", "x": b"file"},
        {"index.html": b"2", "shops/a/index.html": b"a", "shops/c/index.html": b"c", "x/index.html": b"folder"},
        {"index.html": b"2", "shops/b/index.html": b"b2", "x": b"file again"},
        {"index.html": b"3", "shops/a/index.html": b"a", "shops/b/index.html": b"b2", "x/y/index.html": b"deep"},
        {"index.html": b"3"},
        {"index.html": b"3", "shops/a/index.html": b"a"},
    ]
    for site in sites + sites[::-1]:
        publish(out, site)
        assert files_under(out) == site
        # no folder is left that no file needs (a removed shop's folder goes with it)
        assert folders_under(out) == {folder for rel in site for folder in _parents(rel)}


def _parents(rel: str):
    parts = rel.split("/")[:-1]
    return ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]


def test_a_published_file_is_never_changed_by_a_later_build(tmp_path):
    """The next site is made from the spare, whose unchanged files are the published site's own
    (one file, two names): a changed file must be made anew, never written into."""
    out, witness = tmp_path / "output", tmp_path / "witness"
    publish(out, {"index.html": b"one", "a/index.html": b"a1"})
    publish(out, {"index.html": b"two", "a/index.html": b"a1"})
    for number in range(3, 7):
        witness.mkdir()
        before = files_under(out)
        for rel in before:  # another name for each published file
            (witness / rel.replace("/", "_")).hardlink_to(out / rel)
        publish(out, {"index.html": f"n{number}".encode(), "a/index.html": f"a{number % 2}".encode()})
        assert {rel: (witness / rel.replace("/", "_")).read_bytes() for rel in before} == before
        shutil.rmtree(witness)


def test_counts_are_right_when_the_spare_is_made_into_the_next_site(tmp_path):
    out = tmp_path / "output"
    publish(out, {"index.html": b"1", "a/index.html": b"a", "b/index.html": b"b"})
    publish(out, {"index.html": b"2", "a/index.html": b"a", "b/index.html": b"b"})
    stats = publish(out, {"index.html": b"3", "a/index.html": b"a", "c/index.html": b"c"})
    assert stats == {"written": 2, "unchanged": 1, "removed": 1}


def test_a_file_added_to_the_output_by_hand_is_not_carried_into_later_sites(tmp_path):
    out = tmp_path / "output"
    site = {"index.html": b"1", "a/index.html": b"a"}
    publish(out, site)
    publish(out, site)
    (out / "a" / "by-hand.txt").write_bytes(b"x")
    (out / "CNAME").write_bytes(b"example.org")
    for _ in range(3):
        stats = publish(out, site)
        assert files_under(out) == site
    assert stats["removed"] == 0


def test_a_build_killed_while_making_the_spare_into_the_next_site_leaves_no_trace_in_later_ones(tmp_path):
    out = tmp_path / "output"
    publish(out, {"index.html": b"1", "a/index.html": b"a"})
    publish(out, {"index.html": b"2", "a/index.html": b"a"})
    staging = Staging(out)  # takes the spare, as a build does, and is killed half-way
    staging.write("index.html", b"half")
    staging.write("b/index.html", b"half")
    processes.settle()  # killed: the processes it started go with it (see processes); nothing else happens
    assert files_under(out) == {"index.html": b"2", "a/index.html": b"a"}
    assert publish(out, {"index.html": b"3", "a/index.html": b"a"})["removed"] == 0
    assert files_under(out) == {"index.html": b"3", "a/index.html": b"a"}
    publish(out, {"index.html": b"4", "a/index.html": b"a"})
    assert files_under(out) == {"index.html": b"4", "a/index.html": b"a"}


def test_an_output_folder_replaced_by_hand_still_gets_the_whole_new_site(tmp_path):
    """Its spare's record no longer matches it (another folder): the new site is made and published whole."""
    out = tmp_path / "output"
    publish(out, {"index.html": b"1", "a/index.html": b"a"})
    publish(out, {"index.html": b"2", "a/index.html": b"a"})
    shutil.rmtree(out)  # the output folder replaced by hand: the spare's record no longer matches it
    (out / "a").mkdir(parents=True)
    (out / "index.html").write_bytes(b"by hand")
    (out / "a" / "index.html").write_bytes(b"by hand")
    publish(out, {"index.html": b"3", "a/index.html": b"a"})
    assert files_under(out) == {"index.html": b"3", "a/index.html": b"a"}


def test_a_spare_goes_unlooked_at_only_in_the_process_s_own_folder_and_with_its_own_record(tmp_path):
    """serve's output folder is its own: the spare it left is taken as its record says, with no process
    forked to walk it. Another process's record, or a folder not the process's own, is looked at as ever."""
    def publish_looked_at(trusted: bool, own: bool) -> None:
        staging = Staging(out, own=own)
        try:
            assert staging.trusted is trusted and (staging._looking is None) is trusted
            for rel, data in site.items():
                staging.keep(rel) or staging.write(rel, data)
            staging.commit()
        except BaseException:
            staging.abort()
            raise
        finally:
            processes.settle()
        assert files_under(out) == site, "a file added by hand is found and left out"

    out = tmp_path / "output"
    site = {"index.html": b"1", "a/index.html": b"a"}
    publish(out, site, spare_first=True, own=True)
    publish(out, site, own=True)
    for _ in range(output.TRUSTED_RUN - 1):
        publish_looked_at(trusted=True, own=True)
    spare = tmp_path / ".output.spare"
    (spare / "a" / "index.html").unlink()  # by a cleaner of the temporary folder: found within a run of builds
    (spare / "a" / "by-hand.txt").write_bytes(b"x")
    publish_looked_at(trusted=False, own=True)
    publish_looked_at(trusted=False, own=True)  # the other folder too: the spare and the published take turns
    publish_looked_at(trusted=True, own=True)  # a new run
    record = tmp_path / ".output.spare.json"
    runs = []
    for _ in range(output.TRUSTED_RUN + 1):  # builds that publish twice (the search index after the pages): the
        publish(out, site, own=True)  # second publish, not the folder's own, neither ends nor restarts the run
        publish(out, site)
        runs.append(json.loads(record.read_text("utf-8"))["run"])
    assert runs == [*range(2, output.TRUSTED_RUN + 2), 0]  # the last two of the run checked the spare
    for by, own in ((os.getpid() + 1, True), (os.getpid(), False)):  # another process's record; not its own
        record.write_text(json.dumps({**json.loads(record.read_text("utf-8")), "by": by}), "utf-8")
        (tmp_path / ".output.spare" / "a" / "by-hand.txt").write_bytes(b"x")
        publish_looked_at(trusted=False, own=own)


def test_a_process_that_holds_the_spare_s_record_in_memory_writes_none_and_uses_the_spare(tmp_path):
    """serve keeps the spare's record in memory: no record file is written, the next build takes the
    spare as its staging folder by that record, and what it publishes is the site, file for file."""
    out, held = tmp_path / "output", {}
    sites = [{"index.html": b"1", "a/index.html": b"a"}, {"index.html": b"2", "b/index.html": b"b"},
             {"index.html": b"2", "a/index.html": b"a2", "b/index.html": b"b"}]
    for number, site in enumerate(sites):
        staging = Staging(out, spare_first=True, own=True, held=held)
        try:
            assert staging.recycled is (number > 0) and staging.trusted is (number > 0)
            for rel, data in site.items():
                staging.write(rel, data)
            staging.commit()
        finally:
            processes.settle()
        assert files_under(out) == site
        assert not (tmp_path / ".output.spare.json").exists() and held["record"]["files"] == set(site)
    held["record"] = {**held["record"], "out": [0, 0]}  # a record of another folder is not taken
    staging = Staging(out, own=True, held=held)
    try:
        assert not staging.recycled
    finally:
        staging.abort()
        processes.settle()


def test_a_file_removed_from_the_spare_by_hand_is_still_published(tmp_path):
    out = tmp_path / "output"
    site = {"index.html": b"1", "a/index.html": b"a", "b/c/index.html": b"c"}
    publish(out, site)
    publish(out, site)
    spare = tmp_path / ".output.spare"
    (spare / "a" / "index.html").unlink()  # the record says the spare has it, as the published site has
    shutil.rmtree(spare / "b")
    (tmp_path / "elsewhere").mkdir()
    (spare / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (spare / "index.html").unlink()  # a link to a folder where the record has a file: never kept as it
    (spare / "index.html").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    staging = Staging(out)
    try:
        for rel in site:
            assert staging.keep(rel)  # the same as the published page: nothing to do, as far as the record knows
        staging.commit()
    except BaseException:
        staging.abort()
        raise
    assert files_under(out) == site
    assert not os.path.lexists(out / "link") and not (out / "index.html").is_symlink()


def test_the_first_site_is_recorded_so_that_the_next_build_need_not_walk_it(tmp_path):
    out = tmp_path / "output"
    publish(out, {"index.html": b"1", "a/index.html": b"a", "b/index.html": b"b"})
    staging = Staging(out)  # nothing was replaced, so there is no spare: a new staging folder
    try:
        assert not staging.recycled
        assert staging.previous == {"index.html", "a/index.html", "b/index.html"}  # from the record
    finally:
        staging.abort()
    stats = publish(out, {"index.html": b"2", "a/index.html": b"a"})
    assert stats == {"written": 1, "unchanged": 1, "removed": 1}
    assert files_under(out) == {"index.html": b"2", "a/index.html": b"a"}
    stats = publish(out, {"index.html": b"2", "c/index.html": b"c"})  # from the spare now
    assert stats == {"written": 1, "unchanged": 1, "removed": 1}
    assert files_under(out) == {"index.html": b"2", "c/index.html": b"c"}


def test_a_first_site_that_leaves_a_spare_is_built_on_by_the_next_one(tmp_path):
    """serve's first edit: the spare linked by the first build is the next staging folder, so the files
    kept are not linked again, and each keeps its inode (the one file, two names)."""
    out = tmp_path / "output"
    first = {"index.html": b"1", "a/index.html": b"a", "b/c/index.html": b"c"}
    publish(out, first, spare_first=True)
    assert files_under(out) == first
    spare = tmp_path / ".output.spare"
    assert files_under(spare) == first, "a copy of the first site beside it"
    assert all(os.path.samefile(out / rel, spare / rel) for rel in first), "linked, not copied"
    inode = os.stat(out / "b/c/index.html").st_ino
    staging = Staging(out)
    try:
        assert staging.recycled, "the spare is made into the staging folder"
        staging.keep("a/index.html")
        staging.keep("b/c/index.html")
        staging.write("index.html", b"2")
        assert staging.commit() == {"written": 1, "unchanged": 2, "removed": 0}
    except BaseException:
        staging.abort()
        raise
    finally:
        processes.settle()
    assert files_under(out) == {**first, "index.html": b"2"}
    assert os.stat(out / "b/c/index.html").st_ino == inode
    assert files_under(spare) == first, "the first site, kept as the next spare"
    assert publish(out, {"index.html": b"3"}) == {"written": 1, "unchanged": 0, "removed": 2}
    assert files_under(out) == {"index.html": b"3"}


def test_a_staging_folder_names_the_published_files_below_a_folder(tmp_path):
    """Known from the record of the last build, or found in the folder when there is none."""
    out = tmp_path / "out"
    files = {"index.html": b"home", "pagefind/a.pf": b"a", "pagefind/2/b.pf": b"b", "pagefinder/c": b"c"}
    for recorded in (False, True):
        publish(out, files)
        if not recorded:
            (tmp_path / ".out.spare.json").unlink()  # as after a build that was killed
        staging = Staging(out)
        assert (staging.previous is not None) == recorded
        try:
            assert staging.published("pagefind/") == ["pagefind/2/b.pf", "pagefind/a.pf"]
            assert staging.published() == sorted(files)
        finally:
            staging.abort()
            processes.settle()


@pytest.mark.parametrize("spare", [True, False], ids=["from the spare", "a new staging folder"])
def test_keeping_many_files_at_once_is_keeping_each_one(tmp_path, spare):
    """Staging.keep_all: what keep() gives file by file (the files kept, those gone,
    the counts and the site published), with the spare's own differences from the published site."""
    results = []
    for name in ("one-by-one", "all-at-once"):
        out = tmp_path / name / "output"
        publish(out, {"index.html": b"0", "a/index.html": b"a", "b/index.html": b"b", "c/index.html": b"c0"})
        if spare:  # the spare is the site before: c changed, d added since
            publish(out, {"index.html": b"1", "a/index.html": b"a", "b/index.html": b"b", "c/index.html": b"c1",
                          "d/index.html": b"d"})
        staging = Staging(out)
        assert staging.recycled == spare
        try:
            staging.write("index.html", b"2")
            names = ["a/index.html", "b/index.html", "c/index.html", "d/index.html", "gone/index.html"]
            if name == "one-by-one":
                missing = {rel for rel in names if not staging.keep(rel)}
            else:
                missing = staging.keep_all(names)
            results.append((missing, sorted(staging.written), staging.commit()))
        except BaseException:
            staging.abort()
            raise
        finally:
            processes.settle()
        results[-1] += (files_under(out),)
    assert results[0] == results[1]
    missing, written, stats, site = results[1]
    assert missing == ({"gone/index.html"} if spare else {"d/index.html", "gone/index.html"})
    assert site == {"index.html": b"2", "a/index.html": b"a", "b/index.html": b"b",
                    "c/index.html": b"c1" if spare else b"c0", **({"d/index.html": b"d"} if spare else {})}
    assert stats["unchanged"] == (4 if spare else 3)
