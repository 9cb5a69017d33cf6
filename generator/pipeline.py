"""The whole pipeline, one stage after another: load ▸ conventions ▸ IR ▸ models ▸ render ▸ format."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .build import build
from .conventions import normalise
from .fmt import format_files
from .ir import Api
from .load import load
from .models import model_sources
from .render import render


@dataclass(frozen=True)
class Result:
    api: Api
    files: dict[str, str]
    inputs: dict[str, str]


def generate_files(spec: Path, package: str, out_name: str = "generated") -> Result:
    doc = normalise(load(spec))
    api = build(doc, package)
    models = model_sources(api)
    files = format_files(render(api, models, out_name=out_name))
    inputs = {
        "generator": __version__,
        "package": package,
        "spec": spec.name,
        "spec_sha256": hashlib.sha256(spec.read_bytes()).hexdigest(),
    }
    return Result(api, files, inputs)
