"""Builds run at once, stopped and killed at random moments: none may hang, leave a process, or break the site.

    python benchmarks/stress.py [--shops 150] [--pairs 20] [--terms 20] [--kills 20] [--seed 1] [--no-search]

A synthetic directory (benchmarks/synth.py) in two versions, A and B (B has a few more shops and one
product edited), is built again and again into one output folder with one cache, each build going from
the site published to the other one, as `shopdir build` runs:

  pair   two builds of the same version started together: both must end with status 0, one after the
         other (the second waits for the first), and the output must be that version's complete site.
  term   a build sent SIGTERM at a random moment: it must end within seconds (status 143, or 0 if it had
         finished), and the output must be one complete site, A or B.
  kill   the build's whole process group sent SIGKILL at a random moment: the output must be one complete
         site, and must not change in the two seconds after.

After each: a build that has not ended within --hang seconds is a hang (its group is killed); every process
of the build's session, or whose command line names the output folder, still running a second after the
build ended is left over. Whole = the output holds exactly the files of a complete build of A or of B,
byte for byte, and its home page parses; shopdir's own search index, which a build adds to as a delta on
a kept base (other bytes than a build from scratch, the same answers), is whole when every file of every
part its manifest names is there, not empty and gzip, no other part is there, and the display rows of the
entries it holds (those a later delta removes left out) are the reference's. A table of figures is printed; the exit status is 1 when any
hang, leftover or broken site was seen.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(1, str(REPO))

import synth  # noqa: E402
from generator import searchindex  # noqa: E402


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below folder and a hash of its bytes."""
    found = {}
    for path in sorted(folder.rglob("*")):
        try:
            if path.is_file():
                found[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:  # removed meanwhile: the site is not whole
            found[path.relative_to(folder).as_posix()] = "unreadable"
    return found


def _split(found: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The site's files but shopdir's own search index (its manifest and its parts), and the index's: a
    build that keeps the index's base and adds a delta of what changed publishes other bytes than a build
    from scratch, with the same answers."""
    site, index = {}, {}
    for rel, digest in found.items():
        own = rel == searchindex.MANIFEST or (rel.startswith(searchindex.FOLDER) and rel.count("/") == 2)
        (index if own else site)[rel] = digest
    return site, index


def live_rows(site: Path) -> list[str] | None:
    """What a visitor's results can show of each entry the site's own search index holds (its display
    rows: title, kind, shop, excerpt, picture, path), those removed by a later delta left out, sorted;
    None when the manifest names a file that is missing, empty or not gzip, or when the index folder
    holds a part it does not name."""
    try:
        manifest = json.loads((site / searchindex.MANIFEST).read_text("utf-8"))
        parts = [(manifest["version"], manifest["buckets"], manifest["entries"], 0, [])] + [
            (delta["version"], delta["buckets"], delta["entries"], delta["first"], delta["removed"])
            for delta in manifest["deltas"]]
        folders = {path.name for path in (site / searchindex.FOLDER).iterdir() if path.is_dir()}
        if folders != {version for version, *_ in parts}:
            return None
        rows, removed = {}, set()
        for version, buckets, entries, first, gone in parts:
            removed.update(searchindex.undeltas(gone))
            for name in searchindex.names(buckets, entries):
                data = gzip.decompress((site / f"{searchindex.FOLDER}{version}/{name}").read_bytes())
                if not data:
                    return None
                if name.startswith("d"):
                    chunk = int(name[1:].split(".")[0])
                    for offset, row in enumerate(json.loads(data)):
                        rows[first + chunk * searchindex.CHUNK + offset] = json.dumps(row, sort_keys=True)
        return sorted(row for number, row in rows.items() if number not in removed)
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None


def index_whole(out: Path, index: dict[str, str], reference: list[str] | None) -> bool:
    """Whether the output's own search index is complete and shows what the reference's does (see
    live_rows; None: the reference has no own index)."""
    if reference is None:
        return not index
    return live_rows(out) == reference


def home_parses(out: Path) -> bool:
    try:
        text = (out / "index.html").read_text("utf-8")
        HTMLParser().feed(text)
    except (OSError, UnicodeDecodeError):
        return False
    return "<html" in text and "</html>" in text


def processes_of(session: int, out: Path) -> list[int]:
    """Processes in this session, or whose command line names the output folder (not this script)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            stat = open(f"/proc/{pid}/stat").read().rsplit(") ", 1)[1].split()
            command = open(f"/proc/{pid}/cmdline", "rb").read().decode("utf-8", "replace")
        except (OSError, IndexError):
            continue
        if stat[0] == "Z":
            continue
        if int(stat[3]) == session or str(out) in command:
            found.append(int(pid))
    return found


class Stress:
    def __init__(self, work: Path, search: bool, hang: float):
        self.work, self.search, self.hang = work, search, hang
        self.out, self.cache = work / "out", work / "cache"
        self.roots = {"A": work / "A", "B": work / "B"}
        self.refs: dict[str, dict[str, str]] = {}
        self.manifests: dict[str, list | None] = {}  # each reference's own search index's rows (see live_rows)
        self.rows: dict[str, list[dict]] = {"pair": [], "term": [], "kill": []}
        self.current = "A"

    def command(self, version: str, out: Path | None = None) -> list[str]:
        return [sys.executable, "-m", "generator", "build", "--root", str(self.roots[version]),
                "--out", str(out or self.out), "--cache-dir", str(self.cache), "--quiet",
                *([] if self.search else ["--no-search"])]

    def start(self, version: str, out: Path | None = None) -> subprocess.Popen:
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        return subprocess.Popen(self.command(version, out), cwd=self.work, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)

    def finish(self, process: subprocess.Popen, deadline: float) -> tuple[bool, str]:
        """(hung, stderr): the build's stderr must be closed, by it and all it started, by the deadline."""
        try:
            _, err = process.communicate(timeout=max(0.1, deadline - time.monotonic()))
            return False, err
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _, err = process.communicate()
            return True, err

    def left(self, process: subprocess.Popen) -> int:
        time.sleep(1.0)
        found = processes_of(process.pid, self.out)
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return len(found)

    def whole(self) -> str | None:
        """The version the output is a complete build of, or None."""
        site, index = _split(snapshot(self.out))
        for version, ref in self.refs.items():
            if site == _split(ref)[0] and home_parses(self.out) and index_whole(self.out, index,
                                                                                  self.manifests[version]):
                return version
        return None

    def prepare(self, shops: int, products: int) -> float:
        synth.generate(self.roots["A"], shops, products, 0, seed=1)
        shutil.copytree(self.roots["A"], self.roots["B"])
        for index in range(shops, shops + 3):
            synth.add_shop(self.roots["B"], synth.shop_slug(1, index), index, products, 0, seed=1)
        edited = sorted((self.roots["B"] / "content" / "shops").glob("*/products/*.md"))[0]
        edited.write_text(edited.read_text("utf-8") + "\nAn edited line, so that this page differs.\n", "utf-8")
        for version in ("A", "B"):  # the references, and a warm cache
            done = subprocess.run(self.command(version, self.work / f"ref-{version}"), capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"stress: the reference build of {version} failed:\n{done.stderr}")
            self.refs[version] = snapshot(self.work / f"ref-{version}")
            has_index = (self.work / f"ref-{version}" / searchindex.MANIFEST).is_file()
            self.manifests[version] = live_rows(self.work / f"ref-{version}") if has_index else None
        self.build_to("A")
        started = time.monotonic()
        self.build_to("B")
        return time.monotonic() - started

    def build_to(self, version: str) -> None:
        done = subprocess.run(self.command(version), capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise SystemExit(f"stress: a build of {version} failed:\n{done.stderr}")
        self.current = version

    def other(self) -> str:
        return "B" if self.current == "A" else "A"

    def pair(self) -> None:
        target = self.other()
        started = time.monotonic()
        builds = [self.start(target) for _ in range(2)]
        ended = [self.finish(process, started + 2 * self.hang) for process in builds]
        took = time.monotonic() - started
        left = sum(self.left(process) for process in builds)
        version = self.whole()
        self.rows["pair"].append({
            "hang": sum(hung for hung, _ in ended), "left": left, "whole": version == target,
            "failed": sum(process.returncode != 0 or "Traceback" in err for process, (_, err) in zip(builds, ended)),
            "waited": sum("waiting for another build" in err for _, err in ended), "seconds": took})
        self.current = version or self.current

    def stop(self, kind: str, whole_build: float, rng: random.Random) -> None:
        delay = rng.uniform(0.02, 1.1) * whole_build
        process = self.start(self.other())
        time.sleep(delay)
        running = process.poll() is None
        sent = time.monotonic()
        try:
            if kind == "term":
                process.send_signal(signal.SIGTERM)
            else:
                os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:  # it had ended, and was reaped
            pass
        hung, err = self.finish(process, sent + self.hang)
        took = time.monotonic() - sent
        before = snapshot(self.out)
        left = self.left(process)
        if kind == "kill":
            time.sleep(1.0)  # with left()'s second: nothing may write into the output after the kill
        moved = snapshot(self.out) != before
        version = self.whole()
        expected = (0, 143, -signal.SIGTERM) if kind == "term" else (0, -signal.SIGKILL)
        self.rows[kind].append({
            "hang": int(hung), "left": left, "whole": version is not None and not moved, "running": running,
            "failed": int(process.returncode not in expected or "Traceback" in err), "seconds": took})
        self.current = version or self.current

    def table(self) -> str:
        lines = ["| event | runs | stopped while running | hangs | processes left | site not whole | "
                 "unexpected status | waited | seconds to end: median / max |",
                 "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for kind, rows in self.rows.items():
            if not rows:
                continue
            seconds = [row["seconds"] for row in rows]
            lines.append(
                f"| {kind} | {len(rows)} | "
                f"{sum(row.get('running', False) for row in rows) if kind != 'pair' else '-'} | "
                f"{sum(row['hang'] for row in rows)} | {sum(row['left'] for row in rows)} | "
                f"{sum(not row['whole'] for row in rows)} | {sum(row['failed'] for row in rows)} | "
                f"{sum(row.get('waited', 0) for row in rows) if kind == 'pair' else '-'} | "
                f"{statistics.median(seconds):.2f} / {max(seconds):.2f} |")
        return "\n".join(lines)

    def bad(self) -> int:
        return sum(row["hang"] + row["left"] + (not row["whole"]) + row["failed"]
                   for rows in self.rows.values() for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Concurrent, stopped and killed builds: hangs, leftovers, "
                                                 "whole sites.")
    parser.add_argument("--shops", type=int, default=150)
    parser.add_argument("--products", type=int, default=5, help="products per shop")
    parser.add_argument("--pairs", type=int, default=20, help="pairs of builds started together")
    parser.add_argument("--terms", type=int, default=20, help="builds sent SIGTERM")
    parser.add_argument("--kills", type=int, default=20, help="builds whose process group is sent SIGKILL")
    parser.add_argument("--hang", type=float, default=60, help="seconds after which a build counts as hung")
    parser.add_argument("--seed", type=int, default=1, help="for the order of events and the moments of the signals")
    parser.add_argument("--no-search", action="store_true", help="build without the search index")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR (new or empty) and keep it")
    args = parser.parse_args(argv)
    if not os.path.isdir("/proc/self"):
        raise SystemExit("stress: reads /proc to find processes left running (Linux)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="shopdir-stress-"))
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    try:
        stress = Stress(work.absolute(), search=not args.no_search, hang=args.hang)
        started = time.monotonic()
        whole_build = stress.prepare(args.shops, args.products)
        print(f"stress: {args.shops} shops x {args.products} products{'' if stress.search else ', no search'}; "
              f"a whole build from one version to the other took {whole_build:.2f}s", file=sys.stderr)
        events = ["pair"] * args.pairs + ["term"] * args.terms + ["kill"] * args.kills
        rng.shuffle(events)
        for number, kind in enumerate(events, 1):
            stress.pair() if kind == "pair" else stress.stop(kind, whole_build, rng)
            row = stress.rows[kind][-1]
            print(f"  {number:3}/{len(events)} {kind:4} {row['seconds']:6.2f}s hang={row['hang']} "
                  f"left={row['left']} whole={row['whole']} failed={row['failed']}", file=sys.stderr)
        print(stress.table())
        print(f"\n{len(events)} events in {time.monotonic() - started:.0f}s; cores: {os.cpu_count()}")
        return 1 if stress.bad() else 0
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
