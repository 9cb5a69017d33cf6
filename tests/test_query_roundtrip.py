"""Property: a filter encoded into the real request URL and decoded again (``parse_qsl`` of the URL,
then ``SequenceFilter.from_params``) is the same filter — over every ``SequenceFilter`` argument and
every value shape (scalar, any-of list, Range with open ends, IS_NULL / NOT_NULL)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import outreach_sdk as sdk
from outreach_sdk._query import FilterSpec
from outreach_sdk.filters import IS_NULL, NOT_NULL, Range, SequenceFilter

BASE = "https://api.outreach.io/api/v2"
ZONES = [timezone.utc, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]


def _text_ok(s: str) -> bool:
    return "," not in s and ".." not in s and s not in ("__null__", "__notnull__")


def scalars(spec: FilterSpec) -> st.SearchStrategy[Any]:
    if spec.kind == "int":
        return st.integers(min_value=-(10**15), max_value=10**15)
    if spec.kind == "float":
        return st.floats(allow_nan=False, allow_infinity=False)
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "datetime":
        return st.datetimes(
            min_value=datetime(1900, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.sampled_from(ZONES)
        )
    if spec.kind == "date":
        return st.dates(min_value=date(1, 1, 1))
    if spec.kind == "enum":
        return st.sampled_from(spec.choices)
    text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)
    return text.filter(_text_ok)


def values(spec: FilterSpec) -> st.SearchStrategy[Any]:
    one = scalars(spec)
    shapes = [
        one,
        st.lists(one, min_size=2, max_size=4),
        st.sampled_from([IS_NULL, NOT_NULL]),
    ]
    if spec.ordered:
        shapes.append(
            st.tuples(one, one, st.sampled_from(["both", "start", "end"])).map(
                lambda t: _range(*t)
            )
        )
    return st.one_of(*shapes)


def _range(a: Any, b: Any, ends: str) -> Range[Any]:
    low, high = (a, b) if a <= b else (b, a)
    if ends == "start":
        return Range(start=low)
    if ends == "end":
        return Range(end=high)
    return Range(start=low, end=high)


FIELDS = {name: values(spec) for name, spec in SequenceFilter.wire_fields.items()}
filters = st.fixed_dictionaries({}, optional=FIELDS).map(lambda kw: SequenceFilter(**kw))

_client = sdk.Client(token="test-token", max_retries=0)


def sent_query(f: SequenceFilter) -> list[tuple[str, str]]:
    with respx.mock(base_url=BASE) as router:
        route = router.get("/sequences").respond(200, json={"data": [], "links": {}})
        list(_client.sequences.list(filter=f))
        url = str(route.calls.last.request.url)
    return parse_qsl(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)


def test_the_strategies_cover_every_field() -> None:
    assert set(FIELDS) == {f.name for f in dataclasses.fields(SequenceFilter)}
    assert len(FIELDS) == 27  # 14 badged attributes, 12 relationship filters and id


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(filters)
def test_real_url_round_trip(f: SequenceFilter) -> None:
    query = sent_query(f)
    assert [k for k, _ in query if k.startswith("filter[")] == list(f.to_params())
    assert SequenceFilter.from_params(query) == f


@pytest.mark.parametrize("name", sorted(FIELDS))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_each_field_round_trips(name: str, data: st.DataObject) -> None:
    value = data.draw(FIELDS[name], label=name)
    f = SequenceFilter(**{name: value})
    params = f.to_params()
    assert list(params) == [SequenceFilter.wire_fields[name].key]
    back = SequenceFilter.from_params(params)
    assert back == f
    assert back.to_params() == params
