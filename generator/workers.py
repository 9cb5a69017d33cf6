"""One pool of worker processes for the slow, CPU-bound stages (models, formatting).

Workers come from a lean fork server that has imported black and datamodel-code-generator once,
so starting them is cheap and they do not inherit (and then copy) the main process's parsed spec.
The pool is created on first use, only for inputs large enough to pay for it, and shared by the
stages of one run.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_POOL: ProcessPoolExecutor | None = None
PRELOAD = ["black", "datamodel_code_generator", "generator.fmt", "generator.models"]


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def pool() -> Executor:
    global _POOL
    if _POOL is None:
        try:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
        except ValueError:  # pragma: no cover - no fork server on this platform
            ctx = multiprocessing.get_context()
        # One core is the main process's own: it takes a share of the work (see run_all).
        _POOL = ProcessPoolExecutor(max_workers=max(1, cpus() - 1), mp_context=ctx, initializer=_quiet_sigint)
        atexit.register(shutdown)
    return _POOL


def run_all(func: Callable[[T], R], items: Sequence[T], done: Callable[[int], None]) -> list[R]:
    """``[func(item) for item in items]`` on every core: the pool's workers take most items and
    the main process, which would otherwise only wait, takes every n-th one itself (one worker
    fewer: less memory for the same speed). ``done(count)`` reports progress."""
    n = cpus()
    results: dict[int, R] = {}
    if n <= 1 or len(items) < 2:
        for i, item in enumerate(items):
            results[i] = func(item)
            done(len(results))
        return [results[i] for i in range(len(items))]
    theirs = [i for i in range(len(items)) if i % n != 0]
    # In chunks: the main process is busy with its own share and cannot feed the pool item by item.
    chunk = max(1, len(theirs) // (4 * (n - 1)))
    chunks = [theirs[k : k + chunk] for k in range(0, len(theirs), chunk)]
    futures = {pool().submit(_run_chunk, func, [items[i] for i in part]): part for part in chunks}
    gc.freeze()  # the main process's large heap (the IR, the texts) is not scanned again and again
    try:
        for i in range(0, len(items), n):
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


def _quiet_sigint() -> None:
    """Ctrl-C is the main process's to report (exit 130, one line): a worker just ends, silently."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def terminate() -> None:
    """End the workers now (after Ctrl-C), without waiting for what they were doing."""
    global _POOL
    if _POOL is not None:
        for process in list((getattr(_POOL, "_processes", None) or {}).values()):
            process.terminate()
        _POOL.shutdown(wait=True, cancel_futures=True)
        _POOL = None


def shutdown() -> None:
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=True, cancel_futures=True)
        _POOL = None
