"""Query-string encoding for JSON:API: filters, ranges, sort, sparse fieldsets and include."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timezone
from typing import Any, ClassVar, Final, Generic, TypeVar, Union

T = TypeVar("T")

__all__ = ["Range", "IS_NULL", "NOT_NULL", "Filter", "NullMarker"]


class NullMarker:
    """``IS_NULL`` / ``NOT_NULL``: match resources whose value is (not) null."""

    __slots__ = ("wire", "name")

    def __init__(self, wire: str, name: str) -> None:
        self.wire = wire
        self.name = name

    def __repr__(self) -> str:
        return self.name


IS_NULL: Final = NullMarker("__null__", "IS_NULL")
NOT_NULL: Final = NullMarker("__notnull__", "NOT_NULL")


@dataclasses.dataclass(frozen=True)
class Range(Generic[T]):
    """A range of ordered values; an open end is ``None`` (sent as ``neginf`` / ``inf``)."""

    start: T | None = None
    end: T | None = None

    def __post_init__(self) -> None:
        if self.start is None and self.end is None:
            raise ValueError("a Range needs a start, an end or both")


Value = Union[T, list[T], tuple[T, ...], NullMarker, None]
OrderedValue = Union[T, list[T], tuple[T, ...], Range[T], NullMarker, None]

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def encode_scalar(value: Any, name: str) -> str:
    """One filter value as it goes on the wire."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"filter {name}: a naive datetime is ambiguous; give it a timezone ({value!r})")
        text = value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
        return text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"filter {name}: {value!r} cannot be sent")
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        if "," in value or ".." in value:
            raise ValueError(
                f"filter {name}: {value!r} contains ',' or '..', which would change the filter's meaning"
            )
        if value in (IS_NULL.wire, NOT_NULL.wire, "inf", "neginf"):
            raise ValueError(f"filter {name}: {value!r} is a reserved word; use IS_NULL / NOT_NULL / Range")
        if value == "":
            raise ValueError(f"filter {name}: an empty string cannot be sent")
        return value
    raise TypeError(f"filter {name}: cannot send a {type(value).__name__}")


def encode_value(value: Any, name: str, ordered: bool) -> str:
    if isinstance(value, NullMarker):
        return value.wire
    if isinstance(value, Range):
        if not ordered:
            raise TypeError(f"filter {name}: a Range needs an ordered value (number, date, datetime)")
        start = "neginf" if value.start is None else encode_scalar(value.start, name)
        end = "inf" if value.end is None else encode_scalar(value.end, name)
        return f"{start}..{end}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else list(value)
        if not items:
            raise ValueError(f"filter {name}: an empty list matches nothing")
        return ",".join(encode_scalar(v, name) for v in items)
    return encode_scalar(value, name)


@dataclasses.dataclass(frozen=True, repr=False)
class Filter:
    """Base of the generated ``{Type}Filter`` classes (keyword-only dataclasses)."""

    # python name -> (wire path, kind, ordered); generated per class
    wire_fields: ClassVar[dict[str, tuple[tuple[str, ...], str, bool]]] = {}

    def __post_init__(self) -> None:
        self.to_params()  # validate early: a bad value fails where it is written

    def __repr__(self) -> str:
        given = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self) if getattr(self, f.name) is not None)
        return f"{type(self).__name__}({given})"

    def to_params(self) -> dict[str, str]:
        """The query parameters, sorted by key (so the same filter is always the same URL)."""
        params: dict[str, str] = {}
        for name, (wire, _kind, ordered) in self.wire_fields.items():
            value = getattr(self, name)
            if value is not None:
                params["filter" + "".join(f"[{w}]" for w in wire)] = encode_value(value, name, ordered)
        return dict(sorted(params.items()))

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> Filter:
        """The inverse of :meth:`to_params` (for tests, logs and round trips)."""
        by_key = {"filter" + "".join(f"[{w}]" for w in wire): (name, kind) for name, (wire, kind, _o) in cls.wire_fields.items()}
        values: dict[str, Any] = {}
        for key, text in params.items():
            if key not in by_key:
                raise ValueError(f"{key} is not a filter of {cls.__name__}")
            name, kind = by_key[key]
            values[name] = _decode_value(text, kind)
        return cls(**values)


def _decode_scalar(text: str, kind: str) -> Any:
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        return text == "true"
    if kind == "datetime":
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    if kind == "date":
        return date.fromisoformat(text)
    return text


def _decode_value(text: str, kind: str) -> Any:
    if text == IS_NULL.wire:
        return IS_NULL
    if text == NOT_NULL.wire:
        return NOT_NULL
    if ".." in text and kind in ("int", "float", "datetime", "date"):
        start, _, end = text.partition("..")
        return Range(
            start=None if start == "neginf" else _decode_scalar(start, kind),
            end=None if end == "inf" else _decode_scalar(end, kind),
        )
    if "," in text:
        return [_decode_scalar(t, kind) for t in text.split(",")]
    return _decode_scalar(text, kind)


def encode_sort(keys: Iterable[str], sortable: Mapping[str, str]) -> str:
    out = []
    if isinstance(keys, str):
        keys = [keys]
    for key in keys:
        desc = key.startswith("-")
        name = key[1:] if desc else key
        if name not in sortable:
            raise ValueError(f"cannot sort by {name!r}; sortable: {', '.join(sorted(sortable)) or 'none'}")
        out.append(("-" if desc else "") + sortable[name])
    return ",".join(out)


def encode_include(names: Iterable[str], includable: Mapping[str, str]) -> list[str]:
    if isinstance(names, str):
        names = [names]
    out = []
    for name in names:
        if name not in includable:
            raise ValueError(f"cannot include {name!r}; relationships: {', '.join(sorted(includable)) or 'none'}")
        out.append(includable[name])
    return out


def encode_fields(
    fields: Sequence[str] | Mapping[str, Sequence[str]],
    own_type: str,
    attributes: Mapping[str, str],
    relationships: Mapping[str, str],
    include: Sequence[str],
    known: Mapping[str, Mapping[str, str]],
) -> dict[str, str]:
    """``fields[type]=a,b`` for the resource itself and, by type, for related resources.

    ``known`` maps other types of this SDK to their field names (python -> wire); a type the SDK
    does not know takes names as given. Included relationships stay in the fieldset.
    """
    mapping: Mapping[str, Sequence[str]] = {own_type: fields} if not isinstance(fields, Mapping) else fields
    params: dict[str, str] = {}
    for type_name, names in mapping.items():
        if isinstance(names, str):
            names = [names]
        if type_name == own_type:
            table: Mapping[str, str] | None = {**attributes, **relationships}
        else:
            table = known.get(type_name)
        wire = []
        for name in names:
            if table is None:
                if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
                    raise ValueError(f"{name!r} is not a field name")
                wire.append(name)
            elif name in table:
                wire.append(table[name])
            else:
                raise ValueError(f"{type_name} has no field {name!r}")
        if type_name == own_type:
            wire += [w for w in include if w not in wire]
        params[f"fields[{type_name}]"] = ",".join(wire)
    return params
