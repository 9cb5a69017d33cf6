"""Write a synthetic Outreach-style spec with N resources, for scale benchmarks.

Each resource is a clone of the sequence resource in ``spec/`` (its schemas, its five CRUD
operations and its two member actions: 7 operations), renamed ``widget{i}``/``Widget{i}``. To
be more than N copies of one island, every clone also gets a to-one relationship ``previous``
to the clone before it (so relationships resolve to typed models of the same SDK) and every
tenth clone a collection action ``POST /batches/actions/widget{i}Archive``.

    python benchmarks/synth_spec.py 200 -o /tmp/synth200.yaml     # YAML (by the suffix)
    python benchmarks/synth_spec.py 200 -o /tmp/synth200.json

The 200-resource YAML is about 2.5 MB with about 1,400 operations.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "spec" / "outreach-sequences.openapi.json"
WORD = re.compile(r"(?<![A-Za-z])(sequence|Sequence)(?=[A-Z]|s\b|\b|Response|Relationships)")


def _rename(node: Any, lower: str, upper: str) -> Any:
    """Rename the resource in keys and strings: sequence -> widget7, Sequence -> Widget7."""
    text = json.dumps(node)
    text = re.sub(r"\bsequence(?=s\b|\b|Response\b|Relationships\b)", lower, text)
    text = re.sub(r"\bSequence(?=s\b|\b|Response\b|Relationships\b)", upper, text)
    return json.loads(text)


KEEP_ATTRIBUTES = ("name", "createdAt", "updatedAt", "shareType", "description")
ATTRIBUTES = 12  # of the sequence's 41, so that the clones differ and the YAML is Outreach-sized
KEEP_RELATIONSHIPS = ("owner", "sequenceSteps", "mailings")


def _subset(props: dict[str, Any], i: int, keep: tuple[str, ...], total: int) -> None:
    """Keep ``keep`` and a rotating, deterministic choice of the other properties."""
    others = [k for k in props if k not in keep]
    start = (i * 5) % len(others)
    rotated = (others[start:] + others[:start])[: max(0, total - len(keep))]
    wanted = set(keep) | set(rotated)
    for name in list(props):
        if name not in wanted:
            del props[name]


def synth(n: int) -> dict[str, Any]:
    src = json.loads(SOURCE.read_text("utf-8"))
    out: dict[str, Any] = {
        "openapi": src["openapi"],
        "info": {"title": f"Synthetic Outreach-style API ({n} resources)", "version": "1.0.0"},
        "servers": src.get("servers", []),
        "security": src.get("security", []),
        "tags": [],
        "paths": {},
        "components": {k: v for k, v in src["components"].items() if k != "schemas"},
    }
    out["components"]["schemas"] = {}
    for i in range(1, n + 1):
        lower, upper = f"widget{i}", f"Widget{i}"
        part = _rename({"paths": src["paths"], "schemas": src["components"]["schemas"], "tags": src["tags"]}, lower, upper)
        _subset(part["schemas"][lower]["properties"], i, KEEP_ATTRIBUTES, ATTRIBUTES)
        rels = part["schemas"][f"{lower}Relationships"]["properties"]
        for name in list(rels):
            if name not in KEEP_RELATIONSHIPS:
                del rels[name]
        if i > 1:
            rels["previous"] = {
                "type": "object",
                "description": f"The widget before this one. You can use attributes id and name to filter {lower}s by previous (e.g. filter[previous][id]=X).",
                "nullable": True,
                "properties": {
                    "data": {
                        "type": "object",
                        "nullable": True,
                        "properties": {
                            "type": {"type": "string", "enum": [f"widget{i - 1}"]},
                            "id": {"type": "integer"},
                        },
                    }
                },
            }
        if i % 10 == 0:
            action = copy.deepcopy(part["paths"][f"/{lower}s/{{id}}/actions/activate"]["post"])
            action["parameters"] = [p for p in action.get("parameters", []) if p.get("in") != "path"]
            action["summary"] = f"Archive many {lower}s at once"
            part["paths"][f"/batches/actions/{lower}Archive"] = {"post": action}
        out["paths"].update(part["paths"])
        out["components"]["schemas"].update(part["schemas"])
        out["tags"].extend(part["tags"])
    return out


def dump(doc: dict[str, Any], path: Path) -> None:
    if path.suffix in (".yaml", ".yml"):
        import yaml

        path.write_text(yaml.safe_dump(doc, sort_keys=False, width=100, allow_unicode=True, default_flow_style=None), "utf-8")
    else:
        path.write_text(json.dumps(doc, indent=1), "utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("resources", type=int)
    parser.add_argument("-o", "--out", type=Path, required=True, help="output file (.yaml/.yml or .json)")
    args = parser.parse_args(argv)
    doc = synth(args.resources)
    dump(doc, args.out)
    ops = sum(1 for item in doc["paths"].values() for m in item if m in ("get", "post", "patch", "put", "delete"))
    size = args.out.stat().st_size
    print(f"{args.out}: {args.resources} resources, {ops} operations, {size / 1e6:.2f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
