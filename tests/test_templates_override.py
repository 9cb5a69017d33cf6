"""`--templates DIR` / `templates` in [tool.sdkgen]: single templates overridden by file name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import SPEC, run_sdkgen
from generator.inputs import shipped_template_dir

VERSION_TPL = '{{ header }}\n__version__ = {{ version | pystr }}\nCUSTOMISED = {{ api.title | pystr }}\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(SPEC, tmp_path / "api.json")
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "version.py.jinja").write_text(VERSION_TPL, "utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sdkgen]\nspec = "api.json"\nout = "out"\npackage = "outreach_sdk"\ntemplates = "tpl"\n', "utf-8"
    )
    return tmp_path


def test_override_replaces_one_template_and_the_rest_fall_back(project: Path) -> None:
    proc = run_sdkgen("generate", cwd=project)
    assert proc.returncode == 0, proc.stderr
    version = (project / "out" / "outreach_sdk" / "_version.py").read_text("utf-8")
    assert "CUSTOMISED = " in version
    plain = run_sdkgen(  # outside the project: no [tool.sdkgen], so no templates
        "generate", "--spec", str(project / "api.json"), "--out", str(project / "plain"), "--package", "outreach_sdk",
        cwd=project.parent,
    )
    assert plain.returncode == 0, plain.stderr
    for rel in ("outreach_sdk/filters.py", "outreach_sdk/resources/sequences.py", "outreach_sdk/_client.py"):
        assert (project / "out" / rel).read_bytes() == (project / "plain" / rel).read_bytes(), rel
    assert (project / "plain" / "outreach_sdk" / "_version.py").read_bytes() != version.encode()
    manifest = json.loads((project / "out" / ".sdkgen-manifest.json").read_text("utf-8"))
    assert len(manifest["inputs"]["template:version.py.jinja"]) == 64


def test_check_notices_a_changed_override(project: Path) -> None:
    assert run_sdkgen("generate", cwd=project).returncode == 0
    assert run_sdkgen("check", cwd=project).returncode == 0
    (project / "tpl" / "version.py.jinja").write_text(VERSION_TPL.replace("CUSTOMISED", "CHANGED"), "utf-8")
    proc = run_sdkgen("check", cwd=project)
    assert proc.returncode == 1
    assert "outreach_sdk/_version.py" in proc.stderr
    # dropping the override folder is a change too
    (project / "tpl" / "version.py.jinja").unlink()
    proc = run_sdkgen("check", cwd=project)
    assert proc.returncode == 1 and "outreach_sdk/_version.py" in proc.stderr


def test_command_line_option_and_resource_template(tmp_path: Path) -> None:
    tpl = tmp_path / "mine"
    tpl.mkdir()
    shipped = (shipped_template_dir() / "resource.py.jinja").read_text("utf-8")
    (tpl / "resource.py.jinja").write_text(shipped + "\nTEMPLATE_MARK = {{ resource.type | pystr }}\n", "utf-8")
    args = ["--spec", str(SPEC), "--out", str(tmp_path / "out"), "--package", "outreach_sdk"]
    assert run_sdkgen("generate", *args).returncode == 0  # the default first: fills the module cache
    proc = run_sdkgen("generate", *args, "--templates", str(tpl))
    assert proc.returncode == 0, proc.stderr
    module = (tmp_path / "out" / "outreach_sdk" / "resources" / "sequences.py").read_text("utf-8")
    assert 'TEMPLATE_MARK = "sequence"' in module


def test_template_errors_are_exit_2(tmp_path: Path) -> None:
    args = ["generate", "--spec", str(SPEC), "--out", str(tmp_path / "out"), "--package", "x_sdk"]
    missing = run_sdkgen(*args, "--templates", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "nope" in missing.stderr

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "version.py.jinja").write_text("{{ header }}\n{% for x in %}\n", "utf-8")
    proc = run_sdkgen(*args, "--templates", str(bad))
    assert proc.returncode == 2
    assert "version.py.jinja:2" in proc.stderr and "Traceback" not in proc.stderr

    unsafe = tmp_path / "unsafe"
    unsafe.mkdir()
    (unsafe / "version.py.jinja").write_text("{{ header }}\nX = {{ api.description }}\n", "utf-8")
    proc = run_sdkgen(*args, "--templates", str(unsafe))
    assert proc.returncode == 2 and "without a filter" in proc.stderr
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_docs_list_every_shipped_template() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "templates.md").read_text("utf-8")
    for path in shipped_template_dir().glob("*.jinja"):
        assert f"`{path.name}`" in docs, path.name
