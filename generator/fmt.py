"""Stage 6: format every Python file with black, never formatting the same text twice.

Entry point: :func:`format_files`. Results are kept in a content-addressed cache (keyed by the
text, black's version and the mode), and uncached files are spread over the machine's cores.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

LINE_LENGTH = 100


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


def format_files(files: dict[str, str], *, jobs: int | None = None) -> dict[str, str]:
    cache = _cache_dir()
    out = dict(files)
    todo: dict[str, str] = {}
    keys: dict[str, str] = {}
    for path, text in files.items():
        if not path.endswith(".py"):
            continue
        key = keys[path] = _key(text)
        hit = cache / key if cache else None
        if hit is not None and hit.is_file():
            out[path] = hit.read_text("utf-8")
        else:
            todo[path] = text
    if todo:
        workers = min(jobs or os.cpu_count() or 1, len(todo))
        size = sum(len(t) for t in todo.values())
        if workers > 1 and size > 400_000:
            with ProcessPoolExecutor(workers) as pool:
                done = dict(zip(todo, pool.map(_format, todo.values(), chunksize=4)))
        else:
            done = {path: _format(text) for path, text in todo.items()}
        for path, text in done.items():
            out[path] = text
            if cache is not None:
                _store(cache / keys[path], text)
    return out


def _store(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
