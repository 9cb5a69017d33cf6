"""What an output tree depends on, as hashes: the spec's bytes, the options, the generator itself
(its code, runtime, shipped templates and the versions of black and datamodel-code-generator) and
any template overrides.

Entry point: :func:`input_hashes`. The manifest records them; ``sdkgen check`` compares them
before anything else, so an up-to-date tree is confirmed without parsing the spec. This module
imports nothing heavy: it runs on every ``sdkgen check``.
"""

from __future__ import annotations

import functools

import hashlib
from functools import lru_cache
from pathlib import Path

from . import __version__
from .errors import OptionError

HERE = Path(__file__).resolve().parent
TOOL_DISTS = ("black", "datamodel-code-generator")


def shipped_template_dir() -> Path:
    """Templates ship inside the package (``generator/templates``); a source checkout keeps them at the top."""
    for candidate in (HERE / "templates", HERE.parent / "templates"):
        if (candidate / "resource.py.jinja").is_file():
            return candidate
    raise FileNotFoundError("sdkgen's templates are missing from the installation")


@functools.cache
def _tool_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "missing"


@lru_cache(maxsize=1)
def generator_digest() -> str:
    """One hash of everything in sdkgen that shapes its output."""
    h = hashlib.sha256(__version__.encode())
    files = sorted(HERE.glob("*.py")) + sorted((HERE / "runtime").glob("*.py"))
    files += sorted(shipped_template_dir().glob("*.jinja"))
    for path in files:
        h.update(b"\0" + path.name.encode() + b"\0")
        h.update(path.read_bytes())
    for dist in TOOL_DISTS:
        h.update(f"\0{dist}={_tool_version(dist)}".encode())
    return h.hexdigest()


def template_overrides(folder: Path | None) -> dict[str, bytes]:
    """The ``*.jinja`` files of a template override folder, by file name."""
    if folder is None:
        return {}
    if not folder.is_dir():
        raise OptionError(f"--templates {folder}: no such folder")
    found = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".jinja" and path.is_file():
            try:
                found[path.name] = path.read_bytes()
            except OSError as exc:
                raise OptionError(f"{path}: cannot read the template: {exc.strerror}") from None
    return found


def input_hashes(spec: Path, package: str, templates: Path | None = None) -> dict[str, str]:
    """The manifest's ``inputs``: equal inputs give an equal tree."""
    try:
        # A regular file only: reading a pipe or a device could block forever (load reports it).
        spec_bytes = spec.read_bytes() if spec.is_file() else b""
    except OSError:
        spec_bytes = b""  # the full pipeline reports the problem properly
    inputs = {
        "generator": __version__,
        "generator_sha256": generator_digest(),
        "package": package,
        "spec": spec.name,
        "spec_sha256": hashlib.sha256(spec_bytes).hexdigest(),
    }
    for name, data in template_overrides(templates).items():
        inputs[f"template:{name}"] = hashlib.sha256(data).hexdigest()
    return inputs
