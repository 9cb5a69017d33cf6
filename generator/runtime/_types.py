from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Final, Literal


class NotGiven:
    """The default of optional parameters: "not given", as opposed to ``None`` (send null)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


def lazy_export(package: str, modules: Mapping[str, str], owner: str, name: str) -> Any:
    """A module ``__getattr__`` (the SDK's ``__init__`` and ``filters``): ``name`` from the resource
    module ``modules`` maps it to, imported on first use so that importing the SDK stays cheap."""
    module = modules.get(name)
    if module is None:
        raise AttributeError(f"module {owner!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{package}.resources.{module}"), name)
