"""Print how fast `sdkgen check` and an incremental `sdkgen generate` are on a large spec.

    python benchmarks/check_speed.py            # 200 resources (JSON)
    python benchmarks/check_speed.py 70 --runs 3

Goals (issue #6), wall time of the real command line, Python start-up included:
  - `sdkgen check` on an up-to-date tree: <= 0.5 s (it hashes inputs and files, no parsing);
  - `sdkgen generate` after one resource's schema changed: <= 1.5 s (only that module is rebuilt).
The first, cold generation fills the caches (a private cache folder) and is not part of the goals.
Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth_spec import synth  # noqa: E402


def _sdkgen(*args: str, env: dict[str, str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, proc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("resources", type=int, nargs="?", default=200)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (the median is shown)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="sdkgen-bench-") as tmp_name:
        tmp = Path(tmp_name)
        env = {**os.environ, "SDKGEN_CACHE_DIR": str(tmp / "cache")}
        env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
        doc = synth(args.resources)
        spec = tmp / "api.json"
        spec.write_text(json.dumps(doc, indent=1), "utf-8")
        common = ["--spec", str(spec), "--out", str(tmp / "out"), "--package", "bench_sdk"]

        cold, proc = _sdkgen("generate", *common, env=env, cwd=tmp)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        print(f"{args.resources} resources, {spec.stat().st_size / 1e6:.1f} MB JSON")
        print(f"  cold generate (fills the caches):        {cold:6.2f} s")

        checks = [_sdkgen("check", *common, env=env, cwd=tmp) for _ in range(args.runs)]
        assert all(p.returncode == 0 for _, p in checks), checks[-1][1].stderr
        print(f"  check, up to date (goal <= 0.5 s):       {statistics.median(t for t, _ in checks):6.2f} s")

        module = next((tmp / "out" / "bench_sdk" / "resources").glob("widget1*.py"))
        original = module.read_text("utf-8")
        module.write_text(original + "# edited\n", "utf-8")
        edited = [_sdkgen("check", *common, env=env, cwd=tmp) for _ in range(args.runs)]
        assert all(p.returncode == 1 for _, p in edited)
        print(f"  check, one file edited by hand (exit 1): {statistics.median(t for t, _ in edited):6.2f} s")
        module.write_text(original, "utf-8")

        schemas = doc["components"]["schemas"]
        name = next(n for n in schemas if "properties" in schemas[n] and "Relationships" not in n and "Response" not in n)
        times = []
        for i in range(args.runs):
            schemas[name]["properties"][f"benchField{i}"] = {"type": "string", "nullable": True, "description": "x"}
            spec.write_text(json.dumps(doc, indent=1), "utf-8")
            elapsed, proc = _sdkgen("generate", *common, env=env, cwd=tmp)
            assert proc.returncode == 0, proc.stderr
            times.append(elapsed)
        print(f"  generate, one schema changed (goal <= 1.5 s): {statistics.median(times):6.2f} s  ({name})")

        unchanged, proc = _sdkgen("generate", *common, env=env, cwd=tmp)
        print(f"  generate, nothing changed:               {unchanged:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
