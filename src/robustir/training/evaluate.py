"""Held-out mAP of a (trained or base) encoder on XQuAD-R questions it never saw.

For every (query language, passage language) pair, the held-out questions in the query
language rank all sentences of the articles those questions come from, in the passage
language, by exact cosine similarity; AP comes from ir_measures (`robustir.benchmark.metrics`).
This is the LAReQA protocol restricted to the held-out part, small enough to run on a CPU.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from robustir.errors import DataError
from robustir.types import Qrels, Run

__all__ = ["HeldOut", "heldout_map", "load_heldout"]


class HeldOut:
    """Held-out questions and candidate sentences per language, parallel across languages."""

    def __init__(self, data_dir: str | Path, langs: Sequence[str], group_ids: Iterable[str]) -> None:
        from robustir.datasets import datasets

        loader = datasets.get("xquad-r")
        keep = set(group_ids)
        self.langs = tuple(langs)
        self.queries: dict[str, tuple[list[str], list[str]]] = {}
        self.candidates: dict[str, tuple[list[str], list[str]]] = {}
        self.relevant: dict[str, dict[str, str]] = {}  # lang -> qid -> docid
        for lang in self.langs:
            f = loader.read(lang, data_dir=Path(data_dir))
            qs = [q for q in f.questions if q.qid in keep]
            if not qs:
                raise DataError(f"xquad-r/{lang}: none of the {len(keep)} held-out question ids exist")
            paras = {_para(q2.relevant) for q2 in f.questions if q2.article in {q.article for q in qs}}
            docs = [(i, t) for i, t in zip(f.corpus.ids, f.corpus.texts) if _para(i) in paras]
            self.queries[lang] = ([q.qid for q in qs], [q.question for q in qs])
            self.candidates[lang] = ([d for d, _ in docs], [t for _, t in docs])
            self.relevant[lang] = {q.qid: q.relevant for q in qs}


def _para(docid: str) -> str:
    return docid.rsplit("-", 1)[0]  # "{lang}-{para}-{sent}" -> "{lang}-{para}"


def load_heldout(data_dir: str | Path, langs: Sequence[str], group_ids: Iterable[str]) -> HeldOut:
    return HeldOut(data_dir, langs, group_ids)


def _encode(model: Any, texts: Sequence[str], prefix: str, batch_size: int) -> np.ndarray:
    emb = model.encode(
        [prefix + t for t in texts], batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True
    )
    return np.asarray(emb, dtype=np.float32)


def heldout_map(
    model: Any,
    heldout: HeldOut,
    *,
    query_prefix: str = "",
    passage_prefix: str = "",
    pairs: Sequence[tuple[str, str]] | None = None,
    batch_size: int = 64,
) -> dict[str, float]:
    """mAP per "ql-pl" pair plus "mono", "cross" and "all" means (over pairs).

    `model` is a SentenceTransformer (or anything with its `encode`); prefixes are the ones the
    model was trained with (none for the base model).
    """
    from robustir.benchmark.metrics import evaluate

    langs = heldout.langs
    pairs = list(pairs) if pairs is not None else [(q, p) for q in langs for p in langs]
    q_emb = {lang: _encode(model, heldout.queries[lang][1], query_prefix, batch_size) for lang in {q for q, _ in pairs}}
    d_emb = {
        lang: _encode(model, heldout.candidates[lang][1], passage_prefix, batch_size) for lang in {p for _, p in pairs}
    }
    out: dict[str, float] = {}
    for ql, pl in pairs:
        qids = heldout.queries[ql][0]
        dids = heldout.candidates[pl][0]
        scores = q_emb[ql] @ d_emb[pl].T
        run = Run({qid: dict(zip(dids, map(float, row))) for qid, row in zip(qids, scores)})
        qrels = Qrels({qid: {heldout.relevant[pl][qid]: 1} for qid in qids if qid in heldout.relevant[pl]})
        per_query = evaluate(qrels, run, ["map"])["map"]
        out[f"{ql}-{pl}"] = float(np.mean(list(per_query.values())))
    mono = [v for k, v in out.items() if k.split("-")[0] == k.split("-")[1]]
    cross = [v for k, v in out.items() if k.split("-")[0] != k.split("-")[1]]
    summary = {"all": float(np.mean(list(out.values())))}
    if mono:
        summary["mono"] = float(np.mean(mono))
    if cross:
        summary["cross"] = float(np.mean(cross))
    return {**out, **summary}
