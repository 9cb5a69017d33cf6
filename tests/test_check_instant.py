"""`sdkgen check` answers from the manifest when nothing changed, and still catches hand edits."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SPEC, run_sdkgen

HEAVY = ("jinja2", "black", "datamodel_code_generator", "yaml", "generator.load", "generator.build", "generator.render")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copy(SPEC, tmp_path / "api.json")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sdkgen]\nspec = "api.json"\nout = "out"\npackage = "inst_sdk"\n', "utf-8"
    )
    proc = run_sdkgen("generate", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    return tmp_path


def _check_in_process(cwd: Path) -> tuple[int, list[str], str]:
    """Run `check` in a fresh interpreter; report which heavy modules it imported."""
    code = (
        "import sys, json; from generator.cli import main; rc = main(['check']); "
        f"print(json.dumps([rc, [m for m in {HEAVY!r} if m in sys.modules]]))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True)
    rc, heavy = json.loads(proc.stdout.strip().splitlines()[-1])
    return rc, heavy, proc.stderr


def test_up_to_date_tree_is_confirmed_without_parsing_the_spec(tree: Path) -> None:
    rc, heavy, _ = _check_in_process(tree)
    assert rc == 0
    assert heavy == []  # no spec parsing, no templates, no formatter


def test_manifest_records_inputs(tree: Path) -> None:
    manifest = json.loads((tree / "out" / ".sdkgen-manifest.json").read_text("utf-8"))
    inputs = manifest["inputs"]
    assert inputs["package"] == "inst_sdk"
    assert len(inputs["spec_sha256"]) == 64 and len(inputs["generator_sha256"]) == 64
    assert "inst_sdk/filters.py" in manifest["files"]
    assert "sequences" in manifest["surface"]["resources"]


def test_hand_edit_is_named_on_the_instant_path(tree: Path) -> None:
    target = tree / "out" / "inst_sdk" / "filters.py"
    target.write_text(target.read_text("utf-8") + "# local tweak\n", "utf-8")
    rc, heavy, err = _check_in_process(tree)
    assert rc == 1
    assert "inst_sdk/filters.py" in err
    assert heavy == []


def test_missing_and_extra_files_are_named(tree: Path) -> None:
    (tree / "out" / "inst_sdk" / "_query.py").unlink()
    (tree / "out" / "inst_sdk" / "notes.txt").write_text("mine\n", "utf-8")
    proc = run_sdkgen("check", cwd=tree)
    assert proc.returncode == 1
    assert "inst_sdk/_query.py" in proc.stderr and "inst_sdk/notes.txt" in proc.stderr


def test_changed_spec_falls_back_to_full_comparison(tree: Path) -> None:
    doc = json.loads((tree / "api.json").read_text("utf-8"))
    doc["components"]["schemas"]["sequence"]["properties"]["tagline"] = {"type": "string", "nullable": True}
    (tree / "api.json").write_text(json.dumps(doc, indent=1), "utf-8")
    proc = run_sdkgen("check", cwd=tree)
    assert proc.returncode == 1
    assert "inst_sdk/resources/sequences.py" in proc.stderr
    assert "inst_sdk/_query.py" not in proc.stderr  # only what really differs


def test_spec_reformatted_without_change_still_passes(tree: Path) -> None:
    doc = json.loads((tree / "api.json").read_text("utf-8"))
    (tree / "api.json").write_text(json.dumps(doc, indent=4), "utf-8")  # other bytes, same meaning
    proc = run_sdkgen("check", cwd=tree)
    assert proc.returncode == 0, proc.stderr


def test_changed_package_option_is_stale(tree: Path) -> None:
    proc = run_sdkgen("check", "--package", "other_sdk", cwd=tree)
    assert proc.returncode == 1
    assert "other_sdk/__init__.py" in proc.stderr


def test_generate_on_up_to_date_tree_writes_nothing(tree: Path) -> None:
    manifest = tree / "out" / ".sdkgen-manifest.json"
    before = manifest.stat().st_mtime_ns
    proc = run_sdkgen("generate", cwd=tree)
    assert proc.returncode == 0
    assert "up to date" in proc.stdout
    assert manifest.stat().st_mtime_ns == before
