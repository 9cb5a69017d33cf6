"""Errors raised by the SDK: one class per HTTP status family, carrying JSON:API error objects."""

from __future__ import annotations

import builtins
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

__all__ = [
    "SDKError",
    "ApiError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnsupportedMediaTypeError",
    "UnprocessableEntityError",
    "RateLimitError",
    "ServerError",
    "ConnectionError",
    "TimeoutError",
    "ErrorObject",
    "ErrorSource",
]


class SDKError(Exception):
    """The base of every error this SDK raises."""


@dataclass(frozen=True)
class ErrorSource:
    pointer: str | None = None
    parameter: str | None = None


@dataclass(frozen=True)
class ErrorObject:
    """One JSON:API error object."""

    id: str | None = None
    status: str | None = None
    code: str | None = None
    title: str | None = None
    detail: str | None = None
    source: ErrorSource | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: Any) -> ErrorObject:
        if not isinstance(raw, dict):
            return cls(detail=str(raw))
        src = raw.get("source")
        source = None
        if isinstance(src, dict):
            source = ErrorSource(
                pointer=_str(src.get("pointer")), parameter=_str(src.get("parameter"))
            )
        meta = raw.get("meta")
        return cls(
            id=_str(raw.get("id")),
            status=_str(raw.get("status")),
            code=_str(raw.get("code")),
            title=_str(raw.get("title")),
            detail=_str(raw.get("detail")),
            source=source,
            meta=meta if isinstance(meta, dict) else {},
        )


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


class ApiError(SDKError):
    """The server answered with a non-2xx status."""

    status: int
    errors: list[ErrorObject]
    body: str
    response: httpx.Response

    def __init__(self, response: httpx.Response, errors: list[ErrorObject] | None = None) -> None:
        self.response = response
        self.status = response.status_code
        self.body = response.text
        self.errors = errors if errors is not None else parse_errors(self.body)
        super().__init__(self._message())

    def _message(self) -> str:
        parts = []
        for err in self.errors:
            text = ": ".join(p for p in (err.title, err.detail) if p)
            if err.source and err.source.pointer:
                text += f" (at {err.source.pointer})"
            if text:
                parts.append(text)
        reason = self.response.reason_phrase or ""
        head = f"{self.status} {reason}".strip()
        if parts:
            return f"{head}: " + "; ".join(parts)
        snippet = " ".join(self.body.split())[:200]
        return f"{head}: {snippet}" if snippet else head


class BadRequestError(ApiError):
    """400."""


class AuthenticationError(ApiError):
    """401."""


class PermissionDeniedError(ApiError):
    """403."""


class NotFoundError(ApiError):
    """404."""


class ConflictError(ApiError):
    """409."""


class UnsupportedMediaTypeError(ApiError):
    """415."""


class UnprocessableEntityError(ApiError):
    """422: the request was understood but the data is invalid."""


class RateLimitError(ApiError):
    """429: too many requests. ``reset_at`` says when the limit resets, when known."""

    def __init__(
        self,
        response: httpx.Response,
        errors: list[ErrorObject] | None = None,
        *,
        retry_after: float | None = None,
        reset_at: datetime | None = None,
    ) -> None:
        self.retry_after = retry_after
        self.reset_at = reset_at
        super().__init__(response, errors)


class ServerError(ApiError):
    """5xx."""


class ConnectionError(SDKError, builtins.ConnectionError):
    """The request could not reach the server (DNS, refused, reset...)."""


class TimeoutError(ConnectionError, builtins.TimeoutError):
    """The request timed out."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    415: UnsupportedMediaTypeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class(status: int) -> type[ApiError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return ServerError if status >= 500 else ApiError


def parse_errors(body: str) -> list[ErrorObject]:
    try:
        doc = json.loads(body) if body else None
    except ValueError:
        return []
    raw = doc.get("errors") if isinstance(doc, dict) else None
    return [ErrorObject.parse(e) for e in raw] if isinstance(raw, list) else []
