"""Any BEIR-format folder: corpus.jsonl, queries.jsonl, qrels/{split}.tsv."""
from __future__ import annotations

from pathlib import Path

from robustir._io import check_id, check_text, iter_jsonl, read_text
from robustir.datasets.base import Dataset, DatasetInfo, datasets, require_dir, resolve_lang_split
from robustir.errors import DataError, RobustirError
from robustir.languages import LANGUAGES
from robustir.types import Corpus, Qrels, QuerySet


def _find(folder: Path, stem: str) -> Path:
    for name in (f"{stem}.jsonl", f"{stem}.jsonl.gz"):
        if (folder / name).exists():
            return folder / name
    raise DataError(f"beir: {folder} has no {stem}.jsonl[.gz]")


def read_qrels_tsv(path: Path) -> dict[str, dict[str, int]]:
    if not path.exists():
        raise DataError(f"beir: qrels file {path} does not exist (split missing)")
    out: dict[str, dict[str, int]] = {}
    for lineno, line in enumerate(read_text(path).splitlines(), start=1):
        if lineno == 1:
            line = line.removeprefix("\ufeff")  # a UTF-8 byte-order mark (Excel, Notepad)
        if not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        if lineno == 1 and cols[0].lower() in ("query-id", "query_id", "qid"):
            continue  # BEIR's header
        if len(cols) != 3:
            raise DataError(f"{path}:{lineno}: expected 3 tab-separated columns (query-id, corpus-id, score)")
        try:
            grade = int(cols[2])
        except ValueError:
            raise DataError(f"{path}:{lineno}: score {cols[2]!r} is not an integer") from None
        if cols[1] in out.setdefault(cols[0], {}):
            raise DataError(f"{path}:{lineno}: duplicate judgement ({cols[0]}, {cols[1]})")
        out[cols[0]][cols[1]] = grade
    if not out:
        raise DataError(f"{path}: no judgements")
    return out


class BEIRLoader:
    info = DatasetInfo(
        name="beir",
        description="any folder in BEIR format (corpus.jsonl, queries.jsonl, qrels/{split}.tsv); pass --data-dir",
        languages=tuple(sorted(LANGUAGES)),
        splits=("train", "dev", "test"),
        license="per dataset",
        source="local folder",
        revision="local",
        default_split="test",
    )

    def load(self, lang: str, split: str | None = None, *, data_dir: Path | None = None) -> Dataset:
        lang, split = resolve_lang_split(self.info, lang, split)
        if data_dir is None:
            raise RobustirError("beir: pass the dataset folder with --data-dir")
        root = require_dir(Path(data_dir), "beir")
        ids, titles, texts, seen = [], [], [], set()
        cpath = _find(root, "corpus")
        for lineno, obj in iter_jsonl(cpath):
            if "_id" not in obj or "text" not in obj:
                raise DataError(f"{cpath}:{lineno}: missing required field '_id' or 'text'")
            did = check_id(obj["_id"], f"{cpath}:{lineno}", "_id")
            if did in seen:
                raise DataError(f"{cpath}:{lineno}: duplicate document id {did!r}")
            seen.add(did)
            ids.append(did)
            title = obj.get("title")
            titles.append("" if title is None else check_text(title, f"{cpath}:{lineno}", "title"))
            texts.append(check_text(obj["text"], f"{cpath}:{lineno}", "text"))
        corpus = Corpus(tuple(ids), tuple(texts), (lang,) * len(ids), tuple(titles))
        qrels = read_qrels_tsv(root / "qrels" / f"{split}.tsv")
        qpath = _find(root, "queries")
        queries: dict[str, str] = {}
        for lineno, obj in iter_jsonl(qpath):
            if "_id" not in obj or "text" not in obj:
                raise DataError(f"{qpath}:{lineno}: missing required field '_id' or 'text'")
            qid = check_id(obj["_id"], f"{qpath}:{lineno}", "_id")
            text = check_text(obj["text"], f"{qpath}:{lineno}", "text")
            if qid in queries:
                raise DataError(f"{qpath}:{lineno}: duplicate query id {qid!r}")
            if qid in qrels and not text.strip():
                raise DataError(f"{qpath}:{lineno}: query {qid!r} has an empty text")
            queries[qid] = text
        missing = [q for q in qrels if q not in queries]
        if missing:
            raise DataError(f"beir: qrels/{split}.tsv names unknown query {missing[0]!r}")
        # As BEIR does: evaluate the queries that have judgements in this split.
        qs = QuerySet.from_dict({q: queries[q] for q in queries if q in qrels}, lang=lang)
        return Dataset("beir", lang, split, f"local:{root.resolve()}", corpus, qs, Qrels(qrels))


datasets.add("beir", BEIRLoader())
