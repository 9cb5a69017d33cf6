"""The command line: ``sdkgen generate`` and ``sdkgen check``.

This is the only place that turns problems into messages and exit codes:
0 done / up to date, 1 ``check`` found differences, 2 bad input or option, 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import __version__, progress
from .errors import OptionError, SpecError

PACKAGE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass(frozen=True)
class Config:
    spec: Path
    out: Path
    package: str
    force: bool = False
    templates: Path | None = None


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def resolve_config(args: argparse.Namespace) -> Config:
    table: dict[str, object] = {}
    base = Path.cwd()
    pyproject = find_pyproject(Path.cwd())
    if pyproject is not None:
        try:
            data = tomllib.loads(pyproject.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise OptionError(f"{pyproject}: invalid TOML: {exc}") from None
        tool = data.get("tool", {}).get("sdkgen", {})
        if not isinstance(tool, dict):
            raise OptionError(f"{pyproject}: [tool.sdkgen] must be a table")
        table, base = tool, pyproject.parent

    def pick(name: str, default: str | None) -> str | None:
        given = getattr(args, name, None)
        if given is not None:
            return str(given)
        value = table.get(name, default)
        if value is not None and not isinstance(value, str):
            raise OptionError(f"{pyproject}: [tool.sdkgen] {name} must be a string")
        if value is not None and name in ("spec", "out", "templates"):
            return str(base / value)
        return value

    spec = pick("spec", None)
    if spec is None:
        raise OptionError("no spec given: pass --spec or set spec in [tool.sdkgen] of pyproject.toml")
    out = pick("out", "generated")
    package = pick("package", None)
    assert out is not None
    if package is None:
        raise OptionError("no package name: pass --package or set package in [tool.sdkgen]")
    if not PACKAGE_NAME.match(package) or any(
        __import__("keyword").iskeyword(part) for part in package.split(".")
    ):
        raise OptionError(f"--package {package!r} is not a valid dotted Python name")
    templates = pick("templates", None)
    return Config(
        spec=Path(spec),
        out=Path(out),
        package=package,
        force=bool(getattr(args, "force", False)),
        templates=Path(templates) if templates is not None else None,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sdkgen", description="Typed Python SDKs for JSON:API services.")
    parser.add_argument("--version", action="version", version=f"sdkgen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("generate", "write the SDK into the output folder"),
        ("check", "exit 1 if the output folder differs from what generate would write"),
    ):
        p = sub.add_parser(name, help=text, description=text)
        p.add_argument("--spec", help="the OpenAPI document (JSON or YAML)")
        p.add_argument("--out", help="the output folder (default: generated)")
        p.add_argument("--package", help="the SDK's import name")
        p.add_argument("--templates", help="a folder of templates that override the shipped ones by file name")
        p.add_argument("--verbose", "-v", action="store_true", help="report each stage on stderr, also on a pipe")
        if name == "generate":
            p.add_argument("--force", action="store_true", help="replace an output folder sdkgen did not write")
            p.add_argument(
                "--fail-on-change",
                action="store_true",
                help="exit 1 when files were changed (for pre-commit and CI: review and commit them)",
            )
    text = "show how the SDK's public surface changes from OLD_SPEC to NEW_SPEC; exit 1 if any change is breaking"
    p = sub.add_parser("diff", help=text, description=text)
    p.add_argument("old_spec", metavar="OLD_SPEC")
    p.add_argument("new_spec", metavar="NEW_SPEC")
    p.add_argument("--format", choices=("text", "markdown"), default="text", help="markdown: a changelog entry")
    p.add_argument("--package", default=None, help="the SDK's import name (default: from pyproject.toml, or sdk)")
    return parser


def _say(text: str) -> None:
    """One line on stderr; spec text in it cannot start a new line or drive the terminal."""
    safe = "".join(c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii") for c in text)
    try:
        print(f"sdkgen: {safe}", file=sys.stderr)
    except (OSError, ValueError):  # stderr closed or a broken pipe: nothing more to say
        pass


def main(argv: list[str] | None = None) -> int:
    """Run the command line; every outcome is an exit code and at most one short message.

    0 done, 1 ``check`` found differences, 2 bad input or option (and, with a note to report
    it, an unexpected internal error), 130 interrupted. ``SDKGEN_DEBUG=1`` shows tracebacks.
    """
    try:
        return _main(argv)
    except KeyboardInterrupt:
        _say("interrupted; the output folder was left as it was")
        return 130


def run() -> None:
    """The console entry point (``sdkgen`` and ``python -m generator``)."""
    code = main()
    if code == 130:
        exit_interrupted()
    sys.exit(code)


def exit_interrupted() -> None:
    """Leave with 130 after Ctrl-C: end the worker processes first (they may be mid-task), and
    keep ignoring SIGINT (the terminal sends it to the whole process group) while shutting down."""
    _ignore_further_interrupts()
    if "generator.workers" in sys.modules:
        sys.modules["generator.workers"].terminate()
    sys.exit(130)


def _ignore_further_interrupts() -> None:
    """A second Ctrl-C (or the process group's copy of it) must not cut the orderly exit short."""
    import signal

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        pass


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 for bad usage, 0 for --help
        return exc.code if isinstance(exc.code, int) else 2
    debug = bool(os.environ.get("SDKGEN_DEBUG"))
    try:
        return _run(args)
    except (SpecError, OptionError) as exc:
        if debug:
            raise
        _say(f"error: {exc}")
        return 2
    except OSError as exc:
        if debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        _say(f"error: {where}{exc.strerror or exc}")
        return 2
    except RecursionError:
        if debug:
            raise
        _say("error: the input nests too deeply to process")
        return 2
    except MemoryError:
        _say("error: out of memory (is the input absurdly large?)")
        return 2
    except Exception as exc:  # a bug in sdkgen: say so in one line, never a traceback
        if debug:
            raise
        _say(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in sdkgen {__version__}, not in your spec; "
            "please report it with the spec (rerun with SDKGEN_DEBUG=1 for the traceback)"
        )
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "diff":
        return _diff(args)
    from .inputs import input_hashes
    from .write import quick_check

    config = resolve_config(args)
    started = time.perf_counter()
    progress.enable(sys.stderr, verbose=bool(getattr(args, "verbose", False)))  # live only on a terminal
    # Instant path: the manifest's input hashes match, so only the files' hashes need checking.
    inputs = input_hashes(config.spec, config.package, config.templates)
    known = quick_check(config.out, inputs)
    if args.command == "check":
        diffs = known if known is not None else _full_compare(config)
        return _report_check(config, diffs)
    if known == []:
        print(f"sdkgen: {config.out} is up to date (nothing to do)")
        return 0
    return _generate(config, started, fail_on_change=bool(getattr(args, "fail_on_change", False)))


def _full_compare(config: Config) -> list[str]:
    from .pipeline import generate_files
    from .write import compare_tree

    result = generate_files(config.spec, config.package, out_name=config.out.name, templates=config.templates)
    progress.finish()
    return compare_tree(result.files, config.out)


def _report_check(config: Config, diffs: list[str]) -> int:
    if diffs:
        print(f"sdkgen: {config.out} is stale or was edited by hand; these files differ:", file=sys.stderr)
        for path in diffs:
            print(f"  {path}", file=sys.stderr)
        print("run `sdkgen generate` to bring it up to date", file=sys.stderr)
        return 1
    print(f"sdkgen: {config.out} is up to date")
    return 0


def _generate(config: Config, started: float, fail_on_change: bool = False) -> int:
    from .diff import diff_surfaces, summary_line
    from .pipeline import generate_files
    from .write import compare_tree, read_manifest, write_tree

    result = generate_files(config.spec, config.package, out_name=config.out.name, templates=config.templates)
    progress.finish()
    previous = read_manifest(config.out)
    changed = compare_tree(result.files, config.out)
    write_tree(result.files, config.out, result.inputs, force=config.force, surface=result.surface)
    elapsed = time.perf_counter() - started
    n_res = len(result.api.resources)
    print(
        f"sdkgen: wrote {config.out} ({len(result.files)} files, {n_res} resource{'s' if n_res != 1 else ''}; "
        f"{len(changed)} changed) in {elapsed:.1f}s"
    )
    for note in result.api.skipped:
        _say(f"warning: {config.spec}:{note}")
    old_surface = previous.get("surface") if previous else None
    if isinstance(old_surface, dict):
        print(f"sdkgen: {summary_line(diff_surfaces(old_surface, result.surface))}")
    if changed and fail_on_change:
        print("sdkgen: these files changed; review and stage them:", file=sys.stderr)
        for path in changed:
            print(f"  {path}", file=sys.stderr)
        return 1
    return 0


def _diff(args: argparse.Namespace) -> int:
    from .diff import diff_surfaces, format_markdown, format_text, surface
    from .pipeline import build_api

    package = args.package
    if package is None:
        try:
            package = resolve_config(argparse.Namespace(spec=args.new_spec, out=None, package=None)).package
        except OptionError:
            package = "sdk"
    old = surface(build_api(Path(args.old_spec), package))
    new = surface(build_api(Path(args.new_spec), package))
    changes = diff_surfaces(old, new)
    if args.format == "markdown":
        title = f"SDK changes ({Path(args.old_spec).name} → {Path(args.new_spec).name})"
        sys.stdout.write(format_markdown(changes, title))
    else:
        sys.stdout.write(format_text(changes))
    return 1 if any(c.breaking for c in changes) else 0
