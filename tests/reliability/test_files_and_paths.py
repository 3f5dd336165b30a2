"""Promises about output paths (docs/reliability.md, "Writing files").

Never touches a system path: the FIFO, the symlink and the folders are made in tmp_path.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from robustir._io import atomic_write_text
from robustir.errors import FileSystemError


def test_promise_a_fifo_at_the_output_path_is_refused_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    with pytest.raises(FileSystemError, match="is a FIFO"):
        atomic_write_text(fifo, "x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO


def test_promise_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_promise_a_symlink_to_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out.json"
    link.symlink_to(fifo)
    with pytest.raises(FileSystemError, match="is a FIFO"):
        atomic_write_text(link, "x")
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_promise_a_folder_or_a_file_as_parent_gives_one_line(tmp_path: Path) -> None:
    with pytest.raises(FileSystemError, match="is a folder"):
        atomic_write_text(tmp_path, "x")
    (tmp_path / "file").write_text("")
    with pytest.raises(FileSystemError, match=r"cannot write .*file/out.json"):
        atomic_write_text(tmp_path / "file" / "out.json", "x")


def test_promise_new_files_follow_the_umask(tmp_path: Path) -> None:
    code = (
        "import os, sys; os.umask(0o022); from robustir._io import atomic_write_text; "
        f"atomic_write_text({str(tmp_path / 'a.txt')!r}, 'x'); print(oct(os.stat({str(tmp_path / 'a.txt')!r}).st_mode & 0o777))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "0o644", out.stderr


def test_promise_score_out_a_fifo_exits_2_with_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    out = subprocess.run(
        [sys.executable, "-m", "robustir.cli", "score", "--model", "bm25", "--dataset", "mldr-sample",
         "--lang", "de", "--out", str(fifo)],
        capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 2, out.stderr
    errors = [line for line in out.stderr.splitlines() if line.startswith("robustir: error:")]
    assert len(errors) == 1 and "is a FIFO" in errors[0] and "Traceback" not in out.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
