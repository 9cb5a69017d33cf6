"""The two packages install as users install them: sdkgen from a plain wheel, the SDK with only httpx + pydantic."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import GENERATED, ROOT

STDLIB = set(sys.stdlib_module_names)


def _pip(*args: str, cwd: Path = ROOT) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def test_sdkgen_wheel_ships_templates_and_runtime(tmp_path: Path) -> None:
    _pip("wheel", "--no-deps", "-q", "-w", str(tmp_path), ".")
    [wheel] = tmp_path.glob("sdkgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (ROOT / "templates").glob("*.jinja"):
        assert f"generator/templates/{template.name}" in names, template.name
    for module in (ROOT / "generator" / "runtime").glob("*.py"):
        assert f"generator/runtime/{module.name}" in names, module.name


def test_generated_sdk_imports_only_the_standard_library_httpx_and_pydantic() -> None:
    package = GENERATED / "outreach_sdk"
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= STDLIB | {"httpx", "pydantic"}, f"{path.name} imports {roots}"


def test_generated_sdk_installs_with_pip_and_declares_only_httpx_and_pydantic(tmp_path: Path) -> None:
    _pip("wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheels"), str(GENERATED))
    [wheel] = (tmp_path / "wheels").glob("*.whl")
    archive = zipfile.ZipFile(wheel)
    metadata = next(n for n in archive.namelist() if n.endswith("METADATA"))
    requires = [line.split(":", 1)[1].strip() for line in archive.read(metadata).decode().splitlines() if line.startswith("Requires-Dist:")]
    assert sorted(r.split(">")[0].split("=")[0].strip() for r in requires) == ["httpx", "pydantic"]
    assert "outreach_sdk/py.typed" in archive.namelist()
    _pip("install", "--no-deps", "-q", "--target", str(tmp_path / "site"), str(wheel))
    proc = subprocess.run(
        [sys.executable, "-c", "import outreach_sdk as s; c = s.Client(token='t'); print(type(c.sequences).__name__, s.__file__)"],
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    name, location = proc.stdout.split()
    assert name == "Sequences" and location.startswith(str(tmp_path / "site"))


def test_generated_sdk_passes_mypy_strict(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"), "outreach_sdk"],
        cwd=GENERATED, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
