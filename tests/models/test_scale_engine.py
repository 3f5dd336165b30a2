"""The Ray engine against the single-process path: same shards, same vectors, same metrics,
and resume after a worker dies (on either engine).

Ray runs locally with 2 CPUs for the whole module; minilm-l6 (bundled, offline; truncated to
128 tokens to keep the test short) encodes the pooled embedded MLDR sample of four languages
(48 documents) in 6 shards of 8 documents.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from robustir.models.engines import EngineError, get_engine
from robustir.models.engines.corpus import RetrieverFactory, index_with_engine
from robustir.models.engines.faults import FaultyFactory, arm
from robustir.types import Corpus, Qrels, QuerySet

SHARD = 8
LANGS = ("en", "de", "zh", "ar")
OPTIONS = {"max_length": 128}
MODEL = "minilm-l6"
METRICS = ["ndcg@10", "map", "recall@10"]


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'robustir[ray]')")
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    if started:
        ray.shutdown()


@pytest.fixture(scope="module")
def pooled() -> tuple[Corpus, QuerySet, Qrels]:
    from robustir.datasets import load_dataset
    parts = [load_dataset("mldr-sample", lang=lang) for lang in LANGS]
    corpus = Corpus.concat(p.corpus for p in parts)
    queries = QuerySet(
        tuple(i for p in parts for i in p.queries.ids),
        tuple(t for p in parts for t in p.queries.texts),
        tuple(x for p in parts for x in p.queries.langs),
    )
    qrels = Qrels({q: dict(d) for p in parts for q, d in p.qrels.items()})
    assert len(corpus) == 6 * SHARD
    return corpus, queries, qrels


def _retriever(folder: Path):
    from robustir.models import load_retriever

    return load_retriever(MODEL, cache_dir=str(folder), shard_docs=SHARD, progress=False, **OPTIONS)


@pytest.fixture(scope="module")
def reference(pooled, tmp_path_factory):
    """The single-process index: vectors, run and metrics every engine must reproduce."""
    from robustir.benchmark.metrics import evaluate

    corpus, queries, qrels = pooled
    r = _retriever(tmp_path_factory.mktemp("local"))
    r.index(corpus)
    run = r.search(queries, k=20)
    return np.array(r.corpus_matrix), run, evaluate(qrels, run, METRICS)


@pytest.fixture(scope="module")
def engine(ray_local):
    eng = get_engine("ray")
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def factory(pooled, tmp_path_factory):
    """minilm-l6 on every worker, failing once on shard 3 whenever a test arms it."""
    corpus, _, _ = pooled
    folder = tmp_path_factory.mktemp("faults")
    return FaultyFactory(RetrieverFactory.of(MODEL, **OPTIONS), str(folder), corpus.texts[3 * SHARD + 3])


def _shards_on_disk(folder: Path) -> int:
    manifests = list(folder.glob("*/manifest.json"))
    assert len(manifests) == 1
    return len(json.loads(manifests[0].read_text())["shards"])


def test_ray_equals_single_process(pooled, reference, engine, factory, tmp_path):
    from robustir.benchmark.metrics import evaluate

    corpus, queries, qrels = pooled
    ref_matrix, ref_run, ref_metrics = reference
    r = _retriever(tmp_path)
    report = index_with_engine(r, corpus, engine=engine, factory=factory)
    n_shards = -(-len(corpus) // SHARD)
    assert (report.engine, report.workers, report.encoded, report.failed) == ("ray", 2, n_shards, ())
    assert r.stats["corpus_texts_encoded"] == len(corpus)
    np.testing.assert_allclose(r.corpus_matrix, ref_matrix, atol=1e-5)
    run = r.search(queries, k=20)
    assert [[d for d, _ in run.ranked(q)] for q in queries.ids] == [[d for d, _ in ref_run.ranked(q)] for q in queries.ids]
    assert evaluate(qrels, run, METRICS) == ref_metrics
    # Reuse: a second index on the same cache encodes nothing.
    r2 = _retriever(tmp_path)
    again = index_with_engine(r2, corpus, engine=engine, factory=factory)
    assert r2.stats["corpus_texts_encoded"] == 0 and again.details["shards_missing_before"] == 0


def test_killed_worker_then_rerun_encodes_only_missing(pooled, reference, engine, factory, tmp_path):
    corpus, _, _ = pooled
    arm(factory.folder, "exit")
    r = _retriever(tmp_path)
    with pytest.raises(EngineError, match=r"shard \d+: ActorDiedError") as info:
        index_with_engine(r, corpus, engine=engine, factory=factory, retries=0)
    # The dead worker held shard 3. Ray may also lose the reply of the shard that worker had
    # just finished (shard 1), so the first failure reported is shard 1 or shard 3; every
    # shard before it is kept, in order, and nothing after it.
    failed = int(re.search(r"first: shard (\d+)", str(info.value)).group(1))
    assert failed in (1, 3), str(info.value)
    done = _shards_on_disk(tmp_path)
    assert done == failed
    r2 = _retriever(tmp_path)
    report = index_with_engine(r2, corpus, engine=engine, factory=factory, retries=0)
    assert report.details["shards_missing_before"] == -(-len(corpus) // SHARD) - done
    assert r2.stats["corpus_texts_encoded"] == len(corpus) - done * SHARD
    np.testing.assert_allclose(r2.corpus_matrix, reference[0], atol=1e-5)


def test_killed_worker_is_replaced_and_its_shard_retried(pooled, reference, engine, factory, tmp_path):
    corpus, _, _ = pooled
    arm(factory.folder, "exit")
    r = _retriever(tmp_path)
    report = index_with_engine(r, corpus, engine=engine, factory=factory, retries=1)
    assert report.failed == () and report.retried >= 1
    assert report.details.get("workers_replaced") == 1
    assert r.stats["corpus_texts_encoded"] == len(corpus)
    np.testing.assert_allclose(r.corpus_matrix, reference[0], atol=1e-5)


def test_resume_across_engines(pooled, reference, engine, factory, tmp_path):
    """Fail on Ray, finish locally; fail locally, finish on Ray: same cache, same vectors."""
    corpus, _, _ = pooled
    local = get_engine("local")
    for first, second, folder in ((engine, local, tmp_path / "a"), (local, engine, tmp_path / "b")):
        arm(factory.folder, "raise")
        r = _retriever(folder)
        with pytest.raises(EngineError, match="InjectedFault"):
            index_with_engine(r, corpus, engine=first, factory=factory, retries=0)
        done = _shards_on_disk(folder)
        r2 = _retriever(folder)
        index_with_engine(r2, corpus, engine=second, factory=factory if second is engine else None)
        assert r2.stats["corpus_texts_encoded"] == len(corpus) - done * SHARD
        np.testing.assert_allclose(r2.corpus_matrix, reference[0], atol=1e-5)


def test_unknown_engine_and_ray_without_factory(pooled, engine, tmp_path):
    from robustir.errors import RobustirError, UnknownNameError

    with pytest.raises(UnknownNameError, match="did you mean 'ray'"):
        get_engine("rey")
    with pytest.raises(RobustirError, match="RetrieverFactory"):
        index_with_engine(_retriever(tmp_path), pooled[0], engine=engine)


def test_encode_command_resumes_across_engines_and_input_paths(engine, tmp_path, monkeypatch):
    """`robustir encode` locally, then with --engine ray and from a streamed .gz file: one cache."""
    import gzip

    from click.testing import CliRunner

    from robustir.datasets import load_dataset
    from robustir.cli import cli

    monkeypatch.setenv("ROBUSTIR_HOME", str(tmp_path / "home"))
    base = ["encode", "--model", MODEL, "--lang", "de", "--shard-docs", "4", "--max-length", "128"]
    first = CliRunner().invoke(cli, base + ["--dataset", "mldr-sample"])
    assert first.exit_code == 0, first.output
    assert "12 documents, 3 shards: 3 missing, 3 encoded with local" in first.output
    again = CliRunner().invoke(cli, base + ["--dataset", "mldr-sample", "--engine", "ray"])
    assert "all 3 shards already cached, nothing encoded" in again.output, again.output
    corpus = load_dataset("mldr-sample", lang="de").corpus
    path = tmp_path / "corpus.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for docid, text in zip(corpus.ids, corpus.texts):
            fh.write(json.dumps({"docid": docid, "text": text}, ensure_ascii=False) + "\n")
    streamed = CliRunner().invoke(cli, base + ["--corpus-file", str(path)])
    assert "all 3 shards already cached" in streamed.output, streamed.output
    bad = CliRunner().invoke(cli, ["encode", "--model", "bm25", "--lang", "de", "--dataset", "mldr-sample"])
    assert bad.exit_code != 0 and "not a dense model" in str(bad.exception)
