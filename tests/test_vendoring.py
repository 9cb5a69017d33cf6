"""Vendoring: the generated package imports itself only relatively, so it works copied anywhere."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SPEC
from generator.pipeline import generate_files
from generator.write import write_tree

ALLOWED_TOP_LEVEL = {"httpx", "pydantic", "typing_extensions"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vendor-src") / "out"
    result = generate_files(SPEC, "outreach_sdk")
    write_tree(result.files, out, result.inputs)
    return out / "outreach_sdk"


def test_no_absolute_self_imports(generated: Path) -> None:
    stdlib = set(sys.stdlib_module_names)
    modules = sorted(generated.rglob("*.py"))
    assert len(modules) > 5
    for path in modules:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            for root in roots:
                assert root != "outreach_sdk", f"{path.name}: absolute import of the package itself"
                assert root in stdlib or root in ALLOWED_TOP_LEVEL, f"{path.name}: imports {root}"


def test_copied_under_another_package_works(generated: Path, tmp_path: Path) -> None:
    vendor = tmp_path / "myapp" / "_vendor"
    vendor.mkdir(parents=True)
    (tmp_path / "myapp" / "__init__.py").write_text("", "utf-8")
    (vendor / "__init__.py").write_text("", "utf-8")
    shutil.copytree(generated, vendor / "outreach_sdk")
    script = tmp_path / "use_it.py"
    body = {"data": {"type": "sequence", "id": 42, "attributes": {"name": "Q4 outbound", "shareType": "shared"}}}
    script.write_text(
        "import sys, httpx, respx\n"
        "import myapp._vendor.outreach_sdk as sdk\n"
        "from myapp._vendor.outreach_sdk.filters import SequenceFilter\n"
        "assert 'outreach_sdk' not in sys.modules, 'the vendored copy imported a top-level outreach_sdk'\n"
        "with respx.mock(base_url='http://api.test', assert_all_called=True) as mock:\n"
        f"    route = mock.get('/sequences/42').respond(200, json={json.dumps(body)},"
        " headers={'Content-Type': 'application/vnd.api+json'})\n"
        "    with sdk.Client(token='t', base_url='http://api.test', max_retries=0) as client:\n"
        "        seq = client.sequences.get(42)\n"
        "    assert route.called\n"
        "assert seq.id == 42 and seq.name == 'Q4 outbound' and seq.share_type == 'shared', seq\n"
        "assert SequenceFilter(share_type='shared').to_params()\n"
        "assert type(seq).__module__.startswith('myapp._vendor.outreach_sdk.'), type(seq).__module__\n"
        "print('vendored ok')\n",
        "utf-8",
    )
    # only tmp_path on the path: the golden SDK and the repository are out of reach
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "vendored ok" in proc.stdout


def test_package_option_picks_the_import_name(tmp_path: Path) -> None:
    result = generate_files(SPEC, "acme_outreach")
    assert all(p.startswith(("acme_outreach/", "README.md", "pyproject.toml")) for p in result.files)
    write_tree(result.files, tmp_path / "out", result.inputs)
    code = "import acme_outreach as sdk; print(sdk.Client.sdk_name, sdk.Client.__module__)"
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "out")}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["acme_outreach", "acme_outreach._client"]
