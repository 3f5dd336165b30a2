"""Start-up time: `robustir --help` against `python -c "import mteb"` (and two baselines).

    python perf/scale_startup.py [--repeat 7] [--mteb-python /tmp/mteb-venv/bin/python]
        [--json out.json]

mteb is not a robustir dependency; it lives in a throwaway venv whose site-packages path
file points at robustir's venv, so both sides import the very same torch, transformers and
sentence-transformers:
    python -m venv /tmp/mteb-venv
    echo "$(.venv/bin/python -c 'import site; print(site.getsitepackages()[0])')" \\
        > /tmp/mteb-venv/lib/python3.11/site-packages/robustir_base.pth
    /tmp/mteb-venv/bin/pip install --no-deps mteb==2.26.24 && /tmp/mteb-venv/bin/pip install polars
Each command runs --repeat times, alternating; the minimum and the median wall times are kept
(the minimum is the least disturbed by other load on a shared machine).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--mteb-python", default="/tmp/mteb-venv/bin/python")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    robustir = shutil.which("robustir") or str(Path(sys.executable).parent / "robustir")
    cmds = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "robustir --help": [robustir, "--help"],
        "python -c 'import torch'": [sys.executable, "-c", "import torch"],
        "python -c 'import mteb'": [args.mteb_python, "-c", "import mteb"],
    }
    if not Path(args.mteb_python).exists():
        del cmds["python -c 'import mteb'"]
        print(f"mteb venv not found at {args.mteb_python}: skipping mteb", file=sys.stderr)
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(args.repeat):
        for name, cmd in cmds.items():
            t = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t)
    out: dict[str, object] = {"repeat": args.repeat, "load_average": round(os.getloadavg()[0], 1)}
    for name, ts in times.items():
        out[name] = {"min_s": round(min(ts), 3), "median_s": round(statistics.median(ts), 3)}
    if "python -c 'import mteb'" in times:
        for stat in ("min", "median"):
            f = min if stat == "min" else statistics.median
            out[f"mteb_over_robustir_{stat}"] = round(f(times["python -c 'import mteb'"]) / f(times["robustir --help"]), 1)
    print(json.dumps(out, indent=2), flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
