"""Tiny plain-style specs with chosen names and text, for the hostile-input tests."""

from __future__ import annotations

from typing import Any


def widget_spec(
    *,
    type_: str = "widget",
    path: str = "/widgets",
    attributes: dict[str, Any] | None = None,
    description: str = "A widget.",
    summary: str = "List widgets",
    title: str = "Widgets API",
    server: str = "https://example.com/api",
    action: str | None = None,
    version: str = "1.0",
) -> dict[str, Any]:
    """One resource: list, create and get, optionally a member action; attributes as given."""
    attributes = attributes if attributes is not None else {"name": {"type": "string", "description": "The name."}}
    data = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": [type_]},
            "id": {"type": "integer"},
            "attributes": {"$ref": "#/components/schemas/widgetAttributes"},
        },
    }
    one = {"content": {"application/vnd.api+json": {"schema": {"type": "object", "properties": {"data": data}}}}}
    many = {
        "content": {
            "application/vnd.api+json": {
                "schema": {"type": "object", "properties": {"data": {"type": "array", "items": data}}}
            }
        }
    }
    id_param = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    paths: dict[str, Any] = {
        path: {
            "get": {"summary": summary, "description": description, "responses": {"200": {"description": "OK", **many}}},
            "post": {"summary": summary, "requestBody": one, "responses": {"201": {"description": "OK", **one}}},
        },
        path + "/{id}": {
            "get": {"summary": summary, "parameters": id_param, "responses": {"200": {"description": "OK", **one}}}
        },
    }
    if action is not None:
        paths[f"{path}/{{id}}/actions/{action}"] = {
            "post": {
                "summary": summary,
                "description": description,
                "parameters": id_param,
                "responses": {"200": {"description": "OK", **one}},
            }
        }
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": version, "description": description},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": {
                "widgetAttributes": {"type": "object", "description": description, "properties": attributes}
            }
        },
    }
