"""The processes a build starts: forked only while no other thread runs, and gone when the build is.

A process forked while another thread of ours runs gets a copy of every lock that thread held at that
moment (a stream's, a queue's, the import lock), held for ever in the copy: the child can wait on one
and never end. So every fork of the build asks `alone()` first, and where another thread runs, the
caller does the work itself instead.

Every child stays in the build's process group (no session of its own), dies with the process that
forked it (on Linux the kernel sends it SIGKILL; elsewhere it finds its parent gone), and is reaped by
the build: `settle()` at the end of each build, `stop()` when the build is stopped (SIGTERM, Ctrl-C).
So nothing the build started reads or writes the output folder after the command has ended.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import functools
import gc
import itertools
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable

_PR_SET_PDEATHSIG = 1
_PARENT: int | None = None  # in a forked child: the process that forked it
# pid -> whether the build must wait for it to finish (a removal) or may stop it at the end (a reader)
_children: dict[int, bool] = {}


def alone() -> bool:
    """No other Python thread runs in this process: forking now is safe."""
    return threading.active_count() == 1


def fork(*, wait: bool) -> int | None:
    """os.fork() for work beside the build: 0 in the child, the child's pid in the build, and None where
    forking is not safe (another thread runs) or not possible: then the caller does the work itself.

    The child must end with os._exit(). With wait=True the build waits for it to finish before it ends
    (settle); with wait=False it is stopped then, if it still runs.
    """
    if not hasattr(os, "fork") or not alone():
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    child = os.fork()
    if child == 0:
        as_child(parent)
        return 0
    _children[child] = wait
    return child


def as_child(parent: int) -> None:
    """In a process just forked from `parent` (also each worker of a pool): it dies with its parent, has no
    children of its own yet, and leaves Ctrl-C and SIGTERM to the build, which stops it (see stop)."""
    global _PARENT
    _PARENT = parent
    _children.clear()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)


@functools.cache
def libc() -> ctypes.CDLL:
    """The C library's functions (Linux), looked up in this process's own symbols: finding the library's file
    by name runs a program (ldconfig) each time, 2 ms, in every worker started."""
    return ctypes.CDLL(None, use_errno=True)


def give_back() -> None:
    """Hand the memory freed inside the C heap back to the system. glibc gives back only the heap's top by
    itself: the bytes a build lets go (the search index's files, the pages the workers sent) leave holes
    that stay in its resident memory, since what is made next is small objects, which Python keeps
    elsewhere. At 10,000 shops that was 60 MB after the search index and 100 MB after rendering; a call
    takes a few milliseconds. Elsewhere (no glibc) nothing is done."""
    try:
        libc().malloc_trim(0)
    except (OSError, AttributeError):
        pass


def die_with_parent(parent: int) -> None:
    """The kernel kills this process when its parent ends (Linux); a parent already gone ends it now."""
    if sys.platform.startswith("linux"):
        try:
            libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


def dying_with_this_process():
    """For subprocess.Popen(preexec_fn=...) in a process with no other thread: the program started dies
    with this process (the search indexer's Pagefind processes)."""
    parent = os.getpid()
    return lambda: die_with_parent(parent)


def reap(pid: int) -> int:
    """Wait for a child of fork() to end; its exit status."""
    _children.pop(pid, None)
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 0


def kill(pid: int) -> None:
    """Stop a child of fork() at once, and reap it."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    reap(pid)


def settle() -> None:
    """As a build ends: the children it must wait for are waited for, the others stopped."""
    for pid, wait in list(_children.items()):
        if wait:
            reap(pid)
        else:
            kill(pid)


def stop() -> None:
    """Every child this process started, stopped now (SIGKILL; their own children die with them):
    from a signal handler, before the build leaves with os._exit."""
    for pid in list(_children):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for worker in multiprocessing.active_children():  # the pools' workers
        worker.kill()
    for pid in list(_children):
        reap(pid)


# -- workers: a map over forked processes ----------------------------------------------------------

AHEAD = 4  # runs submitted per worker ahead of the one being used: when writing is slower than
# rendering (a slow disk), finished pages would otherwise pile up in memory
PARALLEL_FROM = 64  # fewer items than this are not worth starting processes for

# What forked workers read: set just before they are forked, so nothing is sent to them but indexes.
_WORK: tuple = ()


def forked_map(function: Callable, items: list, jobs: int, chunk: int = 0, minimum: int | None = None):
    """function(item) for each item, in order: split over `jobs` forked processes when worth it.

    The workers are forked from this process, so they see everything it has loaded; each gets
    a run of indexes and sends back only results.
    """
    global _WORK
    if jobs <= 1 or len(items) < (PARALLEL_FROM if minimum is None else minimum) or not may_fork():
        yield from map(function, items)
        return
    chunk = chunk or max(1, -(-len(items) // (jobs * 8)))
    _WORK = (function, items)
    waiting: collections.deque = collections.deque()  # submitted runs, in order
    try:
        with pool(jobs) as workers:
            try:
                for start in range(0, len(items), chunk):
                    waiting.append(workers.submit(_work_on, (start, min(start + chunk, len(items)))))
                    if len(waiting) >= jobs * AHEAD:  # results wait here until used (pages: until written)
                        yield from waiting.popleft().result()
                while waiting:
                    yield from waiting.popleft().result()
            except BaseException:  # stopped (a problem, Ctrl-C): what has not started never will
                for future in waiting:
                    future.cancel()
                raise
    finally:
        _WORK = ()


def may_fork() -> bool:
    """Workers are forked (they see all the build has loaded, which no other start method would give them
    without copying it), and only while no other thread runs (see processes): the pool's own threads
    start after its workers, and every pool and thread pool of the build is shut down before the next
    one starts. Where another thread runs (a program that calls build() from a thread pool of its own),
    the work is done in this process."""
    return "fork" in multiprocessing.get_all_start_methods() and alone()


def pool(jobs: int) -> ProcessPoolExecutor:
    """All `jobs` workers are forked at the first task, before the pool starts its threads."""
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_as_worker,
                               initargs=(os.getpid(),))


def _as_worker(build: int) -> None:
    """In each forked worker: it dies with the build. Ctrl-C reaches the whole process group: only the
    build answers it, and stops the workers, so the person sees one line, not a traceback per worker.
    SIGTERM stops a worker at once: the build's own answer to it is not theirs."""
    as_child(build)


def _work_on(bounds: tuple[int, int]) -> list:
    function, items = _WORK
    return [function(item) for item in items[bounds[0]:bounds[1]]]


def temporary_folder(purpose: str, stale: list | None = None) -> Path:
    """A new temporary folder named by its purpose and this process. The folders of processes that are
    gone (a build or serve that was killed, which could not remove its own) are removed first; or, given
    a list `stale`, only renamed as this process's own (at once: removing the folder of a killed serve of
    10,000 shops took over 20 s) and added to it, for the caller to remove when it has time."""
    for old in Path(tempfile.gettempdir()).glob(f"shopdir-{purpose}-*-*"):
        pid = old.name.split("-")[2]
        if pid.isdigit() and int(pid) != os.getpid() and not alive(int(pid)):
            if stale is None:
                shutil.rmtree(old, ignore_errors=True)
                continue
            aside = old.with_name(f"shopdir-{purpose}-{os.getpid()}-stale-{len(stale)}")
            try:
                os.rename(old, aside)
            except OSError:
                continue  # another process took it first
            stale.append(aside)
    return Path(tempfile.mkdtemp(prefix=f"shopdir-{purpose}-{os.getpid()}-"))


def removing(folders: list, budget: float = 0.005):
    """Remove these folders a few entries at a time: a generator whose every step takes about `budget`
    seconds, for a process that does it while it waits (serve, between edits) and must answer at once
    (2,000 entries a step held serve's loop 0.15-0.2 s, and an edit waited for it)."""
    clock = time.perf_counter
    began = clock()
    for folder in folders:
        for directory, dirs, files in os.walk(folder, topdown=False):
            for name, is_dir in itertools.chain(zip(files, itertools.repeat(False)), zip(dirs, itertools.repeat(True))):
                path = os.path.join(directory, name)
                with contextlib.suppress(OSError):
                    os.rmdir(path) if is_dir and not os.path.islink(path) else os.unlink(path)
                if clock() - began >= budget:
                    yield
                    began = clock()
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


@contextlib.contextmanager
def unfrozen_at_end():
    """What gc.freeze() set aside is given back to the collector when the build ends (shopdir serve
    builds again and again in one process)."""
    try:
        yield
    finally:
        gc.unfreeze()


@contextlib.contextmanager
def collector_paused(freeze: bool = False):
    """The collector off while many objects that live on and hold no cycle are made; with freeze, they are
    set aside (gc.freeze) before it is on again, so that its first pass does not walk them all once (at
    1,000 shops that pass took 0.15 s a build)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if collecting:
            gc.enable()
