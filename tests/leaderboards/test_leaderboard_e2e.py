"""End to end through the real attacks, the real scorer and a real offline retriever (BM25)."""
from __future__ import annotations

import re

import pytest

from robustir.cli import main
from robustir.errors import RobustirError
from robustir.leaderboards import suite as suite_mod
from robustir.leaderboards.publish import publish
from robustir.leaderboards.store import read_record
from robustir.leaderboards.submit import submit

SUITE = """
version = "e2e-test"
description = "two MLDR-sample languages, two attacks"
metrics = ["ndcg@10", "map"]
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
label = "typo.char"
spec = 'typo.char(max_edits=10,min_edits=1,ops="insert,delete,substitute,transpose",rate=0.1)'
seed = 1

[[attacks]]
label = "noise.diacritics"
spec = 'noise.diacritics(max_edits=1000,min_edits=1,rate=1.0)'
seed = 2
"""


def test_leaderboard_e2e_bm25_submit_and_render(tmp_path, monkeypatch, resources_dir):
    pytest.importorskip("pyserini")
    path = tmp_path / "e2e.toml"
    path.write_text(SUITE, encoding="utf-8")
    suite = suite_mod.load_suite(path, allow_unregistered=True)
    monkeypatch.setitem(suite_mod.KNOWN_SUITES, "e2e-test", suite.content_hash)
    root = tmp_path / "lb"
    record, out = submit("bm25", name="BM25", suite=path, resources=resources_dir, root=root)
    assert out.parent == root / "e2e-test" / "submissions"
    back = read_record(out)
    assert back.data == record.data and back.fingerprint == record.fingerprint
    assert back.data["fingerprint"]["method"] == "spec-sha256"
    groups = {g.key: g for g in back.groups}
    assert set(groups) == {("mldr-sample", "mono", "de", "de"), ("mldr-sample", "mono", "en", "en")}
    de, en = groups[("mldr-sample", "mono", "de", "de")], groups[("mldr-sample", "mono", "en", "en")]
    assert set(de.runs) == {"clean", "typo.char", "noise.diacritics"}
    assert set(en.runs) == {"clean", "typo.char"}  # diacritics noise does not apply to English
    assert {"dataset": "mldr-sample", "lang": "en", "attack": "noise.diacritics",
            "reason": "noise.diacritics does not support en"} in back.skipped
    assert len(de.qids) == 6 and all(len(v) == 6 for r in de.runs.values() for v in r.values())
    assert sum(de.runs["clean"]["ndcg@10"]) > 0  # BM25 finds the relevant long documents
    board, files = publish(root, suite)
    assert board.entries[0].name == "BM25" and board.n_cells == 3
    assert any(f.name == "index.html" for f in files)
    with pytest.raises(RobustirError, match="already on suite e2e-test"):
        submit("bm25", name="BM25 again", suite=path, resources=resources_dir, root=root)

    # the audit of the suite's attacked sets (the very sets the record was scored on), linked by the board
    assert "audit" not in (root / "e2e-test" / "README.md").read_text(encoding="utf-8")
    main(["audit", "--suite", str(path), "--resources", str(resources_dir), "--out", str(root / "e2e-test"),
          "--judge", "muse-v3", "--max-rows", "4", "--samples", "1"])  # returns on success
    md = (root / "e2e-test" / "audit.md").read_text(encoding="utf-8")
    assert "muse-v3" in md and "seeded sample (seed 0) of at most 4 rows per set" in md
    assert re.search(r"\| typo\.char\(\S+ +\| de +\| 4/6 +\|", md)  # 4 of mldr-sample's 6 German queries
    assert "noise.diacritics(" in md and "statistics over a seeded sample of 4 of the set's 6 rows" in md
    assert "lexicon files: none read" in md  # merged over the suite's folders; character noise reads none
    html = (root / "e2e-test" / "audit.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    publish(root, suite)
    assert "[audit](audit.md)" in (root / "e2e-test" / "README.md").read_text(encoding="utf-8")
    assert 'id="audit-link" href="audit.html"' in (root / "e2e-test" / "index.html").read_text(encoding="utf-8")


def test_audit_takes_a_folder_or_a_suite(tmp_path, capsys):
    for args in (["audit"], ["audit", str(tmp_path), "--suite", "v2"]):
        with pytest.raises(SystemExit) as exc:
            main(args)
        assert exc.value.code == 2 and "either an ATTACKED_DIR or --suite" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["audit", "--suite", "v2"])
    assert exc.value.code == 2 and "needs a local copy of xquad-r: pass --data-dir xquad-r=DIR" in capsys.readouterr().err
