"""Stage 2: Outreach prose and plain-style parameters become explicit fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.conventions import normalise
from generator.load import Document

BADGE = "<img src=https://developers.outreach.io/badges/{}.svg>"


def _doc(schemas: dict[str, Any] | None = None, paths: dict[str, Any] | None = None) -> Document:
    root = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths or {},
            "components": {"schemas": schemas or {}}}
    return Document(root=root, path=Path("spec.json"), display="spec.json")


def _prop(description: str, **extra: Any) -> dict[str, Any]:
    schemas = {"thing": {"type": "object", "properties": {"p": {"type": "string", "description": description, **extra}}}}
    return normalise(_doc(schemas)).root["components"]["schemas"]["thing"]["properties"]["p"]


def test_badges_become_flags_and_leave_the_description() -> None:
    p = _prop(BADGE.format("readonly") + BADGE.format("filterable") + BADGE.format("sortable") + "The name.")
    assert p["readOnly"] is True and p["x-sdkgen-filterable"] is True and p["x-sdkgen-sortable"] is True
    assert p["description"] == "The name."
    w = _prop(BADGE.format("writeonly") + "Secret.")
    assert w["writeOnly"] is True and "readOnly" not in w and "x-sdkgen-filterable" not in w


def test_the_three_enum_phrasings() -> None:
    assert _prop('Must be one of "finish", "continue", or "pause".')["enum"] == ["finish", "continue", "pause"]
    assert _prop('The type; must be either "calendar" or "schedule"')["enum"] == ["calendar", "schedule"]
    assert _prop('Sharing: must be either "private", "read_only" or "shared".')["enum"] == ["private", "read_only", "shared"]
    assert "enum" not in _prop('The label, e.g. "x".')
    assert "enum" not in _prop('Must be one of "a", "b".', type="integer")  # only strings get prose enums


def test_deprecation_prose() -> None:
    assert _prop("Deprecated. This boolean value exists only to maintain backward compatibility.")["deprecated"] is True
    assert "deprecated" not in _prop("Not deprecated at all.")


def _rel(description: str) -> dict[str, Any]:
    schemas = {"rels": {"type": "object", "properties": {"owner": {
        "type": "object", "description": description,
        "properties": {"data": {"type": "object", "properties": {"type": {"type": "string"}, "id": {"type": "integer"}}}}}}}}
    return normalise(_doc(schemas)).root["components"]["schemas"]["rels"]["properties"]["owner"]


def test_relationship_filter_hints() -> None:
    many = _rel("The owner. You can use attributes id, email, firstName and lastName to filter sequences by owner (e.g. filter[owner][id]=X).")
    assert many["x-sdkgen-filter-attributes"] == ["id", "email", "firstName", "lastName"]
    only = _rel("You can use only the attribute id to filter sequences by ruleset (e.g. filter[ruleset][id]=X).")
    assert only["x-sdkgen-filter-attributes"] == ["id"]
    assert _rel("The associated mailings. Relationship mailings cannot be used as a filter.")["x-sdkgen-filter-attributes"] == []
    assert "x-sdkgen-filter-attributes" not in _rel("The associated schedule.")


def _ops(paths: dict[str, Any]) -> dict[str, Any]:
    root = normalise(_doc(paths=paths)).root["paths"]
    return {f"{m.upper()} {p}": op for p, item in root.items() for m, op in item.items()}


def test_operation_naming_from_method_and_path() -> None:
    ok = {"responses": {"200": {"description": "ok"}}}
    ops = _ops({
        "/sequences": {"get": dict(ok), "post": dict(ok)},
        "/sequences/{id}": {"get": dict(ok), "patch": dict(ok), "delete": dict(ok)},
        "/sequences/{id}/actions/activate": {"post": dict(ok)},
        "/batches/actions/prospectsAddToSequence": {"post": dict(ok)},
        "/things/{id}/archive": {"post": {**ok, "operationId": "archiveThing"}},
        "/a/{x}/b/{y}": {"get": dict(ok)},
    })
    kinds = {k: (v.get("x-sdkgen-kind"), v.get("x-sdkgen-collection")) for k, v in ops.items()}
    assert kinds["GET /sequences"] == ("list", "/sequences")
    assert kinds["POST /sequences"] == ("create", "/sequences")
    assert kinds["GET /sequences/{id}"] == ("get", "/sequences")
    assert kinds["PATCH /sequences/{id}"] == ("update", "/sequences")
    assert kinds["DELETE /sequences/{id}"] == ("delete", "/sequences")
    activate = ops["POST /sequences/{id}/actions/activate"]
    assert (activate["x-sdkgen-kind"], activate["x-sdkgen-member"], activate["x-sdkgen-name"]) == ("action", True, "activate")
    batch = ops["POST /batches/actions/prospectsAddToSequence"]
    assert (batch["x-sdkgen-collection"], batch["x-sdkgen-member"], batch["x-sdkgen-wire"]) == ("/batches", False, "prospectsAddToSequence")
    archive = ops["POST /things/{id}/archive"]
    assert archive["x-sdkgen-name"] == "archiveThing" and archive["x-sdkgen-wire"] == "archive"  # operationId names actions
    assert "x-sdkgen-unsupported" in ops["GET /a/{x}/b/{y}"]


def test_implicit_query_params_when_none_are_declared() -> None:
    ok = {"responses": {"200": {"description": "ok"}}}
    ops = _ops({"/sequences": {"get": dict(ok), "post": dict(ok)}, "/sequences/{id}": {"get": dict(ok)}})
    assert set(ops["GET /sequences"]["x-sdkgen-query"]) == {"filter", "sort", "fields", "include", "page", "count", "meta"}
    assert set(ops["GET /sequences/{id}"]["x-sdkgen-query"]) == {"fields", "include", "meta"}
    assert ops["POST /sequences"]["x-sdkgen-query"] == []


def test_declared_query_params_replace_the_convention() -> None:
    params = [
        {"name": "filter[name]", "in": "query", "schema": {"type": "string"}},
        {"name": "filter[owner][id]", "in": "query", "schema": {"type": "integer"}},
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["name", "-name"]}},
        {"name": "page[size]", "in": "query", "schema": {"type": "integer"}},
    ]
    op = _ops({"/things": {"get": {"parameters": params, "responses": {"200": {"description": "ok"}}}}})["GET /things"]
    assert op["x-sdkgen-query"] == ["filter", "page", "sort"]
    assert [f["path"] for f in op["x-sdkgen-filters"]] == [["name"], ["owner", "id"]]
    assert op["x-sdkgen-sort"] == ["name"]
