"""Ray on N local CPUs against the single process, on the same corpus, same model, same cache.

    python perf/scale_engine.py [--data ../shared/data] [--docs 6000] [--model minilm-l6]
        [--shard-docs 500] [--cpus 2] [--json out.json]

Corpus: real news sentences from NTREX-128 (the English source and its 12 translations into
the other MLDR languages, taken round-robin), `--docs` of them. Each engine writes into its
own fresh cache. Phases:

  local         `index_with_engine` with the local engine (one process; torch uses all cores)
  ray-cold      the same with a fresh local Ray (`--cpus` CPUs, one actor per CPU, one torch
                thread each): Ray start, actor start and model load per actor included
  ray-warm      encode again into a third cache with the actors already up (pure throughput)

The script checks that the Ray vectors equal the local ones and prints the scaling model
T(N) = startup + D / (N * r), with r the per-worker rate measured warm.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NTREX = {
    "en": "newstest2019-src.eng.txt", "ar": "newstest2019-ref.arb.txt", "de": "newstest2019-ref.deu.txt",
    "es": "newstest2019-ref.spa.txt", "fr": "newstest2019-ref.fra.txt", "hi": "newstest2019-ref.hin.txt",
    "it": "newstest2019-ref.ita.txt", "ja": "newstest2019-ref.jpn.txt", "ko": "newstest2019-ref.kor.txt",
    "pt": "newstest2019-ref.por.txt", "ru": "newstest2019-ref.rus.txt", "th": "newstest2019-ref.tha.txt",
    "zh": "newstest2019-ref.zho-CN.txt",
}


def ntrex_corpus(data: Path, n: int):
    from robustir.types import Corpus

    folder = data / "resources" / "ntrex-128" / "NTREX-128"
    lines = {lang: (folder / f).read_text(encoding="utf-8").splitlines() for lang, f in NTREX.items()}
    ids, texts, langs = [], [], []
    i = 0
    while len(ids) < n:
        for lang, rows in lines.items():
            if len(ids) == n:
                break
            if i < len(rows) and rows[i].strip():
                ids.append(f"ntrex-{lang}-{i}")
                texts.append(rows[i])
                langs.append(lang)
        i += 1
        if i > 2000:
            break
    return Corpus(tuple(ids), tuple(texts), tuple(langs))


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--docs", type=int, default=6000)
    ap.add_argument("--model", default="minilm-l6")
    ap.add_argument("--shard-docs", type=int, default=500)
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="robustir-bench-engine-"))
    os.environ["ROBUSTIR_HOME"] = str(home)

    import numpy as np

    from robustir.models import load_retriever
    from robustir.models.engines import get_engine
    from robustir.models.engines.corpus import RetrieverFactory, index_with_engine

    corpus = ntrex_corpus(args.data, args.docs)
    out: dict[str, object] = {"model": args.model, "documents": len(corpus), "shard_docs": args.shard_docs,
                              "cpus": os.cpu_count(), "load_average_start": load_average()}

    def retriever(tag: str):
        return load_retriever(args.model, cache_dir=str(home / tag), shard_docs=args.shard_docs, progress=False)

    t = time.perf_counter()
    local_r = retriever("local")
    out["driver_model_load_s"] = round(time.perf_counter() - t, 2)
    w, c = time.perf_counter(), time.process_time()
    rep = index_with_engine(local_r, corpus, engine=get_engine("local"))
    out["local_s"] = round(time.perf_counter() - w, 2)
    out["local_cpu_s"] = round(time.process_time() - c, 2)
    out["local_docs_per_s"] = round(len(corpus) / out["local_s"], 1)
    print(json.dumps({k: out[k] for k in ("documents", "local_s", "local_docs_per_s")}), flush=True)

    import ray

    t = time.perf_counter()
    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    out["ray_init_s"] = round(time.perf_counter() - t, 2)
    engine = get_engine("ray")
    factory = RetrieverFactory.of(args.model, progress=False)
    r_cold = retriever("ray-cold")
    w, c = time.perf_counter(), time.process_time()
    rep = index_with_engine(r_cold, corpus, engine=engine, factory=factory)
    out["ray_cold_s"] = round(time.perf_counter() - w + out["ray_init_s"], 2)  # Ray start included
    out["ray_workers"] = rep.workers
    cold_usage = engine.worker_usage()
    out["ray_cold_cpu_s"] = round(time.process_time() - c + sum(u for _, u in cold_usage), 2)  # driver + workers
    r_warm = retriever("ray-warm")
    w, c = time.perf_counter(), time.process_time()
    rep = index_with_engine(r_warm, corpus, engine=engine, factory=factory)
    out["ray_warm_s"] = round(time.perf_counter() - w, 2)
    warm_usage = engine.worker_usage()
    out["ray_warm_cpu_s"] = round(time.process_time() - c + sum(u for _, u in warm_usage) - sum(u for _, u in cold_usage), 2)
    out["ray_warm_docs_per_s"] = round(len(corpus) / out["ray_warm_s"], 1)
    ref = local_r.corpus_matrix
    out["max_abs_diff_vs_local"] = float(max(np.abs(r_cold.corpus_matrix - ref).max(), np.abs(r_warm.corpus_matrix - ref).max()))
    engine.close()
    ray.shutdown()

    out["ratio_ray_cold_over_local"] = round(out["ray_cold_s"] / out["local_s"], 2)
    out["ratio_ray_warm_over_local"] = round(out["ray_warm_s"] / out["local_s"], 2)
    startup = out["ray_cold_s"] - out["ray_warm_s"]
    per_worker = out["ray_warm_docs_per_s"] / rep.workers
    out["ratio_cpu_ray_cold_over_local"] = round(out["ray_cold_cpu_s"] / out["local_cpu_s"], 2)
    out["ratio_cpu_ray_warm_over_local"] = round(out["ray_warm_cpu_s"] / out["local_cpu_s"], 2)
    out["scaling_model"] = {"startup_s": round(startup, 1), "per_worker_docs_per_s": round(per_worker, 1),
                    "formula": "T(N) = startup + D / (N * per_worker_rate)"}
    out["predicted_s"] = {n: round(startup + len(corpus) / (n * per_worker), 1) for n in (1, 2, 4, 8, 16, 32)}
    out["load_average_end"] = load_average()
    print(json.dumps(out, indent=2), flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
