"""The wire contract, checked by the real Prism mock server (``@stoplight/prism-cli``).

Prism is started on a free loopback port with ``prism mock --errors`` over the spec. It validates
each request against the spec (method, path, query, headers, media type, body), and with ``--errors``
answers an invalid request with an error status; a response that does not match the spec carries an
``sl-violations`` header. Every SDK operation is driven through ``sdk.Client`` (and ``sdk.AsyncClient``)
with a user-supplied httpx client whose event hook records every response.

``scripts/test`` installs Prism into ``.tools/``; without it (no npm, no network) the test is skipped.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

import outreach_sdk as sdk
from outreach_sdk.filters import IS_NULL, Range, SequenceFilter

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "outreach-sequences.openapi.json"
TOKEN = "prism-token"


def _find_prism() -> str | None:
    local = ROOT / ".tools" / "node_modules" / ".bin" / "prism"
    if local.exists() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which("prism")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    prism = _find_prism()
    if prism is None:
        pytest.skip("Prism is not installed: run scripts/test (npm install --prefix .tools @stoplight/prism-cli@5)")
    port = _free_port()
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [prism, "mock", "--errors", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"Prism exited with {proc.returncode}:\n{log.read_text('utf-8', 'replace')[-3000:]}")
            try:
                httpx.get(f"{url}/sequences/1", headers={"Accept": "application/vnd.api+json",
                                                         "Authorization": "Bearer x"}, timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Prism did not answer within 90 s:\n{log.read_text('utf-8', 'replace')[-3000:]}")
                time.sleep(0.3)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # its own session: prism and the node processes under it
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def _check(responses: list[httpx.Response], expected: int) -> None:
    assert len(responses) == expected, [f"{r.request.method} {r.request.url}" for r in responses]
    problems = []
    for r in responses:
        r.read()
        if not r.is_success or "sl-violations" in r.headers:
            problems.append(f"{r.request.method} {r.request.url} -> {r.status_code} "
                            f"sl-violations={r.headers.get('sl-violations')!r} body={r.text[:500]!r}")
    assert not problems, "\n".join(problems)


def _operations(client: Any) -> list[tuple[str, Callable[[], Any]]]:
    since = datetime(2024, 1, 1, tzinfo=timezone.utc)
    return [
        ("list (plain)", lambda: list(client.sequences.list())),
        ("list (filters, sort, page_size, include, fields, count)", lambda: list(client.sequences.list(
            filter=SequenceFilter(share_type=["private", "shared"], owner_id=5, updated_at=Range(start=since),
                                  name="Q4 outbound"),
            sort=["-created_at", "name"], page_size=25, include=["owner", "sequence_steps"],
            fields=["name", "enabled", "created_at"], count=True, authorization_meta=True))),
        ("list (null filter, fields by type)", lambda: list(client.sequences.list(
            filter=SequenceFilter(locked_at=IS_NULL), fields={"sequence": ["name"], "user": ["email"]},
            include=["owner"]))),
        ("get", lambda: client.sequences.get(42)),
        ("get (include, fields)", lambda: client.sequences.get(
            42, include=["owner", "creator"], fields=["name", "enabled"], authorization_meta=True)),
        ("create", lambda: client.sequences.create(
            name="Q4 outbound", share_type="shared", tags=["Tier 1"], owner=5, sequence_steps=[1, 2],
            description="From the contract test", max_activations=100, sequence_type="interval")),
        ("update", lambda: client.sequences.update(42, name="Renamed", description=None, throttle_paused=True)),
        ("delete", lambda: client.sequences.delete(42)),
        ("activate", lambda: client.sequences.activate(42)),
        ("deactivate", lambda: client.sequences.deactivate(42)),
    ]


def test_every_operation_passes_prism(prism_url: str) -> None:
    responses: list[httpx.Response] = []
    http = httpx.Client(event_hooks={"response": [responses.append]})
    with sdk.Client(token=TOKEN, base_url=prism_url, http_client=http, max_retries=0) as client:
        results = {}
        for name, call in _operations(client):
            results[name] = call()
    http.close()
    _check(responses, expected=len(results))
    # what came back parsed into typed resources
    assert isinstance(results["get"], sdk.Resource) and isinstance(results["get"].id, int)
    assert all(isinstance(s, sdk.Resource) for s in results["list (plain)"])
    assert results["delete"] is None
    assert isinstance(results["activate"], sdk.Resource)
    sent = {(r.request.method, r.request.url.path) for r in responses}
    assert sent == {("GET", "/sequences"), ("GET", "/sequences/42"), ("POST", "/sequences"),
                    ("PATCH", "/sequences/42"), ("DELETE", "/sequences/42"),
                    ("POST", "/sequences/42/actions/activate"), ("POST", "/sequences/42/actions/deactivate")}


def test_every_operation_passes_prism_async(prism_url: str) -> None:
    responses: list[httpx.Response] = []

    async def hook(response: httpx.Response) -> None:
        await response.aread()
        responses.append(response)

    async def main() -> None:
        http = httpx.AsyncClient(event_hooks={"response": [hook]})
        async with sdk.AsyncClient(token=TOKEN, base_url=prism_url, http_client=http, max_retries=0) as client:
            assert [s.id async for s in client.sequences.list(page_size=5, count=True)]
            await client.sequences.get(42, include=["owner"], fields=["name"])
            await client.sequences.create(name="Q4", share_type="private", owner=5)
            await client.sequences.update(42, name=None)
            await client.sequences.delete(42)
            await client.sequences.activate(42)
            await client.sequences.deactivate(42)
        await http.aclose()

    asyncio.run(main())
    _check(responses, expected=7)


def test_prism_does_reject_a_bad_request(prism_url: str) -> None:
    """The checks above can fail: Prism answers a request that breaks the spec with 422."""
    r = httpx.post(f"{prism_url}/sequences", content=b"name=x",
                   headers={"Content-Type": "application/x-www-form-urlencoded",
                            "Accept": "application/vnd.api+json", "Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 422
    # the spec's relationship ids are integers: a string id sent through the SDK is refused
    with sdk.Client(token=TOKEN, base_url=prism_url, max_retries=0) as client:
        with pytest.raises(sdk.errors.UnprocessableEntityError):
            client.sequences.create(name="x", owner="5")
