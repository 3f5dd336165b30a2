"""Capacity model for encoding full MLDR (493,709 documents), from one CPU measurement and
clearly labelled GPU assumptions. Prints the tables of docs/scale.md.

    python perf/scale_capacity.py [--data ../shared/data] [--docs 48] [--json out.json]

Model. An encoder with L layers and width d spends, per token of a sequence of n tokens,
    F(n) = 24 L d^2 + 4 L n d  FLOPs   (weights: Q,K,V,O and a 4d feed-forward; attention)
so a document of n tokens costs n F(n). A device's *effective* rate E (FLOP/s actually
achieved) gives docs/s = E / (n F(n)). E is MEASURED here for this CPU (minilm-l6, 256-token
windows of real NTREX-128 news text), and ASSUMED for GPUs: peak dense BF16 from the
vendor datasheets (H100 SXM 989 TFLOP/s, A100 312 TFLOP/s) times an assumed utilisation of
40% for batched, length-sorted encoder inference. No GPU was available to measure it.
Document lengths are the per-language averages of the MLDR dataset card (taken as tokens).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# MLDR dataset card (Shitao/MLDR README): language -> (#corpus, avg. length of docs)
MLDR = {
    "ar": (7_607, 9_428), "de": (10_000, 9_039), "en": (200_000, 3_308), "es": (9_551, 8_771),
    "fr": (10_000, 9_659), "hi": (3_806, 5_555), "it": (10_000, 9_195), "ja": (10_000, 9_297),
    "ko": (6_176, 7_832), "pt": (6_569, 7_922), "ru": (10_000, 9_723), "th": (10_000, 8_089),
    "zh": (200_000, 4_249),
}
# Architectures (public config.json values): layers, width, embedding dim, max tokens.
ARCH = {
    "minilm-l6 (measured)": (6, 384, 384, 256),
    "multilingual-e5-base, 512 tokens": (12, 768, 768, 512),
    "bge-m3, 8192 tokens": (24, 1024, 1024, 8192),
}
ASSUMED_GPU_EFFECTIVE = {"H100 (assumed 40% of 989 TFLOP/s)": 0.40 * 989e12, "A100 (assumed 40% of 312 TFLOP/s)": 0.40 * 312e12}
CHUNK, OVERLAP = 496, 32  # robustir's MaxP defaults for a 512-token model (max_length - 16, overlap 32)


def flops_per_doc(layers: int, width: int, n: int) -> float:
    return n * (24 * layers * width**2 + 4 * layers * n * width)


def measure_cpu(data: Path, docs: int) -> dict:
    """Encode `docs` real 256-token windows with minilm-l6; effective FLOP/s of this machine."""
    from robustir.models import load_retriever

    folder = data / "resources" / "ntrex-128" / "NTREX-128"
    lines = (folder / "newstest2019-src.eng.txt").read_text(encoding="utf-8").splitlines()
    r = load_retriever("minilm-l6", cache=False, progress=False)
    tok = r.encoder.model.tokenizer
    texts, buf = [], []
    for line in lines:
        buf.append(line)
        if len(tok(" ".join(buf), add_special_tokens=False)["input_ids"]) >= 300:
            texts.append(" ".join(buf))
            buf = []
        if len(texts) == docs:
            break
    r.encode_passages(texts[:4])  # warm up
    w, c = time.perf_counter(), time.process_time()
    r.encode_passages(texts)
    wall, cpu = time.perf_counter() - w, time.process_time() - c
    layers, width, _, n = ARCH["minilm-l6 (measured)"]
    f = flops_per_doc(layers, width, n)
    return {"docs": len(texts), "tokens_per_doc": n, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "docs_per_s": round(len(texts) / wall, 2), "effective_flops": len(texts) * f / wall,
            # the machine is shared: FLOPs per CPU-second of this process is the steadier figure
            "effective_flops_per_cpu_s": len(texts) * f / cpu,
            "load_average": round(os.getloadavg()[0], 1)}


def corpus_cost(layers: int, width: int, max_len: int, maxp: bool) -> tuple[float, float, int]:
    """(total FLOPs, rows stored, documents) for the full corpus."""
    flops = rows = 0.0
    docs = 0
    for count, avg in MLDR.values():
        docs += count
        if maxp:
            step = CHUNK - OVERLAP
            chunks = max(1, math.ceil((avg - OVERLAP) / step))
            flops += count * chunks * flops_per_doc(layers, width, CHUNK)
            rows += count * chunks
        else:
            flops += count * flops_per_doc(layers, width, min(avg, max_len))
            rows += count
    return flops, rows, docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--docs", type=int, default=48)
    ap.add_argument("--startup-s", type=float, default=120.0, help="assumed cluster + model start per run")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    cpu = measure_cpu(args.data, args.docs)
    devices = {
        "this CPU, measured wall": cpu["effective_flops"],
        "this CPU, 2 cores x measured per-CPU-second rate": 2 * cpu["effective_flops_per_cpu_s"],
        **ASSUMED_GPU_EFFECTIVE,
    }
    rows = []
    for label, maxp in (("multilingual-e5-base, 512 tokens", False), ("multilingual-e5-base, 512 tokens", True),
                        ("bge-m3, 8192 tokens", False)):
        layers, width, dim, max_len = ARCH[label]
        flops, n_rows, docs = corpus_cost(layers, width, max_len, maxp)
        for dev, eff in devices.items():
            secs = flops / eff
            rows.append({
                "model": label + (" MaxP (496-token chunks)" if maxp else ""), "device": dev,
                "docs_per_s": round(docs / secs, 1), "hours_1": round(secs / 3600, 2),
                "hours_8": round((args.startup_s + secs / 8) / 3600, 3),
                "rows": int(n_rows), "disk_fp32_gb": round(n_rows * dim * 4 / 1e9, 2),
                "disk_fp16_gb": round(n_rows * dim * 2 / 1e9, 2), "tflop": round(flops / 1e12),
            })
    out = {"cpu_measurement": cpu, "table": rows}
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
