"""`robustir reproduce`: a committed record's cells re-run OK; a hand-edited score (re-sealed
so its checksum passes) FAILs naming the cell; a tampered attacked-set checksum is caught."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from robustir.cli import main
from robustir.leaderboards.schema import seal

ROOT = Path(__file__).resolve().parents[2]
BM25_V1 = ROOT / "leaderboards" / "v1" / "submissions" / "BM25_Lucene_analyzers-01d8f32d1c77.json"
CELL = "xquad-r/mono/de/de/typo.char"


def _run(capsys, record: Path, xquad_dir: Path, resources_dir: Path) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(["reproduce", str(record), "--cells", CELL, "--data-dir", f"xquad-r={xquad_dir}",
              "--resources", str(resources_dir)])
        raise SystemExit(0)
    return exc.value.code, capsys.readouterr().out


def test_reproduce_a_committed_record_ok_then_edited_and_tampered_fail(tmp_path, capsys, xquad_dir, resources_dir):
    code, out = _run(capsys, BM25_V1, xquad_dir, resources_dir)
    assert code == 0, out
    assert f"OK   {CELL} ndcg@10: stored 0.782392 new 0.782392" in out and "0 FAIL" in out

    data = json.loads(BM25_V1.read_text(encoding="utf-8"))
    group = next(g for g in data["results"] if (g["dataset"], g["setting"], g["lang"]) == ("xquad-r", "mono", "de"))
    group["runs"]["typo.char"]["ndcg@10"][0] = round(1.0 - group["runs"]["typo.char"]["ndcg@10"][0], 6)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(seal(data)), encoding="utf-8")  # re-checksummed: loads fine
    code, out = _run(capsys, edited, xquad_dir, resources_dir)
    assert code == 1 and f"FAIL {CELL} ndcg@10" in out and f"OK   {CELL} map" in out
    # the FAIL names the query whose score moved (the first of the cell)
    assert f"; 1 of {len(group['qids'])} queries differ ({group['qids'][0]})" in out, out

    data = json.loads(BM25_V1.read_text(encoding="utf-8"))
    data["provenance"]["attacked_sets"] = {
        'typo.char_max_edits=10_min_edits=1_ops=_insert_delete_substitute_transpose_rate=-4ba822d6.de.jsonl': "0" * 64}
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(seal(data)), encoding="utf-8")
    code, out = _run(capsys, tampered, xquad_dir, resources_dir)
    assert code == 1 and "FAIL attacked set typo.char" in out


def test_reproduce_names_cells_that_do_not_exist(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["reproduce", str(BM25_V1), "--cells", "nope/*"])
    assert exc.value.code == 2
    assert "matches no cell" in capsys.readouterr().err


def _write_set(folder: Path, rows: list[dict], *, judged: bool, judge: str = "me5-small-q4") -> None:
    import hashlib

    folder.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    (folder / "s.de.jsonl").write_bytes(data)
    manifest = {"sets": [{"file": "s.de.jsonl", "sha256": hashlib.sha256(data).hexdigest()}]}
    if judged:
        manifest["judge"] = {"name": judge, "min_sim": "calibrated"}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_set_checksums_tell_judge_digits_from_text_changes(tmp_path):
    """A judge-filtered set rebuilt on another CPU can differ in its similarity digits only:
    records store a text checksum too, so that is OK; a changed text FAILs; a record without
    text checksums says DIFF for a judged set (the cells decide) and FAIL for any other."""
    from robustir.leaderboards.schema import Record
    from robustir.leaderboards.submit import _set_checksums, verify_manifests

    row = {"query_id": "q1", "lang": "de", "query_lang": "de", "original": "Wo liegt Köln?", "perturbed": "Wo liegt Kölm?", "sim": 0.981234}
    _write_set(tmp_path / "a", [row], judged=True)
    _write_set(tmp_path / "b", [{**row, "sim": 0.981235}], judged=True)  # last digit of the judge
    _write_set(tmp_path / "c", [{**row, "perturbed": "Wo liegt Kölj?"}], judged=True)
    _write_set(tmp_path / "d", [{**row, "sim": 0.981235}], judged=False)
    a, b, c, d = (_set_checksums(tmp_path / x)["s.de.jsonl"] for x in "abcd")
    assert a["sha256"] != b["sha256"] and a["texts"] == b["texts"] != c["texts"] and a["judged"] and not d["judged"]

    def rec(texts: bool) -> Record:
        prov = {"attacked_sets": {"s.de.jsonl": a["sha256"]}, **({"attacked_texts": {"s.de.jsonl": a["texts"]}} if texts else {})}
        return Record({"provenance": prov}, (), "test")

    new = {"s.de.jsonl": b}
    assert verify_manifests(rec(True), {"s.de.jsonl": a})[0].startswith("OK   attacked set s.de.jsonl")
    line = verify_manifests(rec(True), new)[0]
    assert line.startswith("OK   ") and "texts identical" in line
    changed = verify_manifests(rec(True), {"s.de.jsonl": c})[0]
    assert changed.startswith("FAIL") and "texts differ" in changed and "judge's floor" in changed  # it says why it may
    _write_set(tmp_path / "e", [{**row, "perturbed": "Wo liegt Kölj?"}], judged=False)
    plain = verify_manifests(rec(True), {"s.de.jsonl": _set_checksums(tmp_path / "e")["s.de.jsonl"]})[0]
    assert plain.startswith("FAIL") and "texts differ" in plain and "judge" not in plain
    assert verify_manifests(rec(False), new)[0].startswith("DIFF ")
    assert verify_manifests(rec(False), {"s.de.jsonl": d})[0].startswith("FAIL ")
    _write_set(tmp_path / "f", [{**row, "perturbed": "Wo liegt Kölj?"}], judged=True, judge="me5-small-f64")
    exact = verify_manifests(rec(True), {"s.de.jsonl": _set_checksums(tmp_path / "f")["s.de.jsonl"]})[0]
    assert exact.startswith("FAIL") and "same on every CPU" in exact and "judge's floor" not in exact  # not the judge's digits


def test_records_name_their_lexicon_files_and_reproduce_compares_them(tmp_path):
    """A record stores the sha256 of each lexicon file its sets were made from; reproduce says
    OK for the same file here and DIFF for another release (the set checksums decide FAIL)."""
    from robustir.leaderboards.schema import Record
    from robustir.leaderboards.submit import _set_checksums, merged_lexicons, verify_manifests

    row = {"query_id": "q1", "lang": "de", "query_lang": "de", "original": "Wo liegt Köln?", "perturbed": "Wo liegt Kölm?"}
    for name, digest in (("a", "1" * 64), ("b", "2" * 64)):
        _write_set(tmp_path / name, [row], judged=False)
        manifest = json.loads((tmp_path / name / "manifest.json").read_text(encoding="utf-8"))
        manifest["resources"] = [{"collection": "libreoffice-thesauri", "file": "de/th_de_DE_v2.dat", "origin": "folder",
                                  "bytes": 10, "sha256": digest}]
        (tmp_path / name / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _write_set(tmp_path / "old", [row], judged=False)  # a manifest from before resources were recorded
    a, b, old = (_set_checksums(tmp_path / x)["s.de.jsonl"] for x in ("a", "b", "old"))
    assert merged_lexicons({"s.de.jsonl": a}) == {"libreoffice-thesauri/de/th_de_DE_v2.dat": "1" * 64}
    assert merged_lexicons({"x": a, "y": old}) is None
    prov = {"attacked_sets": {"s.de.jsonl": a["sha256"]}, "attacked_texts": {"s.de.jsonl": a["texts"]},
            "lexicons": merged_lexicons({"s.de.jsonl": a})}
    rec = Record({"provenance": prov}, (), "test")
    same = verify_manifests(rec, {"s.de.jsonl": a})
    assert same[0].startswith("OK   attacked set") and same[1] == "OK   lexicon libreoffice-thesauri/de/th_de_DE_v2.dat: sha256 111111111111 as recorded"
    other = verify_manifests(rec, {"s.de.jsonl": b})
    assert other[0].startswith("OK   attacked set")  # same texts: the other release changed nothing here
    assert other[1].startswith("DIFF lexicon libreoffice-thesauri/de/th_de_DE_v2.dat: recorded sha256 111111111111, here 222222222222")
    before = verify_manifests(Record({"provenance": {k: v for k, v in prov.items() if k != "lexicons"}}, (), "test"), {"s.de.jsonl": a})
    assert before[-1].startswith("lexicon files: not stored in this record")
