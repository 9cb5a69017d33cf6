"""What every generated resource class does, written once: query building, bodies, decoding.

The generated ``Sequences`` / ``AsyncSequences`` classes only declare typed signatures and call
these methods.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Concatenate, Generic, ParamSpec, TypeVar, cast

from pydantic import BaseModel

from ._jsonapi import Decoder, Resource
from ._pagination import AsyncPager, Page, SyncPager
from ._query import Filter, encode_fields, encode_include, encode_sort
from ._types import NotGiven

if TYPE_CHECKING:
    from ._client_base import AsyncClientBase, SyncClientBase

R = TypeVar("R", bound=Resource)
T = TypeVar("T")
P = ParamSpec("P")

FieldsArg = Sequence[str] | Mapping[str, Sequence[str]] | None


class _Shared(Generic[R]):
    model: ClassVar[type[Resource]]
    write_model: ClassVar[type[BaseModel]]
    path: ClassVar[str]

    def _decoder(self) -> Decoder:
        raise NotImplementedError

    def _known_fields(self, type_name: str) -> Mapping[str, str] | None:
        raise NotImplementedError

    def _query(
        self,
        *,
        filter: Filter | None = None,
        sort: Sequence[str] | None = None,
        fields: FieldsArg = None,
        include: Sequence[str] | None = None,
        page_size: int | None = None,
        count: bool | None = None,
        authorization_meta: bool = False,
    ) -> dict[str, str]:
        model = self.model
        params: dict[str, str] = {}
        if filter is not None:
            expected = getattr(model, "filter_class", None)
            if expected is not None and not isinstance(filter, expected):
                raise TypeError(
                    f"filter must be a {expected.__name__}, not {type(filter).__name__}"
                )
            params.update(filter.to_params())
        if sort:
            params["sort"] = encode_sort(sort, model.sortable_names)
        includes = encode_include(include, model.includable_names) if include else []
        if includes:
            params["include"] = ",".join(includes)
        if fields:
            attributes = model.attribute_names
            relationships = {k: v.wire for k, v in model.relationship_specs.items()}
            # Related types a fieldset may name: those this resource's relationships point to,
            # with their field names when this SDK has the resource (else names go as given).
            known: dict[str, Mapping[str, str] | None] = {}
            for spec in model.relationship_specs.values():
                if spec.type is not None and spec.type != model.resource_type:
                    known[spec.type] = self._known_fields(spec.type)
            params.update(
                encode_fields(
                    fields, model.resource_type, attributes, relationships, includes, known
                )
            )
        if page_size is not None:
            if not isinstance(page_size, int) or isinstance(page_size, bool) or page_size < 1:
                raise ValueError(f"page_size must be a positive integer, not {page_size!r}")
            params["page[size]"] = str(page_size)
        if count is not None:
            params["count"] = "true" if count else "false"
        if authorization_meta:
            params["provideAuthorizationMeta"] = "true"
        return params

    def _body(self, values: Mapping[str, Any], id: Any = None) -> dict[str, Any]:
        given = {
            k: v
            for k, v in values.items()
            if k not in ("self", "id") and not isinstance(v, NotGiven)
        }
        rels = self.model.relationship_specs
        attrs = {k: v for k, v in given.items() if k not in rels}
        checked = self.write_model.model_validate(attrs)
        data: dict[str, Any] = {"type": self.model.resource_type}
        if id is not None:
            data["id"] = id
        data["attributes"] = checked.model_dump(mode="json", by_alias=True, exclude_unset=True)
        relationships: dict[str, Any] = {}
        for name, value in given.items():
            if name not in rels:
                continue
            spec = rels[name]
            if value is None:
                relationships[spec.wire] = {"data": [] if spec.many else None}
            elif spec.many:
                if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
                    raise TypeError(f"{name} takes a list of ids")
                relationships[spec.wire] = {
                    "data": [{"type": spec.type, "id": _id(v)} for v in value]
                }
            else:
                relationships[spec.wire] = {"data": {"type": spec.type, "id": _id(value)}}
        if relationships:
            data["relationships"] = relationships
        return {"data": data}

    def _page(self, doc: Any) -> Page[R]:
        items: list[R] = self._decoder().many(self.model, doc)  # type: ignore[arg-type]
        meta = doc.get("meta") if isinstance(doc.get("meta"), dict) else {}
        links = doc.get("links") if isinstance(doc.get("links"), dict) else {}
        return Page(items, meta, links)

    def _one(self, doc: Any) -> R:
        return self._decoder().one(self.model, doc)  # type: ignore[return-value]

    def _member(self, id: Any) -> str:
        if id is None or isinstance(id, bool) or (isinstance(id, str) and (not id or "/" in id)):
            raise ValueError(f"not a valid id: {id!r}")
        from urllib.parse import quote

        return f"{self.path}/{quote(str(id), safe='')}"


def _id(value: Any) -> Any:
    ident = getattr(value, "id", value)
    if isinstance(ident, bool) or not isinstance(ident, (int, str)):
        raise TypeError(f"a relationship takes an id (int or str), not {type(value).__name__}")
    return ident


class SyncAPIResource(_Shared[R]):
    def __init__(self, client: SyncClientBase) -> None:
        self._client = client

    def _decoder(self) -> Decoder:
        return self._client._decoder

    def _known_fields(self, type_name: str) -> Mapping[str, str] | None:
        return self._client._field_table(type_name)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        idempotent: bool = True,
    ) -> Any:
        response = self._client._transport.request(
            method,
            path,
            params=params,
            json=json,
            idempotent=idempotent,
            options=self._client._options,
        )
        return response.json() if response.content else None

    def _list(self, args: Mapping[str, Any] | None = None, /, **query: Any) -> SyncPager[R]:
        params = self._query(**_query_args(args, query))
        return SyncPager(
            lambda: self._page(self._send("GET", self.path, params=params)),
            lambda url: self._page(self._send("GET", url)),
        )

    def _get(self, id: Any, args: Mapping[str, Any] | None = None, /, **query: Any) -> R:
        params = self._query(**_query_args(args, query))
        return self._one(self._send("GET", self._member(id), params=params))

    def _create(self, values: Mapping[str, Any]) -> R:
        return self._one(self._send("POST", self.path, json=self._body(values), idempotent=False))

    def _update(self, id: Any, values: Mapping[str, Any]) -> R:
        return self._one(self._send("PATCH", self._member(id), json=self._body(values, id=id)))

    def _delete(self, id: Any) -> None:
        self._send("DELETE", self._member(id))

    def _action(self, suffix: str, id: Any = None, params: Mapping[str, str] | None = None) -> Any:
        base = self._member(id) if id is not None else self.path
        doc = self._send("POST", f"{base}/{suffix}", params=_action_params(params))
        return (
            self._one(doc) if isinstance(doc, dict) and isinstance(doc.get("data"), dict) else doc
        )


class AsyncAPIResource(_Shared[R]):
    def __init__(self, client: AsyncClientBase) -> None:
        self._client = client

    def _decoder(self) -> Decoder:
        return self._client._decoder

    def _known_fields(self, type_name: str) -> Mapping[str, str] | None:
        return self._client._field_table(type_name)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        idempotent: bool = True,
    ) -> Any:
        response = await self._client._transport.request(
            method,
            path,
            params=params,
            json=json,
            idempotent=idempotent,
            options=self._client._options,
        )
        return response.json() if response.content else None

    def _list(self, args: Mapping[str, Any] | None = None, /, **query: Any) -> AsyncPager[R]:
        params = self._query(**_query_args(args, query))

        async def first() -> Page[R]:
            return self._page(await self._send("GET", self.path, params=params))

        async def follow(url: str) -> Page[R]:
            return self._page(await self._send("GET", url))

        return AsyncPager(first, follow)

    async def _get(self, id: Any, args: Mapping[str, Any] | None = None, /, **query: Any) -> R:
        params = self._query(**_query_args(args, query))
        return self._one(await self._send("GET", self._member(id), params=params))

    async def _create(self, values: Mapping[str, Any]) -> R:
        return self._one(
            await self._send("POST", self.path, json=self._body(values), idempotent=False)
        )

    async def _update(self, id: Any, values: Mapping[str, Any]) -> R:
        return self._one(
            await self._send("PATCH", self._member(id), json=self._body(values, id=id))
        )

    async def _delete(self, id: Any) -> None:
        await self._send("DELETE", self._member(id))

    async def _action(
        self, suffix: str, id: Any = None, params: Mapping[str, str] | None = None
    ) -> Any:
        base = self._member(id) if id is not None else self.path
        doc = await self._send("POST", f"{base}/{suffix}", params=_action_params(params))
        return (
            self._one(doc) if isinstance(doc, dict) and isinstance(doc.get("data"), dict) else doc
        )


def _query_args(args: Mapping[str, Any] | None, query: Mapping[str, Any]) -> dict[str, Any]:
    """A generated ``list``/``get`` passes its ``locals()``: the query arguments, and self and id.
    (Resource templates copied from earlier sdkgen builds pass them by keyword instead.)"""
    given = {k: v for k, v in (args or {}).items() if k not in ("self", "id")}
    return {**given, **query}


def _action_params(params: Mapping[str, str] | None) -> dict[str, str] | None:
    """An action's ``action_params={"name": value}`` as the query's ``actionParams[name]=value``
    (a key already written ``actionParams[...]``, as older templates did, is kept as it is)."""
    if not params:
        return None
    return {
        k if k.startswith("actionParams[") else f"actionParams[{k}]": v for k, v in params.items()
    }


# The async operations classes reuse the sync methods themselves: a generated method only
# collects its arguments and calls ``self._get(...)`` & co., which on ``AsyncAPIResource``
# return coroutines (and ``_list`` an AsyncPager). ``awaitable`` wraps such a method in a real
# coroutine function (same name, docstring and signature); ``async_pager`` only retypes ``list``.


def awaitable(
    method: Callable[Concatenate[Any, P], T],
) -> Callable[Concatenate[Any, P], Awaitable[T]]:
    """The sync method ``method`` as a coroutine function (for ``AsyncAPIResource`` subclasses)."""

    @functools.wraps(method)
    async def call(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        result: Any = method(self, *args, **kwargs)
        return cast(T, await result)

    return call


def async_pager(
    method: Callable[Concatenate[Any, P], SyncPager[T]],
) -> Callable[Concatenate[Any, P], AsyncPager[T]]:
    """The sync ``list`` method, typed as returning an async-iterable pager (it does, on the async class)."""
    return method  # type: ignore[return-value]
