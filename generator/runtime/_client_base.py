"""The clients' shared machinery; the generated ``Client`` / ``AsyncClient`` add one accessor per resource."""

from __future__ import annotations

import copy
import importlib
import inspect
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

import httpx

from ._base_client import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    MAX_RETRY_WAIT,
    AsyncTokenProvider,
    AsyncTransport,
    BaseTransport,
    Options,
    RateLimit,
    SyncTransport,
    TokenProvider,
)
from ._jsonapi import Decoder, Resource
from ._types import NOT_GIVEN, NotGiven

C = TypeVar("C", bound="_ClientCommon")


class _ClientCommon:
    # Generated: JSON:API type -> (module under resources/, class name); the package's name and version.
    resource_types: ClassVar[dict[str, tuple[str, str]]] = {}
    default_base_url: ClassVar[str] = ""
    sdk_name: ClassVar[str] = ""
    sdk_version: ClassVar[str] = ""

    _transport: BaseTransport
    _options: Options

    def _setup(self) -> None:
        self._decoder = Decoder(self._model_for)
        self._cache: dict[str, Any] = {}

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    @property
    def rate_limit(self) -> RateLimit:
        """``X-RateLimit-Limit`` / ``-Remaining`` / ``-Reset`` of the last response."""
        return self._transport.rate_limit

    @property
    def timeout(self) -> float | httpx.Timeout | None:
        return self._options.timeout

    @property
    def max_retries(self) -> int:
        return self._options.max_retries

    def with_options(
        self: C,
        *,
        timeout: float | httpx.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int | None | NotGiven = NOT_GIVEN,
        max_retry_wait: float | None | NotGiven = NOT_GIVEN,
    ) -> C:
        """A client sharing this one's connection, with other per-call options.

        ``timeout=None`` removes the timeout; an option left out keeps this client's value.
        """
        other = copy.copy(self)
        other._options = _merge(
            self._options, timeout=timeout, max_retries=max_retries, max_retry_wait=max_retry_wait
        )
        other._cache = {}
        return other

    def _accessor(self, name: str, module: str, cls_name: str) -> Any:
        found = self._cache.get(name)
        if found is None:
            mod = importlib.import_module(f"{_package(type(self))}.resources.{module}")
            found = self._cache[name] = getattr(mod, cls_name)(self)
        return found

    def _model_for(self, type_name: str) -> type[Resource] | None:
        entry = self.resource_types.get(type_name)
        if entry is None:
            return None
        mod = importlib.import_module(f"{_package(type(self))}.resources.{entry[0]}")
        model: type[Resource] = getattr(mod, entry[1])
        return model

    def _field_table(self, type_name: str) -> Mapping[str, str] | None:
        model = self._model_for(type_name)
        if model is None:
            return None
        return {**model.attribute_names, **{k: v.wire for k, v in model.relationship_specs.items()}}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


def _merge(options: Options, **changes: Any) -> Options:
    from dataclasses import replace

    def given(name: str, value: Any) -> bool:
        # None removes the timeout; for the counts it means "keep", as it always has
        return not isinstance(value, NotGiven) and (value is not None or name == "timeout")

    return replace(options, **{k: v for k, v in changes.items() if given(k, v)})


def _package(cls: type) -> str:
    return cls.__module__.rsplit(".", 1)[0]


def _user_agent(cls: type[_ClientCommon]) -> str:
    return f"{cls.sdk_name}/{cls.sdk_version} httpx/{httpx.__version__}"


class SyncClientBase(_ClientCommon):
    def __init__(
        self,
        token: str | None = None,
        *,
        token_provider: TokenProvider | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_wait: float = MAX_RETRY_WAIT,
        http_client: httpx.Client | None = None,
    ) -> None:
        if token is not None and token_provider is not None:
            raise TypeError("give either token or token_provider, not both")
        if token_provider is not None and inspect.iscoroutinefunction(token_provider):
            raise TypeError("an async token_provider needs AsyncClient")
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError(
                f"http_client must be an httpx.Client, not {type(http_client).__name__}"
            )
        self._options = Options(
            timeout=timeout, max_retries=max_retries, max_retry_wait=max_retry_wait
        )
        self._transport: SyncTransport = SyncTransport(
            http_client=http_client,
            token_provider=token_provider,
            base_url=base_url or self.default_base_url,
            token=token,
            user_agent=_user_agent(type(self)),
            logger_name=_package(type(self)),
            options=self._options,
        )
        self._setup()

    def close(self) -> None:
        self._transport.close()

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClientBase(_ClientCommon):
    def __init__(
        self,
        token: str | None = None,
        *,
        token_provider: AsyncTokenProvider | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_wait: float = MAX_RETRY_WAIT,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        if token is not None and token_provider is not None:
            raise TypeError("give either token or token_provider, not both")
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(
                f"http_client must be an httpx.AsyncClient, not {type(http_client).__name__}"
            )
        self._options = Options(
            timeout=timeout, max_retries=max_retries, max_retry_wait=max_retry_wait
        )
        self._transport: AsyncTransport = AsyncTransport(
            http_client=http_client,
            token_provider=token_provider,
            base_url=base_url or self.default_base_url,
            token=token,
            user_agent=_user_agent(type(self)),
            logger_name=_package(type(self)),
            options=self._options,
        )
        self._setup()

    async def aclose(self) -> None:
        await self._transport.aclose()

    async def __aenter__(self: C) -> C:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
