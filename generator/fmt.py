"""Stage 6: format every Python file with black, never formatting the same text twice.

Entry point: :func:`format_files`. Results are kept in a content-addressed cache (keyed by the
text, black's version and the mode), and uncached files are spread over the machine's cores,
largest first. The runtime modules are copied verbatim from ``generator/runtime``, whose sources
are kept black-formatted (``tests/test_generality_scale.py`` checks it): they are not formatted
again in every run.
"""

from __future__ import annotations

import functools
import hashlib
import os
from concurrent.futures import as_completed
from importlib import resources as importlib_resources
from pathlib import Path

from . import progress, workers

LINE_LENGTH = 100
PARALLEL_MIN_CHARS = 200_000  # below this, starting workers costs more than it saves


def _mode():  # type: ignore[no-untyped-def]
    import black

    return black.Mode(target_versions={black.TargetVersion.PY310}, line_length=LINE_LENGTH)


def _format(text: str) -> str:
    import black

    try:
        return black.format_str(text, mode=_mode())
    except black.NothingChanged:
        return text


def _cache_dir() -> Path | None:
    explicit = os.environ.get("SDKGEN_CACHE_DIR")
    base = Path(explicit) if explicit else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sdkgen"
    path = base / "black"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path


def _key(text: str) -> str:
    import black

    return hashlib.sha256(f"{black.__version__}\0{LINE_LENGTH}\0py310\0{text}".encode()).hexdigest()


@functools.cache
def _runtime_sources() -> frozenset[str]:
    folder = importlib_resources.files("generator.runtime")
    return frozenset(
        item.read_text("utf-8") for item in folder.iterdir() if item.name.endswith(".py") and item.is_file()
    )


def preformatted(text: str) -> bool:
    """A runtime module as render writes it: one header comment line, then the source verbatim."""
    head, sep, body = text.partition("\n")
    return bool(sep) and head.startswith("#") and body in _runtime_sources()


def format_files(files: dict[str, str], *, jobs: int | None = None) -> dict[str, str]:
    cache = _cache_dir()
    out = dict(files)
    todo: dict[str, str] = {}
    keys: dict[str, str] = {}
    for path, text in files.items():
        if not path.endswith(".py") or preformatted(text):
            continue
        key = keys[path] = _key(text)
        hit = cache / key if cache else None
        if hit is not None and hit.is_file():
            out[path] = hit.read_text("utf-8")
        else:
            todo[path] = text
    if todo:
        done = _format_all(todo, jobs)
        for path, text in done.items():
            out[path] = text
            if cache is not None:
                _store(cache / keys[path], text)
    return out


def _format_all(todo: dict[str, str], jobs: int | None) -> dict[str, str]:
    """Format every text once (equal texts share one run), on all cores when it pays."""
    unique = sorted(set(todo.values()), key=len, reverse=True)  # largest first: the cores finish together
    total = len(unique)
    progress.step("formatting", 0, total)
    n_jobs = min(jobs or workers.cpus(), total)
    formatted: dict[str, str] = {}
    if n_jobs > 1 and sum(len(t) for t in unique) >= PARALLEL_MIN_CHARS:
        futures = {workers.pool().submit(_format, text): text for text in unique}
        for future in as_completed(futures):
            formatted[futures[future]] = future.result()
            progress.step("formatting", len(formatted), total)
    else:
        for text in unique:
            formatted[text] = _format(text)
            progress.step("formatting", len(formatted), total)
    return {path: formatted[text] for path, text in todo.items()}


def _store(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
