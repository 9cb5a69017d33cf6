"""Incremental generate: after one resource's schema changes, only that resource's module goes
through models ▸ render ▸ format again, and the result equals a generation from a cold cache."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

import generator.pipeline as pipeline
from conftest import ROOT, write_spec

sys.path.insert(0, str(ROOT / "benchmarks"))
from synth_spec import synth  # noqa: E402


class Recorder:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.modelled: list[list[str]] = []
        self.rendered: list[list[str]] = []
        self.formatted: list[list[str]] = []
        real_models, real_render, real_format = pipeline.model_sources, pipeline.render, pipeline.format_files

        def model_sources(api: Any, **kw: Any) -> dict[str, str]:
            self.modelled.append(sorted(r.class_name for r in api.resources))
            return real_models(api, **kw)

        def render(*args: Any, **kw: Any) -> dict[str, str]:
            files = real_render(*args, **kw)
            self.rendered.append(sorted(p for p in files if "/resources/" in p and not p.endswith("__init__.py")))
            return files

        def format_files(files: dict[str, str], **kw: Any) -> dict[str, str]:
            self.formatted.append(sorted(files))
            return real_format(files, **kw)

        monkeypatch.setattr(pipeline, "model_sources", model_sources)
        monkeypatch.setattr(pipeline, "render", render)
        monkeypatch.setattr(pipeline, "format_files", format_files)


def _change_one(doc: dict[str, Any], name: str) -> None:
    props = doc["components"]["schemas"][name]["properties"]
    props["incrementalProbe"] = {"type": "string", "nullable": True, "description": "Added by the test."}


def test_one_changed_schema_rebuilds_one_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDKGEN_CACHE_DIR", str(tmp_path / "cache"))
    doc = synth(4)
    spec = write_spec(tmp_path / "api.json", doc)
    first = pipeline.generate_files(spec, "inc_sdk")
    modules = sorted(p for p in first.files if "/resources/" in p and not p.endswith("__init__.py"))
    assert len(modules) == 4

    rec = Recorder(monkeypatch)
    again = pipeline.generate_files(spec, "inc_sdk")
    assert again.files == first.files
    assert rec.modelled == [[]] and rec.rendered == [[]]  # nothing changed: every module from the cache

    target = next(n for n in doc["components"]["schemas"] if n.startswith("widget") and "Re" not in n)
    _change_one(doc, target)
    write_spec(spec, doc)
    changed = pipeline.generate_files(spec, "inc_sdk")
    changed_module = next(p for p in modules if p.endswith(f"/{target}.py") or p.endswith(f"/{target}s.py"))
    assert rec.modelled[-1] == [next(r.class_name for r in changed.api.resources if changed_module.endswith(f"/{r.module}.py"))]
    assert rec.rendered[-1] == [changed_module]
    assert not any(p in rec.formatted[-1] for p in modules if p != changed_module)
    assert "incremental_probe" in changed.files[changed_module]
    assert [p for p in modules if changed.files[p] != first.files[p]] == [changed_module]

    # the incremental result is exactly what a cold run writes
    monkeypatch.setenv("SDKGEN_CACHE_DIR", str(tmp_path / "cold-cache"))
    cold = pipeline.generate_files(spec, "inc_sdk")
    assert cold.files == changed.files
    assert rec.modelled[-1] == sorted(r.class_name for r in cold.api.resources)


def test_cache_is_keyed_by_options_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDKGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec = write_spec(tmp_path / "api.json", synth(2))
    a = pipeline.generate_files(spec, "first_sdk")
    b = pipeline.generate_files(spec, "second_sdk")
    assert not any("first_sdk" in text for text in b.files.values())
    assert any("first_sdk" in text for text in a.files.values())


def test_a_corrupt_cache_entry_is_not_trusted_blindly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries are whole files written atomically; an unreadable one is simply rebuilt."""
    monkeypatch.setenv("SDKGEN_CACHE_DIR", str(tmp_path / "cache"))
    spec = write_spec(tmp_path / "api.json", synth(1))
    first = pipeline.generate_files(spec, "one_sdk")
    for entry in (tmp_path / "cache" / "modules").iterdir():
        entry.write_bytes(b"\xff\xfe not utf-8")
    again = pipeline.generate_files(spec, "one_sdk")
    assert again.files == first.files


def test_cached_models_are_keyed_by_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model's cached text holds its attribute docstrings as sdkgen writes them: a generator
    that writes them differently must not be served the old text."""
    from generator import inputs, models

    payload = ('{"openapi": "3.0.3"}', {"a": "a"}, {"a": "The a."})
    before = models._key(payload)
    monkeypatch.setattr(inputs, "generator_digest", lambda: "another build")
    assert models._key(payload) != before


def test_cached_black_output_is_keyed_by_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    """black's cached output depends on what fmt.prefit gave it: another generator build (another
    prefit, or another black) must not be served it."""
    from generator import fmt, inputs

    before = fmt._key("x = 1\n")
    monkeypatch.setattr(inputs, "generator_digest", lambda: "another build")
    assert fmt._key("x = 1\n") != before
