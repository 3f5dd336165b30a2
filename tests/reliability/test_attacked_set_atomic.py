"""The attacked-set folder is rewritten as a whole (a run that fails midway leaves the old set),
and the reader refuses files that disagree with their manifest (edited, duplicated rows)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import robustir.attacked_set as aset
from robustir.attacked_set import read_attacked
from robustir.errors import DataError, RobustirError

SPECS = ["typo.char(rate=0.2)", "typo.keyboard(rate=0.2)"]  # both depend on the seed


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def attack(xquad_dir: Path, out: Path, *, seed: int, specs=SPECS, **kw):
    from robustir.attacks.runner import run_attacks

    return run_attacks("xquad-r", specs, ["en"], seed, out, data_dir=xquad_dir, limit=12, progress=False, **kw)


@pytest.fixture()
def seed0(xquad_dir: Path, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    out = tmp_path / "O"
    attack(xquad_dir, out, seed=0)
    return out, snapshot(out)


def leftovers(folder: Path) -> list[str]:
    """Hidden temporary siblings a writer left behind."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def test_failing_halfway_through_writing_leaves_the_old_set(xquad_dir, seed0, monkeypatch):
    out, before = seed0
    calls = []
    real = aset.atomic_write_bytes

    def dying(path, data):  # the second set file never gets written: a crash mid-write
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        real(path, data)

    monkeypatch.setattr(aset, "atomic_write_bytes", dying)
    with pytest.raises(KeyboardInterrupt):
        attack(xquad_dir, out, seed=1)
    assert len(calls) == 2
    assert snapshot(out) == before  # every old byte is still there, nothing of seed 1
    assert read_attacked(out).manifest["seed"] == 0
    assert leftovers(out) == []


def test_failing_while_swapping_in_leaves_the_old_set(xquad_dir, seed0, monkeypatch):
    """Without an atomic exchange the swap is two renames; a failure on the second puts the old set back."""
    out, before = seed0
    import os

    real = os.rename
    seen = []

    def rename(a, b):
        seen.append((Path(a).name, Path(b).name))
        if len(seen) == 2:
            raise OSError("disk gone")
        real(a, b)

    monkeypatch.setattr(aset, "_exchange", lambda a, b: False)
    monkeypatch.setattr(aset.os, "rename", rename)
    with pytest.raises(OSError, match="disk gone"):
        attack(xquad_dir, out, seed=1)
    assert snapshot(out) == before
    assert leftovers(out) == []


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_rewrite_replaces_the_whole_set(xquad_dir, seed0, monkeypatch, exchange):
    out, before = seed0
    if not exchange:
        monkeypatch.setattr(aset, "_exchange", lambda a, b: False)
    col = attack(xquad_dir, out, seed=1, specs=SPECS[:1])
    names = set(snapshot(out))
    assert names == {"manifest.json", col.sets[0].entry["file"]}  # the seed-0 typo.keyboard file is gone
    assert read_attacked(out).manifest["seed"] == 1 and col.sets[0].entry["seed"] == 1
    assert snapshot(out) != before and leftovers(out) == []


def test_a_folder_that_is_not_an_attacked_set_is_refused_unless_overwrite(xquad_dir, tmp_path, monkeypatch):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(RobustirError, match="not an attacked-set folder.*'notes.txt'.*--overwrite"):
        attack(xquad_dir, out, seed=0)
    assert snapshot(out) == {"notes.txt": b"keep me"}
    attack(xquad_dir, out, seed=0, overwrite=True)
    assert "notes.txt" not in snapshot(out) and read_attacked(out).manifest["seed"] == 0
    monkeypatch.chdir(out)
    with pytest.raises(RobustirError, match="is the current folder or one above it"):
        attack(xquad_dir, Path("."), seed=0, overwrite=True)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(RobustirError, match="is a file, not a folder"):
        attack(xquad_dir, tmp_path / "file", seed=0, overwrite=True)


def test_manifest_records_each_files_seed_rows_and_sha256(seed0):
    import hashlib

    out, _ = seed0
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for e in m["sets"]:
        data = (out / e["file"]).read_bytes()
        assert e["seed"] == 0 and e["rows"] == data.count(b"\n") == e["queries"] - e["dropped"]
        assert e["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_hand_edited_file_is_rejected_in_one_line_naming_it(xquad_dir, seed0):
    out, _ = seed0
    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["sets"][0]
    path = out / entry["file"]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = json.loads(lines[0])
    row["perturbed"] = "a better query, typed by hand"
    lines[0] = json.dumps(row, ensure_ascii=False) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_attacked(out)
    msg = str(exc.value)
    assert entry["file"] in msg and "sha256" in msg and "\n" not in msg
    from robustir.benchmark.scoring import score  # `score` reads the folder before any model loads

    with pytest.raises(DataError, match="does not match the sha256"):
        score(["bm25"], "xquad-r", langs="en", data_dir=xquad_dir, attacked=[out], metrics="map")


def _rewrite(out: Path, file: str, lines: list[str], **entry_fields) -> None:
    """Replace a set file and make the manifest agree with it (hash and row count)."""
    import hashlib

    data = "".join(lines).encode("utf-8")
    (out / file).write_bytes(data)
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for e in m["sets"]:
        if e["file"] == file:
            e.update({"sha256": hashlib.sha256(data).hexdigest(), "rows": len(lines), **entry_fields})
    (out / "manifest.json").write_text(json.dumps(m), encoding="utf-8")


def test_a_duplicated_query_row_is_rejected(seed0):
    out, _ = seed0
    file = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["sets"][0]["file"]
    lines = (out / file).read_text(encoding="utf-8").splitlines(keepends=True)
    _rewrite(out, file, [*lines, lines[3]])  # hash and count agree: only the duplicate is wrong
    qid = json.loads(lines[3])["query_id"]
    with pytest.raises(DataError, match=rf"{file}:{len(lines) + 1}: query '{qid}' appears twice \(first on line 4\)"):
        read_attacked(out)


def test_row_count_seed_and_missing_files_are_checked(seed0):
    out, _ = seed0
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    file = m["sets"][0]["file"]
    lines = (out / file).read_text(encoding="utf-8").splitlines(keepends=True)
    _rewrite(out, file, lines, rows=len(lines) + 1)
    with pytest.raises(DataError, match=f"{len(lines)} rows but manifest.json records {len(lines) + 1}"):
        read_attacked(out)
    _rewrite(out, file, lines, seed=7)
    with pytest.raises(DataError, match="made with seed 7, but manifest.json is for seed 0"):
        read_attacked(out)
    _rewrite(out, file, lines, seed=0)
    read_attacked(out)  # agrees again
    (out / file).unlink()
    with pytest.raises(DataError, match="listed in manifest.json but missing"):
        read_attacked(out)


def test_a_folder_written_before_hashes_were_recorded_still_reads(seed0):
    out, _ = seed0
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for e in m["sets"]:
        for key in ("rows", "sha256", "seed"):
            del e[key]
    (out / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    back = read_attacked(out)
    assert [len(s.rows) for s in back.sets] == [e["queries"] - e["dropped"] for e in m["sets"]]
