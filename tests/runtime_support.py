"""What the runtime tests share: a fake clock that only moves when the SDK sleeps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

BASE = "http://api.test/v2"
NOW = 1_700_000_000.0
TOKEN = "tok-SECRET-123"


class FakeTime:
    """A clock that only moves when the SDK sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = NOW
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class AsyncFakeTime(FakeTime):
    """The same clock for AsyncClient, whose sleep is awaited."""

    async def sleep(self, seconds: float) -> None:  # type: ignore[override]
        FakeTime.sleep(self, seconds)


@pytest.fixture
def ft() -> FakeTime:
    return FakeTime()


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router
