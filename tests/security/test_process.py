"""The build as a process: killed at any moment, run twice at once, run again, or broken inside.

(a) SIGKILL at many moments of a real `python -m generator build` leaves the output folder as
    the previous complete site or the new complete site, never a mix; a following build succeeds.
(b) Two builds started at once into one output folder: both succeed, the result is complete.
(c) The same input gives the same bytes: another PYTHONHASHSEED, the content copied in another order.
(d) An internal error is one line that says where and asks for a bug report; --debug shows the traceback.
(e) Ctrl-C reaches the whole process group: the build's worker processes leave it to the build, which
    stops them all at once.
(f) SIGTERM to the build's process alone stops its workers and indexer too, and keeps the previous site.
(g) A build waiting for another one's lock gives up after SHOPDIR_LOCK_WAIT, having written nothing.
(h) A build run while another thread of the program runs forks nothing, and builds the same site.

The sites are copies of the example directory that ships in the repository root.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# When to kill, as fractions of a whole build's time: spread over the build, denser towards its end,
# where pages are written into the staging folder and swapped in.
KILL_AT = (0.05, 0.15, 0.3, 0.45, 0.6, 0.68, 0.74, 0.78, 0.82, 0.86, 0.9, 0.94, 0.98, 1.02, 1.08)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_site(target: Path, reverse: bool = False) -> Path:
    """site.yaml, content/ and themes/ of the example site; with reverse=True every folder and file is
    created in the opposite order (and gets a fresh modification time)."""
    files = sorted(p for name in ("site.yaml", "content", "themes")
                   for p in ([REPO / name] if (REPO / name).is_file() else (REPO / name).rglob("*")) if p.is_file())
    for path in (reversed(files) if reverse else files):
        rel = path.relative_to(REPO)
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / rel)
    return target


def edit_site(root: Path) -> None:
    """The 'new' site: one product edited, one removed, one added, and the site's description, which every
    page shows: a build from one site to the other makes and renders every page (in forked workers), as
    a build that is killed or stopped while it renders must."""
    site = root / "site.yaml"
    lines = site.read_text("utf-8").split("\n")
    site.write_text("\n".join("description: The new site's description" if line.startswith("description:") else line
                              for line in lines), "utf-8")
    products = sorted((root / "content" / "shops").glob("*/products/*.md"))
    edited, removed = products[0], products[-1]
    text = edited.read_text("utf-8")
    head, sep, body = text.partition("\n---\n")
    head = "\n".join(("name: Edited for the kill test" if line.startswith("name:") else line)
                     for line in head.split("\n"))
    edited.write_text(head + sep + "An edited description, so the new site differs.\n\n" + body, "utf-8")
    removed.unlink()
    (edited.parent / "added-for-kill-test.md").write_text(
        "---\nname: Added for the kill test\nprice: 1\ndate: 2026-04-01\n---\nA product the old site does not have.\n",
        "utf-8")


def build_command(root: Path, out: Path, cache: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--root", str(root), "--out", str(out),
            "--cache-dir", str(cache), "--quiet"]


def environment(**extra: str) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONHASHSEED", None)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def run_build(root: Path, out: Path, cache: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(root, out, cache), cwd=root, env=environment(**env), capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Two versions of the example site and their complete builds, with a warm picture cache."""
    tmp = tmp_path_factory.mktemp("process")
    old = copy_site(tmp / "old")
    new = copy_site(tmp / "new")
    edit_site(new)
    cache = tmp / "cache"
    done = run_build(old, tmp / "ref-old", cache, PYTHONHASHSEED="1")  # cold: fills the cache
    assert done.returncode == 0, done.stderr
    done = run_build(new, tmp / "ref-new", cache)
    assert done.returncode == 0, done.stderr
    ref_old, ref_new = snapshot(tmp / "ref-old"), snapshot(tmp / "ref-new")
    assert ref_old != ref_new and set(ref_old) != set(ref_new)
    return {"tmp": tmp, "old": old, "new": new, "cache": cache, "ref_old": ref_old, "ref_new": ref_new}


def describe(found: dict, old: dict, new: dict) -> str:
    """Why a snapshot is neither site: a few files of each kind."""
    missing = sorted(set(new) - set(found))[:5]
    extra = sorted(set(found) - set(new) - set(old))[:5]
    from_old = sorted(rel for rel in found if rel in old and found[rel] == old[rel] and new.get(rel) != old[rel])[:5]
    from_new = sorted(rel for rel in found if rel in new and found[rel] == new[rel] and old.get(rel) != new[rel])[:5]
    return f"missing from new {missing}; in neither {extra}; as in old {from_old}; as in new {from_new}"


def test_a_killed_build_leaves_the_previous_site_or_the_new_one(sites):
    """Each kill hits a build from one complete site to the other; the next build goes back the other way.

    So every kill is of a build replacing one known site by another, in both directions, and each
    kill is followed by a normal build that must succeed and be complete.
    """
    refs = {"old": sites["ref_old"], "new": sites["ref_new"]}
    temp = sites["tmp"] / "kill" / "temp"  # the builds' temporary folder
    temp.mkdir(parents=True)
    roots = {"old": sites["old"], "new": sites["new"]}
    out = sites["tmp"] / "kill" / "out"
    staging = out.parent / f".{out.name}.staging"
    done = run_build(sites["old"], out, sites["cache"])
    assert done.returncode == 0, done.stderr
    assert snapshot(out) == refs["old"]
    # How long a whole build from one site to the other takes (warm cache), measured again after every kill.
    scratch = sites["tmp"] / "kill" / "timing"
    assert run_build(sites["old"], scratch, sites["cache"]).returncode == 0
    started = time.perf_counter()
    assert run_build(sites["new"], scratch, sites["cache"]).returncode == 0
    durations = [time.perf_counter() - started]

    current, outcomes = "old", []
    for number, fraction in enumerate(KILL_AT):
        target = "new" if current == "old" else "old"
        whole = sorted(durations)[len(durations) // 2]
        delay = whole * fraction
        process = subprocess.Popen(build_command(roots[target], out, sites["cache"]), cwd=roots[target],
                                   env=environment(TMPDIR=str(temp)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   start_new_session=True)
        time.sleep(delay)
        running = process.poll() is None
        writing = staging.exists()
        if running:
            os.killpg(process.pid, signal.SIGKILL)  # the build and anything it started
        process.communicate(timeout=60)
        found = snapshot(out)
        if _proc:  # nothing it started lives on: nothing writes into or beside the output any more
            assert _left_in(process.pid) == [], f"kill {number}: processes left running"
            beside = sorted(os.listdir(out.parent))
            time.sleep(0.3)
            assert snapshot(out) == found and sorted(os.listdir(out.parent)) == beside, f"kill {number}"
        state = "old" if found == refs["old"] else "new" if found == refs["new"] else "MIXED"
        outcomes.append((f"{current}->{target}", round(delay, 2), "running" if running else "done",
                         "staging" if writing else "-", state))
        assert state in (current, target), f"kill {number} at {delay:.2f} s: " + describe(found, refs[current], refs[target])

        started = time.perf_counter()
        again = run_build(roots[target], out, sites["cache"], TMPDIR=str(temp))
        if state == current:  # a whole build from one site to the other
            durations.append(time.perf_counter() - started)
        assert again.returncode == 0, f"the build after kill {number} failed: {again.stderr}"
        assert snapshot(out) == refs[target], f"the build after kill {number}: " + describe(
            snapshot(out), refs[current], refs[target])
        current = target
    assert sorted(p.name for p in temp.iterdir()) == []  # what killed builds left there, removed by the next
    print(f"whole builds: {[round(d, 2) for d in durations]} s; kills (build, delay, process, staging folder, output):", outcomes)
    assert sum(1 for outcome in outcomes if outcome[2] == "running") >= len(KILL_AT) // 3, outcomes


def test_b_two_builds_at_once_into_one_folder(sites):
    out = sites["tmp"] / "together" / "out"
    processes = [subprocess.Popen(build_command(sites["new"], out, sites["cache"]), cwd=sites["new"],
                                  env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    results = [(p, *p.communicate(timeout=300)) for p in processes]
    for process, _, err in results:
        assert process.returncode == 0, err
        assert "Traceback" not in err
    waited = [err for _, _, err in results if "waiting" in err]
    assert len(waited) <= 1, waited  # at most one waits for the other; both finished
    for err in waited:  # one line, naming the build it waits for
        assert err.startswith("shopdir: waiting for another build of this site (pid "), err
        assert any(f"(pid {process.pid})" in err for process in processes), err
    assert snapshot(out) == sites["ref_new"]
    # beside the output: its lock, and the site the second build replaced, kept to make the next one from
    leftovers = sorted(p.name for p in out.parent.iterdir()
                       if p.name not in ("out", ".out.lock", ".out.spare", ".out.spare.json"))
    assert leftovers == [], leftovers


def test_c_same_input_same_bytes(sites):
    """Another hash seed, the files created in reverse order, and a cold cache of its own: the same bytes."""
    reversed_root = copy_site(sites["tmp"] / "reversed", reverse=True)
    done = run_build(reversed_root, sites["tmp"] / "out-reversed", sites["tmp"] / "cache-reversed",
                     PYTHONHASHSEED="2")
    assert done.returncode == 0, done.stderr
    found = snapshot(sites["tmp"] / "out-reversed")
    assert sorted(found) == sorted(sites["ref_old"])
    differ = sorted(rel for rel in found if found[rel] != sites["ref_old"][rel])
    assert differ == []


def test_d_an_internal_error_is_one_line_asking_for_a_bug_report(run_cli, make_site, monkeypatch, tmp_path):
    import generator.build
    import generator.plan

    def broken(*args, **kwargs):
        raise RuntimeError("planted failure")

    monkeypatch.setattr(generator.plan, "plan_site", broken)
    monkeypatch.setattr(generator.build, "plan_site", broken)  # build.py holds its own reference to the function
    root = make_site()
    out = tmp_path / "out"
    status, stdout, stderr = run_cli("build", "--root", str(root), "--out", str(out), "--cache-dir",
                                     str(tmp_path / "cache"), "--quiet")
    assert status == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    line = lines[0]
    assert "bug" in line and "Traceback" not in stderr
    assert "RuntimeError" in line and "planted failure" in line
    assert "test_process.py:" in line  # where it happened: the file and line that raised
    assert not out.exists()

    status, stdout, stderr = run_cli("--debug", "build", "--root", str(root), "--out", str(out), "--cache-dir",
                                     str(tmp_path / "cache"), "--quiet")
    assert status == 2
    assert "Traceback (most recent call last)" in stderr
    assert "RuntimeError: planted failure" in stderr
    assert not out.exists()


_proc = os.path.isdir("/proc/self")


def _interrupted_while_working(number: int) -> int:
    os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C reaches every process of the group
    time.sleep(0.05)
    return number


def test_e_a_worker_finishes_its_task_through_ctrl_c_and_leaves_the_answer_to_the_build():
    """Else each worker prints a KeyboardInterrupt traceback of its own beside the build's one line."""
    from generator import processes

    with processes.pool(2) as pool:
        assert list(pool.map(_interrupted_while_working, range(6))) == list(range(6))


@pytest.mark.skipif(not _proc, reason="reads /proc")
def test_e_ctrl_c_stops_the_build_and_all_it_started_within_a_second_and_keeps_the_previous_site(sites):
    """Ctrl-C (SIGINT to the whole process group) while the build renders: one line, exit 130, and no
    process of the build left a second later; the workers used to finish their task first."""
    out = sites["tmp"] / "ctrl-c" / "out"
    assert run_build(sites["old"], out, sites["cache"]).returncode == 0
    for _ in range(5):  # until it is caught rendering (it may finish first: then the old site is published again)
        process = subprocess.Popen(build_command(sites["new"], out, sites["cache"]), cwd=sites["new"],
                                   env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        if _rendering(process, out):
            break
        process.communicate(timeout=60)
        assert run_build(sites["old"], out, sites["cache"]).returncode == 0
    try:
        sent = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=10)
        took = time.monotonic() - sent
        left = _left_in(process.pid)
    finally:
        for pid in _in_session(process.pid):
            os.kill(pid, signal.SIGKILL)
    assert process.returncode == 130, err
    assert err.strip().splitlines() == ["shopdir: interrupted; the previous output is kept"], err
    assert took < 3, took  # within a second, and the time to see it end on a busy machine
    assert left == []
    assert snapshot(out) == sites["ref_old"]


def _rendering(process: subprocess.Popen, out: Path) -> bool:
    """Waits until the build has its staging folder and has forked its workers (it renders): True, or
    False when it ended first."""
    staging = out.parent / f".{out.name}.staging"
    while process.poll() is None:
        if staging.exists() and len(_in_session(process.pid)) > 2:
            return True
        time.sleep(0.005)
    return False


def _in_session(session: int) -> list[int]:
    """The processes of a session still running (not those ended and waiting to be reaped)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(") ", 1)[1].split()
            if int(fields[3]) == session and fields[0] not in "ZX":
                found.append(int(pid))
        except (OSError, IndexError, ValueError):
            pass
    return found


def _left_in(session: int, within: float = 1.0) -> list[int]:
    """The processes of a session still running after `within` seconds (the system takes a moment to end
    the processes it kills)."""
    deadline = time.monotonic() + within
    while _in_session(session) and time.monotonic() < deadline:
        time.sleep(0.02)
    return _in_session(session)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")
def test_f_sigterm_to_the_build_alone_stops_everything_it_started_and_keeps_the_previous_site(sites):
    """`kill PID` (or a job runner that signals only the process it started) used to end the build at once
    and leave its forked workers blocked for ever, holding its output pipes open."""
    out = sites["tmp"] / "term" / "out"
    assert run_build(sites["old"], out, sites["cache"]).returncode == 0
    started = time.perf_counter()
    assert run_build(sites["new"], sites["tmp"] / "term" / "timing", sites["cache"]).returncode == 0
    whole = time.perf_counter() - started
    stopped, answered = 0, 0
    # a build takes about a second: on a busy machine one sent at a fraction of it may find it ended, so
    # more points are tried until two found it running, one of them past its start
    for fraction in (0.25, 0.5, 0.75, 0.4, 0.6, 0.3, 0.5, 0.7):
        if stopped >= 2 and answered >= 1:
            break
        process = subprocess.Popen(build_command(sites["new"], out, sites["cache"]), cwd=sites["new"], env=environment(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(whole * fraction)
        sent = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            _, err = process.communicate(timeout=60)  # its workers hold the pipe open while they live
            took = time.monotonic() - sent
            left = _left_in(process.pid)
        finally:
            for pid in _in_session(process.pid):
                os.kill(pid, signal.SIGKILL)
        assert took < 5, f"stopped {took:.1f} s after SIGTERM"  # within a second, on a busy machine
        assert left == []
        assert "Traceback" not in err
        if process.returncode == -signal.SIGTERM:  # before Python had started the command: nothing to stop
            stopped += 1
            assert err.strip() == "", err
        elif process.returncode != 0:
            stopped += 1
            answered += 1
            assert process.returncode == 143 and err.strip().splitlines() == [
                "shopdir: stopped (SIGTERM); the previous output is kept"], err
        assert snapshot(out) in (sites["ref_old"], sites["ref_new"])
        if snapshot(out) == sites["ref_new"]:  # it finished: start from the old site again
            assert run_build(sites["old"], out, sites["cache"]).returncode == 0
    assert stopped >= 2 and answered >= 1


def test_g_a_build_waiting_for_another_gives_up_with_one_line_having_written_nothing(sites):
    """The other build here is a process holding the cache's lock (as `shopdir serve` does while it
    builds): the output folder is free, but a build shares the cache, so it waits, then gives up."""
    cache = sites["tmp"] / "locked-cache"
    out = sites["tmp"] / "locked" / "out"
    holder = subprocess.Popen([sys.executable, "-c", "import time; from generator.output import exclusive\n"
                               f"with exclusive(None, {str(cache)!r}):\n print('held', flush=True); time.sleep(60)"],
                              env=environment(), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        started = time.monotonic()
        done = run_build(sites["new"], out, cache, SHOPDIR_LOCK_WAIT="1")
        took = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        f"shopdir: waiting for another build of this site (pid {holder.pid}) to finish (at most 1 s)...",
        f"shopdir: {cache / 'build.lock'}: another build of this site (pid {holder.pid}) still holds this lock "
        "after 1 s; let it finish or stop it, then build again"], done.stderr
    assert took < 30
    assert sorted(os.listdir(cache)) == ["build.lock"]  # nothing of the cache was read or written
    assert sorted(os.listdir(out.parent)) == [".out.lock"]  # nor of the output
    done = run_build(sites["new"], out, cache)  # the holder gone, its lock went with it
    assert done.returncode == 0, done.stderr
    assert snapshot(out) == sites["ref_new"]


_forks = []
os.register_at_fork(before=lambda: _forks.append(os.getpid()))


def test_h_a_build_beside_another_thread_forks_nothing_and_builds_the_same_site(sites, tmp_path):
    """A process forked while another thread runs can inherit a lock that thread holds, and wait for it
    for ever. A program that builds while a thread of its own runs gets the same site, made in one process."""
    import threading

    from generator import build

    root = copy_site(tmp_path / "site")
    edit_site(root)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        _forks.clear()
        result = build.build(root, tmp_path / "out", cache_dir=tmp_path / "cache", jobs=2)
        forked = list(_forks)
    finally:
        stop.set()
        other.join()
    assert result.ok, result.problems
    assert forked == []
    assert snapshot(tmp_path / "out") == sites["ref_new"]
