"""The generated SDK's README examples run, as written, against a local server (Prism over spec/)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import GENERATED

README = GENERATED / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
SECTION = re.compile(r"^### (.+)$", re.M)


def _blocks() -> list[tuple[str, str]]:
    text = README.read_text("utf-8")
    out = []
    for match in BLOCK.finditer(text):
        titles = SECTION.findall(text[: match.start()])
        out.append((titles[-1] if titles else "setup", match.group(1)))
    return out


def test_readme_has_a_section_per_operation_of_the_seed_page() -> None:
    titles = [t for t, _ in _blocks()]
    for op in ("List", "Get", "Create", "Update", "Delete", "Action: activate", "Action: deactivate"):
        assert op in titles, f"the README has no example for {op}"
    listing = dict(_blocks())["List"]
    assert "SequenceFilter(" in listing and "sort=" in listing


def test_readme_examples_run_against_a_local_server(prism_url: str) -> None:
    setup, *examples = _blocks()
    assert setup[0] == "setup"
    for title, code in examples:
        script = setup[1] + "\n" + code
        proc = subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "API_TOKEN": "test-token", "API_BASE_URL": prism_url, "PYTHONPATH": str(GENERATED)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, f"README example {title!r} failed:\n{code}\n{proc.stderr[-2000:]}"
