"""Shared helpers of the scorer tests: a tiny LAReQA-format dataset, a toy dense retriever,
and attacked-set folders written in the robustir.attacked/1 format."""
from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from robustir.types import AttackSpec, Corpus, QuerySet, Run

# Two parallel "languages" of a 2-paragraph toy XQuAD-R: de texts are en with a marker word.
_PARAS = [
    (["Paris is the capital of France.", "It has many museums.", "The Seine flows through it."],
     [("q1", "What is the capital of France?", 0), ("q2", "What flows through Paris?", 2)]),
    (["Berlin is a large city.", "The Spree river crosses Berlin.", "Berlin has a famous zoo."],
     [("q3", "Which river crosses Berlin?", 1), ("q4", "What famous animal park does Berlin have?", 2),
      ("q5", "Is Berlin a large city?", 0)]),
]


def write_toy_squad_r(folder: Path, langs: Sequence[str] = ("en", "de")) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        tag = "" if lang == "en" else f" ({lang})"
        paragraphs = []
        for sents, qas in _PARAS:
            sents = [s[:-1] + tag + "." for s in sents]
            context, breaks = "", []
            for s in sents:
                start = len(context)
                context += s + " "
                breaks.append([start, start + len(s)])
            paragraphs.append({
                "context": context, "sentences": sents, "sentence_breaks": breaks,
                "qas": [{"id": qid, "question": q + tag, "answers": [{"text": "x", "answer_start": breaks[i][0]}]}
                        for qid, q, i in qas],
            })
        data = {"data": [{"title": "toy", "paragraphs": paragraphs}]}
        (folder / f"{lang}.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


@dataclass(frozen=True)
class ToySpec:
    name: str = "toy-dense"
    revision: str = "v1"
    kind: str = "dense"

    def to_dict(self) -> dict:
        return {"name": self.name, "revision": self.revision, "kind": self.kind}


class ToyDense:
    """Hashed character-trigram vectors: deterministic, lexical, fast (a stand-in retriever)."""

    def __init__(self, name: str = "toy-dense", dim: int = 512) -> None:
        self.spec = ToySpec(name)
        self.dim = dim
        self.corpus_matrix: np.ndarray | None = None
        self._ids: tuple[str, ...] = ()
        self.stats = {"corpus_texts_encoded": 0, "query_texts_encoded": 0, "index_calls": 0}

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            t = f"  {t.lower()} "
            for j in range(len(t) - 2):
                out[i, zlib.crc32(t[j:j + 3].encode()) % self.dim] += 1.0
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out

    def index(self, corpus: Corpus) -> None:
        self.corpus_matrix = self._encode(corpus.full_texts())
        self._ids = corpus.ids
        self.stats["corpus_texts_encoded"] += len(corpus)
        self.stats["index_calls"] += 1

    def encode_queries(self, texts: Sequence[str], langs: Sequence[str]) -> np.ndarray:
        self.stats["query_texts_encoded"] += len(texts)
        return self._encode(texts)

    def search(self, queries: QuerySet, k: int = 100) -> Run:
        s = self.encode_queries(queries.texts, queries.langs) @ self.corpus_matrix.T
        run = {}
        for i, q in enumerate(queries.ids):
            top = np.argsort(-s[i], kind="stable")[:k]
            run[q] = {self._ids[j]: float(s[i, j]) for j in top}
        return Run(run)


class ToySparse(ToyDense):
    """The same scores, but only through index/search (no encode_queries): the generic path."""

    encode_queries = None  # type: ignore[assignment]

    def search(self, queries: QuerySet, k: int = 100) -> Run:
        s = self._encode(queries.texts) @ self.corpus_matrix.T
        run = {}
        for i, q in enumerate(queries.ids):
            top = np.argsort(-s[i], kind="stable")[:k]
            run[q] = {self._ids[j]: float(s[i, j]) for j in top}
        return Run(run)


def write_attacked(
    folder: Path,
    *,
    dataset: str,
    revision: str,
    sets: Sequence[tuple[str, str, str, Mapping[str, tuple[str, str]]]],
    seed: int = 0,
    dropped: Mapping[int, int] | None = None,
) -> Path:
    """sets: (spec, lang, query_lang, {qid: (original, perturbed)}) -> a robustir.attacked/1 folder."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for n, (spec, lang, query_lang, texts) in enumerate(sets):
        canon = str(AttackSpec.parse(spec))
        name = f"{AttackSpec.parse(spec).slug}.{lang}.jsonl"
        rows = [{"query_id": q, "lang": lang, "query_lang": query_lang, "original": o, "perturbed": p, "spec": canon,
                 "edits": int(o != p), "chrf": 100.0 if o == p else 50.0} for q, (o, p) in texts.items()]
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        changed = sum(r["original"] != r["perturbed"] for r in rows)
        entries.append({"spec": canon, "lang": lang, "query_lang": query_lang, "file": name, "queries": len(rows),
                        "changed": changed, "unchanged": len(rows) - changed, "dropped": (dropped or {}).get(n, 0),
                        "mean_chrf": 0.0, "mean_edits": 0.0, "mean_char_edit_distance": 0.0, "victim": None})
    manifest = {"format": "robustir.attacked/1", "robustir_version": "0.1.0", "dataset": dataset, "revision": revision,
                "split": "test", "seed": seed, "sets": entries}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder
