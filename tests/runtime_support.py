"""What the runtime tests share: a fake clock that only moves when the SDK sleeps."""

from __future__ import annotations

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
