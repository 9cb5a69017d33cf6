"""Progress of long runs, on stderr.

The stages report through :func:`step` (``step("models", done, total)``); nothing is shown unless
the command line turned it on with :func:`enable`: on a terminal for runs that last more than
``DELAY`` seconds, or always with ``--verbose``. On a pipe or in CI the run stays quiet.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

DELAY = 2.0  # seconds before a terminal shows anything: short runs stay silent


class _State:
    stream: TextIO | None = None
    verbose = False
    started = 0.0
    last = 0.0
    shown = False


def enable(stream: TextIO | None = None, *, verbose: bool = False) -> None:
    """Show progress on ``stream`` (stderr): live on a terminal, line by line with ``verbose``."""
    stream = stream if stream is not None else sys.stderr
    tty = bool(getattr(stream, "isatty", lambda: False)())
    _State.stream = stream if (tty or verbose) else None
    _State.verbose = verbose and not tty
    _State.started = time.monotonic()
    _State.last = 0.0
    _State.shown = False


def disable() -> None:
    finish()
    _State.stream = None


def step(stage: str, done: int | None = None, total: int | None = None) -> None:
    """Report that ``stage`` has ``done`` of ``total`` items (resources, files) finished."""
    stream = _State.stream
    if stream is None:
        return
    now = time.monotonic()
    count = f" {done}/{total}" if done is not None and total is not None else ""
    try:
        if _State.verbose:
            if done is None or done == total or done == 0:
                stream.write(f"sdkgen: {stage}{count} ({now - _State.started:.1f}s)\n")
                stream.flush()
            return
        if now - _State.started < DELAY or (now - _State.last < 0.1 and done != total):
            return
        _State.last, _State.shown = now, True
        stream.write(f"\r\x1b[Ksdkgen: {stage}{count} ({now - _State.started:.0f}s)")
        stream.flush()
    except (OSError, ValueError):
        _State.stream = None


def finish() -> None:
    """End the live line (before the one-line summary is printed)."""
    if _State.stream is not None and _State.shown:
        try:
            _State.stream.write("\r\x1b[K")
            _State.stream.flush()
        except (OSError, ValueError):
            pass
        _State.shown = False
