"""All five docs/performance.md measurements, one after the other, in one run on one machine.

    python perf/scale_performance.py --out /tmp/perf [--quick] [--only 2,3,4,5]

  1  scale_reuse.py              1 clean + 5 attacked sets: cached corpus vs re-encoded per set
  2  models_encode_overhead.py   robustir encode_passages vs sentence-transformers encode
                                 (the models engineer's benchmark, run as is, minilm-l6)
  3  attacks_throughput.py       robustir attacks vs nlpaug on 1,000 real questions
                                 (the attacks engineer's benchmark, run as is)
  4  scale_startup.py            `robustir --help` vs `import mteb`
  5  scale_engine.py             Ray on 2 local CPUs vs the single process
and, for docs/scale.md, 6 scale_memory.py (peak memory, 200k x 768) and 7 scale_capacity.py.
Each step's JSON lands in --out; the load average is recorded before and after each step
because the machine may be shared.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def steps(quick: bool) -> list[tuple[str, list[str]]]:
    return [
        ("4-startup", ["scale_startup.py", "--repeat", "3" if quick else "7"]),
        ("3-attacks", ["attacks_throughput.py", "--repeat", "1" if quick else "3"]),
        ("1-reuse", ["scale_reuse.py", "--docs", "0", "--queries", "50"] if quick else ["scale_reuse.py", "--pooled", "--queries", "50"]),
        ("5-engine", ["scale_engine.py", "--docs", "600" if quick else "2000", "--shard-docs", "100"]),
        ("2-overhead", ["models_encode_overhead.py", "--models", "minilm-l6", "--repeat", "1" if quick else "3"]),
        ("6-memory", ["scale_memory.py"]),
        ("7-capacity", ["scale_capacity.py", "--docs", "24" if quick else "96"]),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats (a loaded machine)")
    ap.add_argument("--only", default="", help="comma-separated step numbers to run, e.g. 2,3,4,5 (default: all)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    summary = []
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    for name, cmd in steps(args.quick):
        if only and name.split("-")[0] not in only:
            continue
        path = args.out / f"{name}.json"
        full = [sys.executable, str(HERE / cmd[0]), *cmd[1:], "--json", str(path)]
        la0, t = os.getloadavg()[0], time.perf_counter()
        res = subprocess.run(full, capture_output=True, text=True)
        row = {"step": name, "command": "python perf/" + " ".join(cmd), "rc": res.returncode,
               "wall_s": round(time.perf_counter() - t, 1), "load_before": round(la0, 1),
               "load_after": round(os.getloadavg()[0], 1)}
        if res.returncode != 0:
            row["stderr_tail"] = res.stderr[-2000:]
        summary.append(row)
        print(json.dumps(row), flush=True)
        (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
