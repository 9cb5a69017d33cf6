"""The wire contract of the basic operations (issue #2) and the seed page's promises (issue #8), via respx."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import respx

import outreach_sdk as sdk
from outreach_sdk.errors import NotFoundError

BASE = "https://api.outreach.io/api/v2"
MEDIA = "application/vnd.api+json"

RELATIONSHIPS = {
    "calls": {"links": {"related": f"{BASE}/calls?filter[sequence][id]=42"}},
    "contentCategoryMemberships": {"data": [{"type": "contentCategoryMembership", "id": 7}, {"type": "contentCategoryMembership", "id": 8}]},
    "creator": {"data": {"type": "user", "id": 1}},
    "mailings": {"links": {"related": f"{BASE}/mailings?filter[sequence][id]=42"}},
    "owner": {"data": {"type": "user", "id": 5}},
    "ruleset": {"data": {"type": "ruleset", "id": 3}},
    "schedule": {"data": None},
    "sequenceStates": {"links": {"related": f"{BASE}/sequenceStates?filter[sequence][id]=42"}},
    "sequenceSteps": {"data": [{"type": "sequenceStep", "id": 11}]},
    "tasks": {"links": {"related": f"{BASE}/tasks?filter[sequence][id]=42"}},
    "updater": {"data": {"type": "user", "id": 2}},
}


def resource(id: int = 42, meta: dict[str, Any] | None = None, **attributes: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"type": "sequence", "id": id, "attributes": {"name": "Q4", **attributes}, "relationships": RELATIONSHIPS}
    if meta is not None:
        obj["meta"] = meta
    return obj


def query(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True))


@pytest.fixture
def api() -> Any:
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def client() -> sdk.Client:
    return sdk.Client(token="tok")


# --------------------------------------------------------------------------- create / update / delete / actions


def test_create_sends_the_contract_body(api: Any, client: sdk.Client) -> None:
    route = api.post("/sequences").respond(201, json={"data": resource(id=99)})
    seq = client.sequences.create(name="Q4 outbound", share_type="shared", tags=["Tier 1"], owner=5)
    request = route.calls.last.request
    assert request.headers["content-type"] == MEDIA and request.headers["accept"] == MEDIA
    assert json.loads(request.content) == {
        "data": {
            "type": "sequence",
            "attributes": {"name": "Q4 outbound", "shareType": "shared", "tags": ["Tier 1"]},
            "relationships": {"owner": {"data": {"type": "user", "id": 5}}},
        }
    }
    assert isinstance(seq, sdk.Sequence) and seq.id == 99


def test_create_takes_to_many_relationship_ids(api: Any, client: sdk.Client) -> None:
    route = api.post("/sequences").respond(201, json={"data": resource()})
    client.sequences.create(name="x", sequence_steps=[1, 2])
    body = json.loads(route.calls.last.request.content)
    assert body["data"]["relationships"] == {
        "sequenceSteps": {"data": [{"type": "sequenceStep", "id": 1}, {"type": "sequenceStep", "id": 2}]}
    }


@pytest.mark.parametrize("read_only", ["bounce_count", "created_at", "enabled", "click_count", "creator", "updater", "mailings"])
def test_create_and_update_reject_read_only_names(client: sdk.Client, read_only: str) -> None:
    with pytest.raises(TypeError):
        client.sequences.create(name="x", **{read_only: 1})
    with pytest.raises(TypeError):
        client.sequences.update(42, **{read_only: 1})


def test_update_sends_only_the_given_fields_and_none_as_null(api: Any, client: sdk.Client) -> None:
    route = api.patch("/sequences/42").respond(200, json={"data": resource(name="Renamed")})
    seq = client.sequences.update(42, name="Renamed", description=None)
    assert json.loads(route.calls.last.request.content) == {
        "data": {"type": "sequence", "id": 42, "attributes": {"name": "Renamed", "description": None}}
    }
    assert seq.name == "Renamed"


def test_update_can_clear_a_to_one_relationship(api: Any, client: sdk.Client) -> None:
    route = api.patch("/sequences/42").respond(200, json={"data": resource()})
    client.sequences.update(42, ruleset=None)
    assert json.loads(route.calls.last.request.content)["data"]["relationships"] == {"ruleset": {"data": None}}


def test_invalid_values_fail_before_anything_is_sent(api: Any, client: sdk.Client) -> None:
    route = api.post("/sequences")
    with pytest.raises(ValueError):
        client.sequences.create(name="x" * 256)
    with pytest.raises(ValueError):
        client.sequences.create(share_type="public")  # type: ignore[arg-type]
    assert not route.called


def test_delete_returns_none(api: Any, client: sdk.Client) -> None:
    route = api.delete("/sequences/42").respond(204)
    assert client.sequences.delete(42) is None
    assert route.called


@pytest.mark.parametrize("action", ["activate", "deactivate"])
def test_member_actions(api: Any, client: sdk.Client, action: str) -> None:
    route = api.post(f"/sequences/42/actions/{action}").respond(200, json={"data": resource(enabled=action == "activate")})
    seq = getattr(client.sequences, action)(42)
    assert route.calls.last.request.content == b""
    assert seq.enabled is (action == "activate")


def test_not_found_raises_not_found_error(api: Any, client: sdk.Client) -> None:
    api.get("/sequences/9").respond(
        404, json={"errors": [{"id": "resourceNotFound", "title": "Resource Not Found", "detail": "No sequence 9."}]}
    )
    with pytest.raises(NotFoundError) as caught:
        client.sequences.get(9)
    assert caught.value.status == 404 and caught.value.errors[0].id == "resourceNotFound"
    assert "Resource Not Found" in str(caught.value) and "No sequence 9." in str(caught.value)


# --------------------------------------------------------------------------- list


def test_list_follows_links_next_lazily(api: Any, client: sdk.Client) -> None:
    first = api.get("/sequences", params={"page[size]": "2"}).respond(
        200, json={"data": [resource(1), resource(2)], "links": {"next": f"{BASE}/sequences?page[after]=abc"}}
    )
    second = api.get("/sequences", params={"page[after]": "abc"}).respond(200, json={"data": [resource(3)], "links": {}})
    items = client.sequences.list(page_size=2)
    assert not first.called  # nothing is fetched before iteration starts
    iterator = iter(items)
    assert next(iterator).id == 1 and next(iterator).id == 2
    assert not second.called  # the next page waits until the first one is used up
    assert next(iterator).id == 3 and second.called
    with pytest.raises(StopIteration):
        next(iterator)


def test_list_sends_count_false_unless_asked(api: Any, client: sdk.Client) -> None:
    route = api.get("/sequences").respond(200, json={"data": [], "meta": {"count": 17}})
    list(client.sequences.list())
    assert query(route.calls.last.request)["count"] == "false"
    items = client.sequences.list(count=True)
    assert items.total == 17
    assert query(route.calls.last.request)["count"] == "true"


def test_page_size_and_sort_on_the_wire(api: Any, client: sdk.Client) -> None:
    route = api.get("/sequences").respond(200, json={"data": []})
    list(client.sequences.list(sort=["-created_at", "name"], page_size=100))
    q = query(route.calls.last.request)
    assert q["page[size]"] == "100" and q["sort"] == "-createdAt,name"


# --------------------------------------------------------------------------- authorization metadata (#8)


def test_authorization_meta_is_asked_for_and_answered(api: Any, client: sdk.Client) -> None:
    route = api.get("/sequences/42").respond(200, json={"data": resource(meta={"canWrite": True, "canDelete": False})})
    seq = client.sequences.get(42, authorization_meta=True)
    assert query(route.calls.last.request)["provideAuthorizationMeta"] == "true"
    assert seq.can_write is True and seq.can_delete is False


def test_authorization_meta_is_none_when_not_asked_for(api: Any, client: sdk.Client) -> None:
    route = api.get("/sequences/42").respond(200, json={"data": resource()})
    seq = client.sequences.get(42)
    assert "provideAuthorizationMeta" not in query(route.calls.last.request)
    assert seq.can_write is None and seq.can_delete is None


def test_list_with_authorization_meta(api: Any, client: sdk.Client) -> None:
    route = api.get("/sequences").respond(200, json={"data": [resource(meta={"canWrite": False, "canDelete": True})]})
    [seq] = list(client.sequences.list(authorization_meta=True))
    assert query(route.calls.last.request)["provideAuthorizationMeta"] == "true"
    assert seq.can_write is False and seq.can_delete is True


# --------------------------------------------------------------------------- relationships (#8)


def test_every_relationship_of_the_seed_page(api: Any, client: sdk.Client) -> None:
    api.get("/sequences/42").respond(200, json={"data": resource()})
    seq = client.sequences.get(42)
    assert (seq.owner.type, seq.owner.id) == ("user", 5)
    assert (seq.creator.type, seq.creator.id) == ("user", 1)
    assert (seq.updater.type, seq.updater.id) == ("user", 2)
    assert (seq.ruleset.type, seq.ruleset.id) == ("ruleset", 3)
    assert seq.schedule is None
    assert [(i.type, i.id) for i in seq.sequence_steps] == [("sequenceStep", 11)]
    assert [i.id for i in seq.content_category_memberships] == [7, 8]
    for name in ("calls", "mailings", "sequence_states", "tasks"):
        link = getattr(seq, name)
        assert isinstance(link, sdk.RelatedLink) and link.related == RELATIONSHIPS[
            {"sequence_states": "sequenceStates"}.get(name, name)
        ]["links"]["related"]


def test_included_resources_replace_identifiers(api: Any, client: sdk.Client) -> None:
    route = api.get("/sequences/42").respond(
        200,
        json={
            "data": resource(),
            "included": [
                {"type": "user", "id": 5, "attributes": {"email": "o@example.com", "firstName": "Olive"}},
                {"type": "sequenceStep", "id": 11, "attributes": {"stepType": "auto_email"}},
            ],
        },
    )
    seq = client.sequences.get(42, include=["owner", "sequence_steps"], fields=["name"])
    q = query(route.calls.last.request)
    assert q["include"] == "owner,sequenceSteps"
    assert q["fields[sequence]"] == "name,owner,sequenceSteps"  # included relationships stay in the fieldset
    assert isinstance(seq.owner, sdk.GenericResource) and seq.owner.attributes["email"] == "o@example.com"
    assert seq.owner.identifier == sdk.Identifier("user", 5)
    assert seq.sequence_steps[0].attributes["stepType"] == "auto_email"  # type: ignore[union-attr]
    assert isinstance(seq.creator, sdk.Identifier)  # not included: still the identifier


def test_read_only_relationships_are_not_parameters() -> None:
    import inspect

    for method in (sdk.Client(token="t").sequences.create, sdk.Client(token="t").sequences.update):
        params = set(inspect.signature(method).parameters)
        assert {"owner", "ruleset", "schedule", "sequence_steps"} <= params
        assert not params & {"creator", "updater", "calls", "mailings", "tasks", "sequence_states", "content_category_memberships"}


# --------------------------------------------------------------------------- async


def test_async_client_has_the_same_operations(api: Any) -> None:
    api.get("/sequences").respond(200, json={"data": [resource(1), resource(2)], "meta": {"count": 2}})
    api.post("/sequences/1/actions/activate").respond(200, json={"data": resource(1)})
    create = api.post("/sequences").respond(201, json={"data": resource(3)})

    async def main() -> tuple[list[int], int | None, int]:
        async with sdk.AsyncClient(token="tok") as aclient:
            items = aclient.sequences.list(count=True)
            ids = [s.id async for s in items]
            await aclient.sequences.activate(1)
            made = await aclient.sequences.create(name="Q4", owner=5)
            return ids, items.total, made.id

    ids, total, made = asyncio.run(main())
    assert ids == [1, 2] and total == 2 and made == 3
    assert json.loads(create.calls.last.request.content)["data"]["relationships"]["owner"]["data"] == {"type": "user", "id": 5}
    public = {n for n in dir(sdk.Client(token="t").sequences) if not n.startswith("_")}
    assert public == {n for n in dir(sdk.AsyncClient(token="t").sequences) if not n.startswith("_")}


def test_action_params_are_sent_as_action_params_brackets(make_sdk: Any) -> None:
    """32 Outreach actions declare ``actionParams``: ``action_params={"k": "v"}`` sends
    ``actionParams[k]=v`` (and nothing when not given), sync and async."""
    from conftest import SPEC

    doc = json.loads(SPEC.read_text("utf-8"))
    doc["paths"]["/sequences/{id}/actions/activate"]["post"]["parameters"].append(
        {"in": "query", "name": "actionParams", "schema": {"type": "object"}, "style": "deepObject"}
    )
    made = make_sdk(doc)
    body = {"data": {"type": "sequence", "id": 1, "attributes": {"name": "x"}}}
    with respx.mock(base_url="https://api.example") as router:
        route = router.post("/sequences/1/actions/activate").respond(200, json=body)
        client = made.Client(token="t", base_url="https://api.example", max_retries=0)
        assert client.sequences.activate(1, action_params={"reason": "go", "n": "2"}).id == 1
        assert client.sequences.activate(1).name == "x"
        aclient = made.AsyncClient(token="t", base_url="https://api.example")
        asyncio.run(aclient.sequences.activate(1, action_params={"a": "b"}))
    sent = [dict(call.request.url.params) for call in route.calls]
    assert sent == [{"actionParams[reason]": "go", "actionParams[n]": "2"}, {}, {"actionParams[a]": "b"}]


def test_calls_written_by_older_resource_templates_still_work() -> None:
    """A resource template copied before list/get passed ``locals()`` (and before the runtime
    mapped action params) calls the runtime by keyword, with keys already ``actionParams[...]``."""
    with respx.mock(base_url=BASE) as router:
        listed = router.get("/sequences").respond(200, json={"data": [resource(1)], "links": {}})
        got = router.get("/sequences/1").respond(200, json={"data": resource(1)})
        acted = router.post("/sequences/1/actions/activate").respond(200, json={"data": resource(1)})
        api = sdk.Client(token="t", max_retries=0).sequences
        assert [s.id for s in api._list(filter=None, sort=["name"], page_size=5, count=False)] == [1]
        assert api._get(1, include=["owner"], fields=None, authorization_meta=True).id == 1
        assert api._action("actions/activate", 1, {"actionParams[a]": "b"}).id == 1
    assert query(listed.calls[0].request) == {"sort": "name", "page[size]": "5", "count": "false"}
    assert query(got.calls[0].request) == {"include": "owner", "provideAuthorizationMeta": "true"}
    assert query(acted.calls[0].request) == {"actionParams[a]": "b"}
