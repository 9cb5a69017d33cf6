"""Stage 3: the IR of the sequence spec (spec/outreach-sequences.openapi.json)."""

from __future__ import annotations

import pytest

from generator.ir import Api
from generator.pipeline import build_api

from conftest import SPEC


@pytest.fixture(scope="module")
def api() -> Api:
    return build_api(SPEC, "outreach_sdk")


def test_one_resource_with_its_names(api: Api) -> None:
    (seq,) = api.resources
    assert (seq.type, seq.class_name, seq.accessor, seq.module, seq.path) == ("sequence", "Sequence", "sequences", "sequences", "/sequences")
    assert seq.id_annotation == "int"
    assert api.base_url.startswith("https://api.outreach.io")
    assert "provideAuthorizationMeta" in api.meta_query_params


def test_operations_and_actions(api: Api) -> None:
    seq = api.resources[0]
    assert [(o.kind, o.method, o.path) for o in seq.operations] == [
        ("list", "GET", "/sequences"), ("get", "GET", "/sequences/{id}"), ("create", "POST", "/sequences"),
        ("update", "PATCH", "/sequences/{id}"), ("delete", "DELETE", "/sequences/{id}"),
    ]
    assert {"filter", "sort", "page", "include", "fields", "count", "meta"} <= set(seq.op("list").query)  # type: ignore[union-attr]
    assert [(a.name, a.member, a.suffix, a.method) for a in seq.actions] == [
        ("activate", True, "actions/activate", "POST"), ("deactivate", True, "actions/deactivate", "POST"),
    ]


def test_attributes_flags_from_prose(api: Api) -> None:
    attrs = {a.name: a for a in api.resources[0].attributes}
    assert attrs["share_type"].enum == ("private", "read_only", "shared") and attrs["share_type"].kind == "enum"
    assert attrs["primary_reply_action"].enum == ("finish", "continue", "pause")
    assert attrs["schedule_interval_type"].enum == ("calendar", "schedule")
    assert attrs["created_at"].read_only and attrs["created_at"].kind == "datetime" and attrs["created_at"].sortable
    assert attrs["name"].filterable and attrs["name"].sortable and not attrs["name"].read_only
    assert attrs["finish_on_reply"].deprecated
    assert attrs["tags"].kind == "list"
    assert all(a.nullable for a in attrs.values())
    assert attrs["share_type"].wire == "shareType"


def test_relationships(api: Api) -> None:
    rels = {r.name: r for r in api.resources[0].relationships}
    assert rels["owner"].related_type == "user" and not rels["owner"].to_many and rels["owner"].has_data
    assert rels["owner"].filter_attributes == ("id", "email", "firstName", "lastName")
    assert rels["owner"].related_class is None  # no user resource in this SDK
    assert rels["sequence_steps"].to_many and rels["sequence_steps"].related_type == "sequenceStep"
    assert not rels["mailings"].has_data and rels["mailings"].filter_attributes == ()
    assert rels["creator"].read_only and not rels["owner"].read_only


def test_filters(api: Api) -> None:
    filters = {f.name: f for f in api.resources[0].filters}
    assert filters["owner_id"].wire == ("owner", "id")
    assert filters["owner_email"].wire == ("owner", "email")
    assert filters["share_type"].kind == "enum" and not filters["share_type"].ordered
    assert filters["updated_at"].ordered and filters["updated_at"].kind == "datetime"
    assert "mailings_id" not in filters
