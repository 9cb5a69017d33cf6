"""Untrusted names and text never become code: they land as inert literals, exactly as written.

A spec whose every name and string is hostile (quotes, triple quotes, backslashes, NUL and other
controls, U+2028/U+2029, a bidi override, an emoji, Jinja syntax, keywords, dunders,
runtime names, colliding spellings) is generated, compiled, imported in a fresh interpreter (no
output, no file created) and read back: each string equals the spec's text.
"""

from __future__ import annotations

import ast
import inspect
import json
import keyword
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from hostile_specs import widget_spec

EVIL = 'x"""\\\n\x00\x07\u2028\u2029\u202e{{ 7*7 }}{% if 1 %}y{% endif %}\'\'\'\r end"\U0001f600'
ENUM = ['a"b', "c'''d", EVIL, "\\", "{{x}}", "\u2028"]
ATTRIBUTES = {
    "class": {"type": "string", "description": EVIL, "enum": ENUM},
    'na"me': {"type": "string", "description": EVIL, "pattern": '^a"b\\d$', "maxLength": 5},
    "__init__": {"type": "integer"},
    "model_config": {"type": "string"},
    "id": {"type": "string"},
    "self": {"type": "string"},
    "1x": {"type": "string"},
    "": {"type": "string"},
    "ñame": {"type": "string"},
    "a-b": {"type": "string"},
    "a_b": {"type": "string"},
    "aB": {"type": "string"},
    "date": {"type": "string"},
    "import os; os.system('x')": {"type": "string"},
}


def no_surrogates(text: str) -> str:
    """What a docstring can hold: CPython stores class docstrings as UTF-8."""
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def generate(tmp_path: Path, spec: dict[str, Any], package: str) -> Path:
    from generator.pipeline import generate_files
    from generator.write import write_tree

    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), "utf-8")
    out = tmp_path / "out"
    result = generate_files(path, package)
    write_tree(result.files, out, result.inputs)
    return out


def import_clean(out: Path, package: str, probe: str) -> Any:
    """Import the SDK in a fresh interpreter: nothing printed, no file created; return ``probe``'s JSON."""
    before = sorted(p for p in out.rglob("*") if "__pycache__" not in p.parts)
    code = (
        "import contextlib, io, json, sys\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):\n"
        f"    import {package}, {package}.filters, {package}.resources\n"
        f"    from {package}.resources import *\n"
        "    import importlib, pkgutil\n"
        f"    mods = [importlib.import_module(m.name) for m in pkgutil.walk_packages({package}.__path__, '{package}.')]\n"
        "assert buf.getvalue() == '', buf.getvalue()\n"
        f"{probe}\n"
    )
    result = subprocess.run(
        [sys.executable, "-X", "utf8", "-B", "-c", code],
        cwd=out,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(out), "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    after = sorted(p for p in out.rglob("*") if "__pycache__" not in p.parts)
    assert after == before, "importing the SDK created files"
    return json.loads(result.stdout, strict=False) if result.stdout else None


@pytest.fixture(scope="module")
def evil_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = widget_spec(
        type_=EVIL,
        path='/wid"gets',
        attributes=ATTRIBUTES,
        description=EVIL,
        summary=EVIL,
        title=EVIL,
        server="http://x/" + EVIL,
        action='ac"t{{x}}',
        version=EVIL,
    )
    return generate(tmp_path_factory.mktemp("evil"), spec, "evil_sdk")


def py_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.py"))


def test_every_file_compiles_and_is_plain_text(evil_sdk: Path) -> None:
    for path in py_files(evil_sdk):
        text = path.read_text("utf-8")
        compile(text, str(path), "exec")
        # Nothing invisible or line-breaking reaches the source: it is all escaped.
        odd = [c for c in text if not (c.isprintable() or c == "\n")]
        assert not odd, (path, odd[:5])


def test_no_spec_text_runs_at_import(evil_sdk: Path) -> None:
    import_clean(evil_sdk, "evil_sdk", "print('null')")


def test_spec_text_is_kept_exactly(evil_sdk: Path) -> None:
    probe = """
import inspect, typing
import evil_sdk
from evil_sdk._client import Client
mod = [m for m in mods if m.__name__.startswith('evil_sdk.resources.') and hasattr(m, '__all__')][0]
cls = getattr(mod, mod.__all__[0])
api = getattr(mod, mod.__all__[2])
fields = cls.model_fields
enum_field = [f for f in fields.values() if f.alias == 'class'][0]
out = {
  'type': cls.resource_type,
  'path': api.path,
  'base_url': Client.default_base_url,
  'doc': inspect.cleandoc(cls.__doc__),
  'enum': list(typing.get_args([a for a in typing.get_args(enum_field.annotation) if a is not type(None)][0])),
  'aliases': sorted(f.alias for f in fields.values() if not (f.alias or '').startswith('@')),
  'names': sorted(n for n, f in fields.items() if not (f.alias or '').startswith('@')),
  'actions': sorted(n for n in vars(api) if not n.startswith('_')),
}
print(json.dumps(out, ensure_ascii=True))
"""
    got = import_clean(evil_sdk, "evil_sdk", probe)
    assert got["type"] == EVIL
    assert got["path"] == '/wid"gets'
    assert got["base_url"] == "http://x/" + EVIL
    assert got["enum"] == ENUM
    assert got["doc"] == inspect.cleandoc(no_surrogates(EVIL).strip())
    assert got["aliases"] == sorted(ATTRIBUTES)
    for name in got["names"]:
        assert name.isidentifier() and name.isascii() and not keyword.iskeyword(name)
        assert not name.startswith(("_", "model_")), name
    assert "ac_t_x" in got["actions"]


def test_pyproject_and_readme_are_safe(evil_sdk: Path) -> None:
    meta = tomllib.loads((evil_sdk / "pyproject.toml").read_text("utf-8"))
    assert "\n" not in meta["project"]["description"]
    assert meta["project"]["version"] == "0.1.0"  # not a valid version: the default
    readme = (evil_sdk / "README.md").read_text("utf-8")
    assert "\x00" not in readme and "\u202e" not in readme and "<script" not in readme
    assert readme.count("```") % 2 == 0


# --------------------------------------------------------------------------- the filters themselves

NASTY = [EVIL, "", '"', '\\', "'''", '"""', "\\\n", "a\tb", '"\n"\t"', "x\n\ty\tz\t", "\x85\x0b\x0c\x1c", "\U0001f600", "\ud83d", "{{ x }}{% y %}", " lead", '"quoted"', "end\\"]


@pytest.mark.parametrize("text", NASTY)
def test_pystr_round_trips(text: str) -> None:
    from generator.literals import pystr

    literal = pystr(text)
    assert ast.literal_eval(literal) == text
    assert all(c.isprintable() for c in literal)


@pytest.mark.parametrize("text", NASTY)
def test_docstring_round_trips(text: str) -> None:
    from generator.fmt import format_files
    from generator.literals import docstring

    source = f"class A:\n    {docstring(text, 4)}\n"
    formatted = format_files({"a.py": source})["a.py"]  # black rewrites docstrings: check after it
    for src in (source, formatted):
        namespace: dict[str, Any] = {}
        exec(compile(src, "a.py", "exec"), namespace)
        expected = "\n".join(line.expandtabs().rstrip(" ") for line in no_surrogates(text).strip().split("\n")) or "(no description)"
        assert inspect.cleandoc(namespace["A"].__doc__) == inspect.cleandoc(expected)


@pytest.mark.parametrize("text", NASTY)
def test_tomlstr_round_trips(text: str) -> None:
    from generator.literals import tomlstr

    value = tomllib.loads(f"x = {tomlstr(text)}")["x"]
    assert value == no_surrogates(text)


def test_pytype_rewrites_from_the_tree_and_refuses_code() -> None:
    from generator.literals import UnsafeOutput, pytype

    # ast.unparse's text, with plain strings in the double quotes black prefers
    assert pytype('Literal["a\\"b", "c"]') == "Literal['a\"b', \"c\"]"
    assert pytype("dict[str, Any] | None") == "dict[str, Any] | None"
    for bad in ['__import__("os")', "int; import os", "int\nimport os", "int # x", "lambda: 1", "x.y()", "[i for i in x]"]:
        try:
            text = pytype(bad)
        except UnsafeOutput:
            continue
        assert "#" not in text and "\n" not in text and "(" not in text, text


def test_a_template_that_forgets_a_filter_fails(tmp_path: Path) -> None:
    import jinja2

    from generator.literals import UnsafeOutput, finalize, pystr

    env = jinja2.Environment(finalize=finalize, undefined=jinja2.StrictUndefined)
    env.filters["pystr"] = pystr
    assert env.from_string("x = {{ v | pystr }}").render(v='"; import os') == "x = '\"; import os'"
    assert env.from_string("{{ n }}: {{ 'int | None' }}{{ 'x' if f }}").render(n="name_1", f=False) == "name_1: int | None"
    for raw in ['"; import os', "a\nb", "x#", "f()", '"""', "{{ x }}"]:
        with pytest.raises(UnsafeOutput):
            env.from_string("{{ v }}").render(v=raw)


def test_header_escapes_the_spec_file_name() -> None:
    from generator.literals import label

    assert "\n" not in label("a\nimport os.json") and ">" not in label("x-->.json")
    assert label("outreach-sequences.openapi.json") == "outreach-sequences.openapi.json"


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "raw", ["class", "__init__", "__class__", "model_config", "1x", "", "日本", "ñame", "match", "_", "a b", "self", "None", "\x00"]
)
def test_identifier_is_always_safe(raw: str) -> None:
    from generator import names

    name = names.identifier(raw, reserved=names.RESERVED_FIELDS)
    assert name.isidentifier() and name.isascii()
    assert not keyword.iskeyword(name) and not keyword.issoftkeyword(name)
    assert not name.startswith(("_", "model_")) and name not in names.RESERVED_FIELDS - {"type_"}
    cls = names.class_name(raw)
    assert cls.isidentifier() and cls.isascii() and not keyword.iskeyword(cls)
    assert cls not in names.RUNTIME_CLASS_NAMES


def test_dedupe_is_deterministic_and_never_steals() -> None:
    from generator import names

    assert names.dedupe(["a_b", "a_b", "a_b_2", "a_b"]) == ["a_b", "a_b_3", "a_b_2", "a_b_4"]
    assert names.dedupe(["x", "x"]) == names.dedupe(["x", "x"])


def test_reserved_names_cover_the_runtime() -> None:
    """A generated field, filter or action may not shadow what the runtime classes define."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "generated"))
    from outreach_sdk._jsonapi import Resource
    from outreach_sdk._query import Filter
    from outreach_sdk._resource_api import SyncAPIResource

    from generator import names

    def public(cls: type) -> set[str]:
        return {n for n in dir(cls) if not n.startswith("_") and not n.startswith("model_")}

    assert public(Resource) - {"can_write", "can_delete"} <= names.RESERVED_FIELDS | {"type"}
    assert public(Filter) <= names.FILTER_RESERVED
    assert public(SyncAPIResource) <= names.API_RESERVED | {"list", "get", "create", "update", "delete"}


def test_spec_text_cannot_spell_the_models_slot(tmp_path: Path) -> None:
    """Resource modules are formatted with a placeholder class where their models go; spec text
    in a docstring that spells it (with a triple quote after it, which once turned the module
    into invalid code) neither moves the models nor loses its own value."""
    from conftest import run_sdkgen
    from generator.render import MODELS_SLOT

    text = "w\n" + MODELS_SLOT + 'and """ more'
    spec = widget_spec(type_=text, description=text, attributes={"name": {"type": "string", "description": text}})
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), "utf-8")
    out = tmp_path / "out"
    proc = run_sdkgen("generate", "--spec", str(path), "--out", str(out), "--package", "slot_sdk",
                      env={"SDKGEN_CACHE_DIR": str(tmp_path / "cache")})
    assert proc.returncode == 0, proc.stderr
    module = next((out / "slot_sdk" / "resources").glob("w*.py")).read_text("utf-8")
    tree = ast.parse(module)
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    assert "__sdkgen_models__" not in classes and MODELS_SLOT not in module
    assert sum(name.endswith("Attributes") for name in classes) == 1  # the models, once, as code
    docs = [ast.get_docstring(n) or "" for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    assert any(inspect.cleandoc(text) in doc for doc in docs)  # the spec's text, exactly, as a value
