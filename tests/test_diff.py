"""`sdkgen diff OLD NEW`: the change to the SDK's public surface, each change breaking or not."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import SPEC, run_sdkgen, write_spec
from generator.diff import Change, diff_surfaces, format_markdown, summary_line, surface
from generator.pipeline import build_api

BASE: dict[str, Any] = json.loads(SPEC.read_text("utf-8"))
FILTERABLE = "<img src=https://developers.outreach.io/badges/filterable.svg>"
SORTABLE = "<img src=https://developers.outreach.io/badges/sortable.svg>"


def _props(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["schemas"]["sequence"]["properties"]


def _changes(tmp_path: Path, edit: Any) -> list[Change]:
    new = copy.deepcopy(BASE)
    edit(new)
    path = write_spec(tmp_path / "new.json", new)
    return diff_surfaces(surface(build_api(SPEC, "sdk")), surface(build_api(path, "sdk")))


def _find(changes: list[Change], subject: str) -> list[Change]:
    return [c for c in changes if c.subject == subject]


def test_identical_specs_have_no_changes(tmp_path: Path) -> None:
    assert _changes(tmp_path, lambda d: None) == []


def test_removed_method_is_breaking_and_added_attribute_is_not(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        del d["paths"]["/sequences/{id}/actions/deactivate"]
        _props(d)["tagline"] = {"type": "string", "nullable": True, "description": "New."}

    changes = _changes(tmp_path, edit)
    [removed] = _find(changes, "client.sequences.deactivate()")
    assert removed.kind == "removed" and removed.breaking
    [added] = _find(changes, "Sequence.tagline")
    assert added.kind == "added" and not added.breaking
    assert len(changes) == 2


def test_attribute_type_change_is_breaking(tmp_path: Path) -> None:
    changes = _changes(tmp_path, lambda d: _props(d)["name"].update(type="integer"))
    [change] = [c for c in _find(changes, "Sequence.name") if "type" in c.detail]
    assert change.breaking and "str" in change.detail and "int" in change.detail


def test_enum_values_removed_break_and_added_do_not(tmp_path: Path) -> None:
    def narrow(d: dict[str, Any]) -> None:
        _props(d)["shareType"]["description"] = (
            f"{FILTERABLE} {SORTABLE}\n\nThe sequence share type must be either \"private\" or \"shared\"."
        )

    narrowed = [c for c in _changes(tmp_path, narrow) if "enum" in c.detail]
    assert narrowed and all(c.breaking for c in narrowed)
    assert any(c.subject == "Sequence.share_type" and "'read_only'" in c.detail for c in narrowed)
    assert any(c.subject == "SequenceFilter(share_type=...)" for c in narrowed)

    def widen(d: dict[str, Any]) -> None:
        _props(d)["shareType"]["description"] = (
            f"{FILTERABLE} {SORTABLE}\n\nThe sequence share type must be one of \"private\", \"read_only\", "
            "\"shared\" or \"team\"."
        )

    widened = [c for c in _changes(tmp_path, widen) if "enum" in c.detail]
    assert widened and not any(c.breaking for c in widened)
    assert all("'team'" in c.detail for c in widened)


def test_filter_and_sort_key_removed_are_breaking(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        _props(d)["name"]["description"] = "The name of the sequence."

    changes = _changes(tmp_path, edit)
    [f] = _find(changes, "SequenceFilter(name=...)")
    assert f.kind == "removed" and f.breaking
    [s] = _find(changes, "client.sequences.list(sort=['name'])")
    assert s.kind == "removed" and s.breaking


def test_relationship_and_resource_changes(tmp_path: Path) -> None:
    changes = _changes(
        tmp_path, lambda d: d["components"]["schemas"]["sequenceRelationships"]["properties"].pop("updater")
    )
    [rel] = _find(changes, "Sequence.updater")
    assert rel.kind == "removed" and rel.breaking

    old = surface(build_api(SPEC, "sdk"))
    gone = diff_surfaces(old, {"version": 1, "resources": {}})
    assert [(c.subject, c.kind, c.breaking) for c in gone] == [("client.sequences", "removed", True)]
    back = diff_surfaces({"version": 1, "resources": {}}, old)
    assert [(c.subject, c.kind, c.breaking) for c in back] == [("client.sequences", "added", False)]


def test_read_only_attribute_is_no_longer_an_argument(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        desc = _props(d)["description"]["description"]
        _props(d)["description"]["description"] = "<img src=https://developers.outreach.io/badges/readonly.svg> " + desc

    changes = _changes(tmp_path, edit)
    assert any(c.subject == "Sequence.description" and "read-only" in c.detail and c.breaking for c in changes)


def test_cli_exit_codes_and_markdown(tmp_path: Path) -> None:
    same = run_sdkgen("diff", str(SPEC), str(SPEC))
    assert same.returncode == 0, same.stderr
    assert "No change" in same.stdout

    added = copy.deepcopy(BASE)
    _props(added)["tagline"] = {"type": "string", "nullable": True}
    added_path = write_spec(tmp_path / "added.json", added)
    proc = run_sdkgen("diff", str(SPEC), str(added_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Sequence.tagline added" in proc.stdout

    proc = run_sdkgen("diff", str(added_path), str(SPEC), "--format", "markdown")
    assert proc.returncode == 1
    assert proc.stdout.startswith("## SDK changes")
    assert "### Breaking changes" in proc.stdout and "`Sequence.tagline` removed" in proc.stdout


def test_cli_bad_input_is_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", "utf-8")
    proc = run_sdkgen("diff", str(SPEC), str(broken))
    assert proc.returncode == 2
    assert "broken.json" in proc.stderr and "Traceback" not in proc.stderr
    assert run_sdkgen("diff", str(SPEC), str(tmp_path / "missing.json")).returncode == 2


def test_generate_prints_a_summary_of_sdk_changes(tmp_path: Path) -> None:
    spec = tmp_path / "api.json"
    shutil.copy(SPEC, spec)
    args = ("--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "sum_sdk")
    assert run_sdkgen("generate", *args).returncode == 0
    changed = copy.deepcopy(BASE)
    del changed["paths"]["/sequences/{id}/actions/deactivate"]
    _props(changed)["tagline"] = {"type": "string", "nullable": True}
    write_spec(spec, changed)
    proc = run_sdkgen("generate", *args)
    assert proc.returncode == 0, proc.stderr
    assert "SDK changes: 1 added, 1 removed (1 breaking)" in proc.stdout


def test_summary_and_markdown_text() -> None:
    changes = [Change("added", "Sequence.x", "attribute"), Change("removed", "client.s.y()", "", True)]
    assert summary_line(changes) == "SDK changes: 1 added, 1 removed (1 breaking)"
    assert summary_line([]) == "no change to the SDK's public surface"
    md = format_markdown(changes)
    assert md.index("### Breaking changes") < md.index("### Added")


@pytest.mark.parametrize("annotation", ['Literal["a", "b"]', "str"])
def test_type_change_between_enum_and_plain_is_breaking(annotation: str) -> None:
    old = {"version": 1, "resources": {"things": _res({"x": annotation})}}
    new = {"version": 1, "resources": {"things": _res({"x": "int"})}}
    [change] = diff_surfaces(old, new)
    assert change.breaking and change.subject == "Thing.x"


def _res(attrs: dict[str, str]) -> dict[str, Any]:
    return {
        "class": "Thing",
        "id": "int",
        "methods": {},
        "attributes": {k: {"type": v, "nullable": True, "read": True, "write": True} for k, v in attrs.items()},
        "relationships": {},
        "filters": {},
        "sort": [],
        "meta": {},
    }
