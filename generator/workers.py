"""One pool of worker processes for the slow, CPU-bound stages (models, formatting).

A run on a large spec starts the pool first thing (:func:`start`): the workers are forked from
the main process while it is still small, and import black and datamodel-code-generator while
the main process reads the spec. Otherwise the pool is made on first use (forked then, from a
process whose spec was small). A process with threads, or not on Linux, gets its workers from a
lean fork server instead. Either way the pool is shared by the stages of one run.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_POOL: ProcessPoolExecutor | None = None
_EARLY = False  # the pool was started by start(), before the spec was read
MAIN_SHARE_MIN = 16  # fewer items: the main process leaves them all to workers started early
PRELOAD = ["black", "datamodel_code_generator", "generator.fmt", "generator.models"]


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def start() -> None:
    """Start the workers now, before the spec is read (for a spec large enough to need them).

    Forked from a process that is still small and has no other thread, they share little with it,
    need no fork server (one process less), and load black and datamodel-code-generator while the
    main process parses. Workers that get no work (everything was cached) are ended at exit.
    """
    if _POOL is not None or cpus() <= 1 or not _can_fork():
        return  # the pool is made on first use instead
    global _EARLY
    _EARLY = True
    pool().submit(int)  # with fork, the first submit forks every worker, before any thread starts


def _can_fork() -> bool:
    """Forking a threaded process is unsafe, and macOS's system libraries do not promise to
    survive a fork: there the workers come from the fork server."""
    return threading.active_count() == 1 and sys.platform.startswith("linux")


def pool() -> Executor:
    if _POOL is None:
        if _can_fork():
            _make(multiprocessing.get_context("fork"), _preload_worker, (os.getpid(),))
        else:
            try:
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(PRELOAD)
            except ValueError:  # pragma: no cover - no fork server on this platform
                ctx = multiprocessing.get_context()
            _make(ctx, _quiet_sigint)
    assert _POOL is not None
    return _POOL


def _make(ctx: multiprocessing.context.BaseContext, initializer: Callable[..., None], initargs: tuple[Any, ...] = ()) -> None:
    global _POOL
    # One core is the main process's own: it takes a share of the work (see run_all).
    _POOL = ProcessPoolExecutor(
        max_workers=max(1, cpus() - 1), mp_context=ctx, initializer=initializer, initargs=initargs
    )
    atexit.register(shutdown)


def started() -> bool:
    """Whether the workers were started early (:func:`start`): they have black and
    datamodel-code-generator loaded, so even one item is better sent to them than loaded here."""
    return _POOL is not None and _EARLY


def run_all(func: Callable[[T], R], items: Sequence[T], done: Callable[[int], None]) -> list[R]:
    """``[func(item) for item in items]`` on every core: the pool's workers take most items and
    the main process, which would otherwise only wait, takes every n-th one itself (one worker
    fewer: less memory for the same speed). A few items all go to workers started early: they
    have the tools loaded, which the main process would have to load first. ``done(count)``
    reports progress."""
    n = cpus()
    results: dict[int, R] = {}
    if n <= 1 or (len(items) < 2 and not started()):
        for i, item in enumerate(items):
            results[i] = func(item)
            done(len(results))
        return [results[i] for i in range(len(items))]
    mine = range(0, len(items), n) if len(items) >= MAIN_SHARE_MIN or not started() else range(0)
    theirs = [i for i in range(len(items)) if i not in mine]
    # In chunks: the main process is busy with its own share and cannot feed the pool item by item.
    chunk = max(1, len(theirs) // (4 * (n - 1)))
    chunks = [theirs[k : k + chunk] for k in range(0, len(theirs), chunk)]
    futures = {pool().submit(_run_chunk, func, [items[i] for i in part]): part for part in chunks}
    gc.freeze()  # the main process's large heap (the IR, the texts) is not scanned again and again
    try:
        for i in mine:
            results[i] = func(items[i])
            done(len(results))
    finally:
        gc.unfreeze()
    for future in as_completed(futures):
        for i, result in zip(futures[future], future.result()):
            results[i] = result
        done(len(results))
    return [results[i] for i in range(len(items))]


def _run_chunk(func: Callable[[T], R], items: list[T]) -> list[R]:
    return [func(item) for item in items]


def _preload_worker(parent: int) -> None:
    """A forked worker loads its tools at once (started early: while the main process reads the
    spec). Importing them is not enough (datamodel-code-generator loads most of itself on its
    first run, ~0.4 s), so it runs each once on a tiny input."""
    _end_with_parent(parent)
    _quiet_sigint()
    from . import fmt, models

    models.warm_up()
    fmt.format_text("x = 1\n")


def _quiet_sigint() -> None:
    """Ctrl-C is the main process's to report (exit 130, one line): a worker just ends, silently.

    Unless the main process ignores Ctrl-C (started in the background by a script): then so do
    its workers, or the run would lose them and fail. (A forked worker inherits the ignoring;
    Python's own handler in a worker means the main process has one too.)
    """
    import signal

    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.SIG_DFL)


def _end_with_parent(parent: int) -> None:
    """A worker ends when its parent does, whatever ends that (SIGTERM, SIGKILL): an orphan would
    keep running, and keep the caller's stdout pipe open. Linux's PR_SET_PDEATHSIG."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not glibc/musl Linux
        pass
    if os.getppid() != parent:  # the parent died before the call: end now
        os._exit(1)


def terminate() -> None:
    """End the workers now (after Ctrl-C), without waiting for what they were doing."""
    global _POOL, _EARLY
    _EARLY = False
    if _POOL is not None:
        for process in list((getattr(_POOL, "_processes", None) or {}).values()):
            process.terminate()
        _POOL.shutdown(wait=True, cancel_futures=True)
        _POOL = None


def shutdown() -> None:
    """At the end of a run every result is in: the workers are idle (or still loading, if they
    got no work), so they are ended rather than waited for."""
    terminate()
