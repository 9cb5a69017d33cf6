"""sdkgen beside openapi-python-client and datamodel-code-generator, on the same synthetic specs.

    python benchmarks/run.py --sizes 10 50 200 --runs 3 --peers /tmp/peers-venv --json results.json
    python benchmarks/run.py --import-only           # import time of a 70-resource SDK + a client
    /tmp/peers-venv/bin/python benchmarks/run.py --plot results.json --chart benchmarks/scaling.png

Every tool runs cold (sdkgen: an empty SDKGEN_CACHE_DIR; output formatted by black), the tools
take turns within each round (so a busy machine slows them alike), and the figures are medians.
Time and memory come from separate runs: sampling /proc every 20 ms costs a core's worth of
time now and then, which would slow a tool that keeps both cores busy (sdkgen) more than one that
uses one (the peers), so timed runs are not sampled. Peak memory is the largest total RSS (and
PSS) of the tool's process tree, workers included, in the first ``--memory-runs`` rounds. The peers are installed in their own venv (``--peers``, with ruff on PATH for
openapi-python-client's post-hooks); their output goes to a temporary folder and is thrown away.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import synth_spec  # noqa: E402


def _pss(pid: int) -> int:
    """Proportional set size (bytes): shared pages (a fork server's preloaded modules) split
    between the processes that share them, so a process tree's total is its real footprint."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree_rss(pid: int, pss: bool = False) -> int:
    """Total RSS (or PSS) in bytes of ``pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid, pages = int(fields[1]), int(fields[21])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _pss(p) if pss else rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def measure(cmd: list[str], env: dict[str, str], cwd: Path, *, sample: bool) -> tuple[float, int, int, int]:
    """(wall seconds, peak tree RSS bytes, exit code, peak tree PSS bytes); memory only if ``sample``."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = peak_pss = 0
    if not sample:
        _, err_bytes = proc.communicate()
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        peak_pss = max(peak_pss, _tree_rss(proc.pid, pss=True))
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    if sample:
        err_bytes = proc.stderr.read() if proc.stderr else b""
    err = err_bytes.decode(errors="replace")
    if proc.returncode:
        print(f"  ! {' '.join(cmd[:3])} exited {proc.returncode}: {err[-400:]}", file=sys.stderr)
    return elapsed, peak, proc.returncode, peak_pss


def tools(spec: Path, work: Path, peers: Path | None) -> dict[str, tuple[list[str], dict[str, str]]]:
    env = {k: v for k, v in os.environ.items() if k != "SDKGEN_CACHE_DIR"}
    out: dict[str, tuple[list[str], dict[str, str]]] = {
        "sdkgen": (
            [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(work / "sdkgen"),
             "--package", "synth_sdk", "--force"],
            {**env, "SDKGEN_CACHE_DIR": str(work / "cache")},
        )
    }
    if peers is not None:
        penv = {**env, "PATH": f"{peers / 'bin'}:{env.get('PATH', '')}"}
        out["openapi-python-client"] = (
            [str(peers / "bin" / "openapi-python-client"), "generate", "--path", str(spec), "--meta", "none",
             "--output-path", str(work / "oapc"), "--overwrite"],
            penv,
        )
        out["datamodel-code-generator"] = (
            [str(peers / "bin" / "datamodel-codegen"), "--input", str(spec), "--input-file-type", "openapi",
             "--output", str(work / "dcg.py"), "--output-model-type", "pydantic_v2.BaseModel"],
            penv,
        )
    return out


def bench(
    sizes: list[int], runs: int, peers: Path | None, fmt: str, memory_runs: int = 1
) -> dict[str, dict[str, dict[str, float]]]:
    results: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="sdkgen-bench-") as tmp:
        base = Path(tmp)
        for n in sizes:
            spec = base / f"synth{n}.{fmt}"
            synth_spec.dump(synth_spec.synth(n), spec)
            print(f"{n} resources: {spec.stat().st_size / 1e6:.2f} MB", file=sys.stderr)
            seconds: dict[str, list[float]] = {}
            memory: dict[str, list[tuple[int, int]]] = {}
            for r in range(runs):
                for name, (cmd, env) in tools(spec, base, peers).items():
                    for sample in (False, True) if r < memory_runs else (False,):
                        for sub in ("sdkgen", "cache", "oapc", "dcg.py"):
                            shutil.rmtree(base / sub, ignore_errors=True)
                            (base / sub).unlink(missing_ok=True) if (base / sub).is_file() else None
                        (base / "cache").mkdir(exist_ok=True)
                        elapsed, peak, code, pss = measure(cmd, env, base, sample=sample)
                        if code != 0:
                            continue
                        if sample:
                            memory.setdefault(name, []).append((peak, pss))
                            print(f"  run {r + 1} {name}: {peak / 2**20:.0f} MiB RSS, {pss / 2**20:.0f} MiB PSS", file=sys.stderr)
                        else:
                            seconds.setdefault(name, []).append(elapsed)
                            print(f"  run {r + 1} {name}: {elapsed:.2f} s", file=sys.stderr)
            results[str(n)] = {
                name: {
                    "seconds": statistics.median(vals),
                    "all_seconds": vals,
                    "peak_mib": statistics.median(m for m, _ in memory.get(name, [(0, 0)])) / 2**20,
                    "peak_pss_mib": statistics.median(p for _, p in memory.get(name, [(0, 0)])) / 2**20,
                    "runs": len(vals),
                }
                for name, vals in seconds.items()
            }
    return results


def import_time(n: int = 70, runs: int = 7) -> dict[str, float]:
    """Median wall time of a fresh interpreter importing an n-resource SDK and creating a client."""
    with tempfile.TemporaryDirectory(prefix="sdkgen-import-") as tmp:
        base = Path(tmp)
        spec = base / f"synth{n}.yaml"
        synth_spec.dump(synth_spec.synth(n), spec)
        env = {**os.environ, "SDKGEN_CACHE_DIR": str(base / "cache")}
        subprocess.run(
            [sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--out", str(base / "sdk"),
             "--package", "synth_sdk"],
            env=env, check=True, capture_output=True,
        )
        code = (
            "import time; t = time.perf_counter(); import synth_sdk; c = synth_sdk.Client(token='x'); "
            "c.widget7s; print(time.perf_counter() - t)"
        )
        baseline = "import time; t = time.perf_counter(); print(time.perf_counter() - t)"
        env = {**os.environ, "PYTHONPATH": str(base / "sdk")}
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
            total = time.perf_counter() - start
            times.append((float(out.stdout.strip()), total))
        start = time.perf_counter()
        for _ in range(runs):
            subprocess.run([sys.executable, "-c", baseline], check=True, capture_output=True)
        bare = (time.perf_counter() - start) / runs
    return {
        "import_and_client_ms": statistics.median(t for t, _ in times) * 1000,
        "process_ms": statistics.median(t for _, t in times) * 1000,
        "bare_interpreter_ms": bare * 1000,
    }


def chart(results: dict[str, dict[str, dict[str, float]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(int(n) for n in results)
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for name, marker in (("sdkgen", "o"), ("openapi-python-client", "s"), ("datamodel-code-generator", "^")):
        xs = [n for n in sizes if name in results[str(n)]]
        if xs:
            ax.plot(xs, [results[str(n)][name]["seconds"] for n in xs], marker=marker, label=name)
    ax.set_xlabel("resources in the spec (7 operations each)")
    ax.set_ylabel("cold run, median wall time (s)")
    ax.set_title("Time against spec size (same machine, same run)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--runs", type=int, default=3, help="timed rounds")
    parser.add_argument("--memory-runs", type=int, default=1, help="rounds that also measure memory (a separate run)")
    parser.add_argument("--peers", type=Path, default=None, help="a venv with openapi-python-client and datamodel-code-generator")
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--chart", type=Path, help="draw the scaling curve (needs matplotlib)")
    parser.add_argument("--import-only", action="store_true")
    parser.add_argument("--plot", type=Path, help="only draw --chart from a --json file written before")
    args = parser.parse_args()
    if args.plot:
        chart(json.loads(args.plot.read_text())["generate"], args.chart)
        return 0
    figures: dict[str, object] = {}
    if not args.import_only:
        figures["generate"] = bench(args.sizes, args.runs, args.peers, args.format, args.memory_runs)
    figures["import"] = import_time()
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    if args.chart and "generate" in figures:
        chart(figures["generate"], args.chart)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    raise SystemExit(main())
