"""Stage 1: read the spec file into a document, with locations for every syntax problem.

Entry point: :func:`load`. The document keeps ``$ref``s as they are; :class:`Document`
resolves them on demand (local pointers, and files beside the spec, never outside its folder).
"""

from __future__ import annotations

import json
import re
import stat
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import progress
from .errors import SpecError

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 200
MAX_YAML_ALIASES = 1000
MAX_YAML_EXPANSION = 1_000_000  # extra nodes that aliases may add once expanded (billion laughs)

_YAML = "tag:yaml.org,2002:"
# Only what JSON has: no timestamps, binary, sets or ordered maps (they would not survive json.dumps).
_PLAIN_TAGS = {_YAML + t for t in ("null", "bool", "int", "float", "str", "seq", "map")}


class _SafeLoader(yaml.SafeLoader):
    """A safe loader with limits: JSON types only, bounded nesting, no alias bombs, no duplicate keys."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _YAML + "timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    yaml_constructors = {
        tag: fn for tag, fn in yaml.SafeLoader.yaml_constructors.items() if tag in _PLAIN_TAGS or tag is None
    }

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise yaml.MarkedYAMLError(
                    problem=f"more than {MAX_YAML_ALIASES} YAML aliases (an alias bomb?)",
                    problem_mark=event.start_mark,
                )
            return super().compose_node(parent, index)
        nested = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    problem=f"nesting deeper than {MAX_DEPTH} levels", problem_mark=event.start_mark
                )
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self._depth -= 1

    def compose_document(self) -> Any:  # type: ignore[override]
        node = super().compose_document()
        if node is not None:
            _check_expansion(node)
        return node

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # type: ignore[override]
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _YAML + "merge":
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        raise yaml.MarkedYAMLError(
                            problem=f"duplicate key {key_node.value!r}", problem_mark=key_node.start_mark
                        )
                    seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _check_expansion(root: Any) -> None:
    """Refuse YAML whose aliases expand to far more nodes than the text holds, or into a cycle.

    Counts every node as often as the document would be walked (aliases expanded), without
    expanding anything: sizes are memoised per node, so a billion laughs costs a few thousand steps.
    """
    sizes: dict[int, int] = {}
    distinct = 0
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            distinct += 1
            if sizes[key] > distinct + MAX_YAML_EXPANSION:
                raise yaml.MarkedYAMLError(
                    problem="YAML aliases expand to too many nodes (an alias bomb?)", problem_mark=node.start_mark
                )
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise yaml.MarkedYAMLError(problem="a YAML alias refers to itself", problem_mark=node.start_mark)
        on_path.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in on_path:
                raise yaml.MarkedYAMLError(problem="a YAML alias refers to itself", problem_mark=child.start_mark)
            if id(child) not in sizes:
                stack.append((child, False))


def _children(node: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


_SLOW = object()
try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _CParser = None

def _fast_yaml(text: str) -> Any:
    """Parse plain YAML with libyaml, building the values straight from its event stream (no node
    graph: on a whole API's description that graph is most of the memory and much of the time).
    Anything unusual (an error, an anchor or alias, an explicit tag, a merge key, a duplicate key,
    deep nesting, several documents) returns ``_SLOW``: :class:`_SafeLoader` parses it again and
    has the exact messages."""
    if _CParser is None:
        return _SLOW
    parser = _CParser(text)
    try:
        return _from_events(parser)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, KeyError):
        return _SLOW
    finally:
        parser.dispose()


_NO_KEY = object()
_STR = _YAML + "str"
_RESOLVER = yaml.resolver.Resolver()
_RESOLVER.yaml_implicit_resolvers = _SafeLoader.yaml_implicit_resolvers  # type: ignore[misc]
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_IMPLICIT_FIRST = frozenset(k for k in _SafeLoader.yaml_implicit_resolvers if k)


def _scalar(event: Any) -> Any:
    if event.anchor is not None or event.tag not in (None, "!"):
        raise ValueError("an anchor or an explicit tag")
    value = event.value
    if not event.implicit[0]:  # quoted: a string
        return value
    if value and value[0] not in _IMPLICIT_FIRST:
        return value
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _STR:
        return value
    if tag == _YAML + "merge":
        raise ValueError("a merge key")
    node = yaml.ScalarNode(tag, value)
    return _SafeLoader.yaml_constructors[tag](_CONSTRUCTOR, node)  # KeyError: a type JSON lacks


def _from_events(parser: Any) -> Any:
    stack: list[list[Any]] = []  # [container, pending key]
    root: Any = _NO_KEY
    documents = 0
    while True:
        event = parser.get_event()
        if isinstance(event, yaml.StreamEndEvent):
            break
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise ValueError("more than one document")
            continue
        if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
            continue
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if event.anchor is not None or event.tag not in (None, "!") or len(stack) >= MAX_DEPTH:
                raise ValueError("an anchor, an explicit tag or deep nesting")
            stack.append([{} if isinstance(event, yaml.MappingStartEvent) else [], _NO_KEY])
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            value = stack.pop()[0]
        elif isinstance(event, yaml.ScalarEvent):
            value = _scalar(event)
        else:  # an alias
            raise ValueError("an alias")
        if not stack:
            root = value
            continue
        top = stack[-1]
        container = top[0]
        if isinstance(container, list):
            container.append(value)
        elif top[1] is _NO_KEY:
            if isinstance(value, (dict, list)) or value in container:
                raise ValueError("a complex or duplicate key")
            top[1] = value
        else:
            container[top[1]] = value
            top[1] = _NO_KEY
    if root is _NO_KEY:
        raise ValueError("an empty document")
    return root


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(text: str, file: str, pointer: str) -> None:
    """JSON can spell a lone surrogate (``"\\ud800"``); it is no Unicode text, and nothing downstream
    (UTF-8 files, class docstrings, pydantic's Literal values) can hold it."""
    found = _SURROGATE.search(text)
    if found:
        raise SpecError(file, pointer, f"the text holds a lone surrogate (\\u{ord(found.group()):04x}), which is not Unicode")


def _check_depth(node: Any, file: str, depth: int = 0, pointer: str = "#") -> None:
    """Nesting within MAX_DEPTH, and every string (keys too) valid Unicode."""
    if depth > MAX_DEPTH:
        raise SpecError(file, pointer, f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{pointer}/{escape(str(key))}"
            if isinstance(key, str):
                _check_text(key, file, pointer)
            if isinstance(value, (dict, list)):
                _check_depth(value, file, depth + 1, where)
            elif isinstance(value, str):
                _check_text(value, file, where)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, (dict, list)):
                _check_depth(value, file, depth + 1, f"{pointer}/{i}")
            elif isinstance(value, str):
                _check_text(value, file, f"{pointer}/{i}")


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
        return _parse_json(text, file)
    fast = _fast_yaml(text)
    if fast is not _SLOW:
        return fast
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - a safe loader with limits
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        if "constructor for the tag" in what:
            what = what.replace("could not determine a constructor for the tag", "unsupported tag")
        raise SpecError(file, where, f"invalid YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise SpecError(file, "", f"invalid YAML: {exc}") from None
    except RecursionError:  # pragma: no cover - the composer stops at MAX_DEPTH first
        raise SpecError(file, "", f"nesting deeper than {MAX_DEPTH} levels") from None


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _parse_json(text: str, file: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise SpecError(file, f"{exc.lineno}:{exc.colno}", f"invalid JSON: {exc.msg}") from None
    except _DuplicateKey as exc:
        where = _json_key_location(text, str(exc.args[0]))
        raise SpecError(file, where, f"invalid JSON: duplicate key {exc.args[0]!r}") from None
    except RecursionError:
        raise SpecError(file, _json_too_deep(text), f"nesting deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise SpecError(file, "", f"invalid JSON: {exc}") from None


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}\n]')


def _line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _json_too_deep(text: str) -> str:
    """line:column of the first bracket nested deeper than MAX_DEPTH (strings skipped)."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return _line_col(text, match.start())
        elif token in "]}":
            depth -= 1
    return ""


def _json_key_location(text: str, key: str) -> str:
    """line:column of the second occurrence of ``key`` as an object key (best effort)."""
    wanted = json.dumps(key)
    hits = [m.start() for m in re.finditer(re.escape(wanted) + r"\s*:", text)]
    return _line_col(text, hits[1]) if len(hits) > 1 else ""


def read_file(path: Path, display: str) -> Any:
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise SpecError(display, "", "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise SpecError(display, "", "is not a regular file (a pipe or a device?)")
        if info.st_size > MAX_BYTES:
            raise SpecError(display, "", f"the file is larger than {MAX_BYTES} bytes")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise SpecError(display, "", "no such file") from None
    except PermissionError:
        raise SpecError(display, "", "cannot read the file: permission denied") from None
    except OSError as exc:
        raise SpecError(display, "", f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise SpecError(display, "", f"the file is larger than {MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        head = raw[: exc.start].decode("utf-8-sig", "replace")
        raise SpecError(display, _line_col(head, len(head)), "the file is not UTF-8 text") from None
    if "\x00" in text:
        raise SpecError(display, _line_col(text, text.index("\x00")), "the file contains a NUL byte (not a text file?)")
    value = parse_text(text, display)
    if _too_deep(value) or _MAYBE_SURROGATE.search(text):
        _check_depth(value, display)  # the slow walk, which names the place
    return value


# Text decoded from UTF-8 holds no surrogate: only an escape (JSON's and YAML's \uD800, YAML's
# \U0000D800) can make one. (An escaped backslash before "ud800" matches too: then the full walk
# runs and finds nothing.)
_MAYBE_SURROGATE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")


def _too_deep(root: Any) -> bool:
    """Whether any node is nested deeper than MAX_DEPTH (fast: no JSON pointers are built)."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        for value in node.values() if isinstance(node, dict) else node if isinstance(node, list) else ():
            if isinstance(value, (dict, list)):
                stack.append((value, depth + 1))
    return False


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
        fragment = urllib.parse.unquote(fragment)
        if file_part:
            if _URL.match(file_part):
                raise SpecError(self.display, where, f"$ref {ref!r}: remote references are not supported")
            base = self.path.parent.resolve()
            target = (base / file_part).resolve()
            if base not in target.parents:
                raise SpecError(self.display, where, f"$ref {ref!r} points outside the spec's folder")
            if target not in self._files:
                try:
                    loaded = read_file(target, str(Path(self.display).parent / file_part))
                except SpecError as exc:
                    if exc.location:  # a problem inside the other file: its own line or pointer
                        raise
                    raise SpecError(self.display, where, f"$ref {ref!r}: {exc.message}") from None
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
    progress.step("reading the spec")
    path = Path(path)
    display = str(path)
    root = read_file(path, display)
    if not isinstance(root, dict):
        raise SpecError(display, "#", f"the document is {_a(root)}, not an object")
    if "swagger" in root:
        raise SpecError(display, "#/swagger", "Swagger 2.0 is not supported; convert it to OpenAPI 3")
    version = root.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0", "3.1")):
        raise SpecError(display, "#/openapi", f"expected OpenAPI 3.0 or 3.1, found {version!r}")
    if not isinstance(root.get("paths"), dict):
        raise SpecError(display, "#/paths", "the document has no paths object")
    doc = Document(root=root, path=path, display=display)
    _validate(doc)
    return doc


def _a(value: Any) -> str:
    names = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}
    return "null" if value is None else names.get(type(value), f"a {type(value).__name__}")


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PARAMETER_PLACES = ("query", "header", "path", "cookie")
_TEMPLATE = re.compile(r"\{[^/{}]*\}")


def _validate(doc: Document) -> None:
    """The structural rules of OpenAPI the later stages rely on; each break names its pointer.

    Paths start with ``/``; two paths differing only in the names of their templates are one
    path twice; parameters are objects with a ``name`` and an ``in``, never declared twice in
    one list; ``operationId``s are strings and unique.
    """
    file = doc.display
    templates: dict[str, str] = {}
    operation_ids: dict[str, str] = {}
    for path, item in doc.root["paths"].items():
        where = f"#/paths/{escape(str(path))}"
        if not isinstance(path, str) or not path.startswith("/"):
            raise SpecError(file, where, f"a path must start with '/', found {str(path)!r}")
        shape = _TEMPLATE.sub("{}", path.rstrip("/") or "/")
        if shape in templates:
            raise SpecError(file, where, f"duplicate path: {path!r} is the same as {templates[shape]!r}")
        templates[shape] = path
        item, item_ptr = doc.resolve(item, where)
        if not isinstance(item, dict):
            raise SpecError(file, where, f"a path item must be an object, not {_a(item)}")
        _check_parameters(doc, item.get("parameters"), f"{item_ptr}/parameters")
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = item[method]
            op_ptr = f"{item_ptr}/{method}"
            if not isinstance(op, dict):
                raise SpecError(file, op_ptr, f"an operation must be an object, not {_a(op)}")
            _check_parameters(doc, op.get("parameters"), f"{op_ptr}/parameters")
            if "operationId" in op:
                op_id = op["operationId"]
                if not isinstance(op_id, str) or not op_id:
                    raise SpecError(file, f"{op_ptr}/operationId", "operationId must be a non-empty string")
                if op_id in operation_ids:
                    raise SpecError(
                        file, f"{op_ptr}/operationId", f"duplicate operationId {op_id!r} (first at {operation_ids[op_id]})"
                    )
                operation_ids[op_id] = op_ptr
            responses = op.get("responses")
            if responses is not None and not isinstance(responses, dict):
                raise SpecError(file, f"{op_ptr}/responses", f"responses must be an object, not {_a(responses)}")


def _check_parameters(doc: Document, params: Any, pointer: str) -> None:
    if params is None:
        return
    if not isinstance(params, list):
        raise SpecError(doc.display, pointer, f"parameters must be a list, not {_a(params)}")
    seen: dict[tuple[str, str], str] = {}
    for i, param in enumerate(params):
        param, _ = doc.resolve(param, f"{pointer}/{i}")
        where = f"{pointer}/{i}"
        if not isinstance(param, dict):
            raise SpecError(doc.display, where, f"a parameter must be an object, not {_a(param)}")
        name, place = param.get("name"), param.get("in")
        if not isinstance(name, str) or not name:
            raise SpecError(doc.display, f"{where}/name", "a parameter needs a non-empty string name")
        if place not in PARAMETER_PLACES:
            raise SpecError(doc.display, f"{where}/in", f"'in' must be one of {', '.join(PARAMETER_PLACES)}, found {place!r}")
        key = (name.lower() if place == "header" else name, place)
        if key in seen:
            raise SpecError(doc.display, where, f"duplicate parameter {name!r} in {place} (first at {seen[key]})")
        seen[key] = where
