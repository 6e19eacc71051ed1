"""`shopdir serve`: build into a temporary folder, serve it with live reload, rebuild on changes.

A build that fails keeps the last good site online; the problems are written beside it
(`__shopdir__/problems.json`), and every page built for serving shows them on top.
"""

from __future__ import annotations

import contextlib
import gc
import html
import json
import os
import shutil
import sys
from pathlib import Path

from generator import build as builder, processes, routes
from generator.problems import Problem

PROBLEMS = routes.problems()


def _fingerprint(root: Path) -> tuple:
    """Names, sizes and modification times of everything a build reads: one rebuild per burst of changes."""
    entries = []
    for top in ("content", "themes"):
        for directory, dirs, files in os.walk(root / top):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(directory, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                entries.append((path, stat.st_size, stat.st_mtime_ns))
    site = root / "site.yaml"
    if site.exists():
        stat = site.stat()
        entries.append((str(site), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


class _Watch:
    """Changes to what a build reads (site.yaml, content/, themes/), told on the server's loop with no
    thread of its own (a build forks its workers only while no other thread runs): the kernel's inotify
    file descriptor where the system has one, each folder watched (a new one as it appears); else a
    look at every file's name, size and time each POLL seconds. `changed(paths)` is called once a burst
    of changes has been quiet for QUIET seconds, with the files and folders changed (relative to the
    site's root), or None when they are not known (a look, or more events than the kernel kept)."""

    QUIET, POLL = 0.03, 0.3

    def __init__(self, root: Path, changed):
        self.root, self.changed = root, changed
        self.notify = None
        self.folders: dict[int, Path] = {}  # each watch's folder
        self.pending = None  # the loop's handle of the call that follows a burst
        self.seen = None
        self.paths: set[str] | None = set()  # changed since changed() was last called; None: not known

    def start(self) -> None:
        from tornado.ioloop import IOLoop
        try:
            import inotify_simple
            self.notify = inotify_simple.INotify()
            self._watch(self.root, recursive=False)
            for top in ("content", "themes"):
                if (self.root / top).is_dir():
                    self._watch(self.root / top)
        except (ImportError, OSError):  # no inotify here, or its limit of watches reached: look instead
            self._look_instead()
            return
        IOLoop.current().add_handler(self.notify.fileno(), lambda fd, events: self._events(), IOLoop.READ)

    def _look_instead(self) -> None:
        from tornado.ioloop import IOLoop, PeriodicCallback
        if self.notify is not None:
            with contextlib.suppress(ValueError, KeyError):
                IOLoop.current().remove_handler(self.notify.fileno())
            self.notify.close()
        self.notify = None
        self.paths = None
        self.seen = _fingerprint(self.root)
        PeriodicCallback(self._look, self.POLL * 1000).start()

    def stop(self) -> None:
        if self.notify is not None:
            self.notify.close()

    def _watch(self, folder: Path, recursive: bool = True) -> None:
        import inotify_simple
        flags = inotify_simple.flags
        mask = (flags.CREATE | flags.DELETE | flags.MODIFY | flags.CLOSE_WRITE | flags.MOVED_FROM | flags.MOVED_TO
                | flags.ATTRIB | flags.DELETE_SELF | flags.MOVE_SELF)
        for directory in (str(d) for d, _, _ in os.walk(folder)) if recursive else [str(folder)]:
            self.folders[self.notify.add_watch(directory, mask)] = Path(directory)

    def _events(self) -> None:
        import inotify_simple
        flags = inotify_simple.flags
        relevant = False
        for event in self.notify.read(timeout=0):
            if event.mask & flags.Q_OVERFLOW:  # the kernel dropped events: which files changed is not known
                self.paths, relevant = None, True
                continue
            folder = self.folders.get(event.wd)
            if folder is None:
                continue
            if folder == self.root and event.name not in ("site.yaml", "content", "themes"):
                continue  # the cache, the output, anything else beside the site's own files
            relevant = True
            if self.paths is not None:
                self.paths.add((folder / event.name).relative_to(self.root).as_posix())
            if event.mask & flags.ISDIR and event.mask & (flags.CREATE | flags.MOVED_TO):
                try:
                    self._watch(folder / event.name)
                except FileNotFoundError:
                    pass  # gone again already: its parent's event is told
                except OSError:  # too many folders to watch: look at every file instead
                    self._look_instead()
                    break
        if relevant:
            self._soon()

    def _look(self) -> None:
        seen = _fingerprint(self.root)
        if seen != self.seen:
            self.seen, self.paths = seen, None
            self._soon()

    def _soon(self) -> None:
        from tornado.ioloop import IOLoop
        loop = IOLoop.current()
        if self.pending is not None:
            loop.remove_timeout(self.pending)
        self.pending = loop.call_later(self.QUIET, self._fire)

    def _fire(self) -> None:
        paths, self.paths = self.paths, (set() if self.notify is not None else None)
        self.pending = None
        self.changed(paths)


INDEX_AFTER = 0.3  # seconds the edited page is served first, before the search index is made (or Pagefind's
# is looked for): shopdir's own index is made in serve's process, and a new base takes seconds
COLLECT_AFTER = 5.0  # seconds after the last build: an editor saving again within them is not held up
COLLECT_BUILDS = 10


def write_problems(out: Path, problems: list[Problem]) -> None:
    """Put the problems where the served pages look for them; an index page too if no site was built yet.
    The file is replaced, never changed in place: the build shares the site's files with its next one."""
    target = out / PROBLEMS
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".new")
    temporary.write_text(json.dumps([str(p) for p in problems], ensure_ascii=False), "utf-8")
    os.replace(temporary, target)
    home, marker = out / routes.file_for(routes.home()), out / routes.problems_home()
    if problems and not home.exists() or marker.exists():
        items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
        home.write_text(
            f"<!doctype html><meta charset=utf-8><title>shopdir: build failed</title>"
            f"<h1>The build failed</h1><ul>{items}</ul>", "utf-8")
        marker.write_text("", "utf-8")


def serve(root: Path, port: int = 8000, host: str = "127.0.0.1", base_url: str | None = None,
          drafts: bool = False) -> int:
    from livereload import Server

    root = Path(root).resolve()
    stale: list[Path] = []  # the folders of killed serves, removed while this one waits for edits
    work = processes.temporary_folder("serve", stale)
    out = work / "site"
    cache = root / ".cache"
    base_url = base_url or f"http://{host}:{port}/"
    state: dict = {"indexing": None, "collecting": None, "builds": 0}
    resident: dict = {}  # what each build leaves in memory for the next (see build.stages)

    def rebuild(changed: set[str] | None = None, pages_first: bool = True) -> None:
        stop_indexing()  # a newer edit: the index being made for the last one is out of date
        resident["changed"] = changed  # the files changed since the last build, as the watch tells them
        steps = builder.stages(root, out, base_url=base_url, drafts=drafts, cache_dir=cache, dev=True,
                               told=lambda line: print(line, file=sys.stderr, flush=True), pages_first=pages_first,
                               resident=resident)
        waiting = step(steps)
        if isinstance(waiting, int):  # the pages are out; the search index follows (see INDEX_AFTER)
            print("shopdir: pages updated; the search index follows", file=sys.stderr, flush=True)
            from tornado.ioloop import IOLoop
            loop = IOLoop.current()
            state["indexing"] = (steps, waiting, loop.call_later(
                INDEX_AFTER, lambda: loop.add_handler(waiting, lambda fd, events: index_ready(), IOLoop.READ)))
            reload_browsers()
        else:
            built(waiting)

    def step(steps) -> builder.Result | int:
        """Run the build to its end or to where it waits for the index; a build that breaks is a problem."""
        try:
            return next(steps)
        except StopIteration as stop:
            return stop.value
        except Exception as error:  # keep serving whatever happens
            return builder.Result(problems=[Problem("site.yaml", 1, 1, f"internal error: {error}")])

    def index_ready() -> None:
        steps = state["indexing"][0]
        forget_indexing()
        built(step(steps), reload=False)  # the browsers have the edited pages; a search made next reads the new index

    def forget_indexing() -> None:
        from tornado.ioloop import IOLoop
        _, waiting, looking = state["indexing"]
        IOLoop.current().remove_timeout(looking)
        IOLoop.current().remove_handler(waiting)
        state["indexing"] = None

    def stop_indexing() -> None:
        if state["indexing"] is not None:
            steps = state["indexing"][0]
            forget_indexing()
            try:
                steps.close()  # stops Pagefind, or drops the own index not yet made; the site keeps the previous index
            except Exception as error:  # keep serving whatever happens
                print(f"shopdir: internal error: {error}", file=sys.stderr)

    def built(result: builder.Result, reload: bool = True) -> None:
        if not result.ok:  # warnings alone do not stop a build
            for problem in result.problems:
                print(problem, file=sys.stderr)
            print(f"shopdir: build failed with {len(result.problems)} problems; still serving the last good site",
                  file=sys.stderr)
            out.mkdir(parents=True, exist_ok=True)
            write_problems(out, result.problems)
            resident.pop("placed", None)  # the served folder is no longer as the last build placed it
        else:  # the build wrote an empty list of problems
            made = result.stats.get("made", result.pages)
            print(f"shopdir: built {result.pages} pages ({made} made again, the rest as they were)", file=sys.stderr)
        if reload or not result.ok:
            reload_browsers()
        collect_later()

    def collect_later() -> None:
        """What a build leaves in cycles (an old theme's templates) is collected once edits pause: the
        collector's pass over what serve keeps holds the loop 0.18 s at 1,000 shops, and run right after
        the build it held up the request for the edited page (or, a second later, the next save). Builds
        that follow one another closer than COLLECT_AFTER put it off, for COLLECT_BUILDS builds at most:
        the collector's own full passes are rare, and each build sets its objects aside (gc.freeze)."""
        from tornado.ioloop import IOLoop
        loop = IOLoop.current()
        if state["collecting"] is not None:
            loop.remove_timeout(state["collecting"])
        state["builds"] += 1  # builds since the last collection: past COLLECT_BUILDS, at the next short pause
        state["collecting"] = loop.call_later(COLLECT_AFTER if state["builds"] < COLLECT_BUILDS else 1.0, collect)

    def collect() -> None:
        state["collecting"], state["builds"] = None, 0
        gc.collect()

    def reload_browsers() -> None:
        from livereload.handlers import LiveReloadHandler
        if LiveReloadHandler.waiters:
            LiveReloadHandler.reload_waiters()

    watch = _Watch(root, rebuild)
    watch.start()  # before the first build: a change made while it runs is told once the server's loop runs
    rebuild(pages_first=False)  # before the server's loop runs: nothing to show earlier
    if stale:
        from tornado.ioloop import PeriodicCallback
        steps = processes.removing(stale)
        tidying = PeriodicCallback(lambda: next(steps, False) is False and tidying.stop(), 50)  # 5 ms a tick
        tidying.start()
    server = Server()
    # the server's own watcher looks at one small file (left alone, it would look through the whole
    # working folder every 0.8 s); our watch tells of changes, and each build reloads the browsers
    server.watch(str(work / "quiet"))
    print(f"shopdir: serving {root} at {base_url} (Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve(port=port, host=host, root=str(out), open_url=False)
    finally:
        watch.stop()
        if state["indexing"] is not None:
            state["indexing"][0].close()
        shutil.rmtree(work, ignore_errors=True)
    return 0
