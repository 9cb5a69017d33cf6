"""``SequenceFilter`` objects on their own: build, inspect, ``to_params()``, repr, equality, hashing,
and every value that must be refused (golden SDK; no client, no network)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

import outreach_sdk
from outreach_sdk.filters import IS_NULL, NOT_NULL, Range, SequenceFilter

UTC = timezone.utc
D1 = datetime(2024, 1, 1, tzinfo=UTC)


def test_to_params_without_a_client() -> None:
    f = SequenceFilter(owner_id=5, share_type="shared")
    assert f.to_params() == {"filter[owner][id]": "5", "filter[shareType]": "shared"}
    assert list(f.to_params()) == ["filter[owner][id]", "filter[shareType]"]  # sorted: stable URLs
    assert SequenceFilter().to_params() == {}


def test_fields_can_be_read_back() -> None:
    f = SequenceFilter(owner_id=5, updated_at=Range(start=D1), name=IS_NULL)
    assert f.owner_id == 5
    assert f.updated_at == Range(start=D1, end=None)
    assert f.name is IS_NULL
    assert f.share_type is None


def test_repr_shows_only_what_was_given() -> None:
    f = SequenceFilter(owner_id=5, share_type=["private", "shared"], name=NOT_NULL)
    assert repr(f) == "SequenceFilter(name=NOT_NULL, share_type=('private', 'shared'), owner_id=5)"
    assert repr(SequenceFilter()) == "SequenceFilter()"
    assert repr(Range(start=1)) == "Range(start=1, end=None)"


def test_equal_by_value_and_hashable() -> None:
    a = SequenceFilter(owner_id=[1, 2], updated_at=Range(start=D1))
    b = SequenceFilter(updated_at=Range(start=D1), owner_id=(1, 2))
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, SequenceFilter(owner_id=[2, 1])}) == 2
    assert a != SequenceFilter(owner_id=[1, 3], updated_at=Range(start=D1))
    assert a != SequenceFilter(owner_id=[1, 2])
    # the same instant in another timezone is the same filter (and the same query)
    paris = datetime(2024, 1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    assert SequenceFilter(created_at=paris) == SequenceFilter(created_at=D1)
    assert SequenceFilter(created_at=paris).to_params() == SequenceFilter(created_at=D1).to_params()


def test_a_one_item_list_is_the_item() -> None:
    assert SequenceFilter(owner_id=[5]) == SequenceFilter(owner_id=5)
    assert SequenceFilter(owner_id=[5]).owner_id == 5


def test_a_set_is_sent_in_a_stable_order() -> None:
    assert SequenceFilter(owner_id={3, 1, 2}).to_params() == {"filter[owner][id]": "1,2,3"}


def test_frozen() -> None:
    f = SequenceFilter(owner_id=5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.owner_id = 6  # type: ignore[misc]
    g = dataclasses.replace(f, owner_id=[6, 7])
    assert g.to_params() == {"filter[owner][id]": "6,7"} and f.owner_id == 5


def test_null_markers_survive_copies_and_pickles() -> None:
    f = SequenceFilter(name=IS_NULL, owner_id=NOT_NULL)
    for g in (copy.copy(f), copy.deepcopy(f), pickle.loads(pickle.dumps(f))):
        assert g == f and g.name is IS_NULL and g.owner_id is NOT_NULL


def test_exported_names() -> None:
    assert outreach_sdk.filters.SequenceFilter is SequenceFilter
    assert outreach_sdk.Range is Range and outreach_sdk.IS_NULL is IS_NULL and outreach_sdk.NOT_NULL is NOT_NULL


def test_float_and_date_encoding() -> None:
    from outreach_sdk._query import FilterSpec, encode_value

    number = FilterSpec(("x",), "float", ordered=True)
    assert encode_value(1.5, "x", number) == "1.5"
    assert encode_value(1e-05, "x", number) == "0.00001"  # no exponent on the wire
    assert encode_value(1e16, "x", number) == "10000000000000000"
    assert encode_value(3, "x", number) == "3"
    day = FilterSpec(("d",), "date", ordered=True)
    assert encode_value(Range(start=date(2024, 1, 1), end=date(2024, 2, 1)), "d", day) == "2024-01-01..2024-02-01"
    flag = FilterSpec(("b",), "bool")
    assert encode_value(True, "b", flag) == "true" and encode_value([False, True], "b", flag) == "false,true"


# --- refused: TypeError for the wrong name or kind of value, ValueError for a bad value ---------

TYPE_ERRORS: list[Any] = [
    pytest.param({"owner": 5}, "owner", id="unknown-name"),
    pytest.param({"ownerId": 5}, "ownerId", id="camel-case-name"),
    pytest.param({"description": "x"}, "description", id="not-filterable-attribute"),
    pytest.param({"tags": "x"}, "tags", id="not-filterable-list-attribute"),
    pytest.param({"mailings_id": 5}, "mailings_id", id="relationship-that-cannot-filter"),
    pytest.param({"creator_email": "a@b.c"}, "creator_email", id="relationship-attribute-not-allowed"),
    pytest.param({"schedule_id": 5}, "schedule_id", id="relationship-without-filter-prose"),
    pytest.param({"name": Range(start="a", end="b")}, "Range", id="range-on-string"),
    pytest.param({"share_type": Range(start="private")}, "Range", id="range-on-enum"),
    pytest.param({"owner_email": Range(end="z")}, "Range", id="range-on-relationship-string"),
    pytest.param({"owner_id": "5"}, "int", id="string-for-int"),
    pytest.param({"owner_id": True}, "int", id="bool-for-int"),
    pytest.param({"click_count": 1.5}, "int", id="float-for-int"),
    pytest.param({"name": 5}, "string", id="int-for-string"),
    pytest.param({"created_at": "2024-01-01T00:00:00Z"}, "datetime", id="string-for-datetime"),
    pytest.param({"created_at": date(2024, 1, 1)}, "datetime", id="date-for-datetime"),
    pytest.param({"created_at": Range(start=date(2024, 1, 1))}, "datetime", id="date-range-for-datetime"),
    pytest.param({"owner_id": [1, "2"]}, "int", id="mixed-list"),
    pytest.param({"owner_id": {"id": 5}}, "int", id="dict"),
]


@pytest.mark.parametrize("kwargs, mentioned", TYPE_ERRORS)
def test_type_errors(kwargs: dict[str, Any], mentioned: str) -> None:
    with pytest.raises(TypeError, match=mentioned):
        SequenceFilter(**kwargs)


def test_arguments_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        SequenceFilter(5)  # type: ignore[misc]


VALUE_ERRORS: list[Any] = [
    pytest.param({"name": "a,b"}, "','", id="comma"),
    pytest.param({"name": "Q1..Q4"}, "'..'", id="dots"),
    pytest.param({"owner_email": ["a@b.c", "x,y"]}, "','", id="comma-in-list"),
    pytest.param({"name": ""}, "empty", id="empty-string"),
    pytest.param({"name": "__null__"}, "IS_NULL", id="null-word"),
    pytest.param({"name": "__notnull__"}, "NOT_NULL", id="notnull-word"),
    pytest.param({"owner_id": []}, "empty", id="empty-list"),
    pytest.param({"share_type": "public"}, "not one of", id="enum-value"),
    pytest.param({"share_type": ["shared", "sharred"]}, "not one of", id="enum-value-in-list"),
    pytest.param({"created_at": datetime(2024, 1, 1)}, "naive", id="naive-datetime"),
    pytest.param({"created_at": [D1, datetime(2024, 1, 2)]}, "naive", id="naive-datetime-in-list"),
    pytest.param({"created_at": Range(start=datetime(2024, 1, 1))}, "naive", id="naive-range-start"),
    pytest.param({"updated_at": Range(start=D1, end=datetime(2024, 2, 1))}, "naive", id="naive-range-end"),
]


@pytest.mark.parametrize("kwargs, mentioned", VALUE_ERRORS)
def test_value_errors(kwargs: dict[str, Any], mentioned: str) -> None:
    with pytest.raises(ValueError, match=mentioned):
        SequenceFilter(**kwargs)


def test_naive_datetime_message_is_clear() -> None:
    with pytest.raises(ValueError) as info:
        SequenceFilter(updated_at=datetime(2024, 1, 1, 9, 30))
    message = str(info.value)
    assert "updated_at" in message and "naive" in message and "2024-01-01T09:30:00" in message
    assert "tzinfo" in message


def test_range_needs_an_end_and_the_right_order() -> None:
    with pytest.raises(ValueError, match="start, an end"):
        Range()
    with pytest.raises(ValueError, match="after"):
        Range(start=10, end=5)
    assert Range(start=5, end=5) == Range(start=5, end=5)


def test_non_finite_floats_are_refused() -> None:
    from outreach_sdk._query import FilterSpec, encode_value

    number = FilterSpec(("x",), "float", ordered=True)
    for bad in (float("nan"), float("inf"), float("-inf")):
        with pytest.raises(ValueError, match="cannot be sent"):
            encode_value(bad, "x", number)


# --- from_params: the inverse of to_params ------------------------------------------------------


def test_from_params_round_trip_examples() -> None:
    f = SequenceFilter(
        owner_id=[1, 2],
        share_type="shared",
        name=IS_NULL,
        updated_at=Range(start=D1),
        created_at=Range(end=D1),
        click_count=Range(start=-5, end=10),
        owner_email=NOT_NULL,
    )
    assert SequenceFilter.from_params(f.to_params()) == f
    assert SequenceFilter.from_params(list(f.to_params().items())) == f


def test_from_params_ignores_other_query_parameters() -> None:
    query = [("filter[owner][id]", "5"), ("sort", "-createdAt"), ("page[size]", "10"), ("count", "false")]
    assert SequenceFilter.from_params(query) == SequenceFilter(owner_id=5)


@pytest.mark.parametrize(
    "query, mentioned",
    [
        ({"filter[nope]": "1"}, "not a filter"),
        ({"filter[owner][id]": "x"}, "filter\\[owner\\]\\[id\\]"),
        ({"filter[createdAt]": "2024-01-01T00:00:00"}, "Z"),
        ({"filter[shareType]": "public"}, "not one of"),
    ],
)
def test_from_params_refuses_what_to_params_cannot_produce(query: dict[str, str], mentioned: str) -> None:
    with pytest.raises(ValueError, match=mentioned):
        SequenceFilter.from_params(query)


def test_from_params_refuses_a_repeated_key() -> None:
    with pytest.raises(ValueError, match="twice"):
        SequenceFilter.from_params([("filter[owner][id]", "5"), ("filter[owner][id]", "6")])
