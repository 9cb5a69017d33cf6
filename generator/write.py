"""Stage 7: write the tree atomically (build beside ``out``, then swap), or compare it (``check``).

Entry points: :func:`write_tree`, :func:`compare_tree` and :func:`quick_check`. A manifest in
``out`` records what sdkgen wrote (a hash per file), the inputs it was written from (hashes, see
``inputs.py``) and a summary of the SDK's public surface (for the change summary of the next
``generate``). An ``out`` that sdkgen did not write is never overwritten without ``force``;
``quick_check`` confirms an up-to-date tree from the manifest alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .errors import OptionError

MANIFEST = ".sdkgen-manifest.json"
IGNORED_DIRS = {"__pycache__", ".mypy_cache", ".pytest_cache", "build", "dist"}


def sha256(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def manifest_text(files: dict[str, str], inputs: dict[str, str], surface: dict[str, Any] | None = None) -> str:
    body: dict[str, Any] = {"files": {p: sha256(t) for p, t in sorted(files.items())}, "inputs": inputs}
    text = json.dumps(body, indent=1, sort_keys=True)
    if surface is not None:
        # one compact line (JSON's fast encoder): large for a big API, and read back whole
        compact = json.dumps(surface, sort_keys=True, separators=(",", ":"))
        text = f'{text[:-2]},\n "surface": {compact}\n}}'
    return text + "\n"


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of ``out``, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return None
    return data


def quick_check(out: Path, inputs: dict[str, str]) -> list[str] | None:
    """Compare ``out`` with its manifest without generating anything.

    None: the manifest's inputs are not ``inputs`` (or there is no manifest), so only a full
    generation can tell. Otherwise the files that differ from what sdkgen wrote: edited,
    missing or extra (an empty list: up to date).
    """
    manifest = read_manifest(out)
    if manifest is None or manifest.get("inputs") != inputs:
        return None
    expected: dict[str, str] = manifest["files"]
    existing = _existing_files(out)
    existing.pop(MANIFEST, None)
    diffs = []
    for path, digest in expected.items():
        on_disk = existing.pop(path, None)
        try:
            if on_disk is None or hashlib.sha256(on_disk.read_bytes()).hexdigest() != digest:
                diffs.append(path)
        except OSError:
            diffs.append(path)
    diffs.extend(existing)
    return sorted(diffs)


def _existing_files(out: Path) -> dict[str, Path]:
    found = {}
    for root, dirs, names in os.walk(out):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS and not d.endswith(".egg-info"))
        for name in names:
            path = Path(root) / name
            found[path.relative_to(out).as_posix()] = path
    return found


def compare_tree(files: dict[str, str], out: Path) -> list[str]:
    """The files that differ between ``files`` and ``out``: missing, changed or extra."""
    if not out.is_dir():
        return sorted(files)
    existing = _existing_files(out)
    existing.pop(MANIFEST, None)
    diffs = []
    for path, text in files.items():
        on_disk = existing.pop(path, None)
        if on_disk is None:
            diffs.append(path)
            continue
        try:
            if on_disk.read_bytes() != text.encode("utf-8"):
                diffs.append(path)
        except OSError:
            diffs.append(path)
    diffs.extend(existing)
    return sorted(diffs)


def write_tree(
    files: dict[str, str],
    out: Path,
    inputs: dict[str, str],
    *,
    force: bool = False,
    surface: dict[str, Any] | None = None,
) -> None:
    """Write ``files`` into ``out`` as one swap: on any failure the previous ``out`` is untouched."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise OptionError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file() and not force:
        raise OptionError(
            f"{out} exists and was not written by sdkgen (no {MANIFEST}); use --force to replace it"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.sdkgen-", dir=out.parent))
    try:
        for path, text in sorted(files.items()):
            target = tmp / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        (tmp / MANIFEST).write_text(manifest_text(files, inputs, surface), "utf-8")
        os.chmod(tmp, 0o755)
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.sdkgen-old-", dir=out.parent))
            old.rmdir()
            os.replace(out, old)
        try:
            os.replace(tmp, out)
        except BaseException:
            if old is not None:
                os.replace(old, out)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
