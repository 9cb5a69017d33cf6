"""The whole pipeline, one stage after another: load ▸ conventions ▸ IR ▸ models ▸ render ▸ format.

Entry point: :func:`generate_files`. The result also carries the inputs' hashes (``inputs.py``)
and the SDK's public surface (``diff.py``), which the manifest keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .build import build
from .conventions import normalise
from .diff import surface
from .errors import OptionError
from .fmt import format_files
from .inputs import input_hashes
from .ir import Api
from .load import load
from .models import model_sources
from .render import render


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
    api = build_api(spec, package)
    models = model_sources(api)
    texts = _render(api, models, out_name, templates)
    if templates is None:
        files = format_files(texts)
    else:
        try:
            files = format_files(texts)
        except Exception as exc:  # black: the overridden templates wrote something that is not Python
            raise OptionError(f"the templates in {templates} produced code black cannot parse: {exc}") from None
    return Result(api, files, inputs, surface(api))


def _render(api: Api, models: dict[str, str], out_name: str, templates: Path | None) -> dict[str, str]:
    if templates is None:
        return render(api, models, out_name=out_name)
    import jinja2

    try:
        return render(api, models, out_name=out_name, templates=templates)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name}:{exc.lineno}"
        raise OptionError(f"{where}: template syntax error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise OptionError(f"template error (with --templates {templates}): {exc}") from None
