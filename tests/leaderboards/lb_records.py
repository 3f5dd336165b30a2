"""Synthetic submission records for the leaderboard tests (no model runs)."""
from __future__ import annotations

import hashlib

import numpy as np

from robustir.leaderboards.schema import Record, seal, validate_record
from robustir.leaderboards.suite import Suite

CELLS = [("xquad-r", "mono", "en", "en"), ("xquad-r", "mono", "de", "de"), ("xquad-r", "cross", "de", "en"),
         ("xquad-r", "multi", "en", "pooled"), ("mldr-sample", "mono", "ja", "ja")]


def make_record(name: str, suite: Suite, *, seed: int, quality: float = 0.6, damage: float = 0.2,
                n_queries: int = 30, attacks: int = 3, cells=CELLS) -> Record:
    """A sealed record with per-query scores drawn around `quality`, attacks costing ~`damage`."""
    rng = np.random.default_rng(seed)
    results = []
    specs = suite.attack_labels[:attacks]
    for dataset, setting, lang, doc_lang in cells:
        qids = [f"{dataset}-{lang}-q{i}" for i in range(n_queries)]
        runs = {}
        clean = np.clip(rng.normal(quality, 0.25, n_queries), 0, 1)
        for run in ("clean", *specs):
            base = clean if run == "clean" else np.clip(clean - rng.uniform(0, 2 * damage, n_queries), 0, 1)
            runs[run] = {m: [round(float(x), 6) for x in (base if m == suite.headline_metric else base * 0.9)]
                         for m in suite.metrics}
        results.append({"dataset": dataset, "setting": setting, "lang": lang, "doc_lang": doc_lang,
                        "qids": qids, "runs": runs})
    data = {
        "name": name,
        "date": "2026-11-25T12:00:00Z",
        "robustir_version": "0.1.0",
        "suite": {"version": suite.version, "hash": suite.content_hash},
        "fingerprint": {"method": "spec-sha256", "sha256": hashlib.sha256(f"{name}{seed}".encode()).hexdigest(),
                        "files": {}, "note": "synthetic"},
        "model": {"name": name, "kind": "dense"},
        "provenance": {"synthetic": True},
        "results": results,
        "skipped": [{"dataset": "mldr-sample", "lang": "ja", "attack": "synonym", "reason": "no resource"}],
    }
    obj = seal(data)
    return validate_record(obj, source=name)


