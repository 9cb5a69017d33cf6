"""Runtime rules of issue #3 against the golden SDK: auth, compound documents, pagination,
logging and secrets, the transport (user's httpx client, User-Agent)."""

from __future__ import annotations

import copy
import json
import logging
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import httpx
import pytest
import respx

import outreach_sdk as sdk
from outreach_sdk._base_client import Policy

from runtime_support import BASE, NOW, TOKEN, FakeTime, ft, mock  # noqa: F401 (fixtures)
SPEC = Path(__file__).resolve().parents[1] / "spec" / "outreach-sequences.openapi.json"



def make_client(ft: FakeTime, module: ModuleType = sdk, **kwargs: Any) -> Any:
    kwargs.setdefault("base_url", BASE)
    if "token_provider" not in kwargs:
        kwargs.setdefault("token", TOKEN)
    client = module.Client(**kwargs)
    client._transport.sleep = ft.sleep
    client._transport.policy = Policy(clock=ft.clock, rand=lambda: 1.0)
    return client


def seq(id: int, **attributes: Any) -> dict[str, Any]:
    return {"type": "sequence", "id": id, "attributes": {"name": f"seq {id}", **attributes}}


def one(id: int = 1) -> dict[str, Any]:
    return {"data": seq(id)}


def auth_of(request: httpx.Request) -> str | None:
    return request.headers.get("authorization")


# --- auth -----------------------------------------------------------------------------------------


def test_static_token_is_sent_as_bearer(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1").respond(200, json=one())
    make_client(ft).sequences.get(1)
    assert auth_of(route.calls.last.request) == f"Bearer {TOKEN}"


def test_token_provider_is_called_per_attempt(mock: respx.MockRouter, ft: FakeTime) -> None:
    tokens = iter(["t1", "t2", "t3", "t4"])
    route = mock.get("/sequences/1")
    route.side_effect = [httpx.Response(503), httpx.Response(502), httpx.Response(200, json=one())]
    client = make_client(ft, token_provider=lambda: next(tokens))
    client.sequences.get(1)
    assert [auth_of(c.request) for c in route.calls] == ["Bearer t1", "Bearer t2", "Bearer t3"]
    mock.get("/sequences/2").respond(200, json=one(2))
    client.sequences.get(2)  # a refreshed token is picked up by the next request at once
    assert auth_of(mock.calls.last.request) == "Bearer t4"


def test_401_with_provider_fetches_a_fresh_token_once_and_retries_once(mock: respx.MockRouter, ft: FakeTime) -> None:
    calls: list[str] = []

    def provider() -> str:
        calls.append("x")
        return f"t{len(calls)}"

    route = mock.get("/sequences/1")
    route.side_effect = [httpx.Response(401), httpx.Response(200, json=one())]
    assert make_client(ft, token_provider=provider).sequences.get(1).id == 1
    assert [auth_of(c.request) for c in route.calls] == ["Bearer t1", "Bearer t2"]
    assert ft.sleeps == []


def test_401_twice_with_provider_raises(mock: respx.MockRouter, ft: FakeTime) -> None:
    provider_calls: list[int] = []

    def provider() -> str:
        provider_calls.append(1)
        return "t"

    route = mock.get("/sequences/1").respond(401, json={"errors": [{"title": "Unauthorized"}]})
    with pytest.raises(sdk.errors.AuthenticationError):
        make_client(ft, token_provider=provider).sequences.get(1)
    assert route.call_count == 2 and len(provider_calls) == 2


def test_401_refresh_applies_to_create_too(mock: respx.MockRouter, ft: FakeTime) -> None:
    # the server refused the request before doing anything, so repeating it cannot duplicate a record
    route = mock.post("/sequences")
    route.side_effect = [httpx.Response(401), httpx.Response(201, json=one())]
    make_client(ft, token_provider=lambda: "t").sequences.create(name="x")
    assert route.call_count == 2


def test_401_with_static_token_is_not_retried(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1").respond(401)
    with pytest.raises(sdk.errors.AuthenticationError):
        make_client(ft).sequences.get(1)
    assert route.call_count == 1


def test_token_and_provider_are_exclusive() -> None:
    with pytest.raises(TypeError):
        sdk.Client(token="a", token_provider=lambda: "b", base_url=BASE)


def test_async_provider_or_async_http_client_on_sync_client_is_a_type_error() -> None:
    async def provider() -> str:
        return "t"

    with pytest.raises(TypeError, match="AsyncClient"):
        sdk.Client(token_provider=provider, base_url=BASE)
    with pytest.raises(TypeError, match="httpx.Client"):
        sdk.Client(token="t", http_client=httpx.AsyncClient(), base_url=BASE)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="httpx.AsyncClient"):
        sdk.AsyncClient(token="t", http_client=httpx.Client(), base_url=BASE)  # type: ignore[arg-type]


def test_base_url_defaults_to_the_spec_server() -> None:
    with sdk.Client(token="a") as client:
        assert client.base_url == "https://api.outreach.io/api/v2"


# --- compound documents ---------------------------------------------------------------------------


def compound() -> dict[str, Any]:
    return {
        "data": {
            "type": "sequence", "id": 1, "attributes": {"name": "Q4"},
            "relationships": {
                "owner": {"data": {"type": "user", "id": 5}},
                "creator": {"data": {"type": "user", "id": 6}},  # not included
                "updater": {"data": None},
                "sequenceSteps": {"data": [{"type": "sequenceStep", "id": 10},
                                           {"type": "sequenceStep", "id": 11},
                                           {"type": "sequenceStep", "id": 12}]},
                "mailings": {"links": {"related": f"{BASE}/mailings?filter[sequence][id]=1"}},
            },
        },
        "included": [
            {"type": "user", "id": 5, "attributes": {"email": "a@example.com", "firstName": "Ann"},
             "relationships": {"manager": {"data": {"type": "user", "id": 7}}}},
            {"type": "user", "id": 7, "attributes": {"email": "boss@example.com"}},
            {"type": "sequenceStep", "id": 12, "attributes": {"order": 3}},
            {"type": "sequenceStep", "id": 10, "attributes": {"order": 1}},
        ],
    }


def test_include_resolves_to_a_generic_resource_when_the_sdk_has_no_model(
    mock: respx.MockRouter, ft: FakeTime
) -> None:
    route = mock.get("/sequences/1").respond(200, json=compound())
    s = make_client(ft).sequences.get(1, include=["owner", "sequence_steps"])
    assert route.calls.last.request.url.params["include"] == "owner,sequenceSteps"
    owner = s.owner
    assert isinstance(owner, sdk.GenericResource)
    assert owner.attributes == {"email": "a@example.com", "firstName": "Ann"}
    assert owner["email"] == "a@example.com"
    assert (owner.id, owner.type) == (5, "user")
    assert owner.identifier == sdk.Identifier("user", 5)
    manager = owner.relationship("manager")  # included resources resolve their own relationships
    assert isinstance(manager, sdk.GenericResource) and manager["email"] == "boss@example.com"


def test_not_included_relationships_stay_identifiers(mock: respx.MockRouter, ft: FakeTime) -> None:
    mock.get("/sequences/1").respond(200, json=compound())
    s = make_client(ft).sequences.get(1, include=["owner"])
    assert s.creator == sdk.Identifier("user", 6)
    assert s.creator is not None and s.creator.id == 6 and s.creator.identifier == s.creator
    assert s.updater is None
    assert s.mailings.related == f"{BASE}/mailings?filter[sequence][id]=1"


def test_to_many_relationships_give_lists_in_order(mock: respx.MockRouter, ft: FakeTime) -> None:
    mock.get("/sequences/1").respond(200, json=compound())
    steps = make_client(ft).sequences.get(1, include=["sequence_steps"]).sequence_steps
    assert isinstance(steps, list) and len(steps) == 3
    assert [s.id for s in steps] == [10, 11, 12]
    assert isinstance(steps[0], sdk.GenericResource) and steps[0]["order"] == 1
    assert steps[1] == sdk.Identifier("sequenceStep", 11)  # not in `included`
    assert [s.identifier for s in steps] == [sdk.Identifier("sequenceStep", i) for i in (10, 11, 12)]


def test_include_resolution_on_list_pages_shares_the_included_index(mock: respx.MockRouter, ft: FakeTime) -> None:
    doc = {
        "data": [
            {**seq(1), "relationships": {"owner": {"data": {"type": "user", "id": 5}}}},
            {**seq(2), "relationships": {"owner": {"data": {"type": "user", "id": 5}}}},
        ],
        "included": [{"type": "user", "id": 5, "attributes": {"email": "a@example.com"}}],
    }
    mock.get("/sequences").respond(200, json=doc)
    first, second = make_client(ft).sequences.list(include=["owner"])
    assert isinstance(first.owner, sdk.GenericResource)
    assert first.owner is second.owner  # decoded once


def _two_resource_spec() -> dict[str, Any]:
    """The golden spec plus a tiny ``user`` resource, so that an included user has a model."""
    d = json.loads(SPEC.read_text("utf-8"))
    s = copy.deepcopy(d)
    schemas = s["components"]["schemas"]
    schemas["user"] = {
        "description": "A user.", "type": "object",
        "properties": {
            "email": {"description": "The email.", "type": "string", "nullable": True},
            "firstName": {"description": "The first name.", "type": "string", "nullable": True},
        },
    }
    schemas["userRelationships"] = {"type": "object", "properties": {}}
    schemas["userResponse"] = {"type": "object", "properties": {
        "attributes": {"$ref": "#/components/schemas/user"}, "id": {"type": "integer"},
        "relationships": {"$ref": "#/components/schemas/userRelationships"}, "type": {"type": "string"}}}
    get = json.loads(json.dumps(d["paths"]["/sequences/{id}"]["get"]).replace("sequenceResponse", "userResponse"))
    get["summary"], get["tags"] = "Get a User by ID", ["User"]
    s["paths"]["/users/{id}"] = {"get": get}
    return s


def test_include_is_typed_when_the_type_has_a_model(make_sdk: Callable[..., ModuleType], ft: FakeTime) -> None:
    mod = make_sdk(_two_resource_spec())
    with respx.mock(base_url=BASE) as mock:
        mock.get("/sequences/1").respond(200, json=compound())
        s = make_client(ft, module=mod).sequences.get(1, include=["owner"])
    users = __import__(f"{mod.__name__}.resources.users", fromlist=["User"])
    owner = s.owner
    assert type(owner) is users.User
    assert owner.email == "a@example.com" and owner.first_name == "Ann"
    assert owner.identifier == mod.Identifier("user", 5)
    # a type without a model in that SDK is still generic
    assert isinstance(s.sequence_steps[0], mod.GenericResource)


# --- pagination -----------------------------------------------------------------------------------


def page_doc(ids: list[int], next_url: str | None = None, count: int | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"data": [seq(i) for i in ids], "links": {"first": f"{BASE}/sequences"}}
    if next_url:
        doc["links"]["next"] = next_url
    if count is not None:
        doc["meta"] = {"count": count}
    return doc


def three_pages(mock: respx.MockRouter) -> tuple[respx.Route, respx.Route, respx.Route]:
    p3 = mock.get("/sequences", params={"page[after]": "b"}).respond(200, json=page_doc([5]))
    p2 = mock.get("/sequences", params={"page[after]": "a"}).respond(
        200, json=page_doc([3, 4], f"{BASE}/sequences?page%5Bafter%5D=b&page%5Bsize%5D=2"))
    p1 = mock.get("/sequences").respond(
        200, json=page_doc([1, 2], f"{BASE}/sequences?page%5Bafter%5D=a&page%5Bsize%5D=2", count=5))
    return p1, p2, p3


def test_list_is_lazy_and_fetches_the_next_page_only_when_reached(mock: respx.MockRouter, ft: FakeTime) -> None:
    p1, p2, p3 = three_pages(mock)
    pager = make_client(ft).sequences.list(page_size=2)
    assert mock.calls.call_count == 0  # nothing is requested before iteration
    it = iter(pager)
    assert next(it).id == 1
    assert (p1.call_count, p2.call_count) == (1, 0)
    assert next(it).id == 2
    assert p2.call_count == 0  # page 1 is not used up yet
    assert next(it).id == 3
    assert (p2.call_count, p3.call_count) == (1, 0)
    assert [s.id for s in it] == [4, 5]
    assert (p1.call_count, p2.call_count, p3.call_count) == (1, 1, 1)


def test_pages_carry_meta_and_links(mock: respx.MockRouter, ft: FakeTime) -> None:
    three_pages(mock)
    pages = list(make_client(ft).sequences.list(page_size=2, count=True).pages())
    assert [[s.id for s in p.items] for p in pages] == [[1, 2], [3, 4], [5]]
    assert pages[0].meta == {"count": 5} and pages[0].count == 5
    assert pages[0].links["next"].endswith("page%5Bafter%5D=a&page%5Bsize%5D=2")
    assert pages[0].links["first"] == f"{BASE}/sequences"
    assert pages[2].next_url is None
    assert all(isinstance(p, sdk.Page) for p in pages)


def test_count_false_unless_asked_and_total(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences").respond(200, json=page_doc([1], count=None))
    client = make_client(ft)
    pager = client.sequences.list()
    assert pager.total is None
    assert route.calls.last.request.url.params["count"] == "false"
    route.respond(200, json=page_doc([1], count=41))
    counted = client.sequences.list(count=True)
    assert counted.total == 41
    assert route.calls.last.request.url.params["count"] == "true"
    assert [s.id for s in counted] == [1]
    assert route.call_count == 2  # .total fetched the first page, iteration reused it


def test_page_size_becomes_page_size_param_and_query_is_sent_once(mock: respx.MockRouter, ft: FakeTime) -> None:
    p1, p2, p3 = three_pages(mock)
    list(make_client(ft).sequences.list(page_size=2, sort=["-created_at"]))
    first = p1.calls.last.request.url.params
    assert first["page[size]"] == "2" and first["sort"] == "-createdAt"
    # the next pages use links.next whole: nothing is added to it
    assert dict(p2.calls.last.request.url.params) == {"page[after]": "a", "page[size]": "2"}


def test_page_size_must_be_positive(ft: FakeTime) -> None:
    client = make_client(ft)
    for bad in (0, -1, True):
        with pytest.raises(ValueError):
            client.sequences.list(page_size=bad)


def test_next_link_to_another_server_is_refused(mock: respx.MockRouter, ft: FakeTime) -> None:
    mock.get("/sequences").respond(200, json=page_doc([1], "https://evil.example/steal"))
    with pytest.raises(sdk.errors.SDKError, match="another server"):
        list(make_client(ft).sequences.list())


def test_repeated_next_link_stops_instead_of_looping(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences").respond(200, json=page_doc([1], f"{BASE}/sequences"))
    items = list(make_client(ft).sequences.list())
    assert [s.id for s in items] == [1, 1] and route.call_count == 2


# --- logging and secrets --------------------------------------------------------------------------


def test_debug_log_has_method_url_status_elapsed_and_retries(
    mock: respx.MockRouter, ft: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    route = mock.get("/sequences/1")
    route.side_effect = [httpx.Response(503), httpx.Response(200, json=one())]
    with caplog.at_level(logging.DEBUG, logger="outreach_sdk"):
        make_client(ft).sequences.get(1)
    records = [r for r in caplog.records if r.name == "outreach_sdk"]
    messages = [r.getMessage() for r in records]
    assert any(m.startswith(f"GET {BASE}/sequences/1 -> 503 in ") and m.endswith(" ms") for m in messages)
    assert any(f"GET {BASE}/sequences/1 -> 200" in m for m in messages)
    assert any("retry 1 of 2 in 0.50s" in m and "503" in m for m in messages), messages
    assert all(r.levelno == logging.DEBUG for r in records)


def test_debug_log_says_why_it_does_not_retry(
    mock: respx.MockRouter, ft: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    mock.post("/sequences").respond(503)
    with caplog.at_level(logging.DEBUG, logger="outreach_sdk"), pytest.raises(sdk.errors.ServerError):
        make_client(ft).sequences.create(name="x")
    assert any("not retrying" in r.getMessage() and "not safe to repeat" in r.getMessage() for r in caplog.records)


def test_retry_log_counts_against_the_per_call_limit(
    mock: respx.MockRouter, ft: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    route = mock.get("/sequences/1")
    route.side_effect = [httpx.Response(503), httpx.Response(200, json=one())]
    with caplog.at_level(logging.DEBUG, logger="outreach_sdk"):
        make_client(ft).with_options(max_retries=5).sequences.get(1)
    assert any("retry 1 of 5" in r.getMessage() for r in caplog.records)


def _everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records)


def test_token_never_in_logs(mock: respx.MockRouter, ft: FakeTime, caplog: pytest.LogCaptureFixture) -> None:
    route = mock.get("/sequences/1")
    route.side_effect = [httpx.Response(401), httpx.Response(503), httpx.Response(200, json=one())]
    with caplog.at_level(logging.DEBUG):  # every logger, httpx and httpcore included
        make_client(ft, token_provider=lambda: TOKEN).sequences.get(1)
    text = _everything_logged(caplog)
    assert "outreach_sdk" in text
    assert TOKEN not in text


def test_token_never_in_reprs(ft: FakeTime) -> None:
    for client in (make_client(ft), make_client(ft).with_options(timeout=3),
                   make_client(ft, token_provider=lambda: TOKEN)):
        for text in (repr(client), str(client), repr(vars(client)), repr(client._transport),
                     repr(vars(client._transport)), repr(client._options)):
            assert TOKEN not in text


def _all_exception_text(exc: BaseException) -> str:
    parts = ["".join(traceback.format_exception(exc))]
    seen: BaseException | None = exc
    while seen is not None:
        parts += [repr(seen), str(seen), repr(vars(seen))]
        for attr in ("request", "response"):
            try:
                obj = getattr(seen, attr, None)
            except RuntimeError:  # httpx raises when an exception has no request
                obj = None
            if isinstance(obj, httpx.Response):
                obj = obj.request
            if isinstance(obj, httpx.Request):
                parts.append(repr(dict(obj.headers)))
                parts.append(repr(obj.headers.raw))
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


@pytest.mark.parametrize("status", [401, 403, 422, 429, 500])
def test_token_never_in_api_errors(mock: respx.MockRouter, ft: FakeTime, status: int) -> None:
    mock.get("/sequences/1").respond(status, json={"errors": [{"title": "No"}]})
    with pytest.raises(sdk.errors.ApiError) as info:
        make_client(ft, max_retries=0).sequences.get(1)
    text = _all_exception_text(info.value)
    assert TOKEN not in text
    assert info.value.response.request.url == f"{BASE}/sequences/1"  # the request is still there


@pytest.mark.parametrize("exc", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")])
def test_token_never_in_network_errors_or_their_causes(mock: respx.MockRouter, ft: FakeTime, exc: Exception) -> None:
    mock.get("/sequences/1").mock(side_effect=exc)
    with pytest.raises(sdk.errors.ConnectionError) as info:
        make_client(ft, max_retries=0).sequences.get(1)
    assert info.value.__cause__ is not None
    assert TOKEN not in _all_exception_text(info.value)


# --- transport ------------------------------------------------------------------------------------


def test_user_http_client_is_used_and_left_open(ft: FakeTime) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=one())

    http = httpx.Client(transport=httpx.MockTransport(handler), headers={"X-Proxy-Tag": "mine"})
    with make_client(ft, http_client=http) as client:
        client.sequences.get(1)
    assert len(seen) == 1 and seen[0].headers["x-proxy-tag"] == "mine"
    assert not http.is_closed  # the user's client is the user's to close
    http.close()


def test_own_http_client_is_closed(mock: respx.MockRouter, ft: FakeTime) -> None:
    mock.get("/sequences/1").respond(200, json=one())
    client = make_client(ft)
    client.sequences.get(1)
    client.close()
    assert client._transport.http.is_closed
    with pytest.raises(RuntimeError, match="client has been closed"):
        client.sequences.get(1)


def test_own_http_client_is_made_on_first_use_and_never_after_close(mock: respx.MockRouter, ft: FakeTime) -> None:
    mock.get("/sequences/1").respond(200, json=one())
    client = make_client(ft)
    assert client._transport._http is None  # creating a client builds no TLS context
    client.with_options(max_retries=0).sequences.get(1)
    assert client._transport._http is not None  # made once, shared with the with_options copy
    unused = make_client(ft)
    unused.close()
    assert unused._transport._http is None
    with pytest.raises(RuntimeError, match="client has been closed"):
        unused.sequences.get(1)


def test_headers_user_agent_and_media_type(mock: respx.MockRouter, ft: FakeTime) -> None:
    get = mock.get("/sequences/1").respond(200, json=one())
    post = mock.post("/sequences").respond(201, json=one())
    client = make_client(ft)
    client.sequences.get(1)
    client.sequences.create(name="x")
    ua = get.calls.last.request.headers["user-agent"]
    assert ua.startswith(f"outreach_sdk/{sdk.__version__} ")
    assert sdk.__version__ and sdk.__version__[0].isdigit()
    assert get.calls.last.request.headers["accept"] == "application/vnd.api+json"
    assert "content-type" not in get.calls.last.request.headers
    assert post.calls.last.request.headers["content-type"] == "application/vnd.api+json"
    assert json.loads(post.calls.last.request.content)["data"]["attributes"] == {"name": "x"}


def test_logger_is_named_after_the_package(ft: FakeTime) -> None:
    assert make_client(ft)._transport.log.name == "outreach_sdk"
