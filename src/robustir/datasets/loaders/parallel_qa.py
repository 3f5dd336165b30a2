"""XQuAD-R and MLQA-R (LAReQA): parallel QA turned into sentence retrieval.

Files are SQuAD v1.1 JSON with two extra paragraph fields, ``sentences`` and
``sentence_breaks``. Candidates are the sentences; a question's relevant candidate is the
sentence holding its answer span. Question ids are the same in every language, so the
parallel structure (monolingual, cross-lingual and pooled settings) is kept in
`QuerySet.groups` and in the document ids, which carry their language: ``{lang}-{para}-{sent}``.
"""
from __future__ import annotations

import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from robustir._io import atomic_write_bytes, cache_root, check_text, offline, read_json
from robustir.datasets.base import (
    Dataset,
    DatasetInfo,
    datasets,
    require_dir,
    resolve_lang_split,
)
from robustir.errors import DataError, ResourceMissingError
from robustir.types import Corpus, Qrels, QuerySet

LAREQA_COMMIT = "9bc8c7fb6dd8d01d72a05a93c2cb96882b0d299c"
LAREQA_URL = "https://raw.githubusercontent.com/google-research-datasets/lareqa/{rev}/xquad-r/{lang}.json"


@dataclass(frozen=True)
class SquadRQuestion:
    qid: str
    question: str
    article: int  # index of the article (title) in the file: the unit of train/test splits
    relevant: str  # docid of the sentence holding the answer


@dataclass(frozen=True)
class SquadRFile:
    """One language file of a LAReQA release, parsed."""

    lang: str
    corpus: Corpus
    questions: tuple[SquadRQuestion, ...]
    titles: tuple[str, ...]

    def dataset(self, name: str, split: str, revision: str) -> Dataset:
        qs = self.questions
        queries = QuerySet(
            tuple(q.qid for q in qs), tuple(q.question for q in qs), (self.lang,) * len(qs), tuple(q.qid for q in qs)
        )
        return Dataset(name, self.lang, split, revision, self.corpus, queries, Qrels({q.qid: {q.relevant: 1} for q in qs}))


def _sentence_for(breaks: list[list[int]], start: int) -> int | None:
    for i, (s, e) in enumerate(breaks):
        if s <= start < e:
            return i
    for i, (s, _e) in enumerate(breaks):  # answer begins in the gap before a sentence
        if s > start:
            return i
    return None


def parse_squad_r(data: Any, lang: str, *, source: str) -> SquadRFile:
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise DataError(f"{source}: expected SQuAD JSON with a top-level 'data' list")
    ids: list[str] = []
    texts: list[str] = []
    questions: list[SquadRQuestion] = []
    titles: list[str] = []
    seen: set[str] = set()
    para = 0
    for a_idx, article in enumerate(data["data"]):
        titles.append(str(article.get("title", a_idx)))
        for p in article.get("paragraphs", []):
            where = f"{source}: article {a_idx} paragraph {para}"
            sentences = p.get("sentences")
            breaks = p.get("sentence_breaks")
            if not isinstance(sentences, list) or not isinstance(breaks, list) or len(sentences) != len(breaks):
                raise DataError(f"{where}: needs 'sentences' and 'sentence_breaks' of equal length (LAReQA format)")
            for s_idx, sent in enumerate(sentences):
                check_text(sent, f"{where} sentence {s_idx}", "sentences")
                ids.append(f"{lang}-{para}-{s_idx}")
                texts.append(sent.strip() or sent)
            for qa in p.get("qas", []):
                qid = str(qa.get("id", ""))
                question = qa.get("question")
                answers = qa.get("answers") or []
                if not qid or not isinstance(question, str) or not answers:
                    raise DataError(f"{where}: question needs 'id', 'question' and 'answers'")
                check_text(question, f"{where} question {qid!r}", "question")
                if qid in seen:
                    raise DataError(f"{where}: duplicate question id {qid!r}")
                if not question.strip():
                    raise DataError(f"{where}: question {qid!r} has an empty text")
                seen.add(qid)
                s_idx = _sentence_for(breaks, int(answers[0]["answer_start"]))
                if s_idx is None:
                    raise DataError(f"{where}: answer of {qid!r} lies outside every sentence")
                questions.append(SquadRQuestion(qid, question, a_idx, f"{lang}-{para}-{s_idx}"))
            para += 1
    if not questions:
        raise DataError(f"{source}: no questions")
    corpus = Corpus(tuple(ids), tuple(texts), (lang,) * len(ids))
    return SquadRFile(lang, corpus, tuple(questions), tuple(titles))


class _ParallelQALoader:
    info: DatasetInfo
    url: str | None = None

    def _path(self, lang: str, data_dir: Path | None) -> Path:
        if data_dir is not None:
            path = require_dir(Path(data_dir), self.info.name) / f"{lang}.json"
            if not path.exists():
                raise DataError(f"{self.info.name}: {data_dir} has no {lang}.json")
            return path
        if self.url is None:
            raise ResourceMissingError(
                f"{self.info.name}: no public download; pass the folder holding {{lang}}.json with --data-dir"
            )
        path = cache_root() / "datasets" / self.info.name / self.info.revision / f"{lang}.json"
        if path.exists():
            return path
        if offline():
            raise ResourceMissingError(f"{self.info.name}: offline and {path} is absent; pass --data-dir")
        url = self.url.format(rev=self.info.revision, lang=lang)
        try:
            with urllib.request.urlopen(url, timeout=60) as resp:
                payload = resp.read()
        except Exception as exc:
            raise ResourceMissingError(
                f"{self.info.name}: could not download {url} ({type(exc).__name__}); "
                "download it yourself and pass its folder with --data-dir"
            ) from None
        parse_squad_r(_decode_json(payload, url), lang, source=url)  # validate before caching
        atomic_write_bytes(path, payload)
        return path

    def read(self, lang: str, *, data_dir: Path | None = None) -> SquadRFile:
        lang, _ = resolve_lang_split(self.info, lang, None)
        path = self._path(lang, data_dir)
        return parse_squad_r(read_json(path), lang, source=str(path))

    def load(self, lang: str, split: str | None = None, *, data_dir: Path | None = None) -> Dataset:
        lang, split = resolve_lang_split(self.info, lang, split)
        return self.read(lang, data_dir=data_dir).dataset(self.info.name, split, self._revision(data_dir))

    def load_parallel(
        self, langs: Sequence[str], split: str | None = None, *, data_dir: Path | None = None
    ) -> dict[str, Dataset]:
        """Load several languages and check that their question ids are parallel."""
        out = {lang: self.load(lang, split, data_dir=data_dir) for lang in langs}
        ref = None
        for lang, ds in out.items():
            ids = set(ds.queries.ids)
            if ref is None:
                ref = (lang, ids)
            elif ids != ref[1]:
                raise DataError(f"{self.info.name}: question ids of {lang} and {ref[0]} are not parallel")
        return out

    def _revision(self, data_dir: Path | None) -> str:
        return f"local:{Path(data_dir).resolve()}" if data_dir is not None else self.info.revision


def _decode_json(payload: bytes, source: str) -> Any:
    import json

    try:
        return json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{source}: not valid UTF-8 JSON ({exc})") from None


class XQuADRLoader(_ParallelQALoader):
    url = LAREQA_URL
    info = DatasetInfo(
        name="xquad-r",
        description="XQuAD-R (LAReQA): 1,190 parallel questions; candidates are the sentences of 240 paragraphs",
        languages=("ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh"),
        splits=("test",),
        license="CC BY-SA 4.0",
        source="https://github.com/google-research-datasets/lareqa",
        revision=LAREQA_COMMIT,
        default_split="test",
        parallel=True,
        notes="official metric mAP; 11 monolingual, 110 cross-lingual, 1 pooled multilingual setting",
    )


class MLQARLoader(_ParallelQALoader):
    url = None
    info = DatasetInfo(
        name="mlqa-r",
        description="MLQA-R (LAReQA): MLQA turned into sentence retrieval, same format as XQuAD-R",
        languages=("ar", "de", "en", "es", "hi", "vi", "zh"),
        splits=("test",),
        license="CC BY-SA 3.0 (MLQA); NON-COMMERCIAL use only as distributed for LAReQA research",
        source="local folder only ({lang}.json in the LAReQA format)",
        revision="local",
        default_split="test",
        parallel=True,
        notes="non-commercial licence: check the terms before any commercial use; 42 cross-lingual pairs",
    )


datasets.add("xquad-r", XQuADRLoader())
datasets.add("mlqa-r", MLQARLoader())
