"""Stage 3: build the IR from the normalised document. Style-free: it reads only what
:mod:`generator.conventions` spelled out (standard OpenAPI plus ``x-sdkgen-*`` fields).

Entry point: :func:`build`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from . import names, progress
from .errors import SpecError
from .ir import Action, Api, Attribute, FilterField, MetaField, Operation, Relationship, Resource
from .load import Document, escape

SCHEMA_KEYS = (
    "type", "format", "enum", "const", "items", "properties", "additionalProperties", "required",
    "maxLength", "minLength", "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum",
    "pattern", "maxItems", "minItems", "nullable", "anyOf", "oneOf", "allOf", "default",
)
KNOWN_TYPES = {"string", "integer", "number", "boolean", "array", "object", "null"}
UNSUPPORTED_SCHEMA_KEYS = (
    "not", "if", "then", "else", "patternProperties", "dependentSchemas", "unevaluatedProperties",
    "prefixItems", "contains", "$dynamicRef", "$recursiveRef",
)
ORDERED = {"int", "float", "datetime", "date"}
FILTER_KINDS = ("str", "int", "float", "bool", "datetime", "date", "enum")
MAX_INLINE_DEPTH = 32
MAX_INLINE_NODES = 10_000


@dataclass
class _Collection:
    path: str
    ops: dict[str, tuple[str, str, dict[str, Any]]] = field(default_factory=dict)  # kind -> (method, path, op)
    actions: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)


def build(doc: Document, package: str) -> Api:
    progress.step("building the IR")
    root = doc.root
    collections: dict[str, _Collection] = {}
    skipped: list[str] = []
    for path, item in sorted(root["paths"].items()):
        if not isinstance(item, dict):
            raise SpecError(doc.display, f"#/paths/{escape(path)}", "a path item must be an object")
        item, _ = doc.resolve(item, f"#/paths/{escape(path)}")
        for method in ("get", "put", "post", "patch", "delete"):
            op = item.get(method)
            if isinstance(op, dict) and "x-sdkgen-unsupported" in op:
                skipped.append(f"#/paths/{escape(path)}/{method}: {op['x-sdkgen-unsupported']}; left out of the SDK")
            if not isinstance(op, dict) or "x-sdkgen-kind" not in op:
                continue
            coll = collections.setdefault(op["x-sdkgen-collection"], _Collection(op["x-sdkgen-collection"]))
            kind = op["x-sdkgen-kind"]
            if kind == "action":
                coll.actions.append((method, path, op))
            elif kind in coll.ops:
                other = coll.ops[kind]
                raise SpecError(
                    doc.display,
                    f"#/paths/{escape(path)}/{method}",
                    f"a second '{kind}' operation for {coll.path} (the first is {other[0].upper()} {other[1]})",
                )
            else:
                coll.ops[kind] = (method, path, op)

    tag_meta = _tag_meta(root)
    drafts = [_Draft.of(doc, coll, tag_meta) for coll in collections.values()]
    drafts = [d for d in drafts if d is not None]
    # Names: classes, accessors and modules must be unique and never shadow the runtime.
    class_names = names.dedupe(
        [names.class_name(d.type, reserved=RUNTIME_CLASS_NAMES) for d in drafts]
    )
    accessors = names.dedupe(
        [names.identifier(d.coll.path.rsplit("/", 1)[-1], reserved=CLIENT_RESERVED, fallback="resource") for d in drafts]
    )
    api_classes = []
    for cls, acc in zip(class_names, accessors):
        plural = names.class_name(acc, reserved=RUNTIME_CLASS_NAMES)
        api_classes.append(plural + "API" if plural in class_names or plural == cls else plural)
    api_classes = names.dedupe(api_classes)
    by_type = {d.type: cls for d, cls in zip(drafts, class_names)}
    by_type_draft = {d.type: d for d in drafts}
    resources = tuple(
        d.finish(cls, api_cls, acc, by_type, by_type_draft)
        for d, cls, api_cls, acc in zip(drafts, class_names, api_classes, accessors)
    )
    info = root.get("info") if isinstance(root.get("info"), dict) else {}
    servers = root.get("servers") or []
    base_url = servers[0].get("url", "") if servers and isinstance(servers[0], dict) else ""
    meta_params = sorted({m.query_param for r in resources for m in r.meta if m.query_param})
    return Api(
        title=str(info.get("title") or package),
        version=str(info.get("version") or ""),
        description=str(info.get("description") or ""),
        base_url=str(base_url),
        package=package,
        spec_name=doc.path.name,
        resources=tuple(sorted(resources, key=lambda r: r.accessor)),
        meta_query_params=tuple(meta_params),
        skipped=tuple(skipped),
    )


RUNTIME_CLASS_NAMES = frozenset(
    {
        "Client", "AsyncClient", "Resource", "GenericResource", "Identifier", "RelatedLink",
        "ApiError", "Range", "Filter", "Page", "SyncPager", "AsyncPager", "NotGiven",
        "BaseModel", "Field", "Literal", "Any", "ConfigDict",
    }
)
CLIENT_RESERVED = frozenset(
    {"with_options", "close", "aclose", "request", "base_url", "rate_limit", "timeout", "max_retries"}
)


def _tag_meta(root: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    out = {}
    for tag in root.get("tags") or []:
        if isinstance(tag, dict) and isinstance(tag.get("name"), str) and tag.get("x-sdkgen-meta"):
            out[tag["name"]] = tag["x-sdkgen-meta"]
    return out


def _media_schema(doc: Document, holder: Any, pointer: str) -> tuple[Any, str] | None:
    holder, pointer = doc.resolve(holder, pointer)
    content = holder.get("content") if isinstance(holder, dict) else None
    if not isinstance(content, dict):
        return None
    for media in sorted(content, key=lambda m: (not m.endswith("json"), m)):
        entry = content[media]
        if isinstance(entry, dict) and "schema" in entry:
            return doc.resolve(entry["schema"], f"{pointer}/content/{escape(media)}/schema")
    return None


def _props(doc: Document, schema: Any, pointer: str) -> dict[str, tuple[Any, str]]:
    """The properties of an object schema (following $ref and allOf), each resolved."""
    schema, pointer = doc.resolve(schema, pointer)
    out: dict[str, tuple[Any, str]] = {}
    if not isinstance(schema, dict):
        return out
    for i, part in enumerate(schema.get("allOf") or []):
        out.update(_props(doc, part, f"{pointer}/allOf/{i}"))
    props = schema.get("properties")
    if isinstance(props, dict):
        for key, value in props.items():
            out[str(key)] = doc.resolve(value, f"{pointer}/properties/{escape(str(key))}")
    return out


@dataclass
class _Draft:
    doc: Document
    coll: _Collection
    type: str
    resource: dict[str, tuple[Any, str]]  # the data object's properties
    attributes_ref: str | None
    meta_rows: list[dict[str, str]]

    @classmethod
    def of(cls, doc: Document, coll: _Collection, tag_meta: dict[str, list[dict[str, str]]]) -> _Draft | None:
        resource: dict[str, tuple[Any, str]] = {}
        attributes_ref = None
        tags: list[str] = []
        for kind, (method, path, op) in sorted(coll.ops.items()):
            base = f"#/paths/{escape(path)}/{method}"
            tags += [t for t in op.get("tags") or [] if isinstance(t, str)]
            holders = []
            if kind in ("create", "update") and "requestBody" in op:
                holders.append((op["requestBody"], f"{base}/requestBody"))
            for status, response in sorted((op.get("responses") or {}).items()):
                if str(status).startswith("2"):
                    holders.append((response, f"{base}/responses/{status}"))
            for holder, ptr in holders:
                found = _media_schema(doc, holder, ptr)
                if not found:
                    continue
                data = _props(doc, found[0], found[1]).get("data")
                if not data:
                    continue
                data_schema, data_ptr = data
                if isinstance(data_schema, dict) and data_schema.get("type") == "array":
                    data_schema, data_ptr = doc.resolve(data_schema.get("items"), f"{data_ptr}/items")
                raw_attrs = (data_schema.get("properties") or {}).get("attributes") if isinstance(data_schema, dict) else None
                if isinstance(raw_attrs, dict) and isinstance(raw_attrs.get("$ref"), str) and attributes_ref is None:
                    attributes_ref = raw_attrs["$ref"]
                for key, value in _props(doc, data_schema, data_ptr).items():
                    resource.setdefault(key, value)
        if not resource and not coll.ops:
            # Only actions under this path: attach nothing, but keep the actions reachable.
            pass
        type_name = _type_name(resource, attributes_ref, coll.path)
        meta_rows = []
        for tag in dict.fromkeys(tags):
            meta_rows.extend(tag_meta.get(tag, []))
        return cls(doc, coll, type_name, resource, attributes_ref, meta_rows)

    def finish(
        self, class_name: str, api_class: str, accessor: str, by_type: dict[str, str], drafts: dict[str, _Draft]
    ) -> Resource:
        doc = self.doc
        attrs = self.attributes()
        rels = self.relationships(by_type, reserved={a.name for a in attrs})
        list_op = self.coll.ops.get("list")
        attrs = _declared_sort(attrs, list_op[2] if list_op else None)
        id_annotation = "int"
        if "get" in self.coll.ops or "update" in self.coll.ops or "delete" in self.coll.ops:
            method, path, op = next(self.coll.ops[k] for k in ("get", "update", "delete") if k in self.coll.ops)
            id_annotation = self._id_annotation(path)
        elif "id" in self.resource:
            id_annotation = _scalar(self.resource["id"][0]) if _scalar(self.resource["id"][0]) in ("int", "str") else "str"
        filters = self.filters(attrs, rels, list_op[2] if list_op else None, drafts, id_annotation)
        # A query feature is offered only when there is something to use it with.
        usable = {
            "filter": bool(filters),
            "sort": any(a.sortable for a in attrs),
            "include": any(r.has_data for r in rels),
            "fields": bool(attrs or rels),
        }
        ops = []
        for kind in ("list", "get", "create", "update", "delete"):
            if kind in self.coll.ops:
                method, path, op = self.coll.ops[kind]
                query = tuple(q for q in op.get("x-sdkgen-query") or () if usable.get(q, True))
                ops.append(
                    Operation(
                        kind=kind,
                        method=method.upper(),
                        path=path,
                        summary=_text(op.get("summary")),
                        description=_text(op.get("description")),
                        deprecated=bool(op.get("deprecated")),
                        query=query,
                    )
                )
        actions = self.actions(reserved=set(names.API_RESERVED))
        meta = self.meta_fields(reserved={a.name for a in attrs} | {r.name for r in rels})
        description = ""
        if self.attributes_ref:
            target, _ = doc.resolve({"$ref": self.attributes_ref}, "#")
            description = _text(target.get("description")) if isinstance(target, dict) else ""
        segment = self.coll.path.rsplit("/", 1)[-1]
        return Resource(
            type=self.type,
            class_name=class_name,
            api_class=api_class,
            accessor=accessor,
            module=accessor,
            path=self.coll.path,
            id_annotation=id_annotation,
            description=description or f"The {segment} resource.",
            attributes=attrs,
            relationships=rels,
            operations=tuple(ops),
            actions=actions,
            filters=filters,
            meta=meta,
        )

    def meta_fields(self, reserved: set[str]) -> tuple[MetaField, ...]:
        """Resource-level ``meta``: the tag's metadata table (Outreach) and the resource object's ``meta`` schema."""
        rows: dict[str, tuple[str, str, str | None]] = {}  # wire -> (annotation, description, query param)
        for row in self.meta_rows:
            annotation = "bool" if "boolean" in row["description"].lower() else "Any"
            rows[row["name"]] = (annotation, row["description"], row["query_param"])
        found = self.resource.get("meta")
        if found:
            for wire, (schema, pointer) in sorted(_props(self.doc, found[0], found[1]).items()):
                if wire in rows or not isinstance(schema, dict):
                    continue
                kind = _kind(_normalise_schema(self.doc, schema, pointer))[0]
                annotation = kind if kind in ("bool", "int", "float", "str") else "Any"
                rows[wire] = (annotation, _text(schema.get("description")), None)
        wires = list(rows)
        py = names.dedupe([names.identifier(w, reserved=names.RESERVED_FIELDS | reserved) for w in wires])
        return tuple(
            MetaField(wire=w, name=n, annotation=rows[w][0], description=rows[w][1], query_param=rows[w][2])
            for w, n in zip(wires, py)
        )

    def _id_annotation(self, path: str) -> str:
        item = self.doc.root["paths"][path]
        param_name = path.rstrip("/").rsplit("/", 1)[-1][1:-1]
        for method in ("get", "patch", "put", "delete"):
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            for p in list(item.get("parameters") or []) + list(op.get("parameters") or []):
                p, _ = self.doc.resolve(p, "#")
                if isinstance(p, dict) and p.get("in") == "path" and p.get("name") == param_name:
                    schema, _ = self.doc.resolve(p.get("schema") or {}, "#")
                    return "int" if _scalar(schema) == "int" else "str"
        return "str"

    def attributes(self) -> tuple[Attribute, ...]:
        found = self.resource.get("attributes")
        if not found:
            return ()
        props = _props(self.doc, found[0], found[1])
        wires = sorted(props)
        py = names.dedupe([names.identifier(w, reserved=names.RESERVED_FIELDS) for w in wires])
        out = []
        for wire, name in zip(wires, py):
            schema, pointer = props[wire]
            if not isinstance(schema, dict):
                raise SpecError(self.doc.display, pointer, "an attribute schema must be an object")
            norm = _normalise_schema(self.doc, schema, pointer)
            kind, annotation = _kind(norm)
            enum = tuple(str(v) for v in norm.get("enum") or ()) if kind == "enum" else ()
            out.append(
                Attribute(
                    wire=wire,
                    name=name,
                    schema=json.dumps(norm, sort_keys=True),
                    kind=kind,
                    annotation=annotation,
                    enum=enum,
                    nullable=bool(norm.get("nullable")),
                    read_only=bool(schema.get("readOnly")),
                    write_only=bool(schema.get("writeOnly")),
                    filterable=bool(schema.get("x-sdkgen-filterable")),
                    sortable=bool(schema.get("x-sdkgen-sortable")),
                    deprecated=bool(schema.get("deprecated")),
                    description=_text(schema.get("description")),
                    max_length=norm.get("maxLength"),
                )
            )
        return tuple(out)

    def relationships(self, by_type: dict[str, str], reserved: set[str]) -> tuple[Relationship, ...]:
        found = self.resource.get("relationships")
        if not found:
            return ()
        props = _props(self.doc, found[0], found[1])
        wires = sorted(props)
        py = names.dedupe(
            [names.identifier(w, reserved=names.RESERVED_FIELDS | reserved) for w in wires]
        )
        out = []
        for wire, name in zip(wires, py):
            schema, pointer = props[wire]
            if not isinstance(schema, dict):
                raise SpecError(self.doc.display, pointer, "a relationship schema must be an object")
            rel_props = _props(self.doc, schema, pointer)
            to_many = schema.get("type") == "array"
            has_data = "data" in rel_props
            related_type = None
            id_annotation = "int | str"
            if has_data:
                data, data_ptr = rel_props["data"]
                if isinstance(data, dict) and data.get("type") == "array":
                    to_many = True
                    data, data_ptr = self.doc.resolve(data.get("items") or {}, f"{data_ptr}/items")
                id_schema = _props(self.doc, data, data_ptr).get("id")
                if id_schema and _scalar(id_schema[0]) in ("int", "str"):
                    id_annotation = _scalar(id_schema[0])
                type_schema = _props(self.doc, data, data_ptr).get("type")
                if type_schema and isinstance(type_schema[0], dict):
                    values = type_schema[0].get("enum") or ([type_schema[0]["const"]] if "const" in type_schema[0] else [])
                    if len(values) == 1 and isinstance(values[0], str):
                        related_type = values[0]
            filter_attrs = schema.get("x-sdkgen-filter-attributes")
            out.append(
                Relationship(
                    wire=wire,
                    name=name,
                    to_many=to_many,
                    has_data=has_data,
                    related_type=related_type,
                    related_class=by_type.get(related_type) if related_type else None,
                    id_annotation=id_annotation,
                    read_only=bool(schema.get("readOnly")),
                    description=_text(schema.get("description")),
                    filter_attributes=tuple(filter_attrs) if isinstance(filter_attrs, list) else (),
                )
            )
        return tuple(out)

    def actions(self, reserved: set[str]) -> tuple[Action, ...]:
        items = sorted(self.coll.actions, key=lambda a: (a[1], a[0]))
        py = names.dedupe(
            [names.identifier(op["x-sdkgen-name"], reserved=reserved, fallback="action") for _, _, op in items]
        )
        out = []
        for (method, path, op), name in zip(items, py):
            declared = [p for p in op.get("x-sdkgen-query-params") or []]
            returns_resource = False
            for status, response in (op.get("responses") or {}).items():
                if str(status).startswith("2"):
                    found = _media_schema(self.doc, response, "#")
                    if found and "data" in _props(self.doc, found[0], found[1]):
                        returns_resource = True
            segs = [x for x in path.split("/") if x]
            base = len([x for x in self.coll.path.split("/") if x]) + (1 if op.get("x-sdkgen-member") else 0)
            out.append(
                Action(
                    name=name,
                    suffix="/".join(segs[base:]),
                    wire=op["x-sdkgen-wire"],
                    method=method.upper(),
                    path=path,
                    member=bool(op.get("x-sdkgen-member")),
                    summary=_text(op.get("summary")),
                    description=_text(op.get("description")),
                    takes_params=bool(declared),
                    returns_resource=returns_resource,
                )
            )
        return tuple(out)

    def filters(
        self,
        attrs: tuple[Attribute, ...],
        rels: tuple[Relationship, ...],
        list_op: dict[str, Any] | None,
        drafts: dict[str, _Draft],
        id_annotation: str = "int",
    ) -> tuple[FilterField, ...]:
        """The arguments of the ``{Type}Filter`` class: filterable attributes (Outreach badges) and
        ``{rel}_{attr}`` relationship filters, or the declared ``filter[...]`` parameters (plain style)."""
        if list_op is None or "filter" not in (list_op.get("x-sdkgen-query") or ()):
            return ()
        declared = list_op.get("x-sdkgen-filters")
        by_wire = {a.wire: a for a in attrs}
        rel_by_wire = {r.wire: r for r in rels}
        out: list[tuple[str, tuple[str, ...], tuple[str, str, tuple[str, ...]]]] = []
        if declared is None:
            # By convention every collection filters by id (``filter[id]=1,2,3``), as Outreach's do.
            if "id" not in by_wire:
                out.append(("id", ("id",), ("int", "int", ()) if id_annotation == "int" else ("str", "str", ())))
            for a in attrs:
                found = self._attribute_kind(a) if a.filterable else None
                if found is not None:
                    out.append((a.name, (a.wire,), found))
            for r in rels:
                for attr in r.filter_attributes:
                    out.append((f"{r.name}_{names.snake(attr)}", (r.wire, attr), self._related_kind(r, attr, drafts)))
        else:
            for entry in declared:
                path = tuple(entry["path"])
                schema, _ = self.doc.resolve(entry.get("schema") or {}, "#")
                from_param = _filter_kind(self.doc, schema)
                if len(path) == 1 and path[0] in by_wire:
                    a = by_wire[path[0]]
                    found = self._attribute_kind(a) or from_param or ("str", "str", ())
                    out.append((a.name, path, found))
                elif len(path) == 2 and path[0] in rel_by_wire:
                    r = rel_by_wire[path[0]]
                    out.append((f"{r.name}_{names.snake(path[1])}", path, self._related_kind(r, path[1], drafts, from_param)))
                else:
                    out.append(("_".join(names.snake(p) for p in path), path, from_param or ("str", "str", ())))
        py = names.dedupe([names.identifier(n, reserved={"to_params", "from_params", "wire_fields"}) for n, *_ in out])
        return tuple(
            FilterField(name=n, wire=w, kind=k, annotation=a, ordered=k in ORDERED, choices=c)
            for n, (_, w, (k, a, c)) in zip(py, out)
        )

    @staticmethod
    def _attribute_kind(a: Attribute) -> tuple[str, str, tuple[str, ...]] | None:
        """What one filter value of an attribute is; for a list attribute, one of its items."""
        if a.kind in FILTER_KINDS:
            return a.kind, a.annotation, a.enum
        if a.kind == "list":
            items = json.loads(a.schema).get("items")
            if isinstance(items, dict):
                kind, annotation = _kind(items)
                if kind in FILTER_KINDS:
                    choices = tuple(str(v) for v in items.get("enum") or ()) if kind == "enum" else ()
                    return kind, annotation, choices
        return None

    def _related_kind(
        self,
        rel: Relationship,
        attr: str,
        drafts: dict[str, _Draft],
        declared: tuple[str, str, tuple[str, ...]] | None = None,
    ) -> tuple[str, str, tuple[str, ...]]:
        """The kind of ``filter[rel][attr]``: the declared parameter's schema (plain style), else the
        related resource's attribute when this SDK has it, else (for ``id``) the identifier's schema."""
        if declared is not None:
            return declared
        target = drafts.get(rel.related_type or "")
        if attr == "id":
            found = self._relationship_id_kind(rel)
            if found is None and target is not None and "id" in target.resource:
                kind = _scalar(target.resource["id"][0])
                found = kind if kind in ("int", "str") else None
            kind = found or "int"  # Outreach identifiers are integers (link-only relationships say nothing)
            return kind, kind, ()
        if target is not None:
            for a in target.attributes():
                if a.wire == attr:
                    found_attr = self._attribute_kind(a)
                    if found_attr is not None:
                        return found_attr
        return "str", "str", ()

    def _relationship_id_kind(self, rel: Relationship) -> str | None:
        """``int`` or ``str`` from the relationship's ``data.id`` schema, when it has one."""
        found = self.resource.get("relationships")
        if not found:
            return None
        schema = _props(self.doc, found[0], found[1]).get(rel.wire)
        if schema is None:
            return None
        data = _props(self.doc, schema[0], schema[1]).get("data")
        if data is None or not isinstance(data[0], dict):
            return None
        target, pointer = data
        if target.get("type") == "array":
            target, pointer = self.doc.resolve(target.get("items") or {}, f"{pointer}/items")
        ident = _props(self.doc, target, pointer).get("id")
        kind = _scalar(ident[0]) if ident else "any"
        return kind if kind in ("int", "str") else None


def _declared_sort(attrs: tuple[Attribute, ...], list_op: dict[str, Any] | None) -> tuple[Attribute, ...]:
    """Plain style: a declared ``sort`` parameter says which attributes sort (its enum), or, without
    an enum, that every scalar attribute does. Outreach style: the sortable badges stand."""
    if list_op is None or "sort" not in (list_op.get("x-sdkgen-query-params") or ()):
        return attrs
    keys = list_op.get("x-sdkgen-sort")
    return tuple(
        dataclasses.replace(a, sortable=a.wire in keys if keys is not None else a.kind in FILTER_KINDS)
        for a in attrs
    )


def _filter_kind(doc: Document, schema: Any) -> tuple[str, str, tuple[str, ...]] | None:
    """What one value of a declared ``filter[...]`` parameter is (an array's items, for a list)."""
    if not isinstance(schema, dict) or not schema:
        return None
    norm = _normalise_schema(doc, schema, "#")
    if norm.get("type") == "array" and isinstance(norm.get("items"), dict):
        norm = norm["items"]
    kind, annotation = _kind(norm)
    if kind not in FILTER_KINDS:
        return None
    choices = tuple(str(v) for v in norm.get("enum") or ()) if kind == "enum" else ()
    return kind, annotation, choices


def _type_name(resource: dict[str, tuple[Any, str]], attributes_ref: str | None, path: str) -> str:
    type_schema = resource.get("type")
    if type_schema and isinstance(type_schema[0], dict):
        values = type_schema[0].get("enum") or ([type_schema[0]["const"]] if "const" in type_schema[0] else [])
        if len(values) == 1 and isinstance(values[0], str):
            return values[0]
    if attributes_ref and attributes_ref.startswith("#/components/schemas/"):
        return attributes_ref.rsplit("/", 1)[-1]
    segment = path.rsplit("/", 1)[-1]
    if segment.endswith(("ches", "shes", "sses", "xes")):
        return segment[:-2]
    if segment.endswith("ies") and len(segment) > 3:
        return segment[:-3] + "y"
    return segment[:-1] if segment.endswith("s") and len(segment) > 1 else segment


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _types(schema: dict[str, Any]) -> tuple[list[str], bool]:
    t = schema.get("type")
    types = [t] if isinstance(t, str) else list(t) if isinstance(t, list) else []
    nullable = "null" in types or bool(schema.get("nullable"))
    return [x for x in types if x != "null"], nullable


def _normalise_schema(
    doc: Document,
    schema: dict[str, Any],
    pointer: str,
    depth: int = 0,
    seen: tuple[str, ...] = (),
    budget: list[int] | None = None,
) -> dict[str, Any]:
    """Inline $refs and turn 3.1 forms into 3.0 forms (``type: [X, null]`` -> ``nullable``).

    ``budget`` counts the schemas visited for one attribute: many refs to refs to refs (a
    "$ref bomb") would otherwise expand exponentially.
    """
    if budget is None:
        budget = [MAX_INLINE_NODES]
    budget[0] -= 1
    if budget[0] < 0:
        raise SpecError(doc.display, pointer, f"the schema expands to more than {MAX_INLINE_NODES} schemas")
    if depth > MAX_INLINE_DEPTH:
        raise SpecError(doc.display, pointer, "the schema nests too deeply")
    if isinstance(schema, dict) and "$ref" in schema:
        ref = schema["$ref"]
        if ref in seen:
            raise SpecError(doc.display, pointer, f"recursive schema through {ref!r} is not supported in attributes")
        target, target_ptr = doc.resolve(schema, pointer)
        return _normalise_schema(doc, target, target_ptr, depth + 1, (*seen, ref), budget)
    if not isinstance(schema, dict):
        raise SpecError(doc.display, pointer, "a schema must be an object")
    out: dict[str, Any] = {}
    types, nullable = _types(schema)
    for t in types:
        if t not in KNOWN_TYPES:
            raise SpecError(doc.display, pointer + "/type", f"unknown schema type {t!r}")
    for key in UNSUPPORTED_SCHEMA_KEYS:
        if key in schema:  # silently dropping it would make the SDK accept or send the wrong thing
            raise SpecError(doc.display, f"{pointer}/{escape(key)}", f"the schema keyword {key!r} is not supported")
    for key in ("anyOf", "oneOf"):
        if key in schema:
            variants = [v for v in schema[key] if not (isinstance(v, dict) and v.get("type") == "null")]
            if len(variants) != len(schema[key]):
                nullable = True
            if len(variants) == 1:
                inner = _normalise_schema(doc, variants[0], f"{pointer}/{key}/0", depth + 1, seen, budget)
                inner_nullable = inner.pop("nullable", False)
                out.update(inner)
                nullable = nullable or inner_nullable
            else:
                out[key] = [
                    _normalise_schema(doc, v, f"{pointer}/{key}/{i}", depth + 1, seen, budget) for i, v in enumerate(variants)
                ]
    if types:
        out["type"] = types[0] if len(types) == 1 else None
        if out["type"] is None:
            del out["type"]
            out["anyOf"] = [{"type": t} for t in types]
    if "const" in schema:
        out["enum"] = [schema["const"]]
        out.setdefault("type", "string" if isinstance(schema["const"], str) else out.get("type", "string"))
    for key in ("format", "enum", "maxLength", "minLength", "maximum", "minimum", "pattern", "maxItems", "minItems"):
        if key in schema and key not in out:
            out[key] = schema[key]
    if "enum" in out:
        out["enum"] = [v for v in out["enum"] if v is not None]
        # The values say more than a length (Outreach declares maxLength 4 on "finish"/"continue").
        out.pop("maxLength", None)
        out.pop("minLength", None)
    if "items" in schema:
        out["items"] = _normalise_schema(doc, schema["items"], f"{pointer}/items", depth + 1, seen, budget)
    if isinstance(schema.get("properties"), dict):
        out["properties"] = {
            str(k): _normalise_schema(doc, v, f"{pointer}/properties/{escape(str(k))}", depth + 1, seen, budget)
            for k, v in schema["properties"].items()
        }
    if nullable:
        out["nullable"] = True
    if schema.get("deprecated") is True:
        out["deprecated"] = True
    return out


def _scalar(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "any"
    types, _ = _types(schema)
    t = types[0] if len(types) == 1 else None
    fmt = schema.get("format")
    if t == "string":
        return {"date-time": "datetime", "date": "date"}.get(fmt, "str")
    return {"integer": "int", "number": "float", "boolean": "bool"}.get(t or "", "any")


def _kind(norm: dict[str, Any]) -> tuple[str, str]:
    """The attribute's kind and the Python annotation of one value."""
    if norm.get("enum") and all(isinstance(v, str) for v in norm["enum"]):
        return "enum", "Literal[" + ", ".join(json.dumps(v) for v in norm["enum"]) + "]"
    t = norm.get("type")
    if t == "array":
        _, inner = _kind(norm.get("items") or {})
        return "list", f"List[{inner}]"
    if t == "object":
        return "object", "dict[str, Any]"
    kind = _scalar(norm)
    return kind, {"any": "Any"}.get(kind, kind)
