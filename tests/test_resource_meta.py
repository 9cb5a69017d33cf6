"""Any resource ``meta`` the spec describes is reachable and typed (issue #8, generalised)."""

from __future__ import annotations

from typing import Any

import respx


def _spec() -> dict[str, Any]:
    article = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["article"]},
            "id": {"type": "string"},
            "attributes": {"type": "object", "properties": {"title": {"type": "string"}}},
            "meta": {
                "type": "object",
                "properties": {
                    "revision": {"type": "integer", "description": "Bumped on every change."},
                    "archived": {"type": "boolean"},
                    "score": {"type": "number"},
                    "etag": {"type": "string"},
                },
            },
        },
    }
    doc = {"content": {"application/vnd.api+json": {"schema": {"type": "object", "properties": {"data": article}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Articles", "version": "1.0.0"},
        "servers": [{"url": "https://example.test"}],
        "paths": {
            "/articles/{id}": {
                "get": {
                    "operationId": "getArticle",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "OK", **doc}},
                }
            }
        },
    }


def test_meta_described_by_the_resource_schema_is_typed(make_sdk: Any) -> None:
    sdk = make_sdk(_spec())
    module = __import__(f"{sdk.__name__}.resources.articles", fromlist=["Article"])
    hints = {name: getattr(module.Article, name).fget.__annotations__["return"] for name in ("revision", "archived", "score", "etag")}
    assert hints == {"revision": "int | None", "archived": "bool | None", "score": "float | None", "etag": "str | None"}
    with respx.mock(base_url="https://example.test") as mock:
        mock.get("/articles/a1").respond(
            200, json={"data": {"type": "article", "id": "a1", "attributes": {"title": "T"}, "meta": {"revision": 3, "archived": False, "etag": 7}}}
        )
        article = sdk.Client(token="t").articles.get("a1")
    assert article.revision == 3 and article.archived is False
    assert article.score is None  # absent
    assert article.etag is None  # present but not the declared type
    assert article.meta["etag"] == 7  # the raw meta stays available
