"""Runtime rules of issue #3 against the golden SDK: typed errors, retries, rate limits, timeouts.

Every test drives ``outreach_sdk.Client`` through respx. The clock and sleep are injected
(``client._transport.policy`` / ``client._transport.sleep``), so waits computed from headers are
asserted without sleeping.
"""

from __future__ import annotations

import builtins
import email.utils
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
import respx

import outreach_sdk as sdk
from outreach_sdk._base_client import BACKOFF_CAP, DEFAULT_TIMEOUT, Policy

from runtime_support import BASE, NOW, TOKEN, FakeTime, ft, mock  # noqa: F401 (fixtures)



def make_client(ft: FakeTime, rand: float = 1.0, **kwargs: Any) -> sdk.Client:
    kwargs.setdefault("base_url", BASE)
    if "token_provider" not in kwargs:
        kwargs.setdefault("token", TOKEN)
    client = sdk.Client(**kwargs)
    client._transport.sleep = ft.sleep
    client._transport.policy = Policy(clock=ft.clock, rand=lambda: rand)
    return client


def seq(id: int, **attributes: Any) -> dict[str, Any]:
    return {"type": "sequence", "id": id, "attributes": {"name": f"seq {id}", **attributes}}


def one(id: int = 1) -> dict[str, Any]:
    return {"data": seq(id)}


def error_doc(**fields: Any) -> dict[str, Any]:
    return {"errors": [fields]}


# --- the operations, so that rules can be checked for each of them -------------------------------

OPS: dict[str, tuple[str, str, int, Callable[[sdk.Client], Any]]] = {
    # name: (method, path, success status, call)
    "list": ("GET", "/sequences", 200, lambda c: list(c.sequences.list())),
    "get": ("GET", "/sequences/1", 200, lambda c: c.sequences.get(1)),
    "create": ("POST", "/sequences", 201, lambda c: c.sequences.create(name="x")),
    "update": ("PATCH", "/sequences/1", 200, lambda c: c.sequences.update(1, name="y")),
    "delete": ("DELETE", "/sequences/1", 204, lambda c: c.sequences.delete(1)),
    "activate": ("POST", "/sequences/1/actions/activate", 200, lambda c: c.sequences.activate(1)),
    "deactivate": ("POST", "/sequences/1/actions/deactivate", 200, lambda c: c.sequences.deactivate(1)),
}


def ok_response(name: str) -> httpx.Response:
    method, path, status, _ = OPS[name]
    if status == 204:
        return httpx.Response(204)
    if name == "list":
        return httpx.Response(200, json={"data": [seq(1)], "links": {}})
    return httpx.Response(status, json=one())


# --- typed errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status,cls",
    [
        (400, sdk.errors.BadRequestError),
        (401, sdk.errors.AuthenticationError),
        (403, sdk.errors.PermissionDeniedError),
        (404, sdk.errors.NotFoundError),
        (409, sdk.errors.ConflictError),
        (415, sdk.errors.UnsupportedMediaTypeError),
        (422, sdk.errors.UnprocessableEntityError),
        (429, sdk.errors.RateLimitError),
        (500, sdk.errors.ServerError),
        (503, sdk.errors.ServerError),
        (418, sdk.errors.ApiError),
    ],
)
def test_each_status_raises_its_class_with_status_errors_body_response(
    mock: respx.MockRouter, ft: FakeTime, status: int, cls: type[sdk.errors.ApiError]
) -> None:
    doc = error_doc(id="validationError", title="Validation Error", detail="Name can't be blank",
                    code="blank", source={"pointer": "/data/attributes/name"})
    mock.get("/sequences/1").respond(status, json=doc)
    client = make_client(ft, max_retries=0)
    with pytest.raises(sdk.errors.ApiError) as info:
        client.sequences.get(1)
    err = info.value
    assert type(err) is cls
    assert isinstance(err, sdk.errors.SDKError)
    assert err.status == status
    assert err.response.status_code == status
    assert '"Validation Error"' in err.body
    [obj] = err.errors
    assert (obj.id, obj.title, obj.detail, obj.code) == (
        "validationError", "Validation Error", "Name can't be blank", "blank")
    assert obj.source is not None and obj.source.pointer == "/data/attributes/name"
    assert "Validation Error" in str(err) and "Name can't be blank" in str(err)
    assert str(status) in str(err)


def test_error_objects_are_typed_including_source_parameter(mock: respx.MockRouter, ft: FakeTime) -> None:
    mock.get("/sequences").respond(400, json={"errors": [
        {"id": "badFilter", "title": "Bad filter", "detail": "Unknown field",
         "source": {"parameter": "filter[nope]"}},
        {"title": "Second", "status": "400"},
    ]})
    with pytest.raises(sdk.errors.BadRequestError) as info:
        list(make_client(ft).sequences.list())
    first, second = info.value.errors
    assert isinstance(first, sdk.errors.ErrorObject)
    assert first.source == sdk.errors.ErrorSource(pointer=None, parameter="filter[nope]")
    assert second.title == "Second" and second.detail is None and second.source is None
    assert "Bad filter: Unknown field" in str(info.value) and "Second" in str(info.value)


def test_html_502_gives_server_error_with_raw_text(mock: respx.MockRouter, ft: FakeTime) -> None:
    html = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    mock.get("/sequences/1").respond(502, text=html, headers={"Content-Type": "text/html"})
    with pytest.raises(sdk.errors.ServerError) as info:
        make_client(ft, max_retries=0).sequences.get(1)
    assert info.value.status == 502
    assert info.value.errors == []
    assert info.value.body == html
    assert "502" in str(info.value)


def test_empty_500_gives_server_error(mock: respx.MockRouter, ft: FakeTime) -> None:
    mock.get("/sequences/1").respond(500, content=b"")
    with pytest.raises(sdk.errors.ServerError) as info:
        make_client(ft).sequences.get(1)
    assert (info.value.status, info.value.body, info.value.errors) == (500, "", [])
    assert str(info.value).startswith("500")


@pytest.mark.parametrize("body", ['{"message": "nope"}', '["a", "b"]', '{"errors": "oops"}', "null", "{bad json"])
def test_json_that_is_not_jsonapi_errors_still_gives_the_class(
    mock: respx.MockRouter, ft: FakeTime, body: str
) -> None:
    mock.get("/sequences/1").respond(404, text=body)
    with pytest.raises(sdk.errors.NotFoundError) as info:
        make_client(ft).sequences.get(1)
    assert info.value.errors == [] and info.value.body == body


def test_connection_error_wraps_httpx(mock: respx.MockRouter, ft: FakeTime) -> None:
    mock.get("/sequences/1").mock(side_effect=httpx.ConnectError("connection refused"))
    with pytest.raises(sdk.errors.ConnectionError) as info:
        make_client(ft).sequences.get(1)
    assert not isinstance(info.value, sdk.errors.TimeoutError)
    assert isinstance(info.value, builtins.ConnectionError)
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert "connection refused" in str(info.value)


def test_timeout_error_wraps_httpx(mock: respx.MockRouter, ft: FakeTime) -> None:
    mock.get("/sequences/1").mock(side_effect=httpx.ReadTimeout("read timed out"))
    with pytest.raises(sdk.errors.TimeoutError) as info:
        make_client(ft).sequences.get(1)
    assert isinstance(info.value, builtins.TimeoutError)
    assert isinstance(info.value, sdk.errors.SDKError)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


# --- retries --------------------------------------------------------------------------------------


def test_default_max_retries_is_two_so_three_attempts(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1").respond(503)
    client = make_client(ft)
    assert client.max_retries == 2
    with pytest.raises(sdk.errors.ServerError):
        client.sequences.get(1)
    assert route.call_count == 3
    assert len(ft.sleeps) == 2


def test_retry_then_success(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1")
    route.side_effect = [httpx.Response(503), httpx.Response(504), httpx.Response(200, json=one(1))]
    assert make_client(ft).sequences.get(1).id == 1
    assert route.call_count == 3


def test_backoff_is_exponential_and_jittered() -> None:
    top = Policy(rand=lambda: 1.0)
    low = Policy(rand=lambda: 0.0)
    assert [top.backoff(a) for a in range(4)] == [0.5, 1.0, 2.0, 4.0]
    # jitter: the wait is drawn between half and all of the exponential value
    assert [low.backoff(a) for a in range(4)] == [0.25, 0.5, 1.0, 2.0]
    mid = Policy(rand=lambda: 0.5)
    assert mid.backoff(2) == 1.5


def test_backoff_is_capped(mock: respx.MockRouter, ft: FakeTime) -> None:
    mock.get("/sequences/1").respond(503)
    with pytest.raises(sdk.errors.ServerError):
        make_client(ft, max_retries=7).sequences.get(1)
    assert ft.sleeps == [0.5, 1.0, 2.0, 4.0, BACKOFF_CAP, BACKOFF_CAP, BACKOFF_CAP]
    assert Policy(rand=lambda: 1.0).backoff(60) == BACKOFF_CAP  # no overflow for large attempts


def test_real_jitter_varies() -> None:
    waits = {Policy().backoff(3) for _ in range(50)}
    assert len(waits) > 1 and all(2.0 <= w <= 4.0 for w in waits)


@pytest.mark.parametrize("name", list(OPS))
def test_429_is_retried_for_every_operation_waiting_retry_after_seconds(
    mock: respx.MockRouter, ft: FakeTime, name: str
) -> None:
    method, path, _, call = OPS[name]
    route = mock.request(method, path)
    route.side_effect = [httpx.Response(429, headers={"Retry-After": "3"}), ok_response(name)]
    call(make_client(ft))
    assert route.call_count == 2
    assert ft.sleeps == [3.0]


def test_429_retry_after_http_date(mock: respx.MockRouter, ft: FakeTime) -> None:
    when = email.utils.formatdate(NOW + 30, usegmt=True)
    route = mock.get("/sequences/1")
    route.side_effect = [httpx.Response(429, headers={"Retry-After": when}), httpx.Response(200, json=one())]
    make_client(ft).sequences.get(1)
    assert ft.sleeps == [30.0]


def test_429_retry_after_date_in_the_past_retries_at_once(mock: respx.MockRouter, ft: FakeTime) -> None:
    when = email.utils.formatdate(NOW - 100, usegmt=True)
    route = mock.get("/sequences/1")
    route.side_effect = [httpx.Response(429, headers={"Retry-After": when}), httpx.Response(200, json=one())]
    make_client(ft).sequences.get(1)
    assert ft.sleeps == [0.0]


def test_429_falls_back_to_x_ratelimit_reset(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1")
    route.side_effect = [
        httpx.Response(429, headers={"X-RateLimit-Reset": str(int(NOW) + 12)}),
        httpx.Response(200, json=one()),
    ]
    make_client(ft).sequences.get(1)
    assert ft.sleeps == [12.0]


def test_429_retry_after_wins_over_reset(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1")
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "2", "X-RateLimit-Reset": str(int(NOW) + 40)}),
        httpx.Response(200, json=one()),
    ]
    make_client(ft).sequences.get(1)
    assert ft.sleeps == [2.0]


def test_429_without_headers_backs_off(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1")
    route.side_effect = [httpx.Response(429), httpx.Response(429), httpx.Response(200, json=one())]
    make_client(ft).sequences.get(1)
    assert ft.sleeps == [0.5, 1.0]


def test_429_past_the_ceiling_raises_with_reset_time_instead_of_sleeping(
    mock: respx.MockRouter, ft: FakeTime
) -> None:
    reset = int(NOW) + 3600
    route = mock.post("/sequences").respond(
        429, headers={"Retry-After": "3600", "X-RateLimit-Reset": str(reset)},
        json=error_doc(id="rateLimitExceeded", title="Rate Limit Exceeded"),
    )
    with pytest.raises(sdk.errors.RateLimitError) as info:
        make_client(ft).sequences.create(name="x")
    assert route.call_count == 1
    assert ft.sleeps == []
    assert info.value.retry_after == 3600.0
    assert info.value.reset_at == datetime.fromtimestamp(reset, timezone.utc)
    assert "Rate Limit Exceeded" in str(info.value)


def test_429_ceiling_without_reset_header_computes_reset_from_retry_after(
    mock: respx.MockRouter, ft: FakeTime
) -> None:
    mock.get("/sequences/1").respond(429, headers={"Retry-After": "7200"})
    with pytest.raises(sdk.errors.RateLimitError) as info:
        make_client(ft).sequences.get(1)
    assert ft.sleeps == []
    assert info.value.reset_at == datetime.fromtimestamp(NOW + 7200, timezone.utc)


def test_ceiling_is_configurable(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1").respond(429, headers={"Retry-After": "10"})
    with pytest.raises(sdk.errors.RateLimitError):
        make_client(ft, max_retry_wait=5).sequences.get(1)
    assert route.call_count == 1 and ft.sleeps == []


def test_429_when_retries_run_out_raises_rate_limit_error(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1").respond(429, headers={"Retry-After": "1"})
    with pytest.raises(sdk.errors.RateLimitError) as info:
        make_client(ft).sequences.get(1)
    assert route.call_count == 3 and ft.sleeps == [1.0, 1.0]
    assert info.value.retry_after == 1.0


@pytest.mark.parametrize("status", [502, 503, 504])
@pytest.mark.parametrize("name", [n for n in OPS if n != "create"])
def test_gateway_errors_are_retried_except_for_create(
    mock: respx.MockRouter, ft: FakeTime, status: int, name: str
) -> None:
    method, path, _, call = OPS[name]
    route = mock.request(method, path)
    route.side_effect = [httpx.Response(status), ok_response(name)]
    call(make_client(ft))
    assert route.call_count == 2 and ft.sleeps == [0.5]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_create_is_not_retried_on_gateway_errors(mock: respx.MockRouter, ft: FakeTime, status: int) -> None:
    route = mock.post("/sequences").respond(status)
    with pytest.raises(sdk.errors.ServerError):
        make_client(ft).sequences.create(name="x")
    assert route.call_count == 1 and ft.sleeps == []


def test_create_is_not_retried_on_connection_errors(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.post("/sequences").mock(side_effect=httpx.ReadError("reset by peer"))
    with pytest.raises(sdk.errors.ConnectionError):
        make_client(ft).sequences.create(name="x")
    assert route.call_count == 1 and ft.sleeps == []


@pytest.mark.parametrize("exc", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")])
@pytest.mark.parametrize("name", [n for n in OPS if n != "create"])
def test_connection_errors_are_retried(
    mock: respx.MockRouter, ft: FakeTime, exc: Exception, name: str
) -> None:
    method, path, _, call = OPS[name]
    route = mock.request(method, path)
    route.side_effect = [exc, ok_response(name)]
    call(make_client(ft))
    assert route.call_count == 2


def test_connection_errors_exhaust_retries(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(sdk.errors.ConnectionError):
        make_client(ft).sequences.get(1)
    assert route.call_count == 3 and ft.sleeps == [0.5, 1.0]


def test_503_retry_after_is_honoured(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1")
    route.side_effect = [httpx.Response(503, headers={"Retry-After": "7"}), httpx.Response(200, json=one())]
    make_client(ft).sequences.get(1)
    assert ft.sleeps == [7.0]


@pytest.mark.parametrize("status", [400, 403, 404, 409, 422, 500, 501])
def test_other_statuses_are_not_retried(mock: respx.MockRouter, ft: FakeTime, status: int) -> None:
    route = mock.get("/sequences/1").respond(status)
    with pytest.raises(sdk.errors.ApiError):
        make_client(ft).sequences.get(1)
    assert route.call_count == 1 and ft.sleeps == []


def test_with_options_overrides_retries_per_call(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1").respond(503)
    client = make_client(ft)
    once = client.with_options(max_retries=0)
    assert once.max_retries == 0 and client.max_retries == 2
    with pytest.raises(sdk.errors.ServerError):
        once.sequences.get(1)
    assert route.call_count == 1
    with pytest.raises(sdk.errors.ServerError):
        client.sequences.get(1)  # the original client is unchanged
    assert route.call_count == 4


def test_max_retries_per_client(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1").respond(503)
    with pytest.raises(sdk.errors.ServerError):
        make_client(ft, max_retries=5).sequences.get(1)
    assert route.call_count == 6


def test_retry_on_list_next_page(mock: respx.MockRouter, ft: FakeTime) -> None:
    second = mock.get("/sequences", params={"page[after]": "a"})  # routes match in order: specific first
    second.side_effect = [httpx.Response(503), httpx.Response(200, json={"data": [seq(2)], "links": {}})]
    mock.get("/sequences").respond(200, json={"data": [seq(1)], "links": {"next": f"{BASE}/sequences?page[after]=a"}})
    assert [s.id for s in make_client(ft).sequences.list()] == [1, 2]
    assert second.call_count == 2


# --- rate-limit state -----------------------------------------------------------------------------


def test_rate_limit_state_is_readable_from_the_client(mock: respx.MockRouter, ft: FakeTime) -> None:
    reset = int(NOW) + 1800
    headers = {"X-RateLimit-Limit": "10000", "X-RateLimit-Remaining": "9998", "X-RateLimit-Reset": str(reset)}
    mock.get("/sequences/1").respond(200, json=one(), headers=headers)
    client = make_client(ft)
    assert client.rate_limit == sdk.RateLimit()
    client.sequences.get(1)
    rl = client.rate_limit
    assert (rl.limit, rl.remaining, rl.reset) == (10000, 9998, reset)
    assert rl.reset_at == datetime.fromtimestamp(reset, timezone.utc)
    # clients made by with_options share the connection and so the state
    assert client.with_options(max_retries=0).rate_limit == rl


def test_rate_limit_state_follows_the_last_response_even_an_error(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1")
    route.side_effect = [
        httpx.Response(200, json=one(), headers={"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "1"}),
        httpx.Response(429, headers={"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0",
                                     "X-RateLimit-Reset": str(int(NOW) + 9999)}),
    ]
    client = make_client(ft)
    client.sequences.get(1)
    assert client.rate_limit.remaining == 1
    with pytest.raises(sdk.errors.RateLimitError):
        client.sequences.get(1)
    assert client.rate_limit.remaining == 0 and client.rate_limit.reset == int(NOW) + 9999


# --- timeouts -------------------------------------------------------------------------------------


def _timeout_of(route: respx.Route) -> dict[str, Any]:
    timeout: dict[str, Any] = route.calls.last.request.extensions["timeout"]
    return timeout


def test_default_timeout(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1").respond(200, json=one())
    client = make_client(ft)
    client.sequences.get(1)
    assert DEFAULT_TIMEOUT == client.timeout
    assert 0 < DEFAULT_TIMEOUT <= 120
    assert _timeout_of(route) == httpx.Timeout(DEFAULT_TIMEOUT).as_dict()


def test_timeout_per_client_and_per_call(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1").respond(200, json=one())
    client = make_client(ft, timeout=5.0)
    client.sequences.get(1)
    assert _timeout_of(route)["read"] == 5.0
    client.with_options(timeout=1.5).sequences.get(1)
    assert _timeout_of(route) == httpx.Timeout(1.5).as_dict()
    fine = httpx.Timeout(10.0, connect=2.0)
    client.with_options(timeout=fine).sequences.get(1)
    assert _timeout_of(route) == fine.as_dict()
    client.sequences.get(1)
    assert _timeout_of(route)["read"] == 5.0  # per call means per call


def test_with_options_can_remove_the_timeout(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1").respond(200, json=one())
    client = make_client(ft)
    client.with_options(timeout=None).sequences.get(1)
    assert _timeout_of(route) == httpx.Timeout(None).as_dict()
    client.sequences.get(1)
    assert _timeout_of(route) == httpx.Timeout(DEFAULT_TIMEOUT).as_dict()


def test_user_http_client_timeout_is_overridden_by_sdk_timeout(mock: respx.MockRouter, ft: FakeTime) -> None:
    route = mock.get("/sequences/1").respond(200, json=one())
    with httpx.Client(timeout=99.0) as http:
        make_client(ft, http_client=http, timeout=3.0).sequences.get(1)
    assert _timeout_of(route)["read"] == 3.0
