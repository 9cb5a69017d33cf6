"""The SDK's public surface, and what changed in it between two specs, in the user's terms.

Entry points: :func:`surface` (IR -> a compact, JSON-able summary, also kept in the manifest so
``generate`` can say what changed since the last run) and :func:`diff_surfaces` (two summaries ->
a list of :class:`Change`, each marked breaking or not). Removing or narrowing anything a user
could call, pass or read is breaking; adding is not.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from .ir import Api, Resource

SURFACE_VERSION = 1


# --------------------------------------------------------------------------- the surface


def _resource_surface(r: Resource) -> dict[str, Any]:
    methods: dict[str, Any] = {o.kind: sorted(o.query) for o in r.operations}
    for a in r.actions:
        methods[a.name] = {"member": a.member, "params": a.takes_params}
    return {
        "class": r.class_name,
        "id": r.id_annotation,
        "methods": methods,
        "attributes": {
            a.name: {"type": a.annotation, "nullable": a.nullable, "read": not a.write_only, "write": not a.read_only}
            for a in r.attributes
        },
        "relationships": {
            x.name: {
                "to_many": x.to_many,
                "data": x.has_data,
                "write": not x.read_only and x.has_data,
                "type": x.related_type,
            }
            for x in r.relationships
        },
        "filters": {f.name: {"type": f.annotation, "range": f.ordered} for f in r.filters},
        "sort": sorted(a.name for a in r.sortable),
        "meta": {m.name: m.annotation for m in r.meta},
    }


def surface(api: Api) -> dict[str, Any]:
    """What users of the SDK can call, pass and read, keyed by the client accessor."""
    return {"version": SURFACE_VERSION, "resources": {r.accessor: _resource_surface(r) for r in api.resources}}


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | changed
    subject: str  # what, in the user's terms: "client.sequences.activate()", "Sequence.name"
    detail: str = ""
    breaking: bool = False

    def text(self) -> str:
        return f"{self.subject} {self.kind}" + (f": {self.detail}" if self.detail else "")


def _literal_values(annotation: str) -> tuple[Any, ...] | None:
    """The values of a ``Literal[...]`` annotation, or None for any other type."""
    try:
        node = ast.parse(annotation, mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Literal"):
        return None
    items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    try:
        return tuple(ast.literal_eval(i) for i in items)
    except ValueError:
        return None


def _type_changes(subject: str, old: str, new: str, *, reads: bool, writes: bool) -> list[Change]:
    """Changes of a value's type. Enumerations: removed values narrow what can be passed (breaking);
    added values are new. Any other change of type is breaking."""
    if old == new:
        return []
    old_values, new_values = _literal_values(old), _literal_values(new)
    if old_values is not None and new_values is not None:
        out = []
        gone = [v for v in old_values if v not in new_values]
        added = [v for v in new_values if v not in old_values]
        if gone:
            out.append(Change("changed", subject, "enum values removed: " + ", ".join(map(repr, gone)), True))
        if added:
            # a reader that matched every value could see a new one; a writer loses nothing
            out.append(Change("changed", subject, "enum values added: " + ", ".join(map(repr, added)), False))
        return out
    return [Change("changed", subject, f"type {old} -> {new}", reads or writes)]


def _keyed(
    old: dict[str, Any], new: dict[str, Any]
) -> tuple[list[str], list[str], list[str]]:
    removed = [k for k in old if k not in new]
    added = [k for k in new if k not in old]
    both = [k for k in old if k in new]
    return removed, added, both


def _resource_changes(acc: str, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    out: list[Change] = []
    cls = new["class"]
    client = f"client.{acc}"
    if old["class"] != new["class"]:
        out.append(Change("changed", client, f"class {old['class']} -> {new['class']}", True))
    if old["id"] != new["id"]:
        out.append(Change("changed", f"{cls}.id", f"type {old['id']} -> {new['id']}", True))

    removed, added, both = _keyed(old["methods"], new["methods"])
    out += [Change("removed", f"{client}.{m}()", "", True) for m in removed]
    out += [Change("added", f"{client}.{m}()") for m in added]
    for m in both:
        o, n = old["methods"][m], new["methods"][m]
        if o == n:
            continue
        if isinstance(o, list) and isinstance(n, list):
            lost, gained = sorted(set(o) - set(n)), sorted(set(n) - set(o))
            if lost:
                out.append(Change("changed", f"{client}.{m}()", "no longer takes " + ", ".join(lost), True))
            if gained:
                out.append(Change("changed", f"{client}.{m}()", "now takes " + ", ".join(gained)))
        else:
            out.append(Change("changed", f"{client}.{m}()", f"signature {o} -> {n}", True))

    removed, added, both = _keyed(old["attributes"], new["attributes"])
    out += [Change("removed", f"{cls}.{a}", "attribute", True) for a in removed]
    for a in added:
        attr = new["attributes"][a]
        out.append(Change("added", f"{cls}.{a}", f"attribute: {attr['type']}" + (" (read-only)" if not attr["write"] else "")))
    for a in both:
        o, n = old["attributes"][a], new["attributes"][a]
        subject = f"{cls}.{a}"
        out += _type_changes(subject, o["type"], n["type"], reads=o["read"] and n["read"], writes=o["write"] and n["write"])
        if o["nullable"] != n["nullable"]:
            # null no longer accepted (narrowing) or newly possible when read: either can break users
            out.append(Change("changed", subject, "now nullable" if n["nullable"] else "no longer nullable", True))
        out += _flag(subject, o, n, "write", "now read-only: no longer a create/update argument", "now writable: a create/update argument")
        out += _flag(subject, o, n, "read", "now write-only: no longer returned", "now returned")

    removed, added, both = _keyed(old["relationships"], new["relationships"])
    out += [Change("removed", f"{cls}.{x}", "relationship", True) for x in removed]
    out += [Change("added", f"{cls}.{x}", "relationship") for x in added]
    for x in both:
        o, n = old["relationships"][x], new["relationships"][x]
        subject = f"{cls}.{x}"
        if o["to_many"] != n["to_many"]:
            out.append(Change("changed", subject, "now to-many" if n["to_many"] else "now to-one", True))
        if o["type"] != n["type"]:
            out.append(Change("changed", subject, f"related type {o['type']} -> {n['type']}", True))
        out += _flag(subject, o, n, "data", "now only a link: no ids, not includable", "now carries ids and can be included")
        out += _flag(subject, o, n, "write", "no longer a create/update argument", "now a create/update argument")

    fcls = f"{cls}Filter"
    removed, added, both = _keyed(old["filters"], new["filters"])
    out += [Change("removed", f"{fcls}({f}=...)", "filter", True) for f in removed]
    out += [Change("added", f"{fcls}({f}=...)", "filter") for f in added]
    for f in both:
        o, n = old["filters"][f], new["filters"][f]
        subject = f"{fcls}({f}=...)"
        out += _type_changes(subject, o["type"], n["type"], reads=False, writes=True)
        if o["range"] and not n["range"]:
            out.append(Change("changed", subject, "no longer takes a Range", True))
        elif n["range"] and not o["range"]:
            out.append(Change("changed", subject, "now takes a Range"))

    old_sort, new_sort = set(old["sort"]), set(new["sort"])
    out += [Change("removed", f"{client}.list(sort=[{k!r}])", "sort key", True) for k in sorted(old_sort - new_sort)]
    out += [Change("added", f"{client}.list(sort=[{k!r}])", "sort key") for k in sorted(new_sort - old_sort)]

    removed, added, both = _keyed(old["meta"], new["meta"])
    out += [Change("removed", f"{cls}.{m}", "metadata", True) for m in removed]
    out += [Change("added", f"{cls}.{m}", "metadata") for m in added]
    for m in both:
        out += _type_changes(f"{cls}.{m}", old["meta"][m], new["meta"][m], reads=True, writes=False)
    return out


def diff_surfaces(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change to the public surface from ``old`` to ``new``, in a stable order."""
    o, n = old.get("resources", {}), new.get("resources", {})
    changes: list[Change] = []
    for acc in o:
        if acc not in n:
            changes.append(Change("removed", f"client.{acc}", f"resource {o[acc]['class']}", True))
    for acc in n:
        if acc not in o:
            changes.append(Change("added", f"client.{acc}", f"resource {n[acc]['class']}"))
        else:
            changes += _resource_changes(acc, o[acc], n[acc])
    return changes


# --------------------------------------------------------------------------- reports


def summary_line(changes: list[Change]) -> str:
    """One line for ``generate``: how many things were added, removed and changed."""
    if not changes:
        return "no change to the SDK's public surface"
    counts = {k: sum(1 for c in changes if c.kind == k) for k in ("added", "removed", "changed")}
    parts = [f"{n} {k}" for k, n in counts.items() if n]
    breaking = sum(1 for c in changes if c.breaking)
    tail = f" ({breaking} breaking)" if breaking else " (none breaking)"
    return "SDK changes: " + ", ".join(parts) + tail


def format_text(changes: list[Change]) -> str:
    if not changes:
        return "No change to the SDK's public surface.\n"
    lines = [("BREAKING  " if c.breaking else "          ") + c.text() for c in changes]
    breaking = sum(1 for c in changes if c.breaking)
    lines.append(f"{len(changes)} change{'s' if len(changes) != 1 else ''}, {breaking} breaking")
    return "\n".join(lines) + "\n"


def _md(c: Change) -> str:
    return f"- `{c.subject}` {c.kind}" + (f": {c.detail}" if c.detail else "")


def format_markdown(changes: list[Change], title: str = "SDK changes") -> str:
    """A changelog entry: breaking changes first, then additions, then other changes."""
    lines = [f"## {title}", ""]
    if not changes:
        return "\n".join(lines + ["No change to the SDK's public surface.", ""])
    groups = (
        ("Breaking changes", [c for c in changes if c.breaking]),
        ("Added", [c for c in changes if not c.breaking and c.kind == "added"]),
        ("Changed", [c for c in changes if not c.breaking and c.kind != "added"]),
    )
    for heading, items in groups:
        if items:
            lines += [f"### {heading}", "", *(_md(c) for c in items), ""]
    return "\n".join(lines)


def _flag(subject: str, old: dict[str, Any], new: dict[str, Any], key: str, lost: str, gained: str) -> list[Change]:
    """A capability that went away (breaking) or came (not)."""
    if old[key] and not new[key]:
        return [Change("changed", subject, lost, True)]
    if new[key] and not old[key]:
        return [Change("changed", subject, gained)]
    return []
