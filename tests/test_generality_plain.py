"""Generality: a plain-style OpenAPI 3.1 YAML spec with several resources (fixtures/general/plain.yaml).

Covers 3.1 null forms and ``const``, a ``$ref`` to a file beside the spec, shared component
schemas, explicit query parameters, ``operationId``-named actions (CRUD keeps list/get/create/
update/delete), a collection action, resources without some operations, name collisions
(``type``, ``id``, ``json``, ``self``, ``model_config``, keywords, ``fooBar``/``foo_bar``) and a
resource whose name clashes with the runtime's ``Client``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import httpx
import pytest
import respx

SPEC = Path(__file__).parent / "fixtures" / "general" / "plain.yaml"
BASE = "https://library.example/api"
ARTICLE = {
    "type": "article", "id": "a1",
    "attributes": {"title": "Hi", "type": "essay", "id": 7, "json": True, "self": "me", "model_config": "m",
                   "class": "c", "import": "i", "fooBar": "x", "foo_bar": "y", "status": "draft", "subtitle": None},
    "relationships": {"author": {"data": {"type": "author", "id": "u1"}}},
}
AUTHOR = {"type": "author", "id": "u1", "attributes": {"name": "Ann"}}


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    import importlib

    from generator.pipeline import generate_files
    from generator.write import write_tree

    out = tmp_path_factory.mktemp("plain")
    result = generate_files(SPEC, "plain_sdk")
    write_tree(result.files, out, result.inputs)
    sys.path.insert(0, str(out))
    importlib.invalidate_caches()
    module = importlib.import_module("plain_sdk")
    module.__dict__["_out"] = out
    return module


def test_one_accessor_per_collection_and_missing_operations(sdk: ModuleType) -> None:
    client = sdk.Client(token="t")
    assert {"list", "get", "create", "update", "publish_article", "reindex_all"} <= set(dir(client.articles))
    assert not hasattr(client.articles, "delete")
    assert hasattr(client.authors, "get") and not hasattr(client.authors, "create")
    assert hasattr(client.clients, "list") and not hasattr(client.clients, "get")
    assert sdk.Client is not sdk.ClientItem  # the resource called "client" does not shadow the runtime


@respx.mock
def test_colliding_attribute_names_round_trip(sdk: ModuleType) -> None:
    respx.get(f"{BASE}/articles/a1").mock(return_value=httpx.Response(200, json={"data": ARTICLE}))
    art = sdk.Client(token="t", max_retries=0).articles.get("a1")
    assert (art.id, art.type, art.type_, art.id_, art.json_, art.self_) == ("a1", "article", "essay", 7, True, "me")
    assert (art.field_model_config, art.class_, art.import_, art.foo_bar, art.foo_bar_2) == ("m", "c", "i", "x", "y")
    assert art.subtitle is None and art.status == "draft"


@respx.mock
def test_include_resolves_to_the_typed_model_of_this_sdk(sdk: ModuleType) -> None:
    route = respx.get(f"{BASE}/articles").mock(
        return_value=httpx.Response(200, json={"data": [ARTICLE], "included": [AUTHOR], "links": {}})
    )
    from plain_sdk.filters import ArticleFilter

    items = list(sdk.Client(token="t", max_retries=0).articles.list(
        filter=ArticleFilter(title="Hi", author_id="u1"), include=["author"], sort=["-title"], page_size=5))
    assert len(items) == 1
    author = items[0].author
    assert isinstance(author, sdk.Author) and author.name == "Ann"
    params = route.calls[0].request.url.params
    assert params["filter[title]"] == "Hi" and params["filter[author][id]"] == "u1"
    assert params["include"] == "author" and params["sort"] == "-title" and params["page[size]"] == "5"


@respx.mock
def test_writes_skip_read_only_and_send_write_only(sdk: ModuleType) -> None:
    route = respx.post(f"{BASE}/articles").mock(return_value=httpx.Response(201, json={"data": ARTICLE}))
    sdk.Client(token="t", max_retries=0).articles.create(title="T", type_="essay", secret="s", author="u1")
    import json

    body = json.loads(route.calls[0].request.content)["data"]
    assert body["type"] == "article"
    assert body["attributes"] == {"title": "T", "type": "essay", "secret": "s"}
    assert body["relationships"] == {"author": {"data": {"type": "author", "id": "u1"}}}
    with pytest.raises(TypeError):
        sdk.Client(token="t").articles.create(created_at="2024-01-01")  # read-only


@respx.mock
def test_member_and_collection_actions(sdk: ModuleType) -> None:
    pub = respx.post(f"{BASE}/articles/a1/publish").mock(return_value=httpx.Response(200, json={"data": ARTICLE}))
    re = respx.post(f"{BASE}/articles/actions/reindex-all").mock(return_value=httpx.Response(204))
    client = sdk.Client(token="t", max_retries=0)
    assert client.articles.publish_article("a1").id == "a1"
    client.articles.reindex_all()
    assert pub.called and re.called


def test_mypy_strict_on_the_multi_resource_sdk(sdk: ModuleType) -> None:
    out: Path = sdk.__dict__["_out"]
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "plain_sdk"],
        cwd=out, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
