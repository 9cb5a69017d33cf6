"""Parse a 1000-item list page of sequences into typed objects: the SDK beside its peers.

    python benchmarks/parse_page.py                    # 1000 items, 15 interleaved rounds
    python benchmarks/parse_page.py --items 1000 --rounds 25 --opc-venv /tmp/opc-venv

Every contender starts from the same response bytes (a compact JSON:API page, about 1.5 MB) and
ends with one typed object per item:

  - sdk:            ``json.loads`` + the golden SDK's list decoder (what ``client.sequences.list()``
                    runs per page: ``Sequences._page``, i.e. ``Decoder.many`` into ``Sequence``);
  - sdk+relations:  the same, then every relationship property of every item read once (the SDK
                    resolves relationships lazily; this row shows the cost when they are all used);
  - openapi-python-client: its client generated for the same spec (into a temporary folder, thrown
                    away), ``SequenceResponse.from_dict`` on each item (attrs models, dateutil);
  - plain pydantic: one hand-written pydantic v2 model of the page, ``model_validate_json``;
  - json.loads:     parsing alone, the floor.

openapi-python-client is installed into its own virtualenv (``--opc-venv``; created with pip when
missing); its generated models need ``attrs`` and ``python-dateutil``, which are taken from that venv.
The contenders take turns within each round so that a busy machine slows them alike; figures are
medians. The goal of issue #3 is sdk <= 0.5 x openapi-python-client. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gc
import glob
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = ROOT / "spec" / "outreach-sequences.openapi.json"


def build_page(n: int = 1000, seed: int = 7) -> bytes:
    rnd = random.Random(seed)
    base = datetime(2023, 1, 1, tzinfo=timezone.utc)
    def ts():
        return (base + timedelta(seconds=rnd.randrange(60 * 60 * 24 * 700))).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    def cnt(): return rnd.randrange(5000)
    items = []
    for i in range(n):
        sid = 1000 + i
        rel = lambda t, k: {"data": {"type": t, "id": rnd.randrange(1, 500)}}
        link = lambda k: {"links": {"related": f"https://api.outreach.io/api/v2/{k}?filter[sequence][id]={sid}"}}
        items.append({
            "type": "sequence", "id": sid,
            "attributes": {
                "automationPercentage": round(rnd.random() * 100, 2), "bounceCount": cnt(), "clickCount": cnt(),
                "createdAt": ts(), "deliverCount": cnt(), "description": f"Outbound {i}, {rnd.choice(['EMEA', 'NA', 'APAC'])}",
                "durationInDays": rnd.randrange(60), "enabled": rnd.random() < .5, "enabledAt": ts(), "failureCount": cnt(),
                "finishOnReply": None, "lastUsedAt": ts(), "locked": False, "lockedAt": None, "maxActivations": 150,
                "name": f"Q{rnd.randrange(1,5)} outbound {i}", "negativeReplyCount": cnt(), "neutralReplyCount": cnt(),
                "numContactedProspects": cnt(), "numRepliedProspects": cnt(), "openCount": cnt(), "optOutCount": cnt(),
                "positiveReplyCount": cnt(), "primaryReplyAction": rnd.choice(["finish", "continue", "pause"]),
                "primaryReplyPauseDuration": None, "replyCount": cnt(), "salesMotion": None, "scheduleCount": cnt(),
                "scheduleIntervalType": rnd.choice(["calendar", "schedule"]), "secondaryReplyAction": "finish",
                "secondaryReplyPauseDuration": None, "sequenceStepCount": rnd.randrange(12), "sequenceType": rnd.choice(["date", "interval"]),
                "shareType": rnd.choice(["private", "read_only", "shared"]), "tags": ["Tier 1", "Outbound"][: rnd.randrange(3)],
                "throttleCapacity": None, "throttleMaxAddsPerDay": None, "throttlePaused": False, "throttlePausedAt": None,
                "transactional": False, "updatedAt": ts(),
            },
            "relationships": {
                "contentCategoryMemberships": {"data": []},
                "creator": rel("user", "creator"), "mailings": link("mailings"), "owner": rel("user", "owner"),
                "ruleset": {"data": None}, "schedule": {"data": None}, 
                "sequenceSteps": {"data": [{"type": "sequenceStep", "id": rnd.randrange(1, 9999)} for _ in range(rnd.randrange(1, 5))]},
                "tasks": link("tasks"), "updater": rel("user", "updater"),
            },
        })
    doc = {"data": items, "links": {"first": "https://api.outreach.io/api/v2/sequences?page%5Bsize%5D=1000",
                                    "next": "https://api.outreach.io/api/v2/sequences?page%5Bafter%5D=abc&page%5Bsize%5D=1000"},
           "meta": {"count": 12345}}
    return json.dumps(doc, separators=(",", ":")).encode()


# --- contenders ----------------------------------------------------------------------------------

Parser = Callable[[bytes], list[Any]]


def sdk_parsers() -> dict[str, Parser]:
    sys.path.insert(0, str(ROOT / "generated"))
    import outreach_sdk as sdk

    client = sdk.Client(token="benchmark")
    api = client.sequences

    def parse(raw: bytes) -> list[Any]:
        return api._page(json.loads(raw)).items

    names = list(type(api).model.relationship_specs)

    def parse_and_touch(raw: bytes) -> list[Any]:
        items = parse(raw)
        for item in items:
            for name in names:
                getattr(item, name)
        return items

    return {"sdk": parse, "sdk+relations": parse_and_touch}


def pydantic_parser() -> Parser:
    from pydantic import BaseModel, ConfigDict, Field

    class Attributes(BaseModel):
        model_config = ConfigDict(populate_by_name=True)
        automation_percentage: float | None = Field(None, alias="automationPercentage")
        bounce_count: int | None = Field(None, alias="bounceCount")
        click_count: int | None = Field(None, alias="clickCount")
        created_at: datetime | None = Field(None, alias="createdAt")
        deliver_count: int | None = Field(None, alias="deliverCount")
        description: str | None = None
        duration_in_days: int | None = Field(None, alias="durationInDays")
        enabled: bool | None = None
        enabled_at: datetime | None = Field(None, alias="enabledAt")
        failure_count: int | None = Field(None, alias="failureCount")
        finish_on_reply: bool | None = Field(None, alias="finishOnReply")
        last_used_at: datetime | None = Field(None, alias="lastUsedAt")
        locked: bool | None = None
        locked_at: datetime | None = Field(None, alias="lockedAt")
        max_activations: int | None = Field(None, alias="maxActivations")
        name: str | None = None
        negative_reply_count: int | None = Field(None, alias="negativeReplyCount")
        neutral_reply_count: int | None = Field(None, alias="neutralReplyCount")
        num_contacted_prospects: int | None = Field(None, alias="numContactedProspects")
        num_replied_prospects: int | None = Field(None, alias="numRepliedProspects")
        open_count: int | None = Field(None, alias="openCount")
        opt_out_count: int | None = Field(None, alias="optOutCount")
        positive_reply_count: int | None = Field(None, alias="positiveReplyCount")
        primary_reply_action: str | None = Field(None, alias="primaryReplyAction")
        primary_reply_pause_duration: int | None = Field(None, alias="primaryReplyPauseDuration")
        reply_count: int | None = Field(None, alias="replyCount")
        sales_motion: str | None = Field(None, alias="salesMotion")
        schedule_count: int | None = Field(None, alias="scheduleCount")
        schedule_interval_type: str | None = Field(None, alias="scheduleIntervalType")
        secondary_reply_action: str | None = Field(None, alias="secondaryReplyAction")
        secondary_reply_pause_duration: int | None = Field(None, alias="secondaryReplyPauseDuration")
        sequence_step_count: int | None = Field(None, alias="sequenceStepCount")
        sequence_type: str | None = Field(None, alias="sequenceType")
        share_type: str | None = Field(None, alias="shareType")
        tags: list[str] | None = None
        throttle_capacity: int | None = Field(None, alias="throttleCapacity")
        throttle_max_adds_per_day: int | None = Field(None, alias="throttleMaxAddsPerDay")
        throttle_paused: bool | None = Field(None, alias="throttlePaused")
        throttle_paused_at: datetime | None = Field(None, alias="throttlePausedAt")
        transactional: bool | None = None
        updated_at: datetime | None = Field(None, alias="updatedAt")

    class Item(BaseModel):
        type: str
        id: int
        attributes: Attributes
        relationships: dict[str, Any] = {}

    class PageModel(BaseModel):
        data: list[Item]
        links: dict[str, Any] = {}
        meta: dict[str, Any] = {}

    def parse(raw: bytes) -> list[Any]:
        return PageModel.model_validate_json(raw).data

    return parse


def _site_packages(venv: Path) -> str:
    found = glob.glob(str(venv / "lib" / "python*" / "site-packages"))
    if not found:
        raise RuntimeError(f"no site-packages in {venv}")
    return found[0]


def opc_parser(venv: Path, workdir: Path) -> Parser:
    """openapi-python-client's generated client for the same spec; ``SequenceResponse.from_dict`` per item."""
    exe = venv / "bin" / "openapi-python-client"
    if not exe.exists():
        print(f"installing openapi-python-client into {venv} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "openapi-python-client",
                        "python-dateutil"], check=True)
    out = workdir / "opc_outreach"
    done = subprocess.run([str(exe), "generate", "--path", str(SPEC), "--output-path", str(out),
                           "--meta", "none", "--overwrite"], capture_output=True, text=True)
    if not (out / "models" / "sequence_response.py").exists():
        raise RuntimeError(f"openapi-python-client did not generate the models:\n{done.stdout}{done.stderr}")
    sys.path.insert(0, str(workdir))
    sys.path.append(_site_packages(venv))  # attrs, python-dateutil; our own packages come first
    from opc_outreach.models.sequence_response import SequenceResponse  # type: ignore[import-not-found]

    def parse(raw: bytes) -> list[Any]:
        return [SequenceResponse.from_dict(item) for item in json.loads(raw)["data"]]

    return parse


# --- the run -------------------------------------------------------------------------------------


def _check_same(results: dict[str, list[Any]], n: int) -> None:
    """Every contender parsed every item, and agrees with the others on a few values."""
    for name, items in results.items():
        if name == "json.loads":
            continue
        assert len(items) == n, (name, len(items))
    first = {name: items[0] for name, items in results.items() if name != "json.loads"}
    names = {n: (i.attributes.name if hasattr(i, "attributes") and not isinstance(i.attributes, dict) else i.name)
             for n, i in first.items()}
    created = {n: (i.attributes.created_at if hasattr(i, "attributes") and not isinstance(i.attributes, dict)
                   else i.created_at) for n, i in first.items()}
    assert len(set(names.values())) == 1, names
    assert len(set(created.values())) == 1, created
    assert all(isinstance(v, datetime) for v in created.values()), created


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--opc-venv", type=Path, default=Path(os.environ.get("OPC_VENV", "/tmp/opc-venv")))
    ap.add_argument("--no-opc", action="store_true", help="leave openapi-python-client out")
    args = ap.parse_args()

    raw = build_page(args.items)
    parsers: dict[str, Parser] = {}
    parsers.update(sdk_parsers())
    with tempfile.TemporaryDirectory(prefix="parse-page-") as tmp:
        if not args.no_opc:
            try:
                parsers["openapi-python-client"] = opc_parser(args.opc_venv, Path(tmp))
            except Exception as exc:  # report and go on with the others
                print(f"openapi-python-client left out: {exc}", file=sys.stderr)
        parsers["plain pydantic"] = pydantic_parser()
        parsers["json.loads"] = lambda raw: json.loads(raw)["data"]

        _check_same({name: parse(raw) for name, parse in parsers.items()}, args.items)
        times: dict[str, list[float]] = {name: [] for name in parsers}
        order = list(parsers)
        for r in range(args.rounds):
            random.Random(r).shuffle(order)
            for name in order:
                gc.collect()
                start = time.perf_counter()
                parsers[name](raw)
                times[name].append((time.perf_counter() - start) * 1000)

    med = {name: statistics.median(ts) for name, ts in times.items()}
    opc = med.get("openapi-python-client")
    print(f"{args.items}-item page, {len(raw) / 1e6:.2f} MB, median of {args.rounds} interleaved rounds, "
          f"Python {sys.version.split()[0]}")
    print(f"{'':24} {'median ms':>10} {'min ms':>8} {'x opc':>7}")
    for name in parsers:
        ratio = f"{med[name] / opc:7.2f}" if opc else "      -"
        print(f"{name:24} {med[name]:10.1f} {min(times[name]):8.1f} {ratio}")
    if opc:
        ratio = med["sdk"] / opc
        print(f"goal sdk <= 0.5 x openapi-python-client: {ratio:.2f} x -> {'met' if ratio <= 0.5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
