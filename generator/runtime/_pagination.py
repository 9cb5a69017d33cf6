"""Lazy pagination over ``links.next``: items one by one, or whole pages with meta and links."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

R = TypeVar("R")


@dataclass(frozen=True)
class Page(Generic[R]):
    """One page of a list: its items, the document's ``meta`` and ``links``."""

    items: list[R]
    meta: dict[str, Any] = field(default_factory=dict)
    links: dict[str, Any] = field(default_factory=dict)

    @property
    def next_url(self) -> str | None:
        nxt = self.links.get("next")
        if isinstance(nxt, dict):
            nxt = nxt.get("href")
        return nxt if isinstance(nxt, str) and nxt else None

    @property
    def count(self) -> int | None:
        value = self.meta.get("count")
        return value if isinstance(value, int) else None


def _next(page: Page[Any], followed: set[str]) -> str | None:
    """The next page's URL; ``None`` at the end, or when a server repeats a link (no endless loop)."""
    url = page.next_url
    if url is None or url in followed:
        return None
    followed.add(url)
    return url


class SyncPager(Generic[R]):
    """Every item of every page, fetched only as iteration reaches it."""

    def __init__(self, first: Callable[[], Page[R]], follow: Callable[[str], Page[R]]) -> None:
        self._first_fetch = first
        self._follow = follow
        self._first: Page[R] | None = None

    def _first_page(self) -> Page[R]:
        if self._first is None:
            self._first = self._first_fetch()
        return self._first

    def pages(self) -> Iterator[Page[R]]:
        page: Page[R] | None = self._first_page()
        followed: set[str] = set()
        while page is not None:
            yield page
            url = _next(page, followed)
            page = self._follow(url) if url else None

    def __iter__(self) -> Iterator[R]:
        for page in self.pages():
            yield from page.items

    @property
    def total(self) -> int | None:
        """``meta.count`` of the first page (fetching it if needed); ask for it with ``count=True``."""
        return self._first_page().count

    def first_page(self) -> Page[R]:
        return self._first_page()


class AsyncPager(Generic[R]):
    """Every item of every page, fetched only as ``async for`` reaches it."""

    def __init__(
        self, first: Callable[[], Awaitable[Page[R]]], follow: Callable[[str], Awaitable[Page[R]]]
    ) -> None:
        self._first_fetch = first
        self._follow = follow
        self._first: Page[R] | None = None

    async def first_page(self) -> Page[R]:
        if self._first is None:
            self._first = await self._first_fetch()
        return self._first

    async def pages(self) -> AsyncIterator[Page[R]]:
        page: Page[R] | None = await self.first_page()
        followed: set[str] = set()
        while page is not None:
            yield page
            url = _next(page, followed)
            page = await self._follow(url) if url else None

    async def __aiter__(self) -> AsyncIterator[R]:
        async for page in self.pages():
            for item in page.items:
                yield item

    @property
    def total(self) -> int | None:
        """``meta.count`` once the first page is in (``None`` before); see :meth:`get_total`."""
        return self._first.count if self._first is not None else None

    async def get_total(self) -> int | None:
        return (await self.first_page()).count
