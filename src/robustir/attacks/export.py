"""Attacked sets out to other toolkits: BEIR folders or TREC topic files (``robustir export``).

For every set of an attacked-set folder (``robustir attack --out``), one folder under `out`:

- ``beir``: ``queries.jsonl`` (``{"_id", "text"}`` with the *attacked* text, the original in
  ``metadata``), ``qrels/<split>.tsv`` (the dataset's own judgements of those queries, BEIR's
  header) and ``corpus.jsonl``: by reference, a relative symlink to one shared copy per
  language in ``out/_corpus/<lang>/corpus.jsonl``; with ``copy_corpus``, a real file per set.
  BEIR's ``GenericDataLoader``, pyserini and MTEB read such a folder as is.
- ``trec``: ``topics.trec`` (``<top><num> Number: ...<title> ...</top>``), ``topics.tsv``
  (pyserini's ``qid<TAB>text``) and ``qrels.trec`` (``qid 0 docid grade``); the corpus is
  the dataset's own (it is not rewritten).

``out/README.md`` names the source folder, dataset, revision, split and seed, and for every set
its spec, languages, queries kept and dropped, share changed, mean chrF, mean edits and (when
judged) mean meaning similarity; each folder also gets a ``robustir-export.json`` with the same.
The dataset is reloaded (``data_dir`` as for ``robustir attack``) to get its judgements and
corpus, and must have the revision the attacked set was made from.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from robustir._io import atomic_write_text, dump_json
from robustir.attacked_set import AttackedSet, read_attacked
from robustir.errors import DataError, RobustirError
from robustir.types import AttackSpec, Corpus

__all__ = ["FORMATS", "export_attacked"]

FORMATS = ("beir", "trec")
_FIGURES = ("queries", "changed", "unchanged", "dropped", "mean_chrf", "mean_edits", "mean_sim")


def _jsonl(rows: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


def _corpus_jsonl(corpus: Corpus) -> str:
    titles = corpus.titles or ("",) * len(corpus)
    return _jsonl([{"_id": i, "title": t, "text": x} for i, t, x in zip(corpus.ids, titles, corpus.texts)])


def _folder_name(s: AttackedSet) -> str:
    return f"{AttackSpec.parse(s.spec).slug}.{s.lang}"


def _write_beir(folder: Path, s: AttackedSet, qrels: dict[str, dict[str, int]], split: str,
                corpus_file: Callable[[Path], None]) -> None:
    rows = [{"_id": r["query_id"], "text": r["perturbed"], "metadata": {"original": r["original"], "lang": r["query_lang"]}}
            for r in s.rows]
    atomic_write_text(folder / "queries.jsonl", _jsonl(rows))
    lines = ["query-id\tcorpus-id\tscore"]
    lines += [f"{q}\t{d}\t{g}" for q in s.texts for d, g in sorted(qrels.get(q, {}).items())]
    (folder / "qrels").mkdir(exist_ok=True)
    atomic_write_text(folder / "qrels" / f"{split}.tsv", "\n".join(lines) + "\n")
    corpus_file(folder / "corpus.jsonl")


def _trec_text(text: str) -> str:
    return " ".join(text.replace("<", " ").replace(">", " ").split())


def _write_trec(folder: Path, s: AttackedSet, qrels: dict[str, dict[str, int]]) -> None:
    topics = "".join(f"<top>\n<num> Number: {q}\n<title> {_trec_text(t)}\n</top>\n\n" for q, t in s.texts.items())
    atomic_write_text(folder / "topics.trec", topics)
    atomic_write_text(folder / "topics.tsv", "".join(f"{q}\t{_trec_text(t)}\n" for q, t in s.texts.items()))
    atomic_write_text(folder / "qrels.trec", "".join(f"{q} 0 {d} {g}\n" for q in s.texts for d, g in sorted(qrels.get(q, {}).items())))


def _readme(src: Path, manifest: dict[str, Any], fmt: str, records: list[dict[str, Any]]) -> str:
    head = [f"# Attacked query sets exported as {fmt.upper()}", "",
            f"Exported by `robustir export` from `{src}`: dataset `{manifest.get('dataset')}`, revision "
            f"`{manifest.get('revision')}`, split `{manifest.get('split')}`, seed `{manifest.get('seed')}`.",
            "Queries are the attacked texts; judgements are the dataset's own. Fidelity figures are those "
            "`robustir attack` recorded (chrF: sacrebleu sentence chrF of attacked vs original).", "",
            "| folder | spec | lang | query lang | " + " | ".join(_FIGURES) + " |",
            "|---|---|---|---|" + "---|" * len(_FIGURES)]
    for r in records:
        vals = ["" if r.get(k) is None else str(r.get(k)) for k in _FIGURES]
        head.append(f"| {r['folder']} | `{r['spec']}` | {r['lang']} | {r['query_lang']} | " + " | ".join(vals) + " |")
    return "\n".join(head) + "\n"


def _load(manifest: dict[str, Any], lang: str, data_dir: str | Path | None) -> Any:
    from robustir.datasets import load_dataset

    ds = load_dataset(manifest["dataset"], lang=lang, split=manifest.get("split"), data_dir=data_dir)
    if ds.revision != manifest.get("revision"):
        raise DataError(f"export: {manifest['dataset']} [{lang}] is revision {ds.revision!r} here, but the attacked set "
                        f"was made from {manifest.get('revision')!r}; pass the same --data-dir")
    return ds


def _prepare_out(out: Path, overwrite: bool) -> None:
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise RobustirError(f"export: {out} is not empty (pass --overwrite to replace it)")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def export_attacked(attacked: str | Path, fmt: str, out: str | Path, *, data_dir: str | Path | None = None,
                    copy_corpus: bool = False, overwrite: bool = False) -> list[Path]:
    """Write every set of attacked-set folder `attacked` under `out` in `fmt`; returns the set folders."""
    if fmt not in FORMATS:
        raise RobustirError(f"export: format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    coll = read_attacked(attacked)
    out = Path(out)
    _prepare_out(out, overwrite)
    manifest, split = coll.manifest, str(coll.manifest.get("split"))
    loaded: dict[str, Any] = {}
    records, folders = [], []
    for s in coll.sets:
        if s.lang not in loaded:
            loaded[s.lang] = _load(manifest, s.lang, data_dir)
        ds = loaded[s.lang]
        folder = out / _folder_name(s)
        folder.mkdir(parents=True)
        qrels = ds.qrels.to_dict()
        if fmt == "beir":
            shared = out / "_corpus" / s.lang / "corpus.jsonl"

            def corpus_file(dest: Path, ds: Any = ds, shared: Path = shared) -> None:
                if copy_corpus:
                    atomic_write_text(dest, _corpus_jsonl(ds.corpus))
                    return
                if not shared.exists():
                    shared.parent.mkdir(parents=True, exist_ok=True)
                    atomic_write_text(shared, _corpus_jsonl(ds.corpus))
                os.symlink(os.path.relpath(shared, dest.parent), dest)

            _write_beir(folder, s, qrels, split, corpus_file)
        else:
            _write_trec(folder, s, qrels)
        record = {"folder": folder.name, "spec": s.spec, "lang": s.lang, "query_lang": s.query_lang,
                  "seed": s.seed, "dataset": manifest.get("dataset"), "revision": manifest.get("revision"),
                  "split": split, **{k: s.entry.get(k) for k in _FIGURES if k in s.entry}}
        atomic_write_text(folder / "robustir-export.json", dump_json(record))
        records.append(record)
        folders.append(folder)
    atomic_write_text(out / "README.md", _readme(Path(attacked), manifest, fmt, records))
    return folders
