"""sdkgen's cache folders: ``$SDKGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/sdkgen``, else ``~/.cache/sdkgen``.

Everything kept there is keyed by content (black's output, model source, finished resource
modules, compiled templates), so a stale entry is never read; deleting the folder is always safe.
"""

from __future__ import annotations

import os
from pathlib import Path


def root() -> Path:
    explicit = os.environ.get("SDKGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sdkgen"


def folder(name: str) -> Path | None:
    """The cache folder ``name``, made if needed; None when it cannot be (a read-only home)."""
    path = root() / name
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path


def store(path: Path, text: str) -> None:
    """Write one entry atomically (a reader never sees half of it); a failure only loses the entry."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
