"""Nothing outside --out is written, and a failed or interrupted run leaves the old output as it was."""

from __future__ import annotations

import builtins
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_sdkgen

VALID = Path(__file__).resolve().parent / "fixtures" / "hostile" / "valid.json"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (and its siblings' names), with a hash of its bytes."""
    found = {p.name: "sibling" for p in folder.parent.iterdir()}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        found[key] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return found


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    result = run_sdkgen("generate", "--spec", str(VALID), "--out", str(out), "--package", "prev_sdk")
    assert result.returncode == 0, result.stderr
    return out


def test_out_not_written_by_sdkgen_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious")
    before = snapshot(out)
    result = run_sdkgen("generate", "--spec", str(VALID), "--out", str(out), "--package", "x_sdk")
    assert result.returncode == 2 and "--force" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(out) == before


def test_failure_while_writing_leaves_previous_output(previous: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import main

    before = snapshot(previous)
    real_open = builtins.open
    written = []

    def failing_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if "w" in str(mode) and ".sdkgen-" in str(file):
            written.append(file)
            if len(written) > 3:
                raise OSError(28, "No space left on device", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", failing_open)
    code = main(["generate", "--spec", str(VALID), "--out", str(previous), "--package", "new_sdk"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert code == 2 and "No space left on device" in err and "Traceback" not in err
    assert len(written) > 3, "the failure must happen mid-write"
    assert snapshot(previous) == before


@pytest.mark.parametrize("exc", [KeyboardInterrupt, RuntimeError])
def test_failing_stage_leaves_previous_output(previous: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], exc: type[BaseException]) -> None:
    import generator.fmt
    import generator.pipeline
    from generator.cli import main

    before = snapshot(previous)

    def boom(files, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise exc("stage failed")

    monkeypatch.setattr(generator.pipeline, "format_files", boom, raising=False)
    monkeypatch.setattr(generator.fmt, "format_files", boom)
    code = main(["generate", "--spec", str(VALID), "--out", str(previous), "--package", "new_sdk"])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    if exc is KeyboardInterrupt:
        assert code == 130 and "interrupted" in lines[0]
    else:
        assert code == 2 and "internal error" in lines[0] and "report" in lines[0]
    assert snapshot(previous) == before


def test_ctrl_c_in_a_real_run(previous: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """SIGINT to the whole process group (as a terminal sends it) mid-run: exit 130, one line, no change."""
    before = snapshot(previous)
    # The run takes seconds, so the signal lands mid-run (after a finished run it would test nothing).
    proc = _start_big_run(tmp_path_factory.mktemp("big"), out=previous)
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:  # -v reports each stage: interrupt once formatting is under way
        seen.append(line)
        if "formatting" in line:
            os.killpg(proc.pid, signal.SIGINT)
            break
    _, rest = proc.communicate(timeout=120)
    err = "".join(seen) + rest
    assert "Traceback" not in err, err
    assert proc.returncode == 130, (proc.returncode, err)
    assert [l for l in err.strip().splitlines() if "(" not in l] == ["sdkgen: interrupted; the output folder was left as it was"]
    assert snapshot(previous) == before


def _start_big_run(
    tmp_path: Path, resources: int = 12, suffix: str = "json", out: Path | None = None, **popen: object
) -> subprocess.Popen[str]:
    """sdkgen on a 12-resource JSON spec with a cold cache (seconds of work, workers forked
    first); 8 resources of YAML stay under EARLY_POOL_BYTES (workers forked when first needed)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synth_spec

    spec = tmp_path / f"synth{resources}.{suffix}"
    synth_spec.dump(synth_spec.synth(resources), spec)
    env = {**os.environ, "SDKGEN_CACHE_DIR": str(tmp_path / "cold-cache")}
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "generate", "-v", "--spec", str(spec), "--out", str(out or tmp_path / "out"),
         "--package", "x_sdk"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        **popen,  # type: ignore[arg-type]
    )


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                if entry.isdigit():
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found += children
        frontier += children
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize(("resources", "suffix"), [(12, "json"), (8, "yaml")], ids=["forked-first", "forked-on-first-use"])
def test_workers_end_when_the_main_process_is_killed(tmp_path: Path, resources: int, suffix: str) -> None:
    """SIGKILL (or SIGTERM) to the main process mid-run: its workers (forked first thing, or
    when first needed) do not live on as orphans holding the caller's stdout pipe open."""
    proc = _start_big_run(tmp_path, resources, suffix)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "models" in line:
            break
    time.sleep(0.3)  # workers made on first use start with the first task
    workers = _descendants(proc.pid)
    assert workers, "a run this size works with worker processes"
    proc.kill()
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)]
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_run_whose_ctrl_c_is_ignored_ignores_it_in_its_workers_too(tmp_path: Path) -> None:
    """Started with SIGINT ignored (in the background, by a script), a run carries on through a
    Ctrl-C sent to its process group: its workers ignore it too."""
    proc = _start_big_run(tmp_path, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if "models" in line:
            os.killpg(proc.pid, signal.SIGINT)
            break
    _, rest = proc.communicate(timeout=120)
    assert proc.returncode == 0, "".join(seen) + rest
    assert (tmp_path / "out" / "x_sdk" / "resources").is_dir()
