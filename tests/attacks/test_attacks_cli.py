"""`robustir attack` / `robustir attacks` and the attacked-set folder: format, byte-identical
output across PYTHONHASHSEED and argument order, one-line errors with no partial output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from robustir.attacks.runner import FORMAT, read_attacked, run_attacks
from robustir.errors import RobustirError


def robustir(*args: str, hashseed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    return subprocess.run([sys.executable, "-c", "from robustir.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def folder_bytes(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def test_output_is_byte_identical_across_hashseed_and_order(xquad_dir, tmp_path):
    common = ["--dataset", "xquad-r", "--data-dir", str(xquad_dir), "--seed", "3", "--limit", "25"]
    a = robustir("attack", *common, "--lang", "de,zh", "--attack", "typo.keyboard", "--attack", "typo.char(rate=0.2)",
                 "--out", str(tmp_path / "a"), hashseed="1")
    b = robustir("attack", *common, "--lang", "zh,de", "--attack", "typo.char(rate=0.2)", "--attack", "typo.keyboard",
                 "--out", str(tmp_path / "b"), hashseed="4242")
    assert a.returncode == 0, a.stderr
    assert b.returncode == 0, b.stderr
    fa, fb = folder_bytes(tmp_path / "a"), folder_bytes(tmp_path / "b")
    assert len(fa) == 5 and fa == fb
    assert "typo.keyboard" in a.stdout and "manifest.json" in a.stdout


def test_manifest_and_rows_follow_the_format(xquad_dir, tmp_path):
    col = run_attacks("xquad-r", ["typo.keyboard(rate=0.2)", "drop.stopwords"], ["en"], 0, tmp_path, data_dir=xquad_dir, limit=20, progress=False)
    m = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert m["format"] == FORMAT and m["dataset"] == "xquad-r" and m["split"] == "test" and m["seed"] == 0
    assert {"robustir_version", "revision", "sets"} <= set(m)
    for entry in m["sets"]:
        assert {"spec", "lang", "query_lang", "file", "queries", "changed", "unchanged", "dropped", "mean_chrf",
                "mean_edits", "mean_char_edit_distance", "victim"} <= set(entry)
        assert entry["queries"] == 20 and entry["changed"] + entry["unchanged"] + entry["dropped"] == 20
        assert entry["victim"] is None
    back = read_attacked(tmp_path)
    assert back.manifest == m
    s = back.get("typo.keyboard(rate=0.2)", "en")
    assert s.spec == "typo.keyboard(max_edits=10,min_edits=1,near_pinyin=true,rate=0.2)" and s.query_lang == "en"
    row = s.rows[0]
    assert set(row) >= {"query_id", "lang", "query_lang", "original", "perturbed", "spec", "edits", "chrf", "char_edit_distance"}
    assert 0 <= row["chrf"] <= 100 and (row["chrf"] == 100) == (row["original"] == row["perturbed"])
    assert s.texts == col.get("typo.keyboard(rate=0.2)", "en").texts


def test_min_chrf_retries_then_drops_and_counts(xquad_dir, tmp_path):
    col = run_attacks("xquad-r", ["typo.char(rate=1.0)"], ["de"], 0, tmp_path, data_dir=xquad_dir, limit=30, min_chrf=99.9, retries=2, progress=False)
    entry = col.manifest["sets"][0]
    assert entry["dropped"] == 30 and entry["changed"] == 0  # every typo costs > 0.1 chrF
    assert col.sets[0].texts == {}
    loose = run_attacks("xquad-r", ["typo.char"], ["de"], 0, tmp_path / "loose", data_dir=xquad_dir, limit=30, min_chrf=60, progress=False)
    e = loose.manifest["sets"][0]
    assert e["dropped"] < 30 and all(r["chrf"] >= 60 for r in loose.sets[0].rows)


@pytest.mark.parametrize("args,message", [
    (["--attack", "typo.keybord"], "did you mean 'typo.keyboard'"),
    (["--attack", "noise.diacritics", "--lang", "en"], "does not support language 'en'"),
    (["--attack", "typo.keyboard(rate=0.1"], "unbalanced"),
    (["--attack", "typo.keyboard(rate=2)"], "above its maximum"),
    (["--attack", "typo.keyboard", "--lang", "xx"], "unknown language"),
])
def test_bad_input_is_one_line_error_without_output(xquad_dir, tmp_path, args, message):
    base = ["attack", "--dataset", "xquad-r", "--data-dir", str(xquad_dir), "--out", str(tmp_path / "out")]
    if "--lang" not in args:
        args = [*args, "--lang", "de"]
    r = robustir(*base, *args)
    assert r.returncode != 0
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_unsupported_pair_fails_before_any_work(xquad_dir, tmp_path):
    with pytest.raises(RobustirError, match="noise.diacritics"):
        run_attacks("xquad-r", ["typo.keyboard", "noise.diacritics"], ["de", "en"], 0, tmp_path / "x", data_dir=xquad_dir)
    assert not (tmp_path / "x").exists()


def test_read_attacked_rejects_bad_folders(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other"}), encoding="utf-8")
    with pytest.raises(RobustirError, match="robustir.attacked/1"):
        read_attacked(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": FORMAT, "sets": [{"file": "../evil.jsonl"}]}), encoding="utf-8")
    with pytest.raises(RobustirError, match="invalid set file name"):
        read_attacked(tmp_path)


def test_attacks_lists_every_generator():
    r = robustir("attacks")
    assert r.returncode == 0, r.stderr
    from robustir.attacks import names

    for name in names():
        assert name in r.stdout
    assert "near_pinyin" in r.stdout and "ar,de,el,en" in r.stdout
