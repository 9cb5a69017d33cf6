"""The whole pipeline, one stage after another: load ▸ conventions ▸ IR ▸ models ▸ render ▸ format.

Entry point: :func:`generate_files`. The result also carries the inputs' hashes (``inputs.py``)
and the SDK's public surface (``diff.py``), which the manifest keeps.

Incremental runs: a resource's module is a pure function of that resource's IR, the API-level
fields, the names of the other resources and the generator itself, so the finished (formatted)
module is kept in a content-keyed cache that lasts across runs. When one resource's schema
changes, only its module goes through models ▸ render ▸ format again; the few package-wide
files are rendered every time (black's own cache skips those that did not change).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import cache, workers
from .build import build
from .conventions import normalise
from .diff import surface
from .errors import OptionError
from .fmt import format_files
from .inputs import generator_digest, input_hashes
from .ir import Api
from .literals import UnsafeOutput
from .load import load
from .models import model_sources
from .render import MODELS_SLOT, fill_models, render, resource_path


@dataclass(frozen=True)
class Result:
    api: Api
    files: dict[str, str]
    inputs: dict[str, str]
    surface: dict[str, Any]


def build_api(spec: Path, package: str) -> Api:
    """The IR of a spec (load ▸ conventions ▸ build)."""
    return build(normalise(load(spec)), package)


def generate_files(
    spec: Path, package: str, out_name: str = "generated", templates: Path | None = None
) -> Result:
    inputs = input_hashes(spec, package, templates)  # first: a bad --templates is reported at once
    if _size(spec) >= EARLY_POOL_BYTES:
        workers.start()  # the workers load black and datamodel-code-generator while the spec is read
    api = build_api(spec, package)
    cache = ModuleCache(api, inputs, out_name)
    done = cache.lookup()
    todo = replace(api, resources=tuple(r for r in api.resources if r.class_name not in done))
    if "template:resource.py.jinja" in inputs:
        # An overridden resource template gets the models' source, as it always has (it may test
        # or place it as it likes), and each module is formatted whole.
        models = model_sources(todo)
        files = _format(_render(api, models, out_name, templates, frozenset(done)), templates)
    else:
        # Rendered first: the modules take their models only after black (see render.fill_models),
        # and workers started early finish loading their tools meanwhile.
        slots = {r.class_name: MODELS_SLOT for r in todo.resources}
        files = _render(api, slots, out_name, templates, frozenset(done))
        models = model_sources(todo)
        files = _format(files, templates)
        for r in todo.resources:
            path = resource_path(api, r)
            filled = fill_models(files[path], models[r.class_name])
            if filled is None:  # spec text cannot spell the slot (see literals); this is a guard
                others = frozenset(x.class_name for x in api.resources if x is not r)
                whole = _render(api, {r.class_name: models[r.class_name]}, out_name, templates, others)
                filled = _format({path: whole[path]}, templates)[path]
            files[path] = filled
    cache.store(files, todo)
    for r in api.resources:
        if r.class_name in done:
            files[resource_path(api, r)] = done[r.class_name]
    return Result(api, dict(sorted(files.items())), inputs, surface(api))


EARLY_POOL_BYTES = 128 * 1024  # about 8 resources: the pool will be used, so it may as well start first


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # load reports it


class ModuleCache:
    """Finished resource modules, keyed by everything they are made from."""

    def __init__(self, api: Api, inputs: dict[str, str], out_name: str) -> None:
        self.api = api
        overrides = {k: v for k, v in inputs.items() if k.startswith("template:")}
        # An overridden resource template could read anything in the API: no per-resource cache then.
        self.enabled = "template:resource.py.jinja" not in overrides
        shared = json.dumps(
            [
                generator_digest(),
                overrides,
                out_name,
                repr(replace(api, resources=())),
                [(r.class_name, r.module) for r in api.resources],
            ]
        )
        self.shared = hashlib.sha256(shared.encode()).hexdigest()
        self.folder = cache.root() / "modules"

    def _key(self, resource: Any) -> str:
        return hashlib.sha256(f"{self.shared}\0{resource!r}".encode()).hexdigest()

    def lookup(self) -> dict[str, str]:
        """Class name -> finished module text, for the resources already in the cache."""
        if not self.enabled:
            return {}
        found = {}
        for r in self.api.resources:
            try:
                found[r.class_name] = (self.folder / self._key(r)).read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                pass
        return found

    def store(self, files: dict[str, str], rendered: Api) -> None:
        if not self.enabled:
            return
        folder = cache.folder("modules")
        if folder is None:
            return
        for r in rendered.resources:
            cache.store(folder / self._key(r), files[resource_path(self.api, r)])


def _format(texts: dict[str, str], templates: Path | None) -> dict[str, str]:
    if templates is None:
        return format_files(texts)
    try:
        return format_files(texts)
    except Exception as exc:  # black: the overridden templates wrote something that is not Python
        raise OptionError(f"the templates in {templates} produced code black cannot parse: {exc}") from None


def _render(
    api: Api, models: dict[str, str], out_name: str, templates: Path | None, skip: frozenset[str]
) -> dict[str, str]:
    if templates is None:
        return render(api, models, out_name=out_name, skip=skip)
    import jinja2

    try:
        return render(api, models, out_name=out_name, templates=templates, skip=skip)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name}:{exc.lineno}"
        raise OptionError(f"{where}: template syntax error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise OptionError(f"template error (with --templates {templates}): {exc}") from None
    except UnsafeOutput as exc:
        raise OptionError(f"template error (with --templates {templates}): {exc}") from None
