"""Type checking of user code against the golden SDK: typos in filter arguments, filter values,
sort keys, field names and include names are mypy errors; the correct version is clean."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "generated"

HEADER = """\
from datetime import datetime, timezone

import outreach_sdk as sdk
from outreach_sdk.filters import IS_NULL, Range, SequenceFilter

client = sdk.Client(token="t")
"""

GOOD = """
f = SequenceFilter(
    owner_id=5,
    share_type=["private", "shared"],
    updated_at=Range(start=datetime(2024, 1, 1, tzinfo=timezone.utc)),
    click_count=Range(start=1, end=10),
    name=IS_NULL,
    owner_email="a@b.c",
)
params: dict[str, str] = f.to_params()
for seq in client.sequences.list(
    filter=f, sort=["-created_at", "name"], fields=["name", "enabled"], include=["owner"], page_size=100
):
    print(seq.id, seq.name)
client.sequences.get(42, include=["owner"], fields={"user": ["email"]})
"""

# (snippet, a fragment of the line mypy must flag)
BAD = {
    "filter-argument-typo": ("SequenceFilter(owner_idd=5)", "owner_idd"),
    "filter-not-filterable": ('SequenceFilter(description="x")', "description"),
    "filter-enum-value-typo": ('SequenceFilter(share_type="sharred")', "share_type"),
    "filter-range-on-string": ('SequenceFilter(name=Range(start="a"))', "name"),
    "filter-wrong-value-type": ('SequenceFilter(owner_id="5")', "owner_id"),
    "sort-key-typo": ('client.sequences.list(sort=["-created_att"])', "created_att"),
    "sort-not-sortable": ('client.sequences.list(sort=["description"])', "description"),
    "fields-typo": ('client.sequences.list(fields=["nmae"])', "nmae"),
    "include-typo": ('client.sequences.get(1, include=["owners"])', "owners"),
    "filter-positional": ("SequenceFilter(5)", "SequenceFilter"),
}


def run_mypy(tmp_path: Path) -> dict[int, str]:
    """mypy --strict over the files in ``tmp_path``; the error lines of ``user.py`` by line number."""
    env = {**os.environ, "MYPYPATH": str(GENERATED)}
    result = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--show-error-codes",
            "--cache-dir", str(tmp_path / ".mypy_cache"), str(tmp_path / "user.py"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr  # 2: mypy itself failed
    errors: dict[int, str] = {}
    for line in result.stdout.splitlines():
        match = re.match(r".*user\.py:(\d+): error: (.*)", line)
        if match:
            errors.setdefault(int(match.group(1)), "")
            errors[int(match.group(1))] += match.group(2) + "\n"
    assert (result.returncode == 0) == (not errors), result.stdout
    return errors


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[int, str], dict[str, int], int]:
    """One mypy run over a file holding the good snippet and every bad one (one line each)."""
    tmp_path = tmp_path_factory.mktemp("typing")
    text = HEADER + GOOD
    good_lines = text.count("\n")
    lines: dict[str, int] = {}
    for key, (code, _) in BAD.items():
        lines[key] = text.count("\n") + 1
        text += code + "\n"
    (tmp_path / "user.py").write_text(text, "utf-8")
    return run_mypy(tmp_path), lines, good_lines


def test_correct_usage_type_checks_clean(mypy_errors: tuple[dict[int, str], dict[str, int], int]) -> None:
    errors, _, good_lines = mypy_errors
    assert {n: e for n, e in errors.items() if n <= good_lines} == {}


@pytest.mark.parametrize("key", sorted(BAD))
def test_mistake_is_a_mypy_error(key: str, mypy_errors: tuple[dict[int, str], dict[str, int], int]) -> None:
    errors, lines, _ = mypy_errors
    line = lines[key]
    assert line in errors, f"mypy accepted: {BAD[key][0]}"
    assert BAD[key][1] in errors[line], errors[line]


def test_only_the_bad_lines_are_flagged(mypy_errors: tuple[dict[int, str], dict[str, int], int]) -> None:
    errors, lines, _ = mypy_errors
    assert set(errors) == set(lines.values())
