"""The generated models against the seed page: every attribute, its type, its limits, read-only-ness."""

from __future__ import annotations

import re
import typing
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
from pydantic import ValidationError

import outreach_sdk as sdk
from outreach_sdk.resources.sequences import Sequence, SequenceWrite

PAGE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "sequence-resource-page.txt"
ROW = re.compile(
    r"^(?P<name>[a-z][A-Za-z]+) \| (?P<type>Array of strings|string|integer|number|boolean)"
    r"(?: <(?P<fmt>date-time|float)>)?(?: <= (?P<max>\d+) characters)?"
)
ENUMS = {
    "primaryReplyAction": ("finish", "continue", "pause"),
    "secondaryReplyAction": ("finish", "continue", "pause"),
    "scheduleIntervalType": ("calendar", "schedule"),
    "sequenceType": ("date", "interval"),
    "shareType": ("private", "read_only", "shared"),
}


def _seed_attributes() -> dict[str, dict[str, Any]]:
    if not PAGE.is_file():
        pytest.skip(f"the seed page is not beside the repository ({PAGE})")
    rows = {}
    for line in PAGE.read_text("utf-8").splitlines():
        m = ROW.match(line)
        if m:
            rows[m["name"]] = m.groupdict()
    return rows


def _field(wire: str) -> Any:
    for name, info in Sequence.model_fields.items():
        if info.alias == wire:
            return name, info
    raise AssertionError(f"no field for {wire}")


def _inner(annotation: Any) -> Any:
    """Strip Optional[...]."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) in (typing.Union, __import__("types").UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _assert_enum(wire: str, read_annotation: Any) -> None:
    """Reads: Literal[known values] | str (a newer server may add values); writes: exactly the Literal."""
    read = get_args(read_annotation)
    literal = next(a for a in read if get_origin(a) is Literal)
    assert get_args(literal) == ENUMS[wire] and str in read, wire
    write = next(i for i in SequenceWrite.model_fields.values() if i.alias == wire).annotation
    assert [get_args(a) for a in get_args(write) if get_origin(a) is Literal] == [ENUMS[wire]], wire
    assert str not in get_args(write), wire


def test_the_seed_page_lists_forty_one_attributes() -> None:
    assert len(_seed_attributes()) == 41


@pytest.mark.parametrize("wire", sorted(ENUMS) + ["name", "description", "createdAt", "tags", "automationPercentage"])
def test_each_seed_attribute_has_its_type(wire: str) -> None:
    row = _seed_attributes()[wire]
    name, info = _field(wire)
    inner = _inner(info.annotation)
    assert type(None) in get_args(info.annotation), f"{wire} is nullable at Outreach"
    if wire in ENUMS:
        _assert_enum(wire, info.annotation)
    elif row["type"] == "Array of strings":
        assert inner == list[str]
    elif row["fmt"] == "date-time":
        assert inner is datetime
    else:
        expected = {"string": str, "integer": int, "number": float, "boolean": bool}[row["type"]]
        assert inner is expected


def test_every_seed_attribute_is_present_with_its_type() -> None:
    seen = 0
    for wire, row in _seed_attributes().items():
        _, info = _field(wire)
        inner = _inner(info.annotation)
        if wire in ENUMS:
            _assert_enum(wire, info.annotation)
        elif row["type"] == "Array of strings":
            assert inner == list[str], wire
        elif row["fmt"] == "date-time":
            assert inner is datetime, wire
        else:
            assert inner is {"string": str, "integer": int, "number": float, "boolean": bool}[row["type"]], wire
        seen += 1
    assert seen == 41


@pytest.mark.parametrize("wire,limit", [("name", 255), ("description", 1024), ("salesMotion", 255)])
def test_max_length_is_enforced(wire: str, limit: int) -> None:
    name = {"name": "name", "description": "description", "salesMotion": "sales_motion"}[wire]
    SequenceWrite.model_validate({name: "x" * limit})
    with pytest.raises(ValidationError):
        SequenceWrite.model_validate({name: "x" * (limit + 1)})


def test_enumeration_values_are_checked_before_sending() -> None:
    SequenceWrite.model_validate({"share_type": "read_only", "primary_reply_action": "continue"})
    with pytest.raises(ValidationError):
        SequenceWrite.model_validate({"share_type": "public"})


def test_read_only_attributes_are_not_in_the_write_model() -> None:
    seed = _seed_attributes()
    counts = [w for w in seed if w.endswith("Count")]
    assert len(counts) >= 12
    write_aliases = {info.alias for info in SequenceWrite.model_fields.values()}
    for wire in counts + ["createdAt", "updatedAt", "enabled", "locked", "automationPercentage"]:
        assert wire not in write_aliases, wire
    for wire in ("name", "description", "shareType", "tags", "finishOnReply"):
        assert wire in write_aliases, wire


def test_deprecated_attribute_is_marked_deprecated() -> None:
    _, info = _field("finishOnReply")
    assert info.deprecated
    seq = Sequence.from_wire({"type": "sequence", "id": 1, "attributes": {"finishOnReply": True}})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert seq.finish_on_reply is True
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)


def test_an_enumeration_value_newer_than_the_spec_still_parses() -> None:
    seq = Sequence.from_wire({"type": "sequence", "id": 1, "attributes": {"shareType": "team_only"}})
    assert seq.share_type == "team_only"


def test_parsing_a_resource_object_gives_typed_values_and_tolerates_unknown_attributes() -> None:
    seq = Sequence.from_wire(
        {
            "type": "sequence",
            "id": 42,
            "attributes": {
                "name": "Q4",
                "createdAt": "2024-01-02T03:04:05.000Z",
                "shareType": "shared",
                "tags": ["Tier 1"],
                "bounceCount": 3,
                "automationPercentage": 12.5,
                "brandNewAttribute": {"from": "a newer server"},
            },
        }
    )
    assert seq.id == 42 and seq.name == "Q4" and seq.share_type == "shared"
    assert seq.created_at == datetime.fromisoformat("2024-01-02T03:04:05+00:00")
    assert seq.tags == ["Tier 1"] and seq.bounce_count == 3 and seq.automation_percentage == 12.5
    assert seq.description is None


def test_package_exports_resource_models_lazily() -> None:
    assert sdk.Sequence is Sequence
    with pytest.raises(AttributeError, match="outreach_sdk' has no attribute 'NoSuchThing'"):
        sdk.NoSuchThing  # noqa: B018
    from outreach_sdk import filters
    from outreach_sdk.resources.sequences import SequenceFilter

    assert filters.SequenceFilter is SequenceFilter
    with pytest.raises(AttributeError, match="outreach_sdk.filters' has no attribute 'NoSuchFilter'"):
        filters.NoSuchFilter  # noqa: B018
