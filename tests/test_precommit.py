"""The pre-commit hooks, through the real pre-commit framework.

A throwaway clone of this repository gets one commit holding the current working tree (pre-commit
only sees committed revisions); a user project in a temporary git repository then installs the
hooks from that commit. pre-commit installs sdkgen non-editably with pip, so this also proves the
templates and the runtime ship inside the package. PIP_* variables pass through, so a local wheel
cache or index is reused; SDKGEN_PRECOMMIT_HOME keeps pre-commit's environments between runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SPEC

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FIXED_DATE = "2024-01-01T00:00:00+00:00"


def _git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_AUTHOR_DATE": FIXED_DATE,
        "GIT_COMMITTER_DATE": FIXED_DATE,
    }
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _snapshot_of_this_repo(dest: Path) -> str:
    """A git repository at ``dest`` whose one commit is the current working tree; its sha."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    dest.mkdir()
    _git("init", "-q", cwd=dest)
    for rel in filter(None, listed.split("\0")):
        if rel.startswith(("generated/", "tests/")):
            continue  # not part of the installed package
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    _git("add", "-A", cwd=dest)
    # fixed dates: the same tree gives the same sha, so a kept pre-commit home is reused
    _git("commit", "-q", "-m", "snapshot", cwd=dest)
    return _git("rev-parse", "HEAD", cwd=dest).strip()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("precommit")
    sha = _snapshot_of_this_repo(base / "sdkgen-src")
    user = base / "user"
    (user / "spec").mkdir(parents=True)
    shutil.copy(SPEC, user / "spec" / "api.json")
    (user / "pyproject.toml").write_text(
        '[project]\nname = "userapp"\nversion = "0"\n\n'
        '[tool.sdkgen]\nspec = "spec/api.json"\nout = "generated"\npackage = "user_sdk"\n',
        "utf-8",
    )
    (user / "app.py").write_text("print('hello')\n", "utf-8")
    (user / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {base / 'sdkgen-src'}\n  rev: {sha}\n"
        "  hooks:\n  - id: sdkgen-check\n  - id: sdkgen-generate\n",
        "utf-8",
    )
    _git("init", "-q", cwd=user)
    _git("add", "-A", cwd=user)
    _git("commit", "-q", "-m", "start", cwd=user)
    home = os.environ.get("SDKGEN_PRECOMMIT_HOME") or str(base / "pre-commit-home")
    return {"user": user, "home": home}


def _run(project: dict[str, object], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(project["home"]), "PRE_COMMIT_COLOR": "never"}
    env.pop("SDKGEN_CACHE_DIR", None)  # the hook uses the user's normal cache
    env["SDKGEN_CACHE_DIR"] = str(Path(str(project["home"])) / "sdkgen-cache")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", *args],
        cwd=project["user"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_round_trip(project: dict[str, object]) -> None:
    user = Path(str(project["user"]))

    # 1. nothing generated yet: generate writes the tree and fails (files changed), as fixers do
    first = _run(project, "sdkgen-generate", "--all-files")
    assert first.returncode == 1, first.stdout + first.stderr
    assert (user / "generated" / "user_sdk" / "filters.py").is_file()
    _git("add", "-A", cwd=user)

    # 2. an up-to-date tree passes both hooks
    ok = _run(project, "sdkgen-check", "--all-files")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Passed" in ok.stdout
    again = _run(project, "sdkgen-generate", "--all-files")
    assert again.returncode == 0, again.stdout + again.stderr

    # 3. a hand-edited generated file fails, and is named
    edited = user / "generated" / "user_sdk" / "filters.py"
    original = edited.read_text("utf-8")
    edited.write_text(original + "\n# my local fix\n", "utf-8")
    bad = _run(project, "sdkgen-check", "--all-files")
    assert bad.returncode == 1, bad.stdout
    assert "user_sdk/filters.py" in bad.stdout
    edited.write_text(original, "utf-8")

    # 4. a changed spec fails the check
    spec_path = user / "spec" / "api.json"
    doc = json.loads(spec_path.read_text("utf-8"))
    props = doc["components"]["schemas"]["sequence"]["properties"]
    props["tagline"] = {"type": "string", "nullable": True, "description": "A new attribute."}
    spec_path.write_text(json.dumps(doc, indent=1), "utf-8")
    stale = _run(project, "sdkgen-check", "--all-files")
    assert stale.returncode == 1, stale.stdout
    assert "user_sdk/resources/sequences.py" in stale.stdout

    # 5. sdkgen-generate repairs it (failing once, because it changed files), then both pass
    fix = _run(project, "sdkgen-generate", "--all-files")
    assert fix.returncode == 1, fix.stdout
    assert "tagline" in (user / "generated" / "user_sdk" / "resources" / "sequences.py").read_text("utf-8")
    _git("add", "-A", cwd=user)
    assert _run(project, "sdkgen-generate", "--all-files").returncode == 0
    final = _run(project, "sdkgen-check", "--all-files")
    assert final.returncode == 0, final.stdout + final.stderr


def test_hooks_skip_unrelated_files(project: dict[str, object]) -> None:
    user = Path(str(project["user"]))
    _run(project, "sdkgen-generate", "--all-files")  # up to date, whatever ran before
    # even with a stray file in the SDK, a commit touching only app.py does not run the hooks
    (user / "generated" / "stray.txt").write_text("x\n", "utf-8")
    try:
        skipped = _run(project, "sdkgen-check", "--files", "app.py")
        assert skipped.returncode == 0, skipped.stdout
        assert "Skipped" in skipped.stdout
        ran = _run(project, "sdkgen-check", "--files", "generated/stray.txt")
        assert ran.returncode == 1, ran.stdout
        assert "stray.txt" in ran.stdout
    finally:
        (user / "generated" / "stray.txt").unlink()


def test_hook_definitions() -> None:
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    assert set(hooks) == {"sdkgen-check", "sdkgen-generate"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        assert hook["files"]
