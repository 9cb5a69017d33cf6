"""Shared fixtures: the golden SDK on sys.path, and a way to generate SDKs from small specs."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "spec" / "outreach-sequences.openapi.json"
GENERATED = ROOT / "generated"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Property-based tests explore new examples on every local run; in CI they replay a fixed set,
# so a submission cannot fail on an example nobody has seen.
from hypothesis import settings as _hypothesis_settings

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")

# The golden SDK (generated/outreach_sdk) is what the SDK behaviour tests exercise.
sys.path.insert(0, str(GENERATED))


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep sdkgen's content-addressed caches out of the user's home during tests."""
    old = os.environ.get("SDKGEN_CACHE_DIR")
    os.environ["SDKGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("sdkgen-cache"))
    yield
    if old is None:
        os.environ.pop("SDKGEN_CACHE_DIR", None)
    else:
        os.environ["SDKGEN_CACHE_DIR"] = old


def run_sdkgen(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess (exit codes, stderr, no traceback)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def write_spec(path: Path, doc: dict[str, Any] | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=1), "utf-8")
    return path


_counter = 0


@pytest.fixture
def make_sdk(tmp_path: Path) -> Callable[..., ModuleType]:
    """Generate an SDK from a spec (path or dict) into a temporary folder and import it."""

    def make(spec: Path | dict[str, Any], package: str | None = None) -> ModuleType:
        global _counter
        _counter += 1
        package = package or f"sdk_under_test_{_counter}"
        if isinstance(spec, dict):
            spec = write_spec(tmp_path / f"spec{_counter}.json", spec)
        from generator.pipeline import generate_files
        from generator.write import write_tree

        out = tmp_path / f"out{_counter}"
        result = generate_files(Path(spec), package)
        write_tree(result.files, out, result.inputs)
        sys.path.insert(0, str(out))
        importlib.invalidate_caches()
        return importlib.import_module(package)

    return make


def _prism_binary() -> str | None:
    import shutil

    local = ROOT / ".tools" / "node_modules" / ".bin" / "prism"
    if local.exists():
        return str(local)
    return shutil.which("prism")


@pytest.fixture(scope="session")
def prism_url() -> Iterator[str]:
    """A real Prism mock server (`prism mock --errors`) over spec/, on a free loopback port."""
    import socket
    import time

    import httpx

    binary = _prism_binary()
    if binary is None:
        pytest.skip("Prism is not installed (./scripts/test installs it with npm into .tools/)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [binary, "mock", "--errors", "-h", "127.0.0.1", "-p", str(port), str(SPEC)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/sequences", headers={"Authorization": "Bearer x"}, timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the Prism mock server did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
