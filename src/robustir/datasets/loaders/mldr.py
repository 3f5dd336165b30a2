"""MLDR (Shitao/MLDR): long-document retrieval in 13 languages, and the embedded sample.

Release layout: ``mldr-v1.0-{lang}/{corpus,train,dev,test}.jsonl``; corpus rows
``{docid, text}``, query rows ``{query_id, query, positive_passages, negative_passages}``.
Each query has one relevant document (its positive passage); negatives are hard negatives,
not judgements, so they do not enter the qrels (as in mteb's MultiLongDocRetrieval).
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from robustir._io import cache_root, check_id, check_text, iter_jsonl, offline
from robustir.datasets.base import (
    Dataset,
    DatasetInfo,
    datasets,
    require_dir,
    resolve_lang_split,
)
from robustir.errors import DataError, ResourceMissingError
from robustir.types import Corpus, Qrels, QuerySet

from robustir.languages import MLDR_LANGS  # noqa: E402
MLDR_SCRIPTS = {
    "ar": "ara-Arab", "de": "deu-Latn", "en": "eng-Latn", "es": "spa-Latn", "fr": "fra-Latn",
    "hi": "hin-Deva", "it": "ita-Latn", "ja": "jpn-Jpan", "ko": "kor-Hang", "pt": "por-Latn",
    "ru": "rus-Cyrl", "th": "tha-Thai", "zh": "cmn-Hans",
}
HUB_REPO = "Shitao/MLDR"
# The revision mteb pins for MultiLongDocRetrieval.
HUB_REVISION = "d67138e705d963e346253a80e59676ddb418810a"


def _find(folder: Path, stem: str) -> Path | None:
    for name in (f"{stem}.jsonl", f"{stem}.jsonl.gz"):
        if (folder / name).exists():
            return folder / name
    return None


def _field(obj: dict[str, Any], key: str, kind: type, path: Path, lineno: int) -> Any:
    if key not in obj:
        raise DataError(f"{path}:{lineno}: missing required field {key!r}")
    value = obj[key]
    if kind is str:
        return check_text(value, f"{path}:{lineno}", key)
    if isinstance(value, bool) or not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__
        raise DataError(f"{path}:{lineno}: field {key!r} must be {names}, got {type(value).__name__}")
    return value


def read_corpus(path: Path, lang: str) -> Corpus:
    ids: list[str] = []
    texts: list[str] = []
    seen: set[str] = set()
    for lineno, obj in iter_jsonl(path):
        docid = check_id(_field(obj, "docid", (str, int), path, lineno), f"{path}:{lineno}", "docid")  # type: ignore[arg-type]
        text = _field(obj, "text", str, path, lineno)
        if docid in seen:
            raise DataError(f"{path}:{lineno}: duplicate docid {docid!r}")
        seen.add(docid)
        ids.append(docid)
        texts.append(text)
    if not ids:
        raise DataError(f"{path}: corpus is empty")
    return Corpus(tuple(ids), tuple(texts), (lang,) * len(ids))


def read_queries(path: Path, lang: str) -> tuple[QuerySet, Qrels]:
    ids: list[str] = []
    texts: list[str] = []
    qrels: dict[str, dict[str, int]] = {}
    for lineno, obj in iter_jsonl(path):
        qid = check_id(_field(obj, "query_id", (str, int), path, lineno), f"{path}:{lineno}", "query_id")  # type: ignore[arg-type]
        text = _field(obj, "query", str, path, lineno)
        positives = _field(obj, "positive_passages", list, path, lineno)
        if qid in qrels:
            raise DataError(f"{path}:{lineno}: duplicate query_id {qid!r}")
        if not text.strip():
            raise DataError(f"{path}:{lineno}: query {qid!r} has an empty text")
        if not positives:
            raise DataError(f"{path}:{lineno}: query {qid!r} has no positive passage")
        judged: dict[str, int] = {}
        for p in positives:
            if not isinstance(p, dict) or "docid" not in p:
                raise DataError(f"{path}:{lineno}: positive passage without 'docid' in query {qid!r}")
            judged[check_id(p["docid"], f"{path}:{lineno}", "positive_passages.docid")] = 1
        ids.append(qid)
        texts.append(text)
        qrels[qid] = judged
    if not ids:
        raise DataError(f"{path}: no queries")
    return QuerySet(tuple(ids), tuple(texts), (lang,) * len(ids)), Qrels(qrels)


def load_release_folder(root: Path, lang: str, split: str, *, name: str, revision: str) -> Dataset:
    """Load ``root/mldr-v1.0-{lang}/{corpus,split}.jsonl[.gz]``."""
    folder = require_dir(root, name) / f"mldr-v1.0-{lang}"
    if not folder.is_dir():
        raise DataError(f"{name}: {root} has no folder mldr-v1.0-{lang} (expected the MLDR release layout)")
    corpus_path = _find(folder, "corpus")
    split_path = _find(folder, split)
    if corpus_path is None:
        raise DataError(f"{name}: {folder} has no corpus.jsonl[.gz]")
    if split_path is None:
        raise DataError(f"{name}: {folder} has no {split}.jsonl[.gz] (split {split!r} missing)")
    corpus = read_corpus(corpus_path, lang)
    queries, qrels = read_queries(split_path, lang)
    return Dataset(name, lang, split, revision, corpus, queries, qrels)


def _hub_download(lang: str, split: str) -> Path:
    """Fetch the two files of (lang, split) from the hub into the cache; returns the root."""
    if offline():
        raise ResourceMissingError(
            f"mldr: offline; download {HUB_REPO} (mldr-v1.0-{lang}/corpus.jsonl and {split}.jsonl) "
            "and pass its folder with --data-dir"
        )
    try:
        from huggingface_hub import hf_hub_download
    except ImportError:
        raise ResourceMissingError(
            "mldr: huggingface_hub is not installed (pip install huggingface_hub), "
            "or pass a local copy of the release with --data-dir"
        ) from None
    root = cache_root() / "datasets" / "mldr" / HUB_REVISION
    for stem in ("corpus", split):
        try:
            hf_hub_download(
                HUB_REPO,
                f"mldr-v1.0-{lang}/{stem}.jsonl",
                repo_type="dataset",
                revision=HUB_REVISION,
                local_dir=root,
            )
        except Exception as exc:  # network, auth, missing file: all end the same way for the user
            raise ResourceMissingError(
                f"mldr: could not download {HUB_REPO}@{HUB_REVISION[:8]} {lang}/{stem} ({type(exc).__name__}); "
                "download the release yourself and pass its folder with --data-dir"
            ) from None
    return root


class MLDRLoader:
    info = DatasetInfo(
        name="mldr",
        description="MLDR: multilingual long-document retrieval (Wikipedia, Wudao, mC4 articles; GPT-3.5 questions)",
        languages=MLDR_LANGS,
        splits=("train", "dev", "test"),
        license="MIT",
        source=f"https://huggingface.co/datasets/{HUB_REPO}",
        revision=HUB_REVISION,
        default_split="test",
        notes="one relevant document per query; official metric nDCG@10 on test",
        scripts=MLDR_SCRIPTS,
    )

    def load(self, lang: str, split: str | None = None, *, data_dir: Path | None = None) -> Dataset:
        lang, split = resolve_lang_split(self.info, lang, split)
        if data_dir is not None:
            return load_release_folder(Path(data_dir), lang, split, name="mldr", revision=f"local:{Path(data_dir).resolve()}")
        return load_release_folder(_hub_download(lang, split), lang, split, name="mldr", revision=HUB_REVISION)


SAMPLE_VERSION = "1"


def sample_root() -> Path:
    return Path(str(resources.files("robustir.datasets") / "mldr_sample"))


class MLDRSampleLoader:
    info = DatasetInfo(
        name="mldr-sample",
        description="embedded demonstration set in MLDR's release format (written for robustir; not MLDR)",
        languages=MLDR_LANGS,
        splits=("test",),
        license="CC0-1.0",
        source="package data: robustir/datasets/mldr_sample",
        revision=f"sample-v{SAMPLE_VERSION}",
        default_split="test",
        notes="6 queries and 12 multi-paragraph documents per language; a smoke-test and demo set",
        scripts=MLDR_SCRIPTS,
    )

    def load(self, lang: str, split: str | None = None, *, data_dir: Path | None = None) -> Dataset:
        lang, split = resolve_lang_split(self.info, lang, split)
        root = Path(data_dir) if data_dir is not None else sample_root()
        return load_release_folder(root, lang, split, name="mldr-sample", revision=self.info.revision)


datasets.add("mldr", MLDRLoader())
datasets.add("mldr-sample", MLDRSampleLoader())
