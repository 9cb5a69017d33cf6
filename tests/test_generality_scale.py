"""Scale: the synthetic spec, the runtime kept pre-formatted, progress output."""

from __future__ import annotations

import io
import sys
from pathlib import Path

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
