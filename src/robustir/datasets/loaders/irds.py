"""``irds:<id>``: any ir_datasets collection (docs, queries, qrels) as a robustir Dataset.

    robustir attack --dataset irds:beir/scifact/test --lang en ...

The ir_datasets package (``pip install ir_datasets``; in robustir's ``[irds]`` extra) is imported
only when such a dataset is loaded. The id names one ir_datasets dataset, split included
(``beir/scifact/test``), so the robustir split is ``all``. The language is what ir_datasets
records for the queries (``queries_lang()``, else ``docs_lang()``); a collection with no recorded
language accepts any robustir language code. Queries without judgements are dropped, as the
BEIR loader does. Offline (ROBUSTIR_OFFLINE / HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE), files
ir_datasets has not downloaded yet are not fetched: loading fails in one line instead.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from robustir._io import offline
from robustir.datasets.base import Dataset, DatasetInfo, datasets, resolve_lang_split
from robustir.errors import DataError, RobustirError
from robustir.languages import LANGUAGES
from robustir.types import Corpus, Qrels, QuerySet

__all__ = ["IrdsLoader", "import_ir_datasets"]


def import_ir_datasets() -> Any:
    try:
        import ir_datasets
    except ImportError:
        raise RobustirError("irds: datasets need the ir_datasets package: pip install 'robustir[irds]' (or ir_datasets)") from None
    return ir_datasets


def _text(record: Any) -> str:
    if hasattr(record, "default_text"):
        return str(record.default_text())
    return str(getattr(record, "text"))


def _langs(ds: Any) -> tuple[str, ...]:
    for method in ("queries_lang", "docs_lang"):
        fn = getattr(ds, method, None)
        lang = fn() if callable(fn) else None
        if isinstance(lang, str) and lang in LANGUAGES:
            return (lang,)
    return tuple(sorted(LANGUAGES))


class IrdsLoader:
    """One ir_datasets dataset, found by id when first loaded."""

    def __init__(self, dataset_id: str) -> None:
        if not dataset_id.strip():
            raise RobustirError("irds: give an ir_datasets id, e.g. irds:beir/scifact/test")
        self.dataset_id = dataset_id.strip()
        self._ds: Any = None
        self._info: DatasetInfo | None = None

    def _dataset(self) -> Any:
        if self._ds is None:
            irds = import_ir_datasets()
            try:
                self._ds = irds.load(self.dataset_id)
            except KeyError:
                raise RobustirError(f"irds: ir_datasets has no dataset {self.dataset_id!r}") from None
            for what in ("docs", "queries", "qrels"):
                if not getattr(self._ds, f"has_{what}")():
                    raise DataError(f"irds:{self.dataset_id} has no {what} (a robustir dataset needs docs, queries and qrels)")
        return self._ds

    @property
    def info(self) -> DatasetInfo:
        if self._info is None:
            irds = import_ir_datasets()
            self._info = DatasetInfo(
                name=f"irds:{self.dataset_id}", description=f"ir_datasets {self.dataset_id}",
                languages=_langs(self._dataset()), splits=("all",), license="per dataset (see ir_datasets)",
                source="ir_datasets", revision=f"ir_datasets-{getattr(irds, '__version__', '?')}", default_split="all",
            )
        return self._info

    def _read(self, lang: str) -> tuple[Corpus, dict[str, str], dict[str, dict[str, int]]]:
        ds = self._dataset()
        ids, texts, titles = [], [], []
        for doc in ds.docs_iter():
            ids.append(str(doc.doc_id))
            titles.append(str(getattr(doc, "title", "") or ""))
            texts.append(str(doc.text) if hasattr(doc, "text") else _text(doc))
        queries = {str(q.query_id): _text(q) for q in ds.queries_iter()}
        qrels: dict[str, dict[str, int]] = {}
        for r in ds.qrels_iter():
            qrels.setdefault(str(r.query_id), {})[str(r.doc_id)] = int(r.relevance)
        corpus = Corpus(tuple(ids), tuple(texts), (lang,) * len(ids), tuple(titles) if any(titles) else None)
        return corpus, queries, qrels

    def load(self, lang: str, split: str | None = None, *, data_dir: Path | None = None) -> Dataset:
        lang, split = resolve_lang_split(self.info, lang, split)
        saved = os.environ.get("IR_DATASETS_SKIP_DOWNLOAD")
        try:
            if offline():
                os.environ["IR_DATASETS_SKIP_DOWNLOAD"] = "true"
            corpus, queries, qrels = self._read(lang)
        except (RobustirError, DataError):
            raise
        except Exception as exc:  # ir_datasets raises many kinds (downloads, formats)
            why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            hint = " (offline: ir_datasets could not download it)" if offline() else ""
            raise DataError(f"irds:{self.dataset_id}: {why}{hint}") from None
        finally:
            if saved is None:
                os.environ.pop("IR_DATASETS_SKIP_DOWNLOAD", None)
            else:
                os.environ["IR_DATASETS_SKIP_DOWNLOAD"] = saved
        missing = [q for q in qrels if q not in queries]
        if missing:
            raise DataError(f"irds:{self.dataset_id}: qrels name unknown query {missing[0]!r}")
        if not qrels:
            raise DataError(f"irds:{self.dataset_id}: no judgements")
        qs = QuerySet.from_dict({q: t for q, t in queries.items() if q in qrels}, lang=lang)
        return Dataset(f"irds:{self.dataset_id}", lang, split, self.info.revision, corpus, qs, Qrels(qrels))


datasets.add_prefix("irds", IrdsLoader)
