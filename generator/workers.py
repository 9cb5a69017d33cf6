"""One pool of worker processes for the slow, CPU-bound stages (models, formatting).

Workers come from a lean fork server that has imported black and datamodel-code-generator once,
so starting them is cheap and they do not inherit (and then copy) the main process's parsed spec.
The pool is created on first use, only for inputs large enough to pay for it, and shared by the
stages of one run.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor

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
        _POOL = ProcessPoolExecutor(max_workers=cpus(), mp_context=ctx, initializer=_quiet_sigint)
        atexit.register(shutdown)
    return _POOL


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
