"""Async parity (issue #3): ``AsyncClient`` has every method of ``Client`` and follows the same rules.

Each test runs its coroutine with ``asyncio.run``; the clock and sleep are injected as in the sync tests.
"""

from __future__ import annotations

import asyncio
import email.utils
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timezone
from typing import Any, TypeVar

import httpx
import pytest
import respx

import outreach_sdk as sdk
from outreach_sdk._base_client import DEFAULT_TIMEOUT, Policy
from outreach_sdk.resources.sequences import AsyncSequences, Sequences

from runtime_support import BASE, NOW
from runtime_support import AsyncFakeTime as FakeTime
TOKEN = "tok-SECRET-async"
T = TypeVar("T")




def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def make_client(ft: FakeTime, **kwargs: Any) -> sdk.AsyncClient:
    kwargs.setdefault("base_url", BASE)
    if "token_provider" not in kwargs:
        kwargs.setdefault("token", TOKEN)
    client = sdk.AsyncClient(**kwargs)
    client._transport.sleep = ft.sleep
    client._transport.policy = Policy(clock=ft.clock, rand=lambda: 1.0)
    return client


def seq(id: int) -> dict[str, Any]:
    return {"type": "sequence", "id": id, "attributes": {"name": f"seq {id}"}}


def one(id: int = 1) -> dict[str, Any]:
    return {"data": seq(id)}


# --- the surface ----------------------------------------------------------------------------------


def _public(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_")}


def test_async_resource_has_every_method_with_the_same_signature() -> None:
    sync_names, async_names = _public(Sequences), _public(AsyncSequences)
    assert sync_names == async_names
    methods = {n for n in sync_names if inspect.isfunction(getattr(Sequences, n))}
    assert {"list", "get", "create", "update", "delete", "activate", "deactivate"} <= methods
    for name in methods:
        s, a = getattr(Sequences, name), getattr(AsyncSequences, name)
        assert inspect.signature(s).parameters.keys() == inspect.signature(a).parameters.keys(), name
        s_params = inspect.signature(s).parameters
        a_params = inspect.signature(a).parameters
        assert [(p.kind, p.default) for p in s_params.values()] == [
            (p.kind, p.default) for p in a_params.values()
        ], name
        # list returns an async iterable without await; everything else is awaited
        assert inspect.iscoroutinefunction(a) == (name != "list"), name


def test_async_client_has_every_client_attribute() -> None:
    sync_names = _public(sdk.Client) - {"close"}
    async_names = _public(sdk.AsyncClient) - {"aclose"}
    assert sync_names == async_names
    assert "with_options" in async_names and "rate_limit" in async_names
    assert inspect.iscoroutinefunction(sdk.AsyncClient.aclose)
    assert inspect.signature(sdk.Client.__init__).parameters.keys() == inspect.signature(
        sdk.AsyncClient.__init__
    ).parameters.keys()


def test_both_transports_use_one_policy_class() -> None:
    sync, asy = sdk.Client(token="a"), sdk.AsyncClient(token="a")
    assert type(sync._transport.policy) is type(asy._transport.policy) is Policy
    assert type(sync._transport).__mro__[1] is type(asy._transport).__mro__[1]  # BaseTransport


# --- the rules, async -----------------------------------------------------------------------------


def test_async_operations_round_trip() -> None:
    ft = FakeTime()

    async def main() -> None:
        with respx.mock(base_url=BASE) as mock:
            mock.get("/sequences/1").respond(200, json=one())
            create = mock.post("/sequences").respond(201, json=one(2))
            mock.patch("/sequences/1").respond(200, json=one())
            mock.delete("/sequences/1").respond(204)
            mock.post("/sequences/1/actions/activate").respond(200, json=one())
            mock.post("/sequences/1/actions/deactivate").respond(200, json=one())
            async with make_client(ft) as client:
                assert (await client.sequences.get(1)).id == 1
                assert (await client.sequences.create(name="x", owner=5)).id == 2
                assert (await client.sequences.update(1, name=None)).id == 1
                assert await client.sequences.delete(1) is None
                assert (await client.sequences.activate(1)).id == 1
                assert (await client.sequences.deactivate(1)).id == 1
            body = create.calls.last.request.content
            assert b'"owner":{"data":{"type":"user","id":5}}' in body.replace(b" ", b"")

    run(main())


def test_async_429_waits_retry_after_for_create() -> None:
    ft = FakeTime()

    async def main() -> None:
        with respx.mock(base_url=BASE) as mock:
            route = mock.post("/sequences")
            route.side_effect = [
                httpx.Response(429, headers={"Retry-After": email.utils.formatdate(NOW + 20, usegmt=True)}),
                httpx.Response(429, headers={"X-RateLimit-Reset": str(int(NOW) + 20 + 4)}),
                httpx.Response(201, json=one()),
            ]
            await make_client(ft).sequences.create(name="x")
            assert route.call_count == 3

    run(main())
    assert ft.sleeps == [20.0, 4.0]


def test_async_429_ceiling_raises_with_reset_time() -> None:
    ft = FakeTime()

    async def main() -> None:
        with respx.mock(base_url=BASE) as mock:
            mock.get("/sequences/1").respond(429, headers={"X-RateLimit-Reset": str(int(NOW) + 3000)})
            with pytest.raises(sdk.errors.RateLimitError) as info:
                await make_client(ft).sequences.get(1)
            assert info.value.reset_at == datetime.fromtimestamp(int(NOW) + 3000, timezone.utc)

    run(main())
    assert ft.sleeps == []


def test_async_gateway_errors_retried_except_create() -> None:
    ft = FakeTime()

    async def main() -> None:
        with respx.mock(base_url=BASE) as mock:
            get = mock.get("/sequences/1")
            get.side_effect = [httpx.Response(502), httpx.Response(504), httpx.Response(200, json=one())]
            post = mock.post("/sequences").respond(503)
            client = make_client(ft)
            await client.sequences.get(1)
            with pytest.raises(sdk.errors.ServerError):
                await client.sequences.create(name="x")
            assert (get.call_count, post.call_count) == (3, 1)
            get.side_effect = None
            get.respond(503)
            with pytest.raises(sdk.errors.ServerError):
                await client.with_options(max_retries=0).sequences.get(1)
            assert get.call_count == 4

    run(main())
    assert ft.sleeps == [0.5, 1.0]


def test_async_errors_are_typed_and_network_errors_wrapped() -> None:
    ft = FakeTime()

    async def main() -> None:
        with respx.mock(base_url=BASE) as mock:
            mock.get("/sequences/1").respond(
                422, json={"errors": [{"title": "Invalid", "detail": "bad", "source": {"pointer": "/data"}}]})
            mock.get("/sequences/2").respond(502, text="<html>bad gateway</html>")
            mock.get("/sequences/3").mock(side_effect=httpx.ConnectTimeout("slow"))
            client = make_client(ft, max_retries=0)
            with pytest.raises(sdk.errors.UnprocessableEntityError) as e1:
                await client.sequences.get(1)
            assert e1.value.errors[0].source is not None and e1.value.errors[0].source.pointer == "/data"
            assert "Invalid: bad" in str(e1.value)
            with pytest.raises(sdk.errors.ServerError) as e2:
                await client.sequences.get(2)
            assert e2.value.body == "<html>bad gateway</html>" and e2.value.errors == []
            with pytest.raises(sdk.errors.TimeoutError) as e3:
                await client.sequences.get(3)
            assert isinstance(e3.value.__cause__, httpx.ConnectTimeout)
            for err in (e1.value, e2.value, e3.value):
                assert TOKEN not in repr(err.__cause__ and vars(err.__cause__))
            assert TOKEN not in repr(dict(e1.value.response.request.headers))
            assert TOKEN not in repr(dict(e3.value.__cause__.request.headers))  # type: ignore[union-attr]

    run(main())


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_async_token_provider_called_per_attempt_and_401_refresh(kind: str) -> None:
    ft = FakeTime()
    issued: list[str] = []

    def sync_provider() -> str:
        issued.append(f"t{len(issued) + 1}")
        return issued[-1]

    async def async_provider() -> str:
        await asyncio.sleep(0)
        return sync_provider()

    provider: Callable[[], str | Awaitable[str]] = sync_provider if kind == "sync" else async_provider

    async def main() -> None:
        with respx.mock(base_url=BASE) as mock:
            route = mock.get("/sequences/1")
            route.side_effect = [httpx.Response(401), httpx.Response(503), httpx.Response(200, json=one())]
            await make_client(ft, token_provider=provider).sequences.get(1)
            auths = [c.request.headers["authorization"] for c in route.calls]
            assert auths == ["Bearer t1", "Bearer t2", "Bearer t3"]
            route.side_effect = None
            route.respond(401)
            with pytest.raises(sdk.errors.AuthenticationError):
                await make_client(ft, token_provider=provider).sequences.get(1)
            assert route.call_count == 5  # one fresh token, one retry, then the error

    run(main())


def test_async_list_is_lazy_with_pages_and_total() -> None:
    ft = FakeTime()

    async def main() -> None:
        with respx.mock(base_url=BASE) as mock:
            p2 = mock.get("/sequences", params={"page[after]": "a"}).respond(
                200, json={"data": [seq(3)], "links": {}, "meta": {"count": 3}})
            p1 = mock.get("/sequences").respond(
                200, json={"data": [seq(1), seq(2)], "links": {"next": f"{BASE}/sequences?page%5Bafter%5D=a"},
                           "meta": {"count": 3}})
            client = make_client(ft)
            pager = client.sequences.list(page_size=2, count=True)  # not awaited
            assert mock.calls.call_count == 0 and pager.total is None
            it = pager.__aiter__()
            assert (await it.__anext__()).id == 1
            assert (await it.__anext__()).id == 2
            assert (p1.call_count, p2.call_count) == (1, 0)
            assert (await it.__anext__()).id == 3
            assert p2.call_count == 1
            assert pager.total == 3 and await pager.get_total() == 3
            params = p1.calls.last.request.url.params
            assert (params["page[size]"], params["count"]) == ("2", "true")
            pages = [p async for p in client.sequences.list().pages()]
            assert [[s.id for s in p.items] for p in pages] == [[1, 2], [3]]
            assert pages[0].meta == {"count": 3} and pages[1].next_url is None
            assert p1.calls.last.request.url.params["count"] == "false"

    run(main())


def test_async_include_and_identifiers() -> None:
    ft = FakeTime()
    doc = {
        "data": {**seq(1), "relationships": {
            "owner": {"data": {"type": "user", "id": 5}},
            "sequenceSteps": {"data": [{"type": "sequenceStep", "id": 8}, {"type": "sequenceStep", "id": 9}]}}},
        "included": [{"type": "user", "id": 5, "attributes": {"email": "a@example.com"}}],
    }

    async def main() -> None:
        with respx.mock(base_url=BASE) as mock:
            mock.get("/sequences/1").respond(200, json=doc)
            s = await make_client(ft).sequences.get(1, include=["owner"])
            assert isinstance(s.owner, sdk.GenericResource) and s.owner["email"] == "a@example.com"
            assert s.owner.identifier == sdk.Identifier("user", 5)
            assert s.sequence_steps == [sdk.Identifier("sequenceStep", 8), sdk.Identifier("sequenceStep", 9)]

    run(main())


def test_async_timeouts_rate_limit_logging_and_user_agent(caplog: pytest.LogCaptureFixture) -> None:
    ft = FakeTime()

    async def main() -> None:
        with respx.mock(base_url=BASE) as mock:
            route = mock.get("/sequences/1").respond(
                200, json=one(), headers={"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "7",
                                          "X-RateLimit-Reset": "1700000100"})
            client = make_client(ft, timeout=4.0)
            await client.sequences.get(1)
            assert route.calls.last.request.extensions["timeout"]["read"] == 4.0
            await client.with_options(timeout=9.0).sequences.get(1)
            assert route.calls.last.request.extensions["timeout"]["read"] == 9.0
            assert client.rate_limit == sdk.RateLimit(100, 7, 1700000100)
            ua = route.calls.last.request.headers["user-agent"]
            assert ua.startswith(f"outreach_sdk/{sdk.__version__}")
            assert make_client(ft).timeout == DEFAULT_TIMEOUT

    with caplog.at_level(logging.DEBUG):
        run(main())
    assert any(r.name == "outreach_sdk" and "GET" in r.getMessage() and "-> 200" in r.getMessage()
               for r in caplog.records)
    assert all(TOKEN not in r.getMessage() and TOKEN not in repr(r.args) for r in caplog.records)


def test_async_user_http_client_is_used() -> None:
    ft = FakeTime()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=one())

    async def main() -> None:
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler), headers={"X-Mine": "1"})
        async with make_client(ft, http_client=http) as client:
            await client.sequences.get(1)
        assert not http.is_closed
        await http.aclose()

    run(main())
    assert len(seen) == 1 and seen[0].headers["x-mine"] == "1"
