"""Every bad input ends in exit 2 with one line naming the file, the location and the problem.

Each case runs the real command line in a subprocess, on a small fixture in ``fixtures/hostile``
(or one written here when it has to be big, unreadable or odd), and checks: exit code 2, exactly
one line on stderr, no traceback, the file and the location in the message, nothing written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import run_sdkgen, write_spec

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
POINTER = r"#(/[^:]*)?"
LINE_COL = r"\d+:\d+"


def fails(spec: Path, tmp_path: Path, *, where: str | None, what: str, cwd: Path | None = None) -> str:
    """Run generate on ``spec``: exit 2, one line, names the file, ``where`` (a regex) and ``what``."""
    out = tmp_path / "out"
    result = run_sdkgen("generate", "--spec", str(spec), "--out", str(out), "--package", "bad_sdk", cwd=cwd)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert "Traceback" not in result.stderr and "internal error" not in line, line
    assert line.startswith(f"sdkgen: error: {spec}"), line
    if where is not None:
        assert re.match(rf"sdkgen: error: {re.escape(str(spec))}:{where}: ", line), line
    assert what.lower() in line.lower(), line
    assert not out.exists(), "a failed run must not write anything"
    return line


def copy(name: str, tmp_path: Path) -> Path:
    """The fixture, in a folder of its own (so $refs beside it resolve as they would for a user)."""
    folder = tmp_path / "spec"
    folder.mkdir(exist_ok=True)
    shutil.copy(HOSTILE / name, folder / name)
    return folder / name


# --------------------------------------------------------------------------- files


def test_missing_file(tmp_path: Path) -> None:
    fails(tmp_path / "nope.json", tmp_path, where=None, what="no such file")


def test_unreadable_file(tmp_path: Path) -> None:
    spec = copy("valid.json", tmp_path)
    spec.chmod(0)
    try:
        if os.access(spec, os.R_OK):  # root reads anything: make it unreadable another way
            spec.chmod(0o644)
            spec.unlink()
            spec.mkdir()
            fails(spec, tmp_path, where=None, what="is a folder")
        else:
            fails(spec, tmp_path, where=None, what="permission denied")
    finally:
        if spec.is_file():
            spec.chmod(0o644)


def test_unreadable_file_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Permission denied, whoever runs the tests (root reads every file)."""
    import builtins

    from generator.cli import main

    spec = copy("valid.json", tmp_path)
    real_open = builtins.open

    def guarded(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file) == str(spec):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    code = main(["generate", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "x"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines() == [f"sdkgen: error: {spec}: cannot read the file: permission denied"]


def test_folder_instead_of_file(tmp_path: Path) -> None:
    fails(tmp_path, tmp_path, where=None, what="is a folder")


def test_named_pipe_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.json"
    os.mkfifo(fifo)
    fails(fifo, tmp_path, where=None, what="not a regular file")


def test_empty_file(tmp_path: Path) -> None:
    fails(copy("empty.json", tmp_path), tmp_path, where=None, what="empty")


def test_not_utf8(tmp_path: Path) -> None:
    spec = tmp_path / "latin1.yaml"
    spec.write_bytes(b"openapi: 3.0.3\ninfo:\n  title: caf\xe9\n")
    fails(spec, tmp_path, where="3:13", what="not UTF-8")


# --------------------------------------------------------------------------- syntax


def test_truncated_json(tmp_path: Path) -> None:
    fails(copy("truncated.json", tmp_path), tmp_path, where=LINE_COL, what="invalid JSON")


def test_invalid_yaml(tmp_path: Path) -> None:
    fails(copy("invalid.yaml", tmp_path), tmp_path, where="4:10", what="invalid YAML")


def test_duplicate_key_json(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "dup.json", '{"openapi": "3.0.3",\n "paths": {},\n "paths": {}}')
    fails(spec, tmp_path, where="3:2", what="duplicate key 'paths'")


def test_duplicate_key_yaml(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "dup.yaml", "openapi: 3.0.3\npaths: {}\npaths: {}\n")
    fails(spec, tmp_path, where="3:1", what="duplicate key 'paths'")


def test_document_not_an_object(tmp_path: Path) -> None:
    fails(copy("not_an_object.json", tmp_path), tmp_path, where="#", what="is a list, not an object")


def test_swagger_2(tmp_path: Path) -> None:
    fails(copy("swagger2.yaml", tmp_path), tmp_path, where="#/swagger", what="Swagger 2.0 is not supported")


def test_not_openapi_3(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "v4.json", {"openapi": "4.0.0", "paths": {}})
    fails(spec, tmp_path, where="#/openapi", what="expected OpenAPI 3.0 or 3.1")


# --------------------------------------------------------------------------- $ref


def test_broken_local_ref(tmp_path: Path) -> None:
    fails(copy("broken_ref.json", tmp_path), tmp_path, where=POINTER + "/name", what="does not resolve")


def test_ref_to_missing_file(tmp_path: Path) -> None:
    line = fails(copy("missing_file_ref.json", tmp_path), tmp_path, where=POINTER, what="no such file")
    assert "nowhere.json" in line


def test_ref_outside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "outside.json").write_text(json.dumps({"Name": {"type": "string"}}))
    fails(copy("outside_ref.json", tmp_path), tmp_path, where=POINTER, what="outside the spec's folder")


def test_ref_to_absolute_path(tmp_path: Path) -> None:
    fails(copy("absolute_ref.json", tmp_path), tmp_path, where=POINTER, what="outside the spec's folder")


def test_ref_through_symlink_outside(tmp_path: Path) -> None:
    spec = copy("ref_beside.json", tmp_path)
    (tmp_path / "secret.json").write_text(json.dumps({"Name": {"type": "string"}}))
    (spec.parent / "beside.json").symlink_to(tmp_path / "secret.json")
    fails(spec, tmp_path, where=POINTER, what="outside the spec's folder")


def test_remote_ref(tmp_path: Path) -> None:
    fails(copy("remote_ref.json", tmp_path), tmp_path, where=POINTER, what="remote references are not supported")


def test_ref_beside_the_spec_is_fine(tmp_path: Path) -> None:
    spec = copy("ref_beside.json", tmp_path)
    shutil.copy(HOSTILE / "beside.json", spec.parent / "beside.json")
    out = tmp_path / "out"
    result = run_sdkgen("generate", "--spec", str(spec), "--out", str(out), "--package", "ok_sdk")
    assert result.returncode == 0, result.stderr
    assert "From the file beside the spec." in (out / "ok_sdk" / "resources" / "widgets.py").read_text()


def test_ref_cycle(tmp_path: Path) -> None:
    fails(copy("ref_cycle.json", tmp_path), tmp_path, where=POINTER, what="$ref cycle")


# --------------------------------------------------------------------------- schemas


def test_recursive_schema_is_rejected_with_its_pointer(tmp_path: Path) -> None:
    fails(copy("recursive.json", tmp_path), tmp_path, where="#/components/schemas/Node/properties/child", what="recursive schema")


def test_unknown_schema_type(tmp_path: Path) -> None:
    fails(copy("unknown_type.json", tmp_path), tmp_path, where=POINTER + "/name/type", what="unknown schema type 'strng'")


def test_unsupported_construct_says_which_and_where(tmp_path: Path) -> None:
    fails(copy("unsupported_not.json", tmp_path), tmp_path, where=POINTER + "/name/not", what="keyword 'not' is not supported")


def test_duplicate_parameter(tmp_path: Path) -> None:
    fails(copy("duplicate_parameter.json", tmp_path), tmp_path, where=POINTER + "/parameters/1", what="duplicate parameter 'id'")


def test_duplicate_operation_by_path(tmp_path: Path) -> None:
    fails(copy("duplicate_path.json", tmp_path), tmp_path, where=POINTER, what="duplicate path")


def test_duplicate_operation_id(tmp_path: Path) -> None:
    fails(copy("duplicate_operation_id.json", tmp_path), tmp_path, where=POINTER + "/operationId", what="duplicate operationId")


# --------------------------------------------------------------------------- limits and unsafe YAML


def test_deeply_nested_json(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "deep.json", '{"openapi": "3.0.3", "paths": {}, "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    fails(spec, tmp_path, where=LINE_COL, what="nesting deeper than")


def test_deeply_nested_yaml(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "deep.yaml", "openapi: 3.0.3\npaths: {}\nx: " + "[" * 100_000 + "]" * 100_000 + "\n")
    fails(spec, tmp_path, where="3:" + r"\d+", what="nesting deeper than")


def test_deep_block_yaml(tmp_path: Path) -> None:
    lines = ["openapi: 3.0.3", "paths: {}", "x:"] + [" " * i + "- " for i in range(1, 400)]
    spec = write_spec(tmp_path / "block.yaml", "\n".join(lines) + "1\n")
    fails(spec, tmp_path, where=LINE_COL, what="nesting deeper than")


def test_yaml_alias_bomb(tmp_path: Path) -> None:
    fails(copy("alias_bomb.yaml", tmp_path), tmp_path, where=LINE_COL, what="alias bomb")


def test_yaml_alias_cycle(tmp_path: Path) -> None:
    fails(copy("alias_cycle.yaml", tmp_path), tmp_path, where="4:" + r"\d+", what="refers to itself")


def test_yaml_unsafe_tag_is_not_executed(tmp_path: Path) -> None:
    spec = copy("unsafe_tag.yaml", tmp_path)
    fails(spec, tmp_path, where="3:8", what="unsupported tag", cwd=tmp_path)
    assert not (tmp_path / "pwned.txt").exists()


@pytest.mark.parametrize("tag", ["!!binary aGk=", "!!set {a, b}", "!!timestamp 2024-01-01"])
def test_yaml_non_json_types(tmp_path: Path, tag: str) -> None:
    spec = write_spec(tmp_path / "t.yaml", f"openapi: 3.0.3\npaths: {{}}\nx: {tag}\n")
    fails(spec, tmp_path, where="3:4", what="unsupported tag")


def test_yaml_dates_stay_strings(tmp_path: Path) -> None:
    from generator.load import parse_text

    assert parse_text("a: 2024-01-01\nb: 2024-01-01T10:00:00Z\n", "x.yaml") == {"a": "2024-01-01", "b": "2024-01-01T10:00:00Z"}


def test_lone_surrogate_in_json(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "s.json", '{"openapi": "3.0.3", "paths": {}, "info": {"title": "a\\ud800"}}')
    fails(spec, tmp_path, where="#/info/title", what="lone surrogate")


def test_huge_integer_literal(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "big.json", '{"openapi": "3.0.3", "paths": {}, "x": ' + "9" * 10_000 + "}")
    fails(spec, tmp_path, where=None, what="invalid JSON")


# --------------------------------------------------------------------------- options


def test_package_that_is_a_path(tmp_path: Path) -> None:
    result = run_sdkgen("generate", "--spec", str(HOSTILE / "valid.json"), "--out", str(tmp_path / "out"), "--package", "../x")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["sdkgen: error: --package '../x' is not a valid dotted Python name"]
    assert not (tmp_path / "out").exists() and not (tmp_path / "x").exists()


def test_spec_text_cannot_forge_lines_in_the_message(tmp_path: Path) -> None:
    """A message quoting spec text stays one line, and carries no terminal escapes."""
    spec = write_spec(tmp_path / "s.json", {"openapi": "3.0.3", "paths": {"\n\x1b[31mFAKE\u2028x": {}}})
    result = run_sdkgen("generate", "--spec", str(spec), "--out", str(tmp_path / "out"), "--package", "x")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "\x1b" not in result.stderr, repr(result.stderr)
    assert "a path must start with '/'" in result.stderr
