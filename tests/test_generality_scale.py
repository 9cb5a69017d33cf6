"""Scale: the synthetic spec, the runtime kept pre-formatted, progress output."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import black

from generator import fmt, progress
from generator.build import build
from generator.conventions import normalise
from generator.load import load
from generator.render import runtime_source

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import synth_spec  # noqa: E402


def test_runtime_sources_are_black_formatted() -> None:
    """fmt copies runtime modules without formatting them: they must already be black's output."""
    folder = Path(fmt.__file__).parent / "runtime"
    for path in sorted(folder.glob("*.py")):
        text = f"# header\n{runtime_source(path.name)}"
        assert fmt.preformatted(text), path.name
        assert black.format_str(text, mode=fmt._mode()) == text, f"run black on {path}"


def test_format_files_formats_everything_else_once(tmp_path: Path, monkeypatch: object) -> None:
    ugly = "x = {  'a':1 }\n"
    out = fmt.format_files({"a.py": ugly, "b.py": ugly, "c.txt": ugly, "r.py": "# h\n" + runtime_source("_types.py")})
    assert out["a.py"] == out["b.py"] == 'x = {"a": 1}\n'
    assert out["c.txt"] == ugly
    assert out["r.py"] == "# h\n" + runtime_source("_types.py")


def test_synthetic_spec_scales_and_links_clones(tmp_path: Path) -> None:
    spec = tmp_path / "synth12.yaml"
    synth_spec.dump(synth_spec.synth(12), spec)
    api = build(normalise(load(spec)), "synth_sdk")
    widgets = [r for r in api.resources if r.type.startswith("widget")]
    assert len(widgets) == 12
    assert sum(len(r.operations) + len(r.actions) for r in widgets) == 12 * 7
    w5 = next(r for r in widgets if r.type == "widget5")
    prev = next(x for x in w5.relationships if x.name == "previous")
    assert prev.related_type == "widget4" and prev.related_class == "Widget4"
    batches = next(r for r in api.resources if r.accessor == "batches")
    assert [a.name for a in batches.actions] == ["widget10_archive"] and not batches.actions[0].member


def test_progress_quiet_on_a_pipe_and_line_by_line_when_verbose() -> None:
    pipe = io.StringIO()
    progress.enable(pipe)
    progress.step("models", 3, 10)
    progress.disable()
    assert pipe.getvalue() == ""
    verbose = io.StringIO()
    progress.enable(verbose, verbose=True)
    progress.step("models", 0, 10)
    progress.step("models", 5, 10)
    progress.step("models", 10, 10)
    progress.disable()
    lines = verbose.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == ["sdkgen: models 0/10", "sdkgen: models 10/10"]


def test_progress_live_on_a_terminal_after_the_delay(monkeypatch: object) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    progress.enable(tty)
    progress.step("models", 1, 10)  # within the first seconds: silent
    assert tty.getvalue() == ""
    progress._State.started -= progress.DELAY + 1
    progress.step("formatting", 4, 9)
    assert "sdkgen: formatting 4/9" in tty.getvalue()
    progress.disable()
    assert tty.getvalue().endswith("\r\x1b[K")


def test_a_large_spec_through_the_workers_matches_a_serial_run(tmp_path: Path, monkeypatch: Any) -> None:
    """The command line on a spec large enough to start the workers first thing (forked before
    the spec is read) writes exactly what one process writes, and every file is black's output:
    resource modules are formatted with a one-line slot for their models, which are formatted
    on their own and put in afterwards."""
    from conftest import run_sdkgen
    from generator import pipeline, workers

    spec = tmp_path / "synth20.json"
    synth_spec.dump(synth_spec.synth(20), spec)
    assert spec.stat().st_size >= pipeline.EARLY_POOL_BYTES
    out = tmp_path / "out"
    proc = run_sdkgen(
        "generate", "--spec", str(spec), "--out", str(out), "--package", "synth_sdk",
        env={"SDKGEN_CACHE_DIR": str(tmp_path / "cache-cli")},
    )
    assert proc.returncode == 0, proc.stderr

    monkeypatch.setenv("SDKGEN_CACHE_DIR", str(tmp_path / "cache-serial"))
    monkeypatch.setattr(workers, "cpus", lambda: 1)
    serial = pipeline.generate_files(spec, "synth_sdk", out_name="out").files
    written = {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in out.rglob("*") if p.is_file()}
    assert {p: t for p, t in written.items() if p in serial} == serial
    for path, text in serial.items():
        if path.endswith(".py"):
            assert "__sdkgen_models__" not in text, path
            assert black.format_str(text, mode=fmt._mode()) == text, path


def test_an_overridden_resource_template_gets_the_models_source(tmp_path: Path) -> None:
    """An overridden resource template gets the models' source itself (no slot): one that writes
    the models twice gets a black-formatted module with both copies."""
    from conftest import SPEC, run_sdkgen
    from generator.inputs import shipped_template_dir

    tpl = tmp_path / "tpl"
    tpl.mkdir()
    shipped = (shipped_template_dir() / "resource.py.jinja").read_text("utf-8")
    assert shipped.count("{{ models }}") == 1
    (tpl / "resource.py.jinja").write_text(shipped.replace("{{ models }}", "{{ models }}\n\n{{ models }}"), "utf-8")
    out = tmp_path / "out"
    proc = run_sdkgen(
        "generate", "--spec", str(SPEC), "--out", str(out), "--package", "outreach_sdk", "--templates", str(tpl),
        env={"SDKGEN_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert proc.returncode == 0, proc.stderr
    text = (out / "outreach_sdk" / "resources" / "sequences.py").read_text("utf-8")
    assert text.count("class SequenceWrite(BaseModel):") == 2 and "__sdkgen_models__" not in text
    assert black.format_str(text, mode=fmt._mode()) == text


WORKER_POLICY = """
import os, sys
from generator import workers


def pid(_):  # defined before the fork: the workers look it up in their copy of __main__
    return os.getpid()


assert not workers.started()
workers.start()
assert workers.started()
main = os.getpid()
few = workers.run_all(pid, [0] * 3, lambda n: None)
many = workers.run_all(pid, [0] * 40, lambda n: None)
workers.shutdown()
print(sum(p == main for p in few), sum(p == main for p in many), workers.cpus())
"""


def test_workers_started_early_take_small_batches_whole() -> None:
    """Workers started before the spec is read (forked, tools loading meanwhile) get every item of
    a small batch (the main process has not loaded black or datamodel-code-generator); of a large
    batch the main process takes every n-th item itself."""
    import subprocess

    from conftest import ROOT

    proc = subprocess.run([sys.executable, "-c", WORKER_POLICY], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    few, many, cpus = map(int, proc.stdout.split())
    if cpus < 2:
        assert (few, many) == (3, 40)  # one core: no pool, everything here
    else:
        assert few == 0 and many == len(range(0, 40, cpus))


def test_the_slot_guard_formats_the_module_whole_with_the_same_result(tmp_path: Path, monkeypatch: Any) -> None:
    """Should a formatted module not hold its models slot exactly once, that module is rendered
    again with the models' source and formatted whole: the same bytes as the slot's way."""
    from conftest import SPEC
    from generator import pipeline

    monkeypatch.setenv("SDKGEN_CACHE_DIR", str(tmp_path / "a"))
    usual = pipeline.generate_files(SPEC, "outreach_sdk").files
    monkeypatch.setenv("SDKGEN_CACHE_DIR", str(tmp_path / "b"))
    monkeypatch.setattr(pipeline, "fill_models", lambda text, models: None)
    guarded = pipeline.generate_files(SPEC, "outreach_sdk").files
    assert guarded == usual


def test_prefit_leaves_strings_and_tab_indented_lines_alone() -> None:
    call = "do_something_with(" + ", ".join(f'"argument{i}"' for i in range(7)) + ")"
    tabbed = f"def f():\n\ta = 1\n\tresult = {call}\n"
    assert fmt.prefit(tabbed) == tabbed  # a tab's width is not prefit's to guess
    prose = "    " + "the server caps the rate and says when to retry " * 2 + "(Retry-After)"
    fstring = f'x = 1\nmessage = f"""{{x}}\n{prose}\n"""\n'
    assert fmt.prefit(fstring) == fstring  # inside an f-string (its own tokens from Python 3.12)
    spaced = f"def f():\n    result = {call}\n"
    assert fmt.prefit(spaced) != spaced and black.format_str(fmt.prefit(spaced), mode=fmt._mode()) == fmt.prefit(spaced)
