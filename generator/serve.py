"""`shopdir serve`: build into a temporary folder, serve it with live reload, rebuild on changes.

A build that fails keeps the last good site online; the problems are written beside it
(`__shopdir__/problems.json`), and every page built for serving shows them on top.
"""

from __future__ import annotations

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


def write_problems(out: Path, problems: list[Problem]) -> None:
    """Put the problems where the served pages look for them; an index page too if no site was built yet.
    The file is replaced, never changed in place: the build shares the site's files with its next one."""
    target = out / PROBLEMS
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".new")
    temporary.write_text(json.dumps([str(p) for p in problems], ensure_ascii=False), "utf-8")
    os.replace(temporary, target)
    if problems and not (out / "index.html").exists() or (out / "__shopdir__" / "index-is-problems").exists():
        items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
        (out / "index.html").write_text(
            f"<!doctype html><meta charset=utf-8><title>shopdir: build failed</title>"
            f"<h1>The build failed</h1><ul>{items}</ul>", "utf-8")
        (out / "__shopdir__" / "index-is-problems").write_text("", "utf-8")


def serve(root: Path, port: int = 8000, host: str = "127.0.0.1", base_url: str | None = None,
          drafts: bool = False) -> int:
    from livereload import Server

    root = Path(root).resolve()
    work = processes.temporary_folder("serve")
    out = work / "site"
    cache = root / ".cache"
    base_url = base_url or f"http://{host}:{port}/"
    state: dict = {"fingerprint": None, "indexing": None}
    resident: dict = {}  # what each build leaves in memory for the next (see build.stages)

    def rebuild(pages_first: bool = True) -> None:
        fingerprint = _fingerprint(root)
        if fingerprint == state["fingerprint"]:
            return
        state["fingerprint"] = fingerprint
        stop_indexing()  # a newer edit: the index being made for the last one is out of date
        steps = builder.stages(root, out, base_url=base_url, drafts=drafts, cache_dir=cache, dev=True,
                               told=lambda line: print(line, file=sys.stderr, flush=True), pages_first=pages_first,
                               resident=resident)
        waiting = step(steps)
        if isinstance(waiting, int):  # the pages are out; the search index follows when Pagefind is done
            print("shopdir: pages updated; the search index follows", file=sys.stderr, flush=True)
            from tornado.ioloop import IOLoop
            state["indexing"] = (steps, waiting)
            IOLoop.current().add_handler(waiting, lambda fd, events: index_ready(), IOLoop.READ)
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
        built(step(steps))

    def forget_indexing() -> None:
        from tornado.ioloop import IOLoop
        IOLoop.current().remove_handler(state["indexing"][1])
        state["indexing"] = None

    def stop_indexing() -> None:
        if state["indexing"] is not None:
            steps = state["indexing"][0]
            forget_indexing()
            try:
                steps.close()  # stops Pagefind; the site keeps the previous index
            except Exception as error:  # keep serving whatever happens
                print(f"shopdir: internal error: {error}", file=sys.stderr)

    def built(result: builder.Result) -> None:
        gc.collect()  # what a build leaves in cycles (an old theme's templates) goes before the next one freezes
        if not result.ok:  # warnings alone do not stop a build
            for problem in result.problems:
                print(problem, file=sys.stderr)
            print(f"shopdir: build failed with {len(result.problems)} problems; still serving the last good site",
                  file=sys.stderr)
            out.mkdir(parents=True, exist_ok=True)
            write_problems(out, result.problems)
        else:  # the build wrote an empty list of problems
            print(f"shopdir: built {result.pages} pages", file=sys.stderr)

    rebuild(pages_first=False)  # before the server's loop runs: nothing to show earlier
    server = Server()
    for path in ("content", "themes", "site.yaml"):
        if (root / path).exists():
            server.watch(str(root / path), rebuild, delay=0.3)
    print(f"shopdir: serving {root} at {base_url} (Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve(port=port, host=host, root=str(out), open_url=False)
    finally:
        if state["indexing"] is not None:
            state["indexing"][0].close()
        shutil.rmtree(work, ignore_errors=True)
    return 0
