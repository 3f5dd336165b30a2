"""The CLI as a user meets it: listings, one-line errors, and a light start-up."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "transformers", "datasets", "pandas", "sentence_transformers", "nltk", "pyserini")


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "robustir.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_import_and_help_stay_light() -> None:
    code = (
        "import sys, robustir\n"
        "from robustir.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "Usage:" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_datasets_listing() -> None:
    out = run_cli("datasets")
    assert out.returncode == 0, out.stderr
    for name in ("mldr", "mldr-sample", "xquad-r", "mlqa-r", "beir"):
        assert name in out.stdout
    assert "CC BY-SA 4.0" in out.stdout


def test_datasets_show_xquad(xquad_dir: Path) -> None:
    out = run_cli("datasets", "show", "xquad-r", "--lang", "en,de", "--data-dir", str(xquad_dir))
    assert out.returncode == 0, out.stderr
    rows = [l.split() for l in out.stdout.splitlines() if l.startswith(("en ", "de "))]
    assert rows[0][:5] == ["en", "test", "1190", "1180", "1190"]
    assert rows[1][:5] == ["de", "test", "1190", "1276", "1190"]


@pytest.mark.parametrize(
    "args,needle",
    [
        (["datasets", "show", "mldr-sampl"], "did you mean 'mldr-sample'"),
        (["datasets", "show", "xquad-r", "--lang", "fr"], "unknown language"),
        (["datasets", "show", "mldr", "--data-dir", "/nonexistent/x", "--lang", "en"], "does not exist"),
        (["datasset"], "did you mean 'datasets'"),
    ],
)
def test_errors_are_one_line(args: list[str], needle: str) -> None:
    out = run_cli(*args)
    assert out.returncode != 0
    assert needle in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) <= 3  # click usage errors add a usage line


def test_malformed_file_error_from_cli(tmp_path: Path) -> None:
    folder = tmp_path / "mldr-v1.0-en"
    folder.mkdir()
    (folder / "corpus.jsonl").write_text('{"docid": "d", "text": "x"}\n{oops}\n', encoding="utf-8")
    (folder / "test.jsonl").write_text(json.dumps({"query_id": "q", "query": "x", "positive_passages": [{"docid": "d"}]}) + "\n")
    out = run_cli("datasets", "show", "mldr", "--lang", "en", "--data-dir", str(tmp_path))
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert "corpus.jsonl:2: malformed JSON" in out.stderr
