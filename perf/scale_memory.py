"""Peak memory of the cache + blockwise search at MLDR scale (200,000 documents x 768 dims).

Synthetic random unit vectors stand in for a model (the memory does not depend on where the
vectors come from). Each phase runs in its own fresh process so `ru_maxrss` is that phase's
peak:

  write   encode 200,000 rows shard by shard into the robustir corpus cache (float16)
  search  1,000 queries, top-100, exact inner product over the memory-mapped shards
  naive   the same search with the whole matrix loaded as float32 and one (queries x docs)
          score matrix, as a flat in-memory evaluation does

Usage:  python perf/scale_memory.py [--docs 200000] [--dim 768] [--queries 1000]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def current_rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def phase(name: str, docs: int, dim: int, nq: int, root: str) -> dict:
    import numpy as np

    from robustir.models.cache import EncodingCache

    key = {"model": {"name": "synthetic"}, "corpus": f"random-{docs}-{dim}"}
    cache = EncodingCache(key, root=Path(root), dtype="float16", shard_docs=8192)
    base = current_rss_mib()
    tracemalloc.start()
    t0 = time.perf_counter()
    out: dict = {"phase": name, "docs": docs, "dim": dim, "rss_after_imports_mib": round(base, 1)}
    if name == "write":

        def encode(start: int, end: int):
            rng = np.random.default_rng(start)
            x = rng.standard_normal((end - start, dim), dtype=np.float32)
            x /= np.linalg.norm(x, axis=1, keepdims=True)
            return x, None

        enc = cache.load_or_encode(docs, encode, dim=dim)
        out["encoded"] = enc.encoded_docs
        out["cache_bytes"] = sum((cache.folder / p).stat().st_size for p in os.listdir(cache.folder))
    else:
        from robustir.models.search import exact_topk

        enc = cache.load_or_encode(docs, None, dim=dim)
        q = np.random.default_rng(1).standard_normal((nq, dim), dtype=np.float32)
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        if name == "search":
            idx, _ = exact_topk(q, enc.shards, 100)
        else:  # naive: everything in RAM at once
            m = np.concatenate([np.asarray(s, dtype=np.float32) for s in enc.shards])
            scores = q @ m.T
            idx = np.argsort(-scores, axis=1)[:, :100]
        out["first_hit"] = int(idx[0, 0])
    out["seconds"] = round(time.perf_counter() - t0, 2)
    out["tracemalloc_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    out["peak_rss_mib"] = round(rss_mib(), 1)
    # Resident memory split at the end: anonymous (heap) vs file-backed (memory-mapped shards,
    # which the kernel can drop at any time).
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(("RssAnon:", "RssFile:")):
                out[line.split(":")[0].lower() + "_end_mib"] = round(int(line.split()[1]) / 1024, 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--dim", type=int, default=768)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--phase", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--root", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.docs, args.dim, args.queries, args.root)))
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="robustir-scale-mem-") as root:
        for name in ("write", "search", "naive"):
            cmd = [sys.executable, __file__, "--phase", name, "--root", root,
                   "--docs", str(args.docs), "--dim", str(args.dim), "--queries", str(args.queries)]
            res = subprocess.run(cmd, check=True, capture_output=True, text=True)
            print(res.stdout.strip().splitlines()[-1], flush=True)
            results.append(json.loads(res.stdout.strip().splitlines()[-1]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
