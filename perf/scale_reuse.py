"""1 clean + 5 attacked query sets: robustir (corpus encoded once, cached) against the
BEIR/MTEB way (the corpus re-encoded for every query set), as ratios to ONE clean evaluation.

    python perf/scale_reuse.py [--data ../shared/data] [--docs 400] [--queries 200]
        [--model minilm-l6] [--pooled] [--json out.json]

Corpus: XQuAD-R English candidate sentences, the relevant ones of the chosen questions first,
then others up to --docs (all 1,180 with --docs 0). With --pooled the corpus is instead the
pooled multilingual setting: every candidate sentence of every XQuAD-R language in --data
(6,118 sentences for the 5 languages in ../shared/data), English questions (--docs is then ignored). Query sets: the clean questions and the
five attacked versions (typo.keyboard, typo.char, drop.stopwords, order.shuffle, and
typo.keyboard+drop.stopwords; seed 0), built as `perf/models_cache.py` builds them.

  clean-1    one clean evaluation: encode the corpus, encode the queries, exact top-100
  peer-6     what BEIR's EvaluateRetrieval(DenseRetrievalExactSearch) and MTEB do per query
             set: the corpus is encoded again for each of the 6 sets (same model object,
             same encode_passages, same exact search: only the repetition differs)
  robustir-6 `retriever.index(corpus)` (on-disk cache, fresh) then `search` for the 6 sets
The model is loaded once before any timing.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# English-capable attacks (noise.diacritics, used by models_cache.py, does not take English).
ATTACKS = ("typo.keyboard", "typo.char", "drop.stopwords", "order.shuffle", "typo.keyboard+drop.stopwords")


def query_sets(ds, n: int):
    from robustir.attacks import build

    clean = ds.queries.subset(ds.queries.ids[::6][:n])
    sets = [("clean", clean)]
    for spec in ATTACKS:
        pipe = build(spec)
        texts = {q: pipe.perturb(t, lang=ds.lang, qid=q, seed=0).perturbed for q, t in zip(clean.ids, clean.texts)}
        sets.append((str(pipe.spec), clean.replace_texts({q: t for q, t in texts.items() if t.strip()})))
    return sets


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--model", default="minilm-l6")
    ap.add_argument("--pooled", action="store_true", help="corpus = all languages' candidates (multilingual setting)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    os.environ["ROBUSTIR_HOME"] = tempfile.mkdtemp(prefix="robustir-bench-reuse-")

    from robustir.datasets import load_dataset
    from robustir.benchmark.metrics import evaluate
    from robustir.models import load_retriever
    from robustir.models.search import exact_topk
    from robustir.types import Corpus, Run

    ds = load_dataset("xquad-r", lang="en", data_dir=args.data / "xquad-r")
    sets = query_sets(ds, args.queries)
    wanted = {d for q in sets[0][1].ids for d in ds.qrels[q]}
    order = [i for i, d in enumerate(ds.corpus.ids) if d in wanted]
    order += [i for i, d in enumerate(ds.corpus.ids) if d not in wanted]
    if args.docs and not args.pooled:
        order = sorted(order[: max(args.docs, len(wanted))])
    c = ds.corpus
    corpus = Corpus(tuple(c.ids[i] for i in order), tuple(c.full_texts()[i] for i in order), tuple(c.langs[i] for i in order))
    if args.pooled:
        parts = [corpus]
        for lang in sorted(p.stem for p in (args.data / "xquad-r").glob("*.json")):
            if lang != "en":
                parts.append(load_dataset("xquad-r", lang=lang, data_dir=args.data / "xquad-r").corpus)
        corpus = Corpus.concat(parts)
    qrels = ds.qrels

    r = load_retriever(args.model, progress=False)
    r.encode_passages(list(corpus.texts[:16])), r.encode_queries(list(sets[0][1].texts[:16]))  # warm up

    def exact(qs, rows) -> Run:
        idx, sc = exact_topk(r.encode_queries(qs.texts, qs.langs), [rows], 100)
        return Run({q: {corpus.ids[i]: float(s) for i, s in zip(idx[k], sc[k])} for k, q in enumerate(qs.ids)})

    def timed(fn):
        w, cpu = time.perf_counter(), time.process_time()
        val = fn()
        return time.perf_counter() - w, time.process_time() - cpu, val

    def clean_once():
        rows, _ = r.encode_passages(list(corpus.texts))
        return exact(sets[0][1], rows)

    def peer():
        runs = []
        for _, qs in sets:
            rows, _ = r.encode_passages(list(corpus.texts))  # re-encoded per query set
            runs.append(exact(qs, rows))
        return runs

    def robustir():
        runs = []
        for _, qs in sets:
            r.index(corpus)  # cache: encodes on the first set only
            runs.append(r.search(qs, k=100))
        return runs

    out: dict[str, object] = {"model": args.model, "documents": len(corpus), "pooled": args.pooled,
                              "corpus_langs": sorted(set(corpus.langs)), "queries": len(sets[0][1]),
                              "query_sets": len(sets), "load_average_start": round(os.getloadavg()[0], 1)}
    for name, fn in (("clean_1", clean_once), ("peer_6", peer), ("robustir_6", robustir)):
        w, cpu, val = timed(fn)
        out[f"{name}_wall_s"], out[f"{name}_cpu_s"] = round(w, 2), round(cpu, 2)
        if name == "robustir_6":
            out["robustir_corpus_texts_encoded"] = r.stats["corpus_texts_encoded"]
            robust_runs = val
        if name == "peer_6":
            peer_runs = val
    for kind in ("wall", "cpu"):
        base = float(out[f"clean_1_{kind}_s"])
        out[f"peer_6_over_clean_1_{kind}"] = round(float(out[f"peer_6_{kind}_s"]) / base, 2)
        out[f"robustir_6_over_clean_1_{kind}"] = round(float(out[f"robustir_6_{kind}_s"]) / base, 2)
    same = all(
        evaluate(qrels.__class__({q: dict(qrels[q]) for q in qs.ids}), a, ["ndcg@10"])
        == evaluate(qrels.__class__({q: dict(qrels[q]) for q in qs.ids}), b, ["ndcg@10"])
        for (_, qs), a, b in zip(sets, peer_runs, robust_runs)
    )
    out["identical_ndcg10_per_query"] = same
    out["load_average_end"] = round(os.getloadavg()[0], 1)
    print(json.dumps(out, indent=2), flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
