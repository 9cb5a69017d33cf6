"""The command line: config from [tool.sdkgen], generate, check (0 / 1 naming files / 2), python -m generator."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SPEC, run_sdkgen


def _project(tmp_path: Path) -> Path:
    (tmp_path / "spec").mkdir()
    shutil.copy(SPEC, tmp_path / "spec" / "api.json")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "user-app"\nversion = "1"\n\n[tool.sdkgen]\nspec = "spec/api.json"\nout = "sdk"\npackage = "acme_sdk"\n'
    )
    return tmp_path


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_generate_then_check_reads_tool_sdkgen_from_the_nearest_pyproject(tmp_path: Path) -> None:
    project = _project(tmp_path)
    sub = project / "src" / "deep"
    sub.mkdir(parents=True)
    gen = run_sdkgen("generate", cwd=sub)  # run from a subfolder: the nearest pyproject.toml is found upwards
    assert gen.returncode == 0, gen.stderr
    assert (project / "sdk" / "acme_sdk" / "resources" / "sequences.py").is_file()
    assert (project / "sdk" / "pyproject.toml").is_file() and (project / "sdk" / "README.md").is_file()
    assert "acme_sdk" in (project / "sdk" / "README.md").read_text()
    check = run_sdkgen("check", cwd=project)
    assert check.returncode == 0, check.stderr


def test_check_exits_1_naming_edited_and_missing_files_and_writes_nothing(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert run_sdkgen("generate", cwd=project).returncode == 0
    (project / "sdk" / "acme_sdk" / "filters.py").write_text("# edited by hand\n")
    (project / "sdk" / "acme_sdk" / "_version.py").unlink()
    before = _snapshot(project / "sdk")
    check = run_sdkgen("check", cwd=project)
    assert check.returncode == 1
    assert "acme_sdk/filters.py" in check.stderr and "acme_sdk/_version.py" in check.stderr
    assert "acme_sdk/_client.py" not in check.stderr
    assert _snapshot(project / "sdk") == before


def test_check_exits_1_when_the_spec_changed(tmp_path: Path) -> None:
    project = _project(tmp_path)
    assert run_sdkgen("generate", cwd=project).returncode == 0
    spec = project / "spec" / "api.json"
    spec.write_text(spec.read_text().replace("Create a New Sequence", "Create a sequence"))
    check = run_sdkgen("check", cwd=project)
    assert check.returncode == 1, check.stdout + check.stderr


def test_command_line_options_override_the_config(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = run_sdkgen("generate", "--out", "other", "--package", "other_sdk", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "other" / "other_sdk" / "__init__.py").is_file() and not (project / "sdk").exists()


def test_bad_input_is_exit_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "spec" / "api.json").write_text('{"openapi": "3.0.3", "paths": {')
    result = run_sdkgen("generate", cwd=project)
    assert result.returncode == 2
    assert "api.json" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "sdk").exists()
    missing = run_sdkgen("check", "--spec", str(project / "nope.json"), cwd=project)
    assert missing.returncode == 2 and "nope.json" in missing.stderr


def test_no_spec_configured_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n')
    result = run_sdkgen("generate", cwd=tmp_path)
    assert result.returncode == 2 and "spec" in result.stderr
