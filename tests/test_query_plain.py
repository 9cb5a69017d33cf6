"""Plain style: filters come from declared ``filter[attr]`` / ``filter[rel][attr]`` query parameters,
sort keys from the declared ``sort`` enum (fixture ``fixtures/query_plain.json``, through ``make_sdk``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import respx

SPEC = Path(__file__).resolve().parent / "fixtures" / "query_plain.json"
BASE = "https://plain.example/api"
UTC = timezone.utc


_generated: dict[str, ModuleType] = {}


@pytest.fixture
def plain(make_sdk: Callable[..., ModuleType]) -> ModuleType:
    # Generated once for the module (a generation takes a second or two); the tests only read it.
    if "plain" not in _generated:
        _generated["plain"] = make_sdk(SPEC)
    return _generated["plain"]


def filters_of(sdk: ModuleType) -> Any:
    import importlib

    return importlib.import_module(sdk.__name__ + ".filters")


def sent(sdk: ModuleType, **kwargs: Any) -> list[tuple[str, str]]:
    with respx.mock(base_url=BASE) as router:
        route = router.get("/articles").respond(200, json={"data": [], "links": {}})
        with sdk.Client(token="t", max_retries=0) as client:
            list(client.articles.list(**kwargs))
        assert route.call_count == 1
        url = str(route.calls.last.request.url)
    return parse_qsl(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)


def test_one_argument_per_declared_filter_parameter(plain: ModuleType) -> None:
    ArticleFilter = filters_of(plain).ArticleFilter
    specs = {name: (spec.wire, spec.kind, spec.ordered) for name, spec in ArticleFilter.wire_fields.items()}
    assert specs == {
        "title": (("title",), "str", False),
        "status": (("status",), "enum", False),
        "rating": (("rating",), "float", True),
        "word_count": (("wordCount",), "int", True),
        "featured": (("featured",), "bool", False),
        "published_at": (("publishedAt",), "datetime", True),
        "publish_date": (("publishDate",), "date", True),
        "tags": (("tags",), "str", False),  # an array attribute filters by one of its items
        "id": (("id",), "str", False),  # not an attribute: typed from the parameter's schema
        "author_id": (("author", "id"), "str", False),  # the declared schema, not Outreach's int ids
        "author_name": (("author", "name"), "str", False),  # no schema: the related resource's attribute
        "comments_created_at": (("comments", "createdAt"), "datetime", True),
    }
    assert ArticleFilter.wire_fields["status"].choices == ("draft", "published")
    # an undeclared attribute is no filter, even though it exists
    assert "body" not in {f.name for f in dataclasses.fields(ArticleFilter)}
    with pytest.raises(TypeError, match="body"):
        ArticleFilter(body="x")
    assert {f.name for f in dataclasses.fields(filters_of(plain).PersonFilter)} == {"name"}


def test_the_query_sent_for_each_plain_filter(plain: ModuleType) -> None:
    mod = filters_of(plain)
    f = mod.ArticleFilter(
        title="Hello world",
        status=["draft", "published"],
        rating=mod.Range(start=3.5),
        word_count=mod.Range(start=100, end=2000),
        featured=True,
        published_at=mod.Range(end=datetime(2024, 5, 1, tzinfo=UTC)),
        publish_date=date(2024, 5, 1),
        tags=["python", "sdk"],
        id=["a1", "b2"],
        author_id="p-7",
        author_name=mod.NOT_NULL,
        comments_created_at=datetime(2024, 1, 1, 12, tzinfo=UTC),
    )
    assert sent(plain, filter=f) == [
        ("filter[author][id]", "p-7"),
        ("filter[author][name]", "__notnull__"),
        ("filter[comments][createdAt]", "2024-01-01T12:00:00Z"),
        ("filter[featured]", "true"),
        ("filter[id]", "a1,b2"),
        ("filter[publishDate]", "2024-05-01"),
        ("filter[publishedAt]", "neginf..2024-05-01T00:00:00Z"),
        ("filter[rating]", "3.5..inf"),
        ("filter[status]", "draft,published"),
        ("filter[tags]", "python,sdk"),
        ("filter[title]", "Hello world"),
        ("filter[wordCount]", "100..2000"),
    ]
    assert mod.ArticleFilter.from_params(f.to_params()) == f


def test_plain_values_are_checked(plain: ModuleType) -> None:
    mod = filters_of(plain)
    with pytest.raises(TypeError, match="Range"):
        mod.ArticleFilter(author_id=mod.Range(start="a"))
    with pytest.raises(TypeError, match="string"):
        mod.ArticleFilter(author_id=7)
    with pytest.raises(ValueError, match="not one of"):
        mod.ArticleFilter(status="archived")
    with pytest.raises(TypeError, match="bool"):
        mod.ArticleFilter(featured="yes")
    with pytest.raises(TypeError, match="date"):
        mod.ArticleFilter(publish_date=datetime(2024, 5, 1, tzinfo=UTC))


def test_plain_sort_comes_from_the_declared_enum(plain: ModuleType) -> None:
    assert dict(sent(plain, sort=["-published_at", "title"]))["sort"] == "-publishedAt,title"
    with pytest.raises(ValueError, match="word_count"):
        sent(plain, sort=["word_count"])  # an attribute, but not among the declared sort keys


def test_plain_fields_and_include(plain: ModuleType) -> None:
    query = dict(sent(plain, fields={"article": ["title", "word_count"], "person": ["name"]}, include=["author"]))
    assert query["fields[article]"] == "title,wordCount,author"
    assert query["fields[person]"] == "name"  # the SDK has the person resource: names are checked
    assert query["include"] == "author"
    with pytest.raises(ValueError, match="nmae"):
        sent(plain, fields={"person": ["nmae"]})
    with pytest.raises(ValueError, match="comment"):
        sent(plain, fields={"comment": ["bad name"]})  # a related type the SDK only knows by name
