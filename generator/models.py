"""Stage 4: model source through datamodel-code-generator, used as a library.

Entry point: :func:`model_sources`. For each resource it asks datamodel-code-generator for two
pydantic v2 models: ``{Class}Attributes`` (every readable attribute, as the server sends it) and
``{Class}Write`` (the attributes create/update may send, without read-only ones). Each result is
cached by content (the input schema, the options and the tool's version), so an unchanged
resource is never generated twice, and the work is spread over the machine's cores.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from . import progress, workers
from .cache import folder as cache_folder
from .cache import store as cache_store
from .ir import Api, Resource

PARALLEL_MIN_RESOURCES = 8  # fewer: starting workers costs more than it saves
OPTIONS_VERSION = "4"


Payload = tuple[str, dict[str, str], dict[str, str]]


def _dcg_input(resource: Resource) -> Payload:
    """An OpenAPI document holding the resource's two models, the field name mapping, and the
    fields' descriptions (attribute docstrings)."""

    def model(attrs: Iterable[Any], *, reading: bool) -> dict[str, Any]:
        return {"type": "object", "properties": {a.wire: _schema(a, reading) for a in attrs}}

    schemas = {
        f"{resource.class_name}Attributes": model(resource.readable_attributes, reading=True),
        f"{resource.class_name}Write": model(resource.writable_attributes, reading=False),
    }
    doc = {"openapi": "3.0.3", "info": {"title": "m", "version": "1"}, "paths": {}, "components": {"schemas": schemas}}
    aliases = {a.wire: a.name for a in resource.attributes}
    docs = {a.name: a.description for a in resource.attributes if a.description}
    return json.dumps(doc, sort_keys=True), aliases, docs


def _schema(attribute: Any, reading: bool) -> dict[str, Any]:
    """The attribute's schema; what is read accepts enumeration values newer than the spec.

    Writes are checked against the known values (``Literal``); reads are ``Literal[...] | str``,
    so a server that adds a value (or a mock that sends "string") does not break parsing.
    """
    schema: dict[str, Any] = json.loads(attribute.schema)
    if reading and attribute.kind == "enum":
        nullable = schema.pop("nullable", False)
        schema = {"anyOf": [schema, {"type": "string"}]}
        if nullable:
            schema["nullable"] = True
    return schema


def _generate(payload: Payload) -> str:
    from datamodel_code_generator import DataModelType, InputFileType, PythonVersion, generate
    from datamodel_code_generator.format import DatetimeClassType

    text, aliases, docs = payload
    out = generate(
        text,
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_310,
        enum_field_as_literal="all",
        use_standard_collections=True,
        use_union_operator=True,
        disable_timestamp=True,
        field_constraints=True,
        use_double_quotes=True,
        output_datetime_class=DatetimeClassType.Datetime,
        aliases=aliases,
        allow_population_by_field_name=True,
        reuse_model=False,
        formatters=[],
    )
    assert isinstance(out, str)
    return _strip(out, docs)


def warm_up() -> None:
    """One tiny run: datamodel-code-generator imports most of its modules on its first run."""
    schema = {"type": "object", "properties": {"a": {"type": "string", "enum": ["x"]}, "b": {"type": "string", "format": "date-time"}}}
    doc = {"openapi": "3.0.3", "info": {"title": "m", "version": "1"}, "paths": {}, "components": {"schemas": {"M": schema}}}
    _generate((json.dumps(doc), {}, {}))


def _strip(source: str, docs: dict[str, str]) -> str:
    """Keep only the class definitions (imports are written by the template), documented."""
    tree = ast.parse(source)
    lines = source.splitlines()
    parts = []
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            parts.append("\n".join(lines[node.lineno - 1 - len(node.decorator_list) : node.end_lineno]))
    # Formatted here, once per model (and cached with it): the resource module takes it as it is
    # (see render.fill_models), and black never formats it again as part of that module.
    from .fmt import format_text
    from .literals import prefer_double_quotes

    return format_text(_documented(prefer_double_quotes("\n\n\n".join(parts) + "\n"), docs))


def _key(payload: Payload) -> str:
    # The version from the package metadata: importing datamodel-code-generator here would load
    # it (and its share of memory) into the main process, which only hands the work out.
    # The generator's digest too: the cached text holds the attribute docstrings, written by
    # generator.literals, and is formatted by fmt.prefit and black.
    from .inputs import _tool_version, generator_digest

    version = _tool_version("datamodel-code-generator")
    blob = json.dumps(
        [OPTIONS_VERSION, version, generator_digest(), payload[0], sorted(payload[1].items()), sorted(payload[2].items())]
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def model_sources(api: Api, *, jobs: int | None = None) -> dict[str, str]:
    """Class name -> model source (two classes per resource)."""
    payloads = {r.class_name: _dcg_input(r) for r in api.resources}
    cache = cache_folder("models")
    results: dict[str, str] = {}
    todo: dict[str, Payload] = {}
    keys = {name: _key(p) for name, p in payloads.items()}
    for name, payload in payloads.items():
        hit = cache / keys[name] if cache else None
        if hit is not None and hit.is_file():
            results[name] = hit.read_text("utf-8")
        else:
            todo[name] = payload
    if todo:
        done = _generate_all(todo, jobs)
        for name, text in done.items():
            results[name] = text
            if cache is not None:
                cache_store(cache / keys[name], text)
    return results


def _generate_all(todo: dict[str, Payload], jobs: int | None) -> dict[str, str]:
    """datamodel-code-generator for each resource, on all cores when there are enough of them."""
    total = len(todo)
    progress.step("models", 0, total)
    n_jobs = min(jobs or workers.cpus(), total)
    done: dict[str, str] = {}
    if workers.started() or (n_jobs > 1 and total >= PARALLEL_MIN_RESOURCES):
        results = workers.run_all(_generate, list(todo.values()), lambda n: progress.step("models", n, total))
        done = dict(zip(todo, results))
    else:
        for name, payload in todo.items():
            done[name] = _generate(payload)
            progress.step("models", len(done), total)
    return {name: done[name] for name in todo}


def _documented(source: str, docs: dict[str, str]) -> str:
    """Give each field an attribute docstring from the spec (written as a safe literal here, not by dcg)."""
    from .literals import docstring

    if not docs:
        return source
    lines = source.splitlines()
    inserts: list[tuple[int, str]] = []
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        for item in node.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.target.id in docs:
                indent = " " * item.col_offset
                inserts.append((item.end_lineno or item.lineno, indent + docstring(docs[item.target.id], item.col_offset)))
    for line_no, text in sorted(inserts, reverse=True):
        lines.insert(line_no, text)
    return "\n".join(lines) + "\n"
