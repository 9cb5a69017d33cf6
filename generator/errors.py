"""The one exception type for problems in the input, carrying where they are."""

from __future__ import annotations


class SpecError(Exception):
    """A problem with the input: which file, where in it, and what is wrong.

    ``location`` is ``line:column`` for syntax errors and a JSON pointer (``#/paths/...``)
    for semantic ones. The CLI is the only place that turns this into a message and exit 2.
    """

    def __init__(self, file: str, location: str, message: str) -> None:
        super().__init__(f"{file}:{location}: {message}" if location else f"{file}: {message}")
        self.file = file
        self.location = location
        self.message = message


class OptionError(Exception):
    """A bad command-line or configuration option (also exit 2)."""
