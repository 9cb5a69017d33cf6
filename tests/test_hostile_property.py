"""Property: whatever names and text a spec holds, sdkgen exits 2 cleanly or writes code that
compiles, imports without side effects and keeps the spec's text exactly in its strings."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_sdkgen
from hostile_specs import widget_spec
from test_hostile_text import import_clean

# Text with what breaks literals: quotes, backslashes, controls, separators, Jinja, non-ASCII.
SPICE = st.sampled_from(['"', "'", '"""', "\\", "\n", "\r", "\x00", "\t", "\u2028", "\u202e", "{{", "}}", "{%", "#", "é", "日", "\U0001f600", " "])
TEXT = st.lists(st.one_of(SPICE, st.text(max_size=4)), max_size=6).map("".join)
NAME = st.one_of(TEXT, st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True), st.sampled_from(["class", "__init__", "model_config", "id", "type", "self", "list", "def", "None"]))


@st.composite
def specs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    attrs: dict[str, Any] = {}
    for name in draw(st.lists(NAME, min_size=1, max_size=4, unique=True)):
        attrs[name] = {"type": "string", "description": draw(TEXT)}
    enum_values = draw(st.lists(TEXT, min_size=1, max_size=3, unique=True))
    attrs[draw(NAME)] = {"type": "string", "enum": enum_values}
    facts = {
        "type": draw(TEXT),
        "description": draw(TEXT),
        "summary": draw(TEXT),
        "title": draw(TEXT),
        "server": draw(TEXT),
        "enum": enum_values,
    }
    spec = widget_spec(
        type_=facts["type"],
        path="/" + draw(NAME).replace("/", "") if draw(st.booleans()) else "/widgets",
        attributes=attrs,
        description=facts["description"],
        summary=facts["summary"],
        title=facts["title"],
        server=facts["server"],
        action=draw(st.one_of(st.none(), NAME.map(lambda n: n.replace("/", "") or "go"))),
    )
    return spec, facts


PROBE = """
import inspect, typing
from sdk_prop._client import Client
res = [m for m in mods if m.__name__.startswith('sdk_prop.resources.') and hasattr(m, '__all__')]
out = {'base_url': Client.default_base_url, 'resources': []}
for mod in res:
    cls = getattr(mod, mod.__all__[0])
    enums = []
    for f in cls.model_fields.values():
        args = [a for a in typing.get_args(f.annotation) if a is not type(None)]
        if args and typing.get_origin(args[0]) is typing.Literal:
            enums.append(list(typing.get_args(args[0])))
    out['resources'].append({'type': cls.resource_type, 'doc': inspect.cleandoc(cls.__doc__), 'enums': enums})
print(json.dumps(out))
"""


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=specs())
def test_any_names_and_text(tmp_path_factory: Any, case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    spec, facts = case
    tmp = tmp_path_factory.mktemp("prop")
    path = tmp / "spec.json"
    path.write_text(json.dumps(spec), "utf-8")
    out = tmp / "out"
    result = run_sdkgen("generate", "--spec", str(path), "--out", str(out), "--package", "sdk_prop")
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    if result.returncode == 2:
        assert len(result.stderr.strip().splitlines()) == 1 and str(path) in result.stderr
        assert not out.exists()
        return
    assert result.returncode == 0, result.stderr
    for file in out.rglob("*.py"):
        compile(file.read_text("utf-8"), str(file), "exec")
    got = import_clean(out, "sdk_prop", PROBE)
    assert got["base_url"] == facts["server"]
    if not got["resources"]:  # a path that is no JSON:API collection is skipped
        assert "/widgets" not in spec["paths"]
        return
    (resource,) = got["resources"]
    assert resource["type"] == facts["type"]
    assert facts["enum"] in resource["enums"]
    if facts["description"].strip():
        expected = "\n".join(line.expandtabs().rstrip(" ") for line in facts["description"].strip().split("\n"))
        assert resource["doc"] == inspect.cleandoc(expected)
