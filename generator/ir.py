"""The intermediate representation: plain frozen dataclasses, built once, rendered by templates.

Api ▸ Resource ▸ Attribute / Relationship / Operation / Action / FilterField
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Attribute:
    wire: str  # the name on the wire (camelCase at Outreach)
    name: str  # the Python name (snake_case, sanitised, unique within the resource)
    schema: str  # canonical JSON of the normalised JSON Schema, fed to datamodel-code-generator
    kind: str  # str | int | float | bool | datetime | date | enum | list | object | any
    annotation: str  # the Python type of one value, e.g. "str", "datetime", 'Literal["a", "b"]'
    enum: tuple[str, ...] = ()
    nullable: bool = True
    read_only: bool = False
    write_only: bool = False
    filterable: bool = False
    sortable: bool = False
    deprecated: bool = False
    description: str = ""
    max_length: int | None = None


@dataclass(frozen=True)
class Relationship:
    wire: str
    name: str
    to_many: bool
    has_data: bool  # False: the relationship is only a link (``.related``)
    related_type: str | None  # the JSON:API type of the related resource, when the spec says
    related_class: str | None  # the SDK class for that type, when this SDK has the resource
    id_annotation: str = "int | str"  # the Python type of the related identifiers' ``id``
    read_only: bool = False
    description: str = ""
    filter_attributes: tuple[str, ...] = ()  # wire names usable as filter[rel][attr]


@dataclass(frozen=True)
class FilterField:
    name: str  # keyword argument of the {Type}Filter class
    wire: tuple[str, ...]  # ("shareType",) or ("owner", "id")
    kind: str  # str | int | float | bool | datetime | date | enum
    annotation: str  # Python type of one value
    ordered: bool  # a Range is allowed
    choices: tuple[str, ...] = ()  # the values of an enumeration (kind "enum")


@dataclass(frozen=True)
class MetaField:
    wire: str
    name: str
    annotation: str
    description: str
    query_param: str | None  # the query parameter that asks for it (provideAuthorizationMeta)


@dataclass(frozen=True)
class Operation:
    kind: str  # list | get | create | update | delete
    method: str
    path: str
    summary: str = ""
    description: str = ""
    deprecated: bool = False
    query: tuple[str, ...] = ()  # JSON:API query features: filter sort fields include page count meta


@dataclass(frozen=True)
class Action:
    name: str  # Python method name
    wire: str  # path segment
    method: str
    path: str
    member: bool  # True: /things/{id}/actions/x; False: /things/actions/x
    suffix: str  # the path after the member (or collection) path: "actions/activate"
    summary: str = ""
    description: str = ""
    takes_params: bool = False  # an ``actionParams`` (or other) query parameter is declared
    returns_resource: bool = True


@dataclass(frozen=True)
class Resource:
    type: str  # JSON:API type, e.g. "sequence"
    class_name: str  # "Sequence"
    api_class: str  # "Sequences" (the operations; "AsyncSequences" too)
    accessor: str  # "sequences" (client attribute)
    module: str  # "sequences" (module under resources/)
    path: str  # "/sequences"
    id_annotation: str  # "int" or "str"
    description: str
    attributes: tuple[Attribute, ...]
    relationships: tuple[Relationship, ...]
    operations: tuple[Operation, ...]
    actions: tuple[Action, ...]
    filters: tuple[FilterField, ...]
    meta: tuple[MetaField, ...] = ()

    def op(self, kind: str) -> Operation | None:
        return next((o for o in self.operations if o.kind == kind), None)

    @property
    def writable_attributes(self) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if not a.read_only)

    @property
    def readable_attributes(self) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if not a.write_only)

    @property
    def writable_relationships(self) -> tuple[Relationship, ...]:
        return tuple(r for r in self.relationships if not r.read_only and r.has_data)

    @property
    def sortable(self) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if a.sortable)

    @property
    def includable(self) -> tuple[Relationship, ...]:
        return tuple(r for r in self.relationships if r.has_data)


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    description: str
    base_url: str
    package: str
    spec_name: str  # the spec's file name, for headers
    resources: tuple[Resource, ...]
    meta_query_params: tuple[str, ...] = field(default=())  # e.g. ("provideAuthorizationMeta",)
    skipped: tuple[str, ...] = ()  # operations the SDK leaves out, each "pointer: why"
