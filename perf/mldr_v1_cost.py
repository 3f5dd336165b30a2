"""What suite mldr-v1 costs per model: measured here on a small sample, extrapolated to the MLDR
test split. Prints the figures of docs/scale.md ("Suite mldr-v1: cost per model").

    python perf/mldr_v1_cost.py [--data ../shared/data] [--queries 10] [--json out.json]

MEASURED on this machine, on an MLDR-layout sample written from NTREX-128 news text (the same
articles in all 13 languages; documents of 18 consecutive sentences, queries of one sentence):
  1. attack generation, per suite attack: a cold run (2 queries a language: loads the lexicons and
     the judge) and a warm run (--queries a language) whose time per query is extrapolated;
  2. BM25 (pyserini): indexing every NTREX sentence of each language as documents, and searching;
  3. a 512-token dense model on this CPU: me5-small (torch, 12 layers x 384) encoding 496-token
     MaxP chunks; its effective FLOP/s;
  4. robustir's exact top-100 search (numpy, CPU) over 100,000 x 384 random vectors.
EXTRAPOLATED: to the MLDR test split (Shitao/MLDR card: 3,800 queries, 200 a language and 800
for en and zh; 493,709 documents, 2.34 billion tokens), and to one GPU with the capacity model
of perf/scale_capacity.py (an ASSUMED 40% of the datasheet BF16 peak; no GPU was measured).
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_capacity import ASSUMED_GPU_EFFECTIVE, CHUNK, MLDR, OVERLAP, corpus_cost, flops_per_doc  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NTREX = {"ar": "arb", "de": "deu", "en": None, "es": "spa", "fr": "fra", "hi": "hin", "it": "ita", "ja": "jpn",
         "ko": "kor", "pt": "por", "ru": "rus", "th": "tha", "zh": "zho-CN"}
TEST_QUERIES = {lang: 800 if lang in ("en", "zh") else 200 for lang in MLDR}
SENTENCES = 18


def _lines(data: Path, lang: str) -> list[str]:
    code = NTREX[lang]
    name = "newstest2019-src.eng.txt" if code is None else f"newstest2019-ref.{code}.txt"
    return (data / "resources" / "ntrex-128" / "NTREX-128" / name).read_text(encoding="utf-8").splitlines()


def write_sample(root: Path, data: Path, docs: int, queries: int) -> None:
    """mldr-v1.0-{lang}/{corpus.jsonl.gz,test.jsonl}: `docs` documents, one query in each of the first `queries`."""
    for lang in NTREX:
        lines, sep = _lines(data, lang), ("" if lang in ("ja", "zh", "th") else " ")
        corpus, test = [], []
        for j in range(docs):
            block = lines[j * SENTENCES:(j + 1) * SENTENCES]
            corpus.append({"docid": f"doc-{lang}-{j}", "text": sep.join(block)})
            if j < queries:
                test.append({"query_id": f"q-{lang}-{j}", "query": min(block[-4:], key=len),
                             "positive_passages": [{"docid": f"doc-{lang}-{j}"}], "negative_passages": []})
        out = root / f"mldr-v1.0-{lang}"
        out.mkdir(parents=True, exist_ok=True)
        (out / "corpus.jsonl.gz").write_bytes(gzip.compress("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus).encode()))
        (out / "test.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in test), encoding="utf-8")


def _timed(fn):
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def measure_attacks(sample: Path, resources: Path, work: Path, queries: int) -> list[dict]:
    from robustir.attacks import build, run_attacks
    from robustir.leaderboards.suite import load_suite

    suite = load_suite("mldr-v1")
    rows = []
    for i, a in enumerate(suite.attacks):
        langs = [lang for lang in suite.tasks[0].langs if build(a.spec).supports(lang)]

        def go(limit: int, tag: str, a=a, langs=langs, i=i) -> None:
            run_attacks("mldr", [a.spec], langs, a.seed, work / f"{i}-{tag}", split="test", data_dir=sample,
                        resources=resources, limit=limit, progress=False, judge=a.judge, min_sim=a.min_sim, overwrite=True)

        cold = _timed(lambda: go(2, "cold"))
        warm = _timed(lambda: go(queries, "warm"))
        per_query = warm[0] / (queries * len(langs))
        full = sum(TEST_QUERIES[lang] for lang in langs)
        rows.append({"attack": a.label, "languages": len(langs), "cold_wall_s": round(cold[0], 1),
                     "warm_wall_s": round(warm[0], 1), "warm_cpu_s": round(warm[1], 1), "s_per_query": round(per_query, 4),
                     "mldr_test_queries": full, "mldr_hours": round((cold[0] + per_query * full) / 3600, 3)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def measure_bm25(data: Path) -> dict:
    """Index every NTREX sentence of each language (18-sentence documents) with BM25 and search them."""
    from robustir.models import load_retriever
    from robustir.models.chunking import regex_spans
    from robustir.types import Corpus, QuerySet

    r = load_retriever("bm25")
    tokens = docs = 0
    index_s = search_s = 0.0
    for lang in NTREX:
        lines, sep = _lines(data, lang), ("" if lang in ("ja", "zh", "th") else " ")
        texts = [sep.join(lines[j:j + SENTENCES]) for j in range(0, len(lines), SENTENCES)]
        corpus = Corpus(tuple(f"d{j}" for j in range(len(texts))), tuple(texts), (lang,) * len(texts))
        tokens += sum(len(regex_spans(t)) for t in texts)
        docs += len(texts)
        index_s += _timed(lambda: r.index(corpus))[0]
        qs = QuerySet(tuple(f"q{j}" for j in range(50)), tuple(lines[j * 7] for j in range(50)), (lang,) * 50)
        search_s += _timed(lambda: r.search(qs, k=100))[0]
    return {"docs": docs, "tokens": tokens, "index_wall_s": round(index_s, 1), "tokens_per_s": round(tokens / index_s),
            "search_wall_s": round(search_s, 1), "s_per_query": round(search_s / (50 * len(NTREX)), 4)}


def measure_dense(data: Path, chunks: int) -> dict:
    """me5-small (torch) on `chunks` real 496-token chunks: wall time and effective FLOP/s of this CPU."""
    from robustir.models import load_retriever
    from robustir.models.chunking import chunk_text

    r = load_retriever("me5-small", cache=False, progress=False)
    texts: list[str] = []
    for lang in NTREX:
        lines = _lines(data, lang)
        doc = ("" if lang in ("ja", "zh", "th") else " ").join(lines[:60])
        texts += chunk_text(doc, CHUNK, OVERLAP, r.encoder.token_spans)[:2]
    texts = texts[:chunks]
    r.encode_passages(texts[:2])  # warm up
    wall, cpu = _timed(lambda: r.encode_passages(texts))
    f = flops_per_doc(12, 384, CHUNK)
    return {"chunks": len(texts), "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "chunks_per_s": round(len(texts) / wall, 2),
            "effective_flops": len(texts) * f / wall, "load_average": round(os.getloadavg()[0], 1)}


def measure_search(rows: int = 100_000, queries: int = 200, dim: int = 384) -> dict:
    """robustir's exact blockwise top-100 (`exact_topk`, numpy on the CPU) over random unit vectors."""
    import numpy as np

    from robustir.models.search import exact_topk

    rng = np.random.default_rng(0)
    corpus = rng.standard_normal((rows, dim), dtype=np.float32)
    qv = rng.standard_normal((queries, dim), dtype=np.float32)
    wall, _ = _timed(lambda: exact_topk(qv, [corpus], 100))
    return {"rows": rows, "queries": queries, "dim": dim, "wall_s": round(wall, 2),
            "effective_flops": 2 * rows * queries * dim / wall}


def _searched(attacks: list[dict]) -> dict[str, int]:
    """Query sets searched against each language's corpus: clean, every attack that supports the
    language, and the translated (English) queries of that language."""
    from robustir.attacks import build
    from robustir.leaderboards.suite import load_suite

    suite = load_suite("mldr-v1")
    return {lang: TEST_QUERIES[lang] * (1 + sum(build(a.spec).supports(lang) for a in suite.attacks)) for lang in MLDR}


def extrapolate(attacks: list[dict], bm25: dict, dense: dict, search: dict) -> dict:
    """Per model on one device: corpus encoding (or index) + searches; the attacked sets are shared."""
    sets = sum(1 for a in attacks for _ in range(a["languages"]))
    searched = _searched(attacks)
    searches = sum(searched.values())
    corpus_tokens = sum(n * avg for n, avg in MLDR.values())
    out = {"attacked_sets": sets, "query_searches": searches, "corpus_tokens": corpus_tokens,
           "attack_generation_hours_once": round(sum(a["mldr_hours"] for a in attacks), 2),
           "bm25_index_hours": round(corpus_tokens / bm25["tokens_per_s"] / 3600, 2),
           "bm25_search_hours": round(searches * bm25["s_per_query"] / 3600, 2)}
    for label, (layers, width) in {"me5-small": (12, 384), "e5-base": (12, 768), "bge-m3": (24, 1024)}.items():
        for maxp, max_len in ((False, 512), (True, 512)) if label != "bge-m3" else ((False, 8192),):
            flops, rows, _ = corpus_cost(layers, width, max_len, maxp)
            per_doc = {lang: (max(1, math.ceil((avg - OVERLAP) / (CHUNK - OVERLAP))) if maxp else 1) for lang, (_, avg) in MLDR.items()}
            search_flops = sum(2 * searched[lang] * MLDR[lang][0] * per_doc[lang] * width for lang in MLDR)
            key = f"{label} {'MaxP 496/32' if maxp else f'truncate {max_len}'}"
            out[key] = {"rows": int(rows), "tflop": round(flops / 1e12),
                        "search_cpu_hours_measured_rate": round(search_flops / search["effective_flops"] / 3600, 2),
                        "cpu_hours_measured_rate": round(flops / dense["effective_flops"] / 3600, 1),
                        **{f"{dev} hours": round(flops / eff / 3600, 2) for dev, eff in ASSUMED_GPU_EFFECTIVE.items()}}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--queries", type=int, default=10, help="queries a language in the warm attack run")
    ap.add_argument("--chunks", type=int, default=24)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    with tempfile.TemporaryDirectory(prefix="mldr-v1-cost-") as tmp:
        sample = Path(tmp) / "mldr"
        write_sample(sample, args.data, docs=args.queries + 2, queries=args.queries)
        attacks = measure_attacks(sample, args.data / "resources", Path(tmp) / "att", args.queries)
    bm25 = measure_bm25(args.data)
    dense = measure_dense(args.data, args.chunks)
    search = measure_search()
    out = {"started": started, "ended": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
           "load_average_end": round(os.getloadavg()[0], 1), "attacks": attacks, "bm25": bm25, "dense_cpu": dense,
           "search_cpu": search, "extrapolated": extrapolate(attacks, bm25, dense, search)}
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
