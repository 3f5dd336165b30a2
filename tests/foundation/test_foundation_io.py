from __future__ import annotations

import os
from pathlib import Path

import pytest

from robustir._io import atomic_writer, cache_root, iter_jsonl, stable_hash, write_jsonl
from robustir.errors import DataError


def test_atomic_writer_keeps_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    write_jsonl(target, [{"a": 1}])
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as fh:
            fh.write('{"a": 2}\n')
            raise RuntimeError("interrupted")
    assert target.read_text() == '{"a": 1}\n'
    assert os.listdir(tmp_path) == ["out.jsonl"]  # no temporary left behind


def test_stable_hash_is_stable() -> None:
    assert stable_hash("q-1") == stable_hash(b"q-1")
    assert stable_hash("q-1") == int.from_bytes(__import__("hashlib").sha256(b"q-1").digest()[:8], "big")
    assert stable_hash("a") != stable_hash("b")


def test_cache_root_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROBUSTIR_HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "home"


def test_iter_jsonl_errors_name_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    p.write_text('{"a": 1}\n{"a": \n', encoding="utf-8")
    with pytest.raises(DataError, match=r"x\.jsonl:2: malformed JSON"):
        list(iter_jsonl(p))
    p.write_bytes(b'{"a": "caf\xe9"}\n')
    with pytest.raises(DataError, match="not valid UTF-8"):
        list(iter_jsonl(p))
    p.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(DataError, match="expected a JSON object"):
        list(iter_jsonl(p))
