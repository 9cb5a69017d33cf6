"""Transport: one request path for sync and async, with retries, rate limits, auth and logging.

Every rule (what is retried, how long to wait, what is raised) lives in :class:`Policy`, which
both :class:`SyncTransport` and :class:`AsyncTransport` consult, so the two cannot drift apart.
"""

from __future__ import annotations

import email.utils
import inspect
import logging
import random
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Union
from urllib.parse import urlsplit

import httpx

from . import errors

MEDIA_TYPE = "application/vnd.api+json"
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_RETRIES = 2
MAX_RETRY_WAIT = 60.0  # the longest single wait; a longer Retry-After raises instead
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
RETRY_STATUSES = frozenset({502, 503, 504})

TokenProvider = Callable[[], str]
AsyncTokenProvider = Callable[[], Union[str, Awaitable[str]]]
Params = Mapping[str, str]


class _Secret:
    """A token that never shows itself in a repr, a log record or a traceback's locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "'***'"

    __str__ = __repr__


@dataclass(frozen=True)
class RateLimit:
    """The rate-limit headers of the last response."""

    limit: int | None = None
    remaining: int | None = None
    reset: int | None = None  # epoch seconds

    @property
    def reset_at(self) -> datetime | None:
        return None if self.reset is None else datetime.fromtimestamp(self.reset, timezone.utc)


@dataclass(frozen=True)
class Options:
    timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    max_retry_wait: float = MAX_RETRY_WAIT


@dataclass(frozen=True)
class Decision:
    """What to do after an attempt: wait ``delay`` seconds and retry, or stop (``delay is None``)."""

    delay: float | None
    reason: str


class Policy:
    """The retry rules, shared by the sync and async transports (pure: no I/O, no sleeping)."""

    def __init__(
        self, clock: Callable[[], float] = time.time, rand: Callable[[], float] = random.random
    ) -> None:
        self.clock = clock
        self.rand = rand

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: between half and all of base * 2**attempt, capped."""
        full = min(BACKOFF_CAP, BACKOFF_BASE * (2.0**attempt))
        return full * (0.5 + self.rand() / 2)

    def server_wait(self, headers: httpx.Headers) -> float | None:
        """Seconds the server asks us to wait: Retry-After (seconds or HTTP date), else X-RateLimit-Reset."""
        value = headers.get("retry-after")
        if value:
            value = value.strip()
            try:
                return max(0.0, float(value))
            except ValueError:
                try:
                    when = email.utils.parsedate_to_datetime(value)
                except (TypeError, ValueError, IndexError):
                    when = None
                if when is not None:
                    if when.tzinfo is None:
                        when = when.replace(tzinfo=timezone.utc)
                    return max(0.0, float(when.timestamp()) - self.clock())
        reset = headers.get("x-ratelimit-reset")
        if reset:
            try:
                return max(0.0, float(reset) - self.clock())
            except ValueError:
                return None
        return None

    def after_response(
        self, response: httpx.Response, attempt: int, options: Options, idempotent: bool
    ) -> Decision:
        status = response.status_code
        if status == 429:
            wait = self.server_wait(response.headers)
            if attempt >= options.max_retries:
                return Decision(None, "429 and no retries left")
            if wait is None:
                wait = self.backoff(attempt)
            if wait > options.max_retry_wait:
                return Decision(
                    None,
                    f"429 asks for {wait:.0f}s, more than the {options.max_retry_wait:.0f}s ceiling",
                )
            return Decision(wait, "429 rate limited")
        if status in RETRY_STATUSES:
            if not idempotent:
                return Decision(None, f"{status} on a request that is not safe to repeat")
            if attempt >= options.max_retries:
                return Decision(None, f"{status} and no retries left")
            wait = self.server_wait(response.headers) if "retry-after" in response.headers else None
            if wait is None:
                wait = self.backoff(attempt)
            if wait > options.max_retry_wait:
                return Decision(None, f"{status} asks for {wait:.0f}s, more than the ceiling")
            return Decision(wait, f"{status} from the server")
        return Decision(None, f"{status} is not retried")

    def after_exception(
        self, exc: Exception, attempt: int, options: Options, idempotent: bool
    ) -> Decision:
        if not idempotent:
            return Decision(None, f"{type(exc).__name__} on a request that is not safe to repeat")
        if attempt >= options.max_retries:
            return Decision(None, f"{type(exc).__name__} and no retries left")
        return Decision(self.backoff(attempt), f"{type(exc).__name__}")

    def error(self, response: httpx.Response) -> errors.ApiError:
        cls = errors.error_class(response.status_code)
        safe = _redacted(response)
        if cls is errors.RateLimitError:
            wait = self.server_wait(response.headers)
            reset = response.headers.get("x-ratelimit-reset")
            reset_at = None
            if reset:
                try:
                    reset_at = datetime.fromtimestamp(float(reset), timezone.utc)
                except (ValueError, OverflowError, OSError):
                    reset_at = None
            if reset_at is None and wait is not None:
                reset_at = datetime.fromtimestamp(self.clock() + wait, timezone.utc)
            return errors.RateLimitError(safe, retry_after=wait, reset_at=reset_at)
        return cls(safe)


def _redact_request(request: httpx.Request) -> httpx.Request:
    """A copy of the request with the Authorization header hidden, for what travels with errors."""
    if "authorization" not in request.headers:
        return request
    headers = httpx.Headers(request.headers)
    headers["authorization"] = "***"
    try:
        content: bytes | None = request.content
    except httpx.RequestNotRead:
        content = None
    return httpx.Request(
        request.method, request.url, headers=headers, content=content, extensions=request.extensions
    )


def _redacted(response: httpx.Response) -> httpx.Response:
    """The response, with the Authorization header of its request hidden (it travels with errors)."""
    response.request = _redact_request(response.request)
    return response


def _wrap(exc: httpx.TransportError) -> errors.ConnectionError:
    """The SDK's error for a network failure; httpx's stays its cause, minus the token."""
    try:
        exc.request = _redact_request(exc.request)
    except RuntimeError:  # an httpx error raised without a request
        pass
    if isinstance(exc, httpx.TimeoutException):
        return errors.TimeoutError(f"the request timed out: {exc}")
    return errors.ConnectionError(f"could not reach the server: {exc}")


class BaseTransport:
    """What the sync and async transports share: configuration, request building, logging."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str | None,
        user_agent: str,
        logger_name: str,
        options: Options,
        policy: Policy | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = _Secret(token) if token is not None else None
        self.user_agent = user_agent
        self.log = logging.getLogger(logger_name)
        self.options = options
        self.policy = policy or Policy()
        self.rate_limit = RateLimit()
        self.closed = False

    @staticmethod
    def closed_error() -> RuntimeError:
        """The SDK's own httpx client is made on first use: building its TLS context takes tens of
        milliseconds, which a client that is created and never used (or only when a command runs)
        should not pay. Used after ``close()``, it fails as httpx's own client does."""
        return RuntimeError("Cannot send a request, as the client has been closed.")

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            if not _same_origin(path, self.base_url):
                raise errors.SDKError(f"refusing to follow a link to another server: {path}")
            return path
        return self.base_url + path

    def headers(self, token: str | None, has_body: bool) -> dict[str, str]:
        headers = {"Accept": MEDIA_TYPE, "User-Agent": self.user_agent}
        if has_body:
            headers["Content-Type"] = MEDIA_TYPE
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def timeout(self) -> httpx.Timeout:
        t = self.options.timeout
        return t if isinstance(t, httpx.Timeout) else httpx.Timeout(t)

    def record(self, method: str, url: str, response: httpx.Response, started: float) -> None:
        headers = response.headers
        limit, remaining, reset = (
            _int(headers.get("x-ratelimit-limit")),
            _int(headers.get("x-ratelimit-remaining")),
            _int(headers.get("x-ratelimit-reset")),
        )
        if limit is not None or remaining is not None or reset is not None:
            self.rate_limit = RateLimit(limit, remaining, reset)
        if self.log.isEnabledFor(logging.DEBUG):
            elapsed = (time.perf_counter() - started) * 1000
            self.log.debug("%s %s -> %s in %.0f ms", method, url, response.status_code, elapsed)

    def log_retry(
        self, method: str, url: str, decision: Decision, attempt: int, options: Options
    ) -> None:
        if decision.delay is None:
            self.log.debug("%s %s: not retrying (%s)", method, url, decision.reason)
        else:
            self.log.debug(
                "%s %s: retry %d of %d in %.2fs (%s)",
                method,
                url,
                attempt + 1,
                options.max_retries,
                decision.delay,
                decision.reason,
            )


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def _same_origin(url: str, base: str) -> bool:
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


class SyncTransport(BaseTransport):
    def __init__(
        self,
        *,
        http_client: httpx.Client | None,
        token_provider: TokenProvider | None,
        sleep: Callable[[float], None] = time.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._own_http = http_client is None
        self._http = http_client
        self._http_lock = threading.Lock()
        self._provider = token_provider
        self.sleep = sleep

    @property
    def http(self) -> httpx.Client:
        """The httpx client, made on first use (see ``BaseTransport.closed_error``)."""
        if self._http is None:
            with self._http_lock:  # two threads sending the first requests make one client
                if self._http is None:
                    if self.closed:
                        raise self.closed_error()
                    self._http = httpx.Client()
        return self._http

    def _current_token(self) -> str | None:
        if self._provider is not None:
            return self._provider()
        return self._token.get() if self._token else None

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        idempotent: bool = True,
        options: Options | None = None,
    ) -> httpx.Response:
        options = options or self.options
        url = self.url(path)
        attempt, refreshed = 0, False
        while True:
            request = self.http.build_request(
                method,
                url,
                params=params,
                json=json,
                headers=self.headers(self._current_token(), json is not None),
                timeout=(
                    options.timeout
                    if isinstance(options.timeout, httpx.Timeout)
                    else httpx.Timeout(options.timeout)
                ),
            )
            started = time.perf_counter()
            try:
                response = self.http.send(request)
            except httpx.TransportError as exc:
                decision = self.policy.after_exception(exc, attempt, options, idempotent)
                self.log_retry(method, url, decision, attempt, options)
                if decision.delay is None:
                    raise _wrap(exc) from exc
                self.sleep(decision.delay)
                attempt += 1
                continue
            response.read()
            self.record(method, str(request.url), response, started)
            if response.is_success:
                return response
            if response.status_code == 401 and self._provider is not None and not refreshed:
                refreshed = True
                self.log.debug("%s %s: 401, asking the token provider again", method, url)
                continue
            decision = self.policy.after_response(response, attempt, options, idempotent)
            self.log_retry(method, url, decision, attempt, options)
            if decision.delay is None:
                raise self.policy.error(response)
            self.sleep(decision.delay)
            attempt += 1

    def close(self) -> None:
        with self._http_lock:  # a request making the client now either finishes first or fails
            self.closed = True
        if self._own_http and self._http is not None:
            self._http.close()


class AsyncTransport(BaseTransport):
    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None,
        token_provider: AsyncTokenProvider | None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._own_http = http_client is None
        self._http = http_client
        self._provider = token_provider
        if sleep is None:
            import asyncio

            sleep = asyncio.sleep
        self.sleep = sleep

    @property
    def http(self) -> httpx.AsyncClient:
        """The httpx client, made on first use (see ``BaseTransport.closed_error``)."""
        if self._http is None:
            if self.closed:
                raise self.closed_error()
            self._http = httpx.AsyncClient()
        return self._http

    async def _current_token(self) -> str | None:
        if self._provider is not None:
            value = self._provider()
            if inspect.isawaitable(value):
                value = await value
            return value
        return self._token.get() if self._token else None

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        idempotent: bool = True,
        options: Options | None = None,
    ) -> httpx.Response:
        options = options or self.options
        url = self.url(path)
        attempt, refreshed = 0, False
        while True:
            request = self.http.build_request(
                method,
                url,
                params=params,
                json=json,
                headers=self.headers(await self._current_token(), json is not None),
                timeout=(
                    options.timeout
                    if isinstance(options.timeout, httpx.Timeout)
                    else httpx.Timeout(options.timeout)
                ),
            )
            started = time.perf_counter()
            try:
                response = await self.http.send(request)
            except httpx.TransportError as exc:
                decision = self.policy.after_exception(exc, attempt, options, idempotent)
                self.log_retry(method, url, decision, attempt, options)
                if decision.delay is None:
                    raise _wrap(exc) from exc
                await self.sleep(decision.delay)
                attempt += 1
                continue
            await response.aread()
            self.record(method, str(request.url), response, started)
            if response.is_success:
                return response
            if response.status_code == 401 and self._provider is not None and not refreshed:
                refreshed = True
                self.log.debug("%s %s: 401, asking the token provider again", method, url)
                continue
            decision = self.policy.after_response(response, attempt, options, idempotent)
            self.log_retry(method, url, decision, attempt, options)
            if decision.delay is None:
                raise self.policy.error(response)
            await self.sleep(decision.delay)
            attempt += 1

    async def aclose(self) -> None:
        self.closed = True
        if self._own_http and self._http is not None:
            await self._http.aclose()
