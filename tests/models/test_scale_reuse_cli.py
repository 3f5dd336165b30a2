"""`robustir encode` then `robustir score` / `submit` with the same options: the corpus is read
from the cache, never encoded again, whatever shard size or engine either command used.

Real model (minilm-l6, bundled, truncated to 128 tokens), real data (the embedded MLDR sample:
12 documents and 6 queries per language). Corpus encoding is counted twice: by the report's
`corpus_texts_encoded` (every document written to the cache, on any engine) and by a spy on
the driver's `DenseRetriever.encode_passages` (documents encoded in this process). Ray is
started once for the module, locally with 2 CPUs; the commands find it and leave it running.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from robustir.cli import cli

MODEL = ["--model", "minilm-l6", "--max-length", "128"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ROBUSTIR_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def driver_encoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Documents the driver process encodes (Ray workers are other processes: not counted)."""
    from robustir.models.base import DenseRetriever

    seen: list[int] = []
    real = DenseRetriever.encode_passages

    def spy(self, texts):
        seen.append(len(texts))
        return real(self, texts)

    monkeypatch.setattr(DenseRetriever, "encode_passages", spy)
    return seen


def _invoke(args: list[str]) -> str:
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, (res.output, res.exception)
    return res.output


def _entry(home: Path) -> Path:
    (manifest,) = (home / "encodings").glob("*/manifest.json")
    return manifest.parent


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def _score(tmp_path: Path, langs: str, *extra: str) -> dict:
    out = tmp_path / f"report-{langs}.json"
    _invoke(["score", *MODEL, "--dataset", "mldr-sample", "--lang", langs, "--metrics", "ndcg@10",
             "--resamples", "1000", "--out", str(out), *extra])
    (model,) = json.loads(out.read_text())["models"]
    return model["stats"]


def test_encode_with_small_shards_then_score_encodes_nothing(tmp_path, home, driver_encoded):
    """Issue 17 defect 6: 5-document shards from encode serve score (8,192 per shard) as they are."""
    out = _invoke(["encode", *MODEL, "--dataset", "mldr-sample", "--lang", "de", "--shard-docs", "5"])
    assert "12 documents, 3 shards: 3 missing, 3 encoded with local" in out
    assert sum(driver_encoded) == 12
    folder = _entry(home)
    before = _snapshot(folder)
    assert sorted(before) == ["manifest.json", "shard-00000.npy", "shard-00001.npy", "shard-00002.npy"]
    driver_encoded.clear()
    stats = _score(tmp_path, "de")
    assert stats["corpus_texts_encoded"] == 0 and driver_encoded == []
    assert stats["query_texts_encoded"] == 6
    assert _snapshot(folder) == before  # no manifest rewritten, no shard added or replaced
    again = _invoke(["encode", *MODEL, "--dataset", "mldr-sample", "--lang", "de"])  # default 8,192
    assert "12 documents: all 3 shards already cached, nothing encoded" in again
    assert _snapshot(folder) == before


def test_score_options_change_the_vectors_and_the_cache_entry(tmp_path, home, driver_encoded):
    """The shared retriever options reach score: another --max-length is another encoding."""
    _invoke(["encode", *MODEL, "--dataset", "mldr-sample", "--lang", "de"])
    driver_encoded.clear()
    stats = _score(tmp_path, "de", "--max-length", "64")  # the later --max-length wins
    assert stats["corpus_texts_encoded"] == 12 and sum(driver_encoded) == 12
    assert len(list((home / "encodings").glob("*/manifest.json"))) == 2


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'robustir[ray]')")
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    if started:
        ray.shutdown()


def test_ray_encode_then_ray_score_reuses_the_float16_cache(tmp_path, home, driver_encoded, ray_local):
    ray_opts = ["--engine", "ray", "--workers", "1", "--cache-dtype", "float16"]
    out = _invoke(["encode", *MODEL, *ray_opts, "--dataset", "mldr-sample", "--lang", "de,en", "--shard-docs", "8"])
    assert "24 documents, 3 shards: 3 missing, 3 encoded with ray (1 worker)" in out, out
    assert driver_encoded == []  # all on the Ray worker
    folder = _entry(home)
    before = _snapshot(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["key"]["dtype"] == "float16" and manifest["shard_docs"] == 8
    # same options, languages pooled in the same order: nothing encoded, anywhere
    stats = _score(tmp_path, "de,en", *ray_opts, "--setting", "mono,multi")
    assert stats["corpus_texts_encoded"] == 0 and driver_encoded == []
    assert _snapshot(folder) == before
    # a corpus not cached yet: score encodes it on Ray, not in this process, into the cache
    stats = _score(tmp_path, "zh", *ray_opts)
    assert stats["corpus_texts_encoded"] == 12 and driver_encoded == []
    assert len(list((home / "encodings").glob("*/manifest.json"))) == 2
    assert _snapshot(folder) == before
    assert ray_local.is_initialized()  # the commands used the running Ray and left it up


def test_engine_options_are_checked(tmp_path, home):
    res = CliRunner().invoke(cli, ["score", *MODEL, "--dataset", "mldr-sample", "--lang", "de", "--workers", "2",
                                   "--out", str(tmp_path / "r.json")])
    assert res.exit_code != 0 and "--ray-address and --workers need --engine ray" in str(res.exception)
    res = CliRunner().invoke(cli, ["encode", *MODEL, "--dataset", "mldr-sample", "--lang", "de", "--shard-docs", "0"])
    assert res.exit_code == 2 and "--shard-docs" in res.output
    res = CliRunner().invoke(cli, ["encode", *MODEL, "--corpus-file", __file__, "--lang", "de,en"])
    assert res.exit_code != 0 and "one --lang" in str(res.exception)


SUITE = """
version = "reuse-test"
description = "two MLDR-sample languages, one attack"
metrics = ["ndcg@10"]
k = 100

[headline]
metric = "ndcg@10"
score = "mean_attacked"
beside = "mean_relative_drop"

[[tasks]]
dataset = "mldr-sample"
split = "test"
langs = ["de", "en"]
settings = ["mono"]
needs_data_dir = false
max_queries = 0

[[attacks]]
label = "noise.diacritics"
spec = 'noise.diacritics(max_edits=1000,min_edits=1,rate=1.0)'
seed = 2
"""


def test_submit_takes_the_retriever_and_engine_options(tmp_path, home, driver_encoded, monkeypatch):
    """encode, then submit with the same options and --engine ray: the suite's corpora come from
    the cache (Ray is never needed), and the record carries the options that shaped the vectors."""
    pytest.importorskip("ray", reason="ray is not installed (pip install 'robustir[ray]')")
    from robustir.leaderboards import suite as suite_mod

    path = tmp_path / "suite.toml"
    path.write_text(SUITE, encoding="utf-8")
    monkeypatch.setitem(suite_mod.KNOWN_SUITES, "reuse-test",
                        suite_mod.load_suite(path, allow_unregistered=True).content_hash)
    opts = [*MODEL, "--cache-dtype", "float16"]
    _invoke(["encode", *opts, "--dataset", "mldr-sample", "--lang", "de,en", "--shard-docs", "5"])
    before = _snapshot(_entry(home))
    driver_encoded.clear()
    out = _invoke(["submit", "minilm-l6", *opts[2:], "--engine", "ray", "--name", "MiniLM 128",
                   "--suite", str(path), "--root", str(tmp_path / "lb")])
    assert "wrote " in out
    (record_path,) = (tmp_path / "lb" / "reuse-test" / "submissions").glob("*.json")
    record = json.loads(record_path.read_text())
    assert record["model"]["max_length"] == 128
    (report,) = record["provenance"]["reports"]
    assert report["models"][0]["stats"]["corpus_texts_encoded"] == 0 and driver_encoded == []
    assert _snapshot(_entry(home)) == before
