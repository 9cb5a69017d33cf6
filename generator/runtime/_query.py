"""Query-string encoding for JSON:API: filters, ranges, sort, sparse fieldsets and include.

Everything here validates before anything is sent: a bad name or value raises at the call that
carries it (``TypeError`` for a wrong kind of value, ``ValueError`` for a bad value or name).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, ClassVar, Final, Generic, NamedTuple, TypeVar, Union

T = TypeVar("T")
F = TypeVar("F", bound="Filter")

__all__ = [
    "Range",
    "IS_NULL",
    "NOT_NULL",
    "Filter",
    "FilterSpec",
    "NullMarker",
    "Value",
    "OrderedValue",
]

ORDERED_KINDS: Final = frozenset({"int", "float", "datetime", "date"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class NullMarker:
    """``IS_NULL`` / ``NOT_NULL``: match resources whose value is (not) null."""

    __slots__ = ("wire", "name")

    def __init__(self, wire: str, name: str) -> None:
        self.wire = wire
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NullMarker) and other.wire == self.wire

    def __hash__(self) -> int:
        return hash(("NullMarker", self.wire))

    def __reduce__(self) -> str:
        return self.name  # copies and pickles give back the module's singleton


IS_NULL: Final = NullMarker("__null__", "IS_NULL")
NOT_NULL: Final = NullMarker("__notnull__", "NOT_NULL")


@dataclasses.dataclass(frozen=True)
class Range(Generic[T]):
    """A range of ordered values (numbers, dates, datetimes), both ends included.

    An open end is ``None``: ``Range(start=x)`` is sent as ``x..inf``, ``Range(end=y)`` as ``neginf..y``.
    """

    start: T | None = None
    end: T | None = None

    def __post_init__(self) -> None:
        if self.start is None and self.end is None:
            raise ValueError("a Range needs a start, an end or both")
        if self.start is not None and self.end is not None:
            try:
                backwards = bool(self.start > self.end)  # type: ignore[operator]
            except TypeError:
                backwards = False  # mixed kinds: the filter that uses it reports the wrong one
            if backwards:
                raise ValueError(
                    f"Range(start={self.start!r}, end={self.end!r}): start is after end"
                )


# The type of a filter argument: one value, any of several, a range (ordered kinds only), or a null test.
Value = Union[T, list[T], tuple[T, ...], NullMarker, None]
OrderedValue = Union[T, list[T], tuple[T, ...], Range[T], NullMarker, None]


class FilterSpec(NamedTuple):
    """How one argument of a ``{Type}Filter`` goes on the wire (generated per class)."""

    wire: tuple[
        str, ...
    ]  # ("shareType",) -> filter[shareType]; ("owner", "id") -> filter[owner][id]
    kind: str  # str | int | float | bool | datetime | date | enum
    ordered: bool = False  # a Range is allowed
    choices: tuple[str, ...] = ()  # the values of an enumeration

    @property
    def key(self) -> str:
        return "filter" + "".join(f"[{w}]" for w in self.wire)


_KIND_NAMES = {
    "str": "a string",
    "enum": "a string",
    "int": "an int",
    "float": "a number",
    "bool": "a bool",
    "datetime": "a datetime",
    "date": "a date",
}


def encode_scalar(value: Any, name: str, kind: str = "str", choices: Sequence[str] = ()) -> str:
    """One filter value as it goes on the wire, checked against the argument's kind."""
    expected = _KIND_NAMES.get(kind, "a string")
    if kind in ("str", "enum"):
        if not isinstance(value, str):
            raise TypeError(
                f"filter {name}: expected {expected}, got {type(value).__name__} {value!r}"
            )
        if "," in value or ".." in value:
            raise ValueError(
                f"filter {name}: {value!r} contains ',' or '..', which would change the filter's meaning"
            )
        if value in (IS_NULL.wire, NOT_NULL.wire):
            raise ValueError(f"filter {name}: {value!r} is reserved; use IS_NULL / NOT_NULL")
        if value == "":
            raise ValueError(f"filter {name}: an empty string cannot be sent")
        if kind == "enum" and choices and value not in choices:
            raise ValueError(
                f"filter {name}: {value!r} is not one of {', '.join(map(repr, choices))}"
            )
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise TypeError(
                f"filter {name}: expected {expected}, got {type(value).__name__} {value!r}"
            )
        return "true" if value else "false"
    if kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(
            value, (int, float) if kind == "float" else int
        ):
            raise TypeError(
                f"filter {name}: expected {expected}, got {type(value).__name__} {value!r}"
            )
        if isinstance(value, int):
            return str(value)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(
                f"filter {name}: {value!r} cannot be sent; use an open Range end instead"
            )
        # Positional notation (no exponent), exactly the digits of repr(): 1e-05 -> 0.00001.
        return format(Decimal(repr(value)), "f")
    if kind == "datetime":
        if not isinstance(value, datetime):
            raise TypeError(
                f"filter {name}: expected {expected}, got {type(value).__name__} {value!r}"
            )
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"filter {name}: naive datetime {value.isoformat()} is ambiguous; "
                "give it a timezone, e.g. datetime(..., tzinfo=timezone.utc)"
            )
        return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"
    if kind == "date":
        if isinstance(value, datetime) or not isinstance(value, date):
            raise TypeError(
                f"filter {name}: expected {expected}, got {type(value).__name__} {value!r}"
            )
        return value.isoformat()
    raise TypeError(f"filter {name}: unsupported kind {kind!r}")


def encode_value(value: Any, name: str, spec: FilterSpec) -> str:
    """A whole filter value (scalar, any-of, Range or null test) as it goes on the wire."""
    if isinstance(value, NullMarker):
        return value.wire
    if isinstance(value, Range):
        if not spec.ordered:
            raise TypeError(
                f"filter {name}: a Range needs an ordered value (number, date, datetime), "
                f"and {name} is {_KIND_NAMES.get(spec.kind, spec.kind)}"
            )
        start = "neginf" if value.start is None else encode_scalar(value.start, name, spec.kind)
        end = "inf" if value.end is None else encode_scalar(value.end, name, spec.kind)
        return f"{start}..{end}"
    if isinstance(value, (list, tuple, set, frozenset)):
        if not value:
            raise ValueError(f"filter {name}: an empty list matches nothing")
        return ",".join(encode_scalar(v, name, spec.kind, spec.choices) for v in value)
    return encode_scalar(value, name, spec.kind, spec.choices)


def _normalise(value: Any) -> Any:
    """Lists become tuples (so filters hash), and a one-item list is the item itself (same query)."""
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=lambda v: (type(v).__name__, repr(v)))
    if isinstance(value, (list, tuple)):
        value = tuple(value)
        if len(value) == 1:
            return value[0]
    return value


@dataclasses.dataclass(frozen=True, repr=False)
class Filter:
    """Base of the generated ``{Type}Filter`` classes (frozen, keyword-only dataclasses).

    A filter needs no client: build it, read its fields, ``to_params()`` it, compare and hash it.
    """

    # python name -> how it goes on the wire; generated per class
    wire_fields: ClassVar[dict[str, FilterSpec]] = {}

    def __post_init__(self) -> None:
        for name in self.wire_fields:
            value = getattr(self, name)
            normal = _normalise(value)
            if normal is not value:
                object.__setattr__(self, name, normal)
        self.to_params()  # validate early: a bad value fails where it is written

    def __repr__(self) -> str:
        given = ", ".join(
            f"{f.name}={getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)
            if getattr(self, f.name) is not None
        )
        return f"{type(self).__name__}({given})"

    def to_params(self) -> dict[str, str]:
        """The query parameters, sorted by key (so the same filter is always the same URL)."""
        params: dict[str, str] = {}
        for name, spec in self.wire_fields.items():
            value = getattr(self, name)
            if value is not None:
                params[spec.key] = encode_value(value, name, spec)
        return dict(sorted(params.items()))

    @classmethod
    def from_params(cls: type[F], params: Mapping[str, str] | Iterable[tuple[str, str]]) -> F:
        """The inverse of :meth:`to_params` (for tests, logs and round trips).

        Takes a mapping or the ``(key, value)`` pairs of a query string; keys that are not
        ``filter[...]`` (``sort``, ``page[size]``, ...) are ignored.
        """
        pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
        by_key = {spec.key: (name, spec) for name, spec in cls.wire_fields.items()}
        values: dict[str, Any] = {}
        for key, text in pairs:
            if not key.startswith("filter["):
                continue
            if key not in by_key:
                raise ValueError(f"{key} is not a filter of {cls.__name__}")
            name, spec = by_key[key]
            if name in values:
                raise ValueError(f"{key} is given twice")
            try:
                values[name] = _decode_value(text, spec)
            except ValueError as exc:
                raise ValueError(f"{key}={text!r}: {exc}") from None
        return cls(**values)


def _decode_scalar(text: str, spec: FilterSpec) -> Any:
    kind = spec.kind
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        if text not in ("true", "false"):
            raise ValueError("expected true or false")
        return text == "true"
    if kind == "datetime":
        if not text.endswith("Z"):
            raise ValueError("expected an ISO-8601 UTC datetime ending in Z")
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=timezone.utc)
    if kind == "date":
        return date.fromisoformat(text)
    return text


def _decode_value(text: str, spec: FilterSpec) -> Any:
    if text == IS_NULL.wire:
        return IS_NULL
    if text == NOT_NULL.wire:
        return NOT_NULL
    if spec.ordered and ".." in text:
        start, _, end = text.partition("..")
        return Range(
            start=None if start == "neginf" else _decode_scalar(start, spec),
            end=None if end == "inf" else _decode_scalar(end, spec),
        )
    if "," in text:
        return [_decode_scalar(t, spec) for t in text.split(",")]
    return _decode_scalar(text, spec)


def _names(value: Iterable[str] | str, what: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    out = list(value)
    for item in out:
        if not isinstance(item, str):
            raise TypeError(f"{what} takes names (str), not {type(item).__name__} {item!r}")
    return out


def encode_sort(keys: Iterable[str] | str, sortable: Mapping[str, str]) -> str:
    """``["-created_at", "name"]`` -> ``"-createdAt,name"``; only sortable attributes."""
    out = []
    seen: set[str] = set()
    for key in _names(keys, "sort"):
        desc = key.startswith("-")
        name = key[1:] if desc else key
        if name not in sortable:
            raise ValueError(
                f"cannot sort by {name!r}; sortable: {', '.join(sorted(sortable)) or 'none'}"
            )
        if name in seen:
            raise ValueError(f"sort names {name!r} twice")
        seen.add(name)
        out.append(("-" if desc else "") + sortable[name])
    return ",".join(out)


def encode_include(names: Iterable[str] | str, includable: Mapping[str, str]) -> list[str]:
    """Relationship names (snake_case) -> their wire names, in the order given, without repeats."""
    out: list[str] = []
    for name in _names(names, "include"):
        if name not in includable:
            raise ValueError(
                f"cannot include {name!r}; relationships: {', '.join(sorted(includable)) or 'none'}"
            )
        if includable[name] not in out:
            out.append(includable[name])
    return out


def encode_fields(
    fields: Sequence[str] | Mapping[str, Sequence[str]],
    own_type: str,
    attributes: Mapping[str, str],
    relationships: Mapping[str, str],
    include: Sequence[str],
    known: Mapping[str, Mapping[str, str] | None],
) -> dict[str, str]:
    """``fields[type]=a,b`` for the resource itself and, by type, for related resources.

    A list is the resource's own fieldset (snake_case names). A mapping is keyed by JSON:API type:
    the resource's own type, or a type it is related to. ``known`` maps each related type to its
    field names (python -> wire) when this SDK has that resource, or to ``None`` when the spec
    names the type but not its fields; there names are sent as given. Included relationships
    (``include``, wire names) stay in the resource's own fieldset.
    """
    mapping: Mapping[str, Sequence[str]] = (
        fields if isinstance(fields, Mapping) else {own_type: fields}
    )
    params: dict[str, str] = {}
    for type_name, names in mapping.items():
        table: Mapping[str, str] | None
        if type_name == own_type:
            table = {**attributes, **relationships}
        elif type_name in known:
            table = known[type_name]
        else:
            types = sorted({own_type, *known})
            raise ValueError(f"fields: unknown type {type_name!r}; known: {', '.join(types)}")
        wire: list[str] = []
        for name in _names(names, "fields"):
            if table is None:
                if not _NAME.fullmatch(name):
                    raise ValueError(f"fields: {name!r} is not a field name of {type_name}")
                item = name
            elif name in table:
                item = table[name]
            else:
                raise ValueError(f"fields: {type_name} has no field {name!r}")
            if item not in wire:
                wire.append(item)
        if type_name == own_type and wire:
            wire += [w for w in include if w not in wire]
        if not wire:
            raise ValueError(f"fields: an empty fieldset for {type_name} would return no fields")
        params[f"fields[{type_name}]"] = ",".join(wire)
    return params
