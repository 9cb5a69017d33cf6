"""Inputs the SDK cannot take whole: $ref bombs are refused, operations it cannot place are named."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from conftest import run_sdkgen, write_spec


def _spec(attribute_schema: dict[str, Any], schemas: dict[str, Any] | None = None, extra_paths: dict[str, Any] | None = None) -> dict[str, Any]:
    data = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["thing"]},
            "id": {"type": "integer"},
            "attributes": {"type": "object", "properties": {"a": attribute_schema}},
        },
    }
    body = {"content": {"application/vnd.api+json": {"schema": {"type": "object", "properties": {"data": data}}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}], "responses": {"200": {"description": "OK", **body}}}}, **(extra_paths or {})},
        "components": {"schemas": schemas or {}},
    }


def test_a_ref_bomb_is_refused_quickly(tmp_path: Path) -> None:
    # L0 has 10 properties that are all L1, which has 10 that are all L2, ... : 10**7 schemas if inlined.
    schemas = {f"L{i}": {"type": "object", "properties": {f"p{j}": {"$ref": f"#/components/schemas/L{i + 1}"} for j in range(10)}} for i in range(7)}
    schemas["L7"] = {"type": "string"}
    spec = write_spec(tmp_path / "bomb.json", _spec({"$ref": "#/components/schemas/L0"}, schemas))
    started = time.monotonic()
    result = run_sdkgen("generate", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "bomb")
    assert result.returncode == 2, result.stderr
    assert "bomb.json" in result.stderr and "more than" in result.stderr and "#/" in result.stderr
    assert time.monotonic() - started < 60
    assert not (tmp_path / "out").exists()


def test_operations_outside_the_json_api_shape_are_named_on_stderr(tmp_path: Path) -> None:
    extra = {"/things/{id}/relationships/owner": {"get": {"responses": {"200": {"description": "OK"}}}}}
    spec = write_spec(tmp_path / "odd.json", _spec({"type": "string"}, extra_paths=extra))
    result = run_sdkgen("generate", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "odd")
    assert result.returncode == 0, result.stderr
    assert "warning" in result.stderr and "#/paths/~1things~1{id}~1relationships~1owner/get" in result.stderr
    assert json.loads((tmp_path / "out" / ".sdkgen-manifest.json").read_text())  # generated all the same
