"""Stage 2: normalise the service's conventions into explicit, standard-looking fields.

Entry point: :func:`normalise`. It returns a copy of the document in which what the Outreach
style says in prose, and what the plain style says in query parameters, is spelled out:

* ``readOnly`` / ``writeOnly`` and ``x-sdkgen-filterable`` / ``x-sdkgen-sortable`` on properties
  (Outreach: badge images at the start of the description, which are then removed);
* ``enum`` from prose ("Must be one of "a", "b", or "c"", "must be either "a" or "b"");
* ``deprecated`` from prose ("Deprecated. ...");
* ``x-sdkgen-filter-attributes`` on relationships, from "You can use attributes id, email ... to
  filter ..." / "... cannot be used as a filter";
* ``x-sdkgen-query`` on list/get operations: the JSON:API query features they take, supplied by
  convention when the operation declares none, or read from its ``filter[...]``, ``sort``,
  ``page[...]``, ``fields[...]`` and ``include`` parameters (plain style);
* ``x-sdkgen-meta`` on tags, from a resource-metadata table in the tag's description.

A new style is one more function called from :func:`normalise`, not edits in the builder.
"""

from __future__ import annotations

import re
from typing import Any

from . import progress
from .load import Document

BADGE = re.compile(r"<img\s+src=[\"']?[^\s>\"']*/badges/([a-z]+)\.svg[\"']?\s*/?>\s*", re.IGNORECASE)
ENUM_PROSE = re.compile(
    r"must\s+be\s+(?:one\s+of|either)\s*:?\s*((?:\"[^\"]*\"(?:\s*,\s*(?:or\s+)?|\s+or\s+)?)+)",
    re.IGNORECASE,
)
QUOTED = re.compile(r"\"([^\"]*)\"")
DEPRECATED = re.compile(r"^\s*deprecated\b[.:]?", re.IGNORECASE)
REL_FILTER = re.compile(
    r"you\s+can\s+use\s+(?:only\s+)?(?:the\s+)?attributes?\s+(.+?)\s+to\s+filter", re.IGNORECASE
)
REL_NO_FILTER = re.compile(r"cannot\s+be\s+used\s+as\s+a\s+filter", re.IGNORECASE)
META_ROW = re.compile(r"^\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*\|([^|]*)\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*\|\s*$")
IMPLICIT_LIST = ("filter", "sort", "fields", "include", "page", "count", "meta")
IMPLICIT_GET = ("fields", "include", "meta")
HTTP_METHODS = ("get", "put", "post", "patch", "delete")

SPLIT_NAMES = re.compile(r"\s*(?:,\s*and\s+|,\s*|\s+and\s+)\s*")


def normalise(doc: Document) -> Document:
    """The document with its conventions spelt out. It takes the loaded document over and edits it
    in place (a whole API's description is tens of megabytes in memory: it is not copied)."""
    progress.step("reading conventions")
    root = doc.root
    _walk(root)
    for path, path_item in (root.get("paths") or {}).items():
        if not isinstance(path_item, dict):
            continue
        for method in HTTP_METHODS:
            op = path_item.get(method)
            if isinstance(op, dict):
                params = list(path_item.get("parameters") or []) + list(op.get("parameters") or [])
                _classify(op, path, method)
                _query_features(op, params, doc)
    for tag in root.get("tags") or []:
        if isinstance(tag, dict) and isinstance(tag.get("description"), str):
            rows = _meta_table(tag["description"])
            if rows:
                tag["x-sdkgen-meta"] = rows
    return Document(root=root, path=doc.path, display=doc.display, transform=_walk)


def _walk(node: Any) -> None:
    """Normalise every schema-like object in place (Outreach prose conventions)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("description"), str) and _is_schema(item):
                _schema_prose(item)
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))


def _is_schema(node: dict[str, Any]) -> bool:
    return "type" in node or "properties" in node or "items" in node or "$ref" in node


def _schema_prose(schema: dict[str, Any]) -> None:
    text: str = schema["description"]
    badges = [b.lower() for b in BADGE.findall(text)]
    if badges:
        text = BADGE.sub("", text)
        if "readonly" in badges:
            schema.setdefault("readOnly", True)
        if "writeonly" in badges:
            schema.setdefault("writeOnly", True)
        if "filterable" in badges:
            schema["x-sdkgen-filterable"] = True
        if "sortable" in badges:
            schema["x-sdkgen-sortable"] = True
    text = text.strip()
    schema["description"] = text
    if DEPRECATED.match(text):
        schema.setdefault("deprecated", True)
    if schema.get("type") == "string" and "enum" not in schema:
        match = ENUM_PROSE.search(text)
        if match:
            values = QUOTED.findall(match.group(1))
            if len(values) >= 2:
                schema["enum"] = list(dict.fromkeys(values))
    if "properties" in schema and "type" not in schema or _is_relationship(schema):
        if REL_NO_FILTER.search(text):
            schema["x-sdkgen-filter-attributes"] = []
        else:
            match = REL_FILTER.search(text)
            if match:
                names = [n.strip() for n in SPLIT_NAMES.split(match.group(1)) if n.strip()]
                schema["x-sdkgen-filter-attributes"] = [n for n in names if n.isidentifier()]


def _is_relationship(schema: dict[str, Any]) -> bool:
    props = schema.get("properties")
    return isinstance(props, dict) and ("data" in props or "links" in props)


def _meta_table(text: str) -> list[dict[str, str]]:
    rows = []
    for line in text.splitlines():
        match = META_ROW.match(line.strip().replace("**", ""))
        if match and match.group(1).upper() != match.group(1):
            name, description, param = match.group(1), match.group(2).strip(), match.group(3)
            rows.append({"name": name, "description": description, "query_param": param})
    return rows


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _classify(op: dict[str, Any], path: str, method: str) -> None:
    """Name an operation from its method and path (the Outreach style has no operationIds).

    An ``operationId`` names an action's method (``publishArticle`` -> ``publish_article``); CRUD
    operations keep ``list``/``get``/``create``/``update``/``delete`` whatever their operationId, so
    every resource has the same surface (SDK-CONTRACT.md).

    Sets ``x-sdkgen-kind`` (list, get, create, update, delete, action), ``x-sdkgen-collection``
    (the collection path), ``x-sdkgen-name`` (the method name's source) and, for actions,
    ``x-sdkgen-member``; or ``x-sdkgen-unsupported`` with the reason.
    """
    segs = [s for s in path.split("/") if s]
    kind = name = None
    member = False
    coll: list[str] = []
    if segs and not _is_param(segs[-1]) and not any(_is_param(s) for s in segs):
        if len(segs) >= 3 and segs[-2] == "actions":
            coll, kind, name = segs[:-2], "action", segs[-1]
        else:
            coll = segs
            kind = {"get": "list", "post": "create"}.get(method)
    elif len(segs) >= 2 and _is_param(segs[-1]) and not any(_is_param(s) for s in segs[:-1]):
        coll = segs[:-1]
        kind = {"get": "get", "patch": "update", "put": "update", "delete": "delete"}.get(method)
    elif len(segs) >= 3 and [_is_param(s) for s in segs].count(True) == 1 and _is_param(segs[-2]):
        # /things/{id}/name (plain style) - a member action only when POSTed
        coll, kind, name, member = segs[:-2], ("action" if method == "post" else None), segs[-1], True
    elif len(segs) >= 4 and _is_param(segs[-3]) and segs[-2] == "actions":
        if not any(_is_param(s) for s in segs[:-3]):
            coll, kind, name, member = segs[:-3], "action", segs[-1], True
    if kind is None or not coll:
        op["x-sdkgen-unsupported"] = f"{method.upper()} {path} is not a JSON:API collection, member or action"
        return
    op["x-sdkgen-kind"] = kind
    op["x-sdkgen-collection"] = "/" + "/".join(coll)
    if kind == "action":
        op["x-sdkgen-member"] = member
        op["x-sdkgen-name"] = op.get("operationId") if isinstance(op.get("operationId"), str) else name
        op["x-sdkgen-wire"] = name


def _query_features(op: dict[str, Any], params: list[Any], doc: Document) -> None:
    """Record which JSON:API query features an operation takes, and its declared filters."""
    names = []
    for param in params:
        param, _ = doc.resolve(param, "#")
        if isinstance(param, dict) and param.get("in") == "query" and isinstance(param.get("name"), str):
            names.append((param["name"], param))
    features: list[str] = []
    filters: list[dict[str, Any]] = []
    sort_keys: list[str] | None = None
    for name, param in names:
        base = name.split("[", 1)[0]
        if base == "filter" and name.startswith("filter["):
            path = [p for p in re.findall(r"\[([^\]]*)\]", name)]
            if path and all(path):
                filters.append({"path": path, "schema": param.get("schema") or {}})
            features.append("filter")
        elif base == "page":
            features.append("page")
        elif base == "fields":
            features.append("fields")
        elif name in ("sort", "include", "count"):
            features.append(name)
            if name == "sort":
                schema = param.get("schema") or {}
                items = schema.get("items", schema) if isinstance(schema, dict) else {}
                if isinstance(items, dict) and isinstance(items.get("enum"), list):
                    sort_keys = list(dict.fromkeys(str(k).lstrip("-") for k in items["enum"]))
        elif name == "provideAuthorizationMeta":
            features.append("meta")
    op["x-sdkgen-query-params"] = [n for n, _ in names]
    if not features:
        # The Outreach style declares none of them: they exist by convention.
        kind = op.get("x-sdkgen-kind")
        op["x-sdkgen-query"] = list(IMPLICIT_LIST if kind == "list" else IMPLICIT_GET if kind == "get" else ())
        return
    op["x-sdkgen-query"] = sorted(set(features))
    if filters:
        op["x-sdkgen-filters"] = filters
    if sort_keys is not None:
        op["x-sdkgen-sort"] = sort_keys
