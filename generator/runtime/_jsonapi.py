"""JSON:API documents: resources, identifiers, relationships and compound documents."""

from __future__ import annotations

import builtins

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter

R = TypeVar("R", bound="Resource")


@dataclass(frozen=True)
class Identifier:
    """A resource identifier: the ``{"type": ..., "id": ...}`` of a relationship."""

    type: str
    id: Any

    @property
    def identifier(self) -> Identifier:
        return self


@dataclass(frozen=True)
class RelatedLink:
    """A relationship given only as links: ``.related`` is the URL of the related resources."""

    related: str | None = None
    self_link: str | None = None


@dataclass(frozen=True)
class Rel:
    """How one relationship looks on the wire (generated per resource)."""

    wire: str
    type: str | None
    many: bool = False
    data: bool = True  # False: links only
    writable: bool = False


class Included:
    """The index of a compound document's ``included`` array, decoded on first use."""

    __slots__ = ("_raw", "_done", "_decode")

    def __init__(
        self, raw: list[Any], decode: Callable[[Mapping[str, Any], Included], Resource]
    ) -> None:
        self._raw: dict[tuple[str, str], Any] = {}
        for item in raw:
            if isinstance(item, dict) and "type" in item and "id" in item:
                self._raw[(str(item["type"]), str(item["id"]))] = item
        self._done: dict[tuple[str, str], Resource] = {}
        self._decode = decode

    def get(self, ident: Identifier) -> Resource | None:
        key = (ident.type, str(ident.id))
        if key in self._done:
            return self._done[key]
        raw = self._raw.get(key)
        if raw is None:
            return None
        resource = self._decode(raw, self)
        self._done[key] = resource
        return resource

    def __len__(self) -> int:
        return len(self._raw)


class Resource(BaseModel):
    """The base of every resource model. Attributes are fields; relationships are properties."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", protected_namespaces=())

    # Generated per resource: the JSON:API type and the python -> wire name tables.
    resource_type: ClassVar[str] = ""
    relationship_specs: ClassVar[dict[str, Rel]] = {}
    sort_keys: ClassVar[Any] = None  # the generated ``Literal`` of sort keys
    filter_class: ClassVar[builtins.type[Any] | None] = None
    # Derived from the above when the class is created: python name -> wire name.
    attribute_names: ClassVar[dict[str, str]] = {}
    sortable_names: ClassVar[dict[str, str]] = {}
    includable_names: ClassVar[dict[str, str]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.attribute_names = {
            name: info.alias
            for name, info in cls.model_fields.items()
            if info.alias and not info.alias.startswith("@")
        }
        keys = get_args(cls.sort_keys) if cls.sort_keys is not None else ()
        cls.sortable_names = {k: cls.attribute_names[k] for k in keys if k in cls.attribute_names}
        cls.includable_names = {k: r.wire for k, r in cls.relationship_specs.items() if r.data}

    id: Any = Field(default=None, alias="@id")
    meta: dict[str, Any] = Field(default_factory=dict, alias="@meta")
    links: dict[str, Any] = Field(default_factory=dict, alias="@links", repr=False)

    _relationships: dict[str, Any] = PrivateAttr(default_factory=dict)
    _included: Included | None = PrivateAttr(default=None)
    _type: str = PrivateAttr(default="")

    @property
    def type(self) -> str:
        return self._type or self.resource_type

    @property
    def identifier(self) -> Identifier:
        return Identifier(self.type, self.id)

    @classmethod
    def from_wire(
        cls: builtins.type[R], obj: Mapping[str, Any], included: Included | None = None
    ) -> R:
        """Build the resource from a JSON:API resource object."""
        resource = cls.model_validate(_flat(obj))
        resource._attach(obj, included)
        return resource

    @classmethod
    def _many_from_wire(
        cls: builtins.type[R], objs: list[Mapping[str, Any]], included: Included | None = None
    ) -> list[R]:
        """Build resources from a list of resource objects, validated in one pass."""
        adapter = _ADAPTERS.get(cls)
        if adapter is None:
            adapter = _ADAPTERS[cls] = TypeAdapter(list[cls])  # type: ignore[valid-type]
        resources: list[R] = adapter.validate_python([_flat(obj) for obj in objs])
        for resource, obj in zip(resources, objs):
            resource._attach(obj, included)
        return resources

    def _attach(self, obj: Mapping[str, Any], included: Included | None) -> None:
        # Straight into pydantic's private dict: setting private attributes one by one is slow.
        private = self._private()
        private["_relationships"] = obj.get("relationships") or {}
        private["_included"] = included
        private["_type"] = str(obj.get("type") or self.resource_type)

    def _private(self) -> dict[str, Any]:
        private = self.__pydantic_private__
        if private is None:
            private = {}
            object.__setattr__(self, "__pydantic_private__", private)
        return private

    def _meta(self, key: str) -> Any:
        return self.meta.get(key)

    def _meta_bool(self, key: str) -> bool | None:
        value = self.meta.get(key)
        return value if isinstance(value, bool) else None

    def _meta_int(self, key: str) -> int | None:
        value = self.meta.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def _meta_float(self, key: str) -> float | None:
        value = self.meta.get(key)
        return (
            float(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            else None
        )

    def _meta_str(self, key: str) -> str | None:
        value = self.meta.get(key)
        return value if isinstance(value, str) else None

    def _to_one(self, name: str) -> Identifier | Resource | None:
        value = self._relationship(name)
        return value if isinstance(value, (Identifier, Resource)) else None

    def _to_many(self, name: str) -> list[Identifier | Resource]:
        value = self._relationship(name)
        return value if isinstance(value, list) else []

    def _link(self, name: str) -> RelatedLink:
        value = self._relationship(name)
        return value if isinstance(value, RelatedLink) else RelatedLink()

    def _relationship(self, name: str) -> Any:
        """The value of a relationship property: identifier(s), included resource(s) or a link."""
        spec = self.relationship_specs[name]
        relationships = self._private().get("_relationships")
        raw = relationships.get(spec.wire) if relationships else None
        if not spec.data:
            links = raw.get("links") if isinstance(raw, dict) else None
            links = links if isinstance(links, dict) else {}
            return RelatedLink(
                related=_link(links.get("related")), self_link=_link(links.get("self"))
            )
        data = raw.get("data") if isinstance(raw, dict) else None
        if spec.many:
            return [self._resolve(d) for d in data or [] if isinstance(d, dict)]
        return self._resolve(data) if isinstance(data, dict) else None

    def _resolve(self, data: Mapping[str, Any]) -> Any:
        ident = Identifier(str(data.get("type", "")), data.get("id"))
        included = self._private().get("_included")
        if included is not None:
            found = included.get(ident)
            if found is not None:
                return found
        return ident


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _flat(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A resource object as the model's fields: the attributes, with id, meta and links beside."""
    flat: dict[str, Any] = dict(obj.get("attributes") or {})
    flat["@id"] = obj.get("id")
    meta = obj.get("meta")
    if meta:
        flat["@meta"] = meta
    links = obj.get("links")
    if links:
        flat["@links"] = links
    return flat


def _link(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("href")
    return value if isinstance(value, str) else None


class GenericResource(Resource):
    """An included resource of a type this SDK has no model for: its attributes as a dict."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())

    @property
    def attributes(self) -> dict[str, Any]:
        return dict(self.__pydantic_extra__ or {})

    def __getitem__(self, key: str) -> Any:
        return self.attributes[key]

    def relationship(self, wire: str) -> Any:
        relationships = self._private().get("_relationships")
        raw = relationships.get(wire) if relationships else None
        data = raw.get("data") if isinstance(raw, dict) else None
        if isinstance(data, list):
            return [self._resolve(d) for d in data if isinstance(d, dict)]
        return self._resolve(data) if isinstance(data, dict) else None


class Decoder:
    """Turns JSON:API documents into resources, typed by the SDK's type registry."""

    def __init__(self, registry: Callable[[str], type[Resource] | None]) -> None:
        self._registry = registry

    def _decode_included(self, obj: Mapping[str, Any], included: Included) -> Resource:
        cls = self._registry(str(obj.get("type", ""))) or GenericResource
        return cls.from_wire(obj, included)

    def included(self, doc: Mapping[str, Any]) -> Included | None:
        raw = doc.get("included")
        if isinstance(raw, list) and raw:
            return Included(raw, self._decode_included)
        return None

    def one(self, cls: type[R], doc: Mapping[str, Any]) -> R:
        data = doc.get("data")
        if not isinstance(data, dict):
            raise ValueError("the response has no resource object in 'data'")
        return cls.from_wire(data, self.included(doc))

    def many(self, cls: type[R], doc: Mapping[str, Any]) -> list[R]:
        data = doc.get("data")
        if not isinstance(data, list):
            raise ValueError("the response has no list of resource objects in 'data'")
        included = self.included(doc)
        return cls._many_from_wire([item for item in data if isinstance(item, dict)], included)
