"""Submission records: round trip, rejection of truncated / edited / foreign records, duplicates."""
from __future__ import annotations

import json
import shutil

import pytest

from lb_records import make_record
from robustir.leaderboards.schema import RecordError, record_checksum, seal, validate_record
from robustir.leaderboards.store import DuplicateSubmissionError, load_records, read_record, save_record
from robustir.leaderboards.suite import _suites_dir, load_suite


def test_leaderboard_record_round_trip(tmp_path, suite_v1):
    rec = make_record("alpha", suite_v1, seed=1)
    path = save_record(rec, tmp_path)
    assert path.parent == tmp_path / "v1" / "submissions"
    back = read_record(path)
    assert back.data == rec.data and back.name == "alpha"
    assert [g.key for g in back.groups] == [g.key for g in rec.groups]
    assert load_records(tmp_path, suite_v1)[0].fingerprint == rec.fingerprint
    assert "text" not in json.dumps(back.data)  # numbers and ids only, never query text


def test_leaderboard_record_truncated_is_rejected(tmp_path, suite_v1):
    path = save_record(make_record("alpha", suite_v1, seed=1), tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(RecordError, match="not valid JSON"):
        read_record(path)
    with pytest.raises(RecordError, match="truncated"):
        load_records(tmp_path, suite_v1)


def test_leaderboard_record_hand_edit_is_rejected(tmp_path, suite_v1):
    path = save_record(make_record("alpha", suite_v1, seed=1), tmp_path)
    obj = json.loads(path.read_text(encoding="utf-8"))
    obj["results"][0]["runs"]["clean"]["ndcg@10"][0] = 1.0
    path.write_text(json.dumps(obj), encoding="utf-8")
    with pytest.raises(RecordError, match="checksum mismatch"):
        read_record(path)


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda o: o.update(format="robustir.submission/0"), "unsupported record format"),
        (lambda o: o.pop("fingerprint"), "missing field 'fingerprint'"),
        (lambda o: o["results"][0]["runs"]["clean"]["ndcg@10"].pop(), "expected 30 scores"),
        (lambda o: o["results"][0]["runs"]["clean"]["ndcg@10"].__setitem__(0, 1.5), r"not a number in \[0, 1\]"),
        (lambda o: o["results"][0]["runs"].pop("clean"), "lack the 'clean' run"),
        (lambda o: o["results"][0].update(setting="pooled"), "setting 'pooled'"),
        (lambda o: o["fingerprint"].update(sha256="abc"), "not 64 lowercase hex"),
    ],
)
def test_leaderboard_record_malformed_is_rejected_with_reason(suite_v1, edit, reason):
    obj = json.loads(json.dumps(make_record("alpha", suite_v1, seed=1).data))
    edit(obj)
    obj["checksum"] = record_checksum(obj)  # a well-meaning editor who recomputed the checksum
    with pytest.raises(RecordError, match=reason):
        validate_record(obj, source="edited.json")


def test_leaderboard_duplicate_fingerprint_refused_unless_replace(tmp_path, suite_v1):
    first = save_record(make_record("alpha", suite_v1, seed=1), tmp_path)
    same_fp = dict(make_record("alpha", suite_v1, seed=1, quality=0.3).data)
    same_fp["name"] = "alpha renamed"
    again = validate_record(seal(same_fp), source="again")
    with pytest.raises(DuplicateSubmissionError, match="--replace"):
        save_record(again, tmp_path)
    assert read_record(first).name == "alpha"
    path = save_record(again, tmp_path, replace=True)
    files = sorted((tmp_path / "v1" / "submissions").glob("*.json"))
    assert files == [path] and read_record(path).name == "alpha renamed"


def test_leaderboard_two_suite_versions_never_mix(tmp_path, suite_v1):
    draft_toml = tmp_path / "v9.toml"
    draft_toml.write_text((_suites_dir() / "v1.toml").read_text(encoding="utf-8").replace('version = "v1"', 'version = "v9"'),
                          encoding="utf-8")
    v2 = load_suite(draft_toml, allow_unregistered=True)
    save_record(make_record("alpha", suite_v1, seed=1), tmp_path / "lb")
    v2_path = save_record(make_record("beta", v2, seed=2), tmp_path / "lb")
    assert v2_path.parent == tmp_path / "lb" / "v9" / "submissions"
    assert [r.name for r in load_records(tmp_path / "lb", suite_v1)] == ["alpha"]
    assert [r.name for r in load_records(tmp_path / "lb", v2)] == ["beta"]
    # a v2 record dropped into the v1 folder stops the v1 render
    shutil.copy(v2_path, tmp_path / "lb" / "v1" / "submissions" / v2_path.name)
    with pytest.raises(RecordError, match="never ranked together"):
        load_records(tmp_path / "lb", suite_v1)
