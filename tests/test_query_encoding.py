"""The exact query that ``client.sequences.list(...)`` sends, for every filter of the sequence spec,
every value shape, and sort / fields / include (golden SDK, respx)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import respx

import outreach_sdk as sdk
from outreach_sdk.filters import IS_NULL, NOT_NULL, Range, SequenceFilter

BASE = "https://api.outreach.io/api/v2"
EMPTY_PAGE = {"data": [], "links": {}, "meta": {}}
UTC = timezone.utc

# Written from the spec by hand (badges and relationship descriptions), not read from the SDK:
# python argument -> (query key, kind).
ATTRIBUTE_FILTERS = {
    "id": ("filter[id]", "int"),  # every Outreach collection filters by id, by convention
    "click_count": ("filter[clickCount]", "int"),
    "created_at": ("filter[createdAt]", "datetime"),
    "deliver_count": ("filter[deliverCount]", "int"),
    "enabled_at": ("filter[enabledAt]", "datetime"),
    "last_used_at": ("filter[lastUsedAt]", "datetime"),
    "locked_at": ("filter[lockedAt]", "datetime"),
    "name": ("filter[name]", "str"),
    "open_count": ("filter[openCount]", "int"),
    "reply_count": ("filter[replyCount]", "int"),
    "sales_motion": ("filter[salesMotion]", "str"),
    "share_type": ("filter[shareType]", "enum"),
    "throttle_capacity": ("filter[throttleCapacity]", "int"),
    "throttle_max_adds_per_day": ("filter[throttleMaxAddsPerDay]", "int"),
    "updated_at": ("filter[updatedAt]", "datetime"),
}
RELATIONSHIP_FILTERS = {
    "calls_id": ("filter[calls][id]", "int"),
    "content_category_memberships_id": ("filter[contentCategoryMemberships][id]", "int"),
    "creator_id": ("filter[creator][id]", "int"),
    "owner_id": ("filter[owner][id]", "int"),
    "owner_email": ("filter[owner][email]", "str"),
    "owner_first_name": ("filter[owner][firstName]", "str"),
    "owner_last_name": ("filter[owner][lastName]", "str"),
    "ruleset_id": ("filter[ruleset][id]", "int"),
    "sequence_states_id": ("filter[sequenceStates][id]", "int"),
    "sequence_steps_id": ("filter[sequenceSteps][id]", "int"),
    "tasks_id": ("filter[tasks][id]", "int"),
    "updater_id": ("filter[updater][id]", "int"),
}
ALL_FILTERS = {**ATTRIBUTE_FILTERS, **RELATIONSHIP_FILTERS}

D1 = datetime(2024, 1, 1, tzinfo=UTC)
D2 = datetime(2024, 3, 31, 23, 59, 59, tzinfo=UTC)
PARIS = timezone(timedelta(hours=2))

# kind -> [(value, wire text)]
SHAPES: dict[str, list[tuple[Any, str]]] = {
    "int": [
        (5, "5"),
        (-3, "-3"),
        ([1, 2, 3], "1,2,3"),
        ((7, 8), "7,8"),
        (Range(start=5, end=10), "5..10"),
        (Range(start=5), "5..inf"),
        (Range(end=10), "neginf..10"),
        (IS_NULL, "__null__"),
        (NOT_NULL, "__notnull__"),
    ],
    "datetime": [
        (D1, "2024-01-01T00:00:00Z"),
        (datetime(2024, 6, 1, 12, 30, tzinfo=PARIS), "2024-06-01T10:30:00Z"),
        (datetime(2024, 6, 1, 12, 30, 0, 250000, tzinfo=UTC), "2024-06-01T12:30:00.250000Z"),
        ([D1, D2], "2024-01-01T00:00:00Z,2024-03-31T23:59:59Z"),
        (Range(start=D1, end=D2), "2024-01-01T00:00:00Z..2024-03-31T23:59:59Z"),
        (Range(start=D1), "2024-01-01T00:00:00Z..inf"),
        (Range(end=datetime(2024, 1, 1, 2, tzinfo=PARIS)), "neginf..2024-01-01T00:00:00Z"),
        (IS_NULL, "__null__"),
        (NOT_NULL, "__notnull__"),
    ],
    "str": [
        ("Q4 outbound", "Q4 outbound"),
        ("a&b=c?d#e/f+g%h", "a&b=c?d#e/f+g%h"),
        ("Zoë 🚀", "Zoë 🚀"),
        (["x", "y"], "x,y"),
        (IS_NULL, "__null__"),
        (NOT_NULL, "__notnull__"),
    ],
    "enum": [
        ("shared", "shared"),
        ("read_only", "read_only"),
        (["private", "shared"], "private,shared"),
        (IS_NULL, "__null__"),
        (NOT_NULL, "__notnull__"),
    ],
}


def query_of(request: httpx.Request) -> list[tuple[str, str]]:
    """The decoded query of a request, in order (brackets may have been percent-encoded)."""
    return parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True, strict_parsing=True)


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.get("/sequences").respond(200, json=EMPTY_PAGE)
        router.get("/sequences/42").respond(200, json={"data": {"type": "sequence", "id": 42}})
        yield router


@pytest.fixture(scope="module")
def client() -> Iterator[sdk.Client]:
    # One client for the module (building an httpx client costs ~50 ms); respx mocks per test.
    with sdk.Client(token="test-token", max_retries=0) as c:
        yield c


def sent_list_query(client: sdk.Client, mock: respx.MockRouter, **kwargs: Any) -> list[tuple[str, str]]:
    list(client.sequences.list(**kwargs))
    assert mock.calls.call_count == 1
    return query_of(mock.calls.last.request)


def test_the_table_covers_every_filter_of_the_sdk() -> None:
    assert set(SequenceFilter.wire_fields) == set(ALL_FILTERS)
    assert {f.name for f in dataclasses.fields(SequenceFilter)} == set(ALL_FILTERS)


def test_contract_example(client: sdk.Client, mock: respx.MockRouter) -> None:
    query = sent_list_query(client, mock, filter=SequenceFilter(owner_id=5, share_type="shared"))
    assert query == [("filter[owner][id]", "5"), ("filter[shareType]", "shared"), ("count", "false")]
    raw = urlsplit(str(mock.calls.last.request.url)).query
    assert raw.replace("%5B", "[").replace("%5D", "]").startswith("filter[owner][id]=5&filter[shareType]=shared")


def test_contract_list_example(client: sdk.Client, mock: respx.MockRouter) -> None:
    query = sent_list_query(
        client,
        mock,
        filter=SequenceFilter(share_type=["private", "shared"], owner_id=5, updated_at=Range(start=D1)),
        sort=["-created_at", "name"],
        page_size=100,
    )
    assert dict(query) == {
        "filter[owner][id]": "5",
        "filter[shareType]": "private,shared",
        "filter[updatedAt]": "2024-01-01T00:00:00Z..inf",
        "sort": "-createdAt,name",
        "page[size]": "100",
        "count": "false",
    }
    assert len(query) == 6


CASES = [
    pytest.param(name, value, key, wire, id=f"{name}-{i}")
    for name, (key, kind) in ALL_FILTERS.items()
    for i, (value, wire) in enumerate(SHAPES[kind])
]


@pytest.mark.parametrize("name, value, key, wire", CASES)
def test_every_filter_and_value_shape(
    client: sdk.Client, mock: respx.MockRouter, name: str, value: Any, key: str, wire: str
) -> None:
    query = sent_list_query(client, mock, filter=SequenceFilter(**{name: value}))
    assert query == [(key, wire), ("count", "false")]


def test_every_filter_at_once_is_sorted_by_key(client: sdk.Client, mock: respx.MockRouter) -> None:
    values = {name: SHAPES[kind][0][0] for name, (_, kind) in ALL_FILTERS.items()}
    query = sent_list_query(client, mock, filter=SequenceFilter(**values))
    expected = sorted((key, SHAPES[kind][0][1]) for key, kind in ALL_FILTERS.values())
    assert query == [*expected, ("count", "false")]


def test_async_client_sends_the_same_query() -> None:
    import asyncio

    async def run() -> list[tuple[str, str]]:
        with respx.mock(base_url=BASE) as router:
            route = router.get("/sequences").respond(200, json=EMPTY_PAGE)
            async with sdk.AsyncClient(token="t", max_retries=0) as aclient:
                async for _ in aclient.sequences.list(
                    filter=SequenceFilter(owner_id=[1, 2], created_at=Range(end=D1)), sort=["name"]
                ):
                    pass
            return query_of(route.calls.last.request)

    assert asyncio.run(run()) == [
        ("filter[createdAt]", "neginf..2024-01-01T00:00:00Z"),
        ("filter[owner][id]", "1,2"),
        ("sort", "name"),
        ("count", "false"),
    ]


# --- sort -------------------------------------------------------------------------------------

SORTABLE = {
    "click_count": "clickCount",
    "created_at": "createdAt",
    "deliver_count": "deliverCount",
    "enabled_at": "enabledAt",
    "last_used_at": "lastUsedAt",
    "locked_at": "lockedAt",
    "name": "name",
    "open_count": "openCount",
    "reply_count": "replyCount",
    "share_type": "shareType",
    "throttle_capacity": "throttleCapacity",
    "throttle_max_adds_per_day": "throttleMaxAddsPerDay",
    "updated_at": "updatedAt",
}


@pytest.mark.parametrize("name, wire", sorted(SORTABLE.items()))
def test_sort_every_sortable_attribute(client: sdk.Client, mock: respx.MockRouter, name: str, wire: str) -> None:
    assert dict(sent_list_query(client, mock, sort=[name]))["sort"] == wire
    mock.reset()
    assert dict(sent_list_query(client, mock, sort=["-" + name]))["sort"] == "-" + wire


def test_sort_keeps_the_given_order(client: sdk.Client, mock: respx.MockRouter) -> None:
    query = sent_list_query(client, mock, sort=["-updated_at", "share_type", "-throttle_max_adds_per_day"])
    assert dict(query)["sort"] == "-updatedAt,shareType,-throttleMaxAddsPerDay"


# --- fields and include -----------------------------------------------------------------------


def test_fields_camel_case(client: sdk.Client, mock: respx.MockRouter) -> None:
    query = sent_list_query(client, mock, fields=["name", "enabled", "created_at", "throttle_max_adds_per_day"])
    assert dict(query)["fields[sequence]"] == "name,enabled,createdAt,throttleMaxAddsPerDay"
    assert "include" not in dict(query)


def test_include_relationship_names(client: sdk.Client, mock: respx.MockRouter) -> None:
    query = sent_list_query(client, mock, include=["owner", "sequence_steps", "content_category_memberships"])
    assert dict(query)["include"] == "owner,sequenceSteps,contentCategoryMemberships"
    assert not any(k.startswith("fields[") for k, _ in query)


def test_included_relationship_stays_in_the_fieldset(client: sdk.Client, mock: respx.MockRouter) -> None:
    query = dict(sent_list_query(client, mock, fields=["name"], include=["owner", "sequence_steps"]))
    assert query["include"] == "owner,sequenceSteps"
    assert query["fields[sequence]"] == "name,owner,sequenceSteps"


def test_included_relationship_already_in_the_fieldset_is_not_repeated(
    client: sdk.Client, mock: respx.MockRouter
) -> None:
    query = dict(sent_list_query(client, mock, fields=["owner", "name"], include=["owner"]))
    assert query["fields[sequence]"] == "owner,name"


def test_fields_for_related_types(client: sdk.Client, mock: respx.MockRouter) -> None:
    query = dict(
        sent_list_query(
            client,
            mock,
            fields={"sequence": ["name"], "user": ["email", "firstName"]},
            include=["owner"],
        )
    )
    assert query["fields[sequence]"] == "name,owner"
    assert query["fields[user]"] == "email,firstName"
    assert query["include"] == "owner"


def test_get_takes_include_and_fields(client: sdk.Client, mock: respx.MockRouter) -> None:
    client.sequences.get(42, include=["owner"], fields=["name", "enabled"])
    request = mock.calls.last.request
    assert request.url.path == "/api/v2/sequences/42"
    assert query_of(request) == [("include", "owner"), ("fields[sequence]", "name,enabled,owner")]


# --- invalid names: ValueError before anything is sent ---------------------------------------

BAD_CALLS = [
    pytest.param({"sort": ["nmae"]}, "nmae", id="sort-typo"),
    pytest.param({"sort": ["createdAt"]}, "createdAt", id="sort-camel-case"),
    pytest.param({"sort": ["description"]}, "description", id="sort-not-sortable"),
    pytest.param({"sort": ["+name"]}, "+name", id="sort-plus"),
    pytest.param({"sort": ["name", "-name"]}, "twice", id="sort-twice"),
    pytest.param({"fields": ["nmae"]}, "nmae", id="fields-typo"),
    pytest.param({"fields": ["createdAt"]}, "createdAt", id="fields-camel-case"),
    pytest.param({"fields": {"usr": ["email"]}}, "usr", id="fields-unknown-type"),
    pytest.param({"fields": {"user": ["first name"]}}, "first name", id="fields-bad-related-name"),
    pytest.param({"fields": {"user": []}}, "empty", id="fields-empty-related"),
    pytest.param({"include": ["owners"]}, "owners", id="include-typo"),
    pytest.param({"include": ["mailings"]}, "mailings", id="include-link-only"),
    pytest.param({"include": ["sequenceSteps"]}, "sequenceSteps", id="include-camel-case"),
    pytest.param({"page_size": 0}, "page_size", id="page-size"),
]


@pytest.mark.parametrize("kwargs, mentioned", BAD_CALLS)
def test_invalid_names_raise_before_sending(
    client: sdk.Client, mock: respx.MockRouter, kwargs: dict[str, Any], mentioned: str
) -> None:
    with pytest.raises(ValueError, match=mentioned.replace("+", r"\+")):
        client.sequences.list(**kwargs)  # raises at the call, not when iterated
    assert mock.calls.call_count == 0


GET_BAD_CALLS = [p for p in BAD_CALLS if not {"sort", "page_size"} & set(p.values[0])]  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs, mentioned", GET_BAD_CALLS)
def test_invalid_names_on_get_raise_before_sending(
    client: sdk.Client, mock: respx.MockRouter, kwargs: dict[str, Any], mentioned: str
) -> None:
    with pytest.raises(ValueError, match=mentioned):
        client.sequences.get(42, **kwargs)
    assert mock.calls.call_count == 0


def test_a_filter_of_the_wrong_class_is_a_type_error(client: sdk.Client, mock: respx.MockRouter) -> None:
    with pytest.raises(TypeError, match="SequenceFilter"):
        client.sequences.list(filter={"owner_id": 5})  # type: ignore[arg-type]
    assert mock.calls.call_count == 0
