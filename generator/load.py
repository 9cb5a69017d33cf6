"""Stage 1: read the spec file into a document, with locations for every syntax problem.

Entry point: :func:`load`. The document keeps ``$ref``s as they are; :class:`Document`
resolves them on demand (local pointers, and files beside the spec, never outside its folder).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecError

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 200
MAX_YAML_ALIASES = 1000


class _SafeLoader(yaml.SafeLoader):
    """A safe loader that refuses alias bombs (too many alias expansions)."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                event = self.peek_event()
                raise yaml.MarkedYAMLError(
                    problem=f"more than {MAX_YAML_ALIASES} YAML aliases (an alias bomb?)",
                    problem_mark=event.start_mark,
                )
        return super().compose_node(parent, index)


def _check_depth(node: Any, file: str, depth: int = 0, pointer: str = "#") -> None:
    if depth > MAX_DEPTH:
        raise SpecError(file, pointer, f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                _check_depth(value, file, depth + 1, f"{pointer}/{escape(str(key))}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, (dict, list)):
                _check_depth(value, file, depth + 1, f"{pointer}/{i}")


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def parse_text(text: str, file: str) -> Any:
    """Parse JSON or YAML text; syntax errors carry line:column."""
    stripped = text.lstrip()
    if not stripped:
        raise SpecError(file, "", "the file is empty")
    if stripped[0] in "{[" and not file.endswith((".yaml", ".yml")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(file, f"{exc.lineno}:{exc.colno}", f"invalid JSON: {exc.msg}") from None
        except RecursionError:
            raise SpecError(file, "", f"nesting deeper than {MAX_DEPTH} levels") from None
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader with limits
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        raise SpecError(file, where, f"invalid YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise SpecError(file, "", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise SpecError(file, "", f"nesting deeper than {MAX_DEPTH} levels") from None


def read_file(path: Path, display: str) -> Any:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SpecError(display, "", f"the file is larger than {MAX_BYTES} bytes")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError(display, "", "no such file") from None
    except IsADirectoryError:
        raise SpecError(display, "", "is a folder, not a file") from None
    except OSError as exc:
        raise SpecError(display, "", f"cannot read the file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpecError(display, f"byte {exc.start}", "the file is not UTF-8 text") from None
    value = parse_text(text, display)
    _check_depth(value, display)
    return value


@dataclass
class Document:
    """The parsed spec plus a resolver for ``$ref``s."""

    root: dict[str, Any]
    path: Path
    display: str
    transform: Callable[[Any], None] | None = None  # applied to each file a $ref brings in
    _files: dict[Path, Any] = field(default_factory=dict)

    def resolve(self, node: Any, pointer: str, *, _seen: tuple[str, ...] = ()) -> tuple[Any, str]:
        """Follow ``$ref`` chains from ``node`` (found at ``pointer``); return the target and its pointer."""
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str):
                raise SpecError(self.display, pointer + "/$ref", "$ref must be a string")
            if ref in _seen:
                raise SpecError(self.display, pointer, f"$ref cycle through {ref!r}")
            _seen = (*_seen, ref)
            node, pointer = self._lookup(ref, pointer)
        return node, pointer

    def _lookup(self, ref: str, where: str) -> tuple[Any, str]:
        file_part, _, fragment = ref.partition("#")
        if file_part:
            base = self.path.parent.resolve()
            target = (base / file_part).resolve()
            if base not in target.parents:
                raise SpecError(self.display, where, f"$ref {ref!r} points outside the spec's folder")
            if target not in self._files:
                loaded = read_file(target, str(Path(self.display).parent / file_part))
                if self.transform is not None:
                    self.transform(loaded)
                self._files[target] = loaded
            node: Any = self._files[target]
            shown = f"{file_part}#{fragment}"
        else:
            node = self.root
            shown = f"#{fragment}"
        if fragment and not fragment.startswith("/"):
            raise SpecError(self.display, where, f"$ref {ref!r} is not a JSON pointer")
        for token in fragment.split("/")[1:] if fragment else []:
            key = unescape(token)
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                raise SpecError(self.display, where, f"$ref {ref!r} does not resolve (no {key!r})")
        return node, shown


def load(path: str | Path) -> Document:
    """Read and minimally validate an OpenAPI 3.0/3.1 document."""
    path = Path(path)
    display = str(path)
    root = read_file(path, display)
    if not isinstance(root, dict):
        raise SpecError(display, "#", f"the document is a {type(root).__name__}, not an object")
    if "swagger" in root:
        raise SpecError(display, "#/swagger", "Swagger 2.0 is not supported; convert it to OpenAPI 3")
    version = root.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0", "3.1")):
        raise SpecError(display, "#/openapi", f"expected OpenAPI 3.0 or 3.1, found {version!r}")
    if not isinstance(root.get("paths"), dict):
        raise SpecError(display, "#/paths", "the document has no paths object")
    return Document(root=root, path=path, display=display)
