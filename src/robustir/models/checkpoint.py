"""Local checkpoint folders: what layout they have, and whether they are safe to load.

A checkpoint someone hands you is untrusted. Pickle weights (pytorch_model.bin, *.pt)
run arbitrary code when unpickled, and `auto_map` / custom modules import code shipped
with the folder. Both are refused unless the caller opts in explicitly
(allow_pickle=True / --allow-unsafe-weights, trust_remote_code=True).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from robustir.errors import RobustirError

__all__ = ["TRAINING_FILE", "CheckpointInfo", "inspect_checkpoint", "verify_weights"]

# The record `robustir train` writes into a checkpoint it made (read by the leaderboard).
TRAINING_FILE = "robustir_training.json"

PICKLE_WEIGHTS = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")
NOT_WEIGHTS = {"training_args.bin", "optimizer.pt", "scheduler.pt", "rng_state.pth", "scaler.pt"}
TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "sentencepiece.bpe.model", "spiece.model", "tokenizer.model", "vocab.json")


@dataclass(frozen=True)
class CheckpointInfo:
    path: Path
    layout: str  # "sentence-transformers" | "hf"
    safetensors: tuple[str, ...]
    pickles: tuple[str, ...]
    remote_code: tuple[str, ...]  # why the folder would import its own code
    pooling: str | None  # declared by a sentence-transformers Pooling module
    prompts: dict[str, str]  # sentence-transformers prompts (query / passage prefixes)
    fingerprint: str  # identifies the weights (part of the cache key)


def _files(path: Path) -> list[Path]:
    out = [p for p in path.iterdir() if p.is_file()]
    for sub in path.iterdir():
        if sub.is_dir() and not sub.name.startswith("."):
            out += [p for p in sub.iterdir() if p.is_file()]
    return out


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RobustirError(f"checkpoint file {path} is not readable JSON ({exc})") from None


def _st_pooling(path: Path, modules: Any) -> str | None:
    for m in modules if isinstance(modules, list) else []:
        if isinstance(m, dict) and str(m.get("type", "")).endswith("Pooling"):
            cfg = path / str(m.get("path", "")) / "config.json"
            if cfg.is_file():
                c = _read_json(cfg)
                mode = c.get("pooling_mode")  # sentence-transformers >= 5 writes one string
                if isinstance(mode, str):
                    return {"cls": "cls", "mean": "mean", "max": "max"}.get(mode.replace("_tokens", "").replace("_token", ""), "backend")
                for key, name in (("pooling_mode_cls_token", "cls"), ("pooling_mode_mean_tokens", "mean"), ("pooling_mode_max_tokens", "max")):
                    if c.get(key):
                        return name
    return None


def inspect_checkpoint(path: str | Path, *, allow_pickle: bool = False, trust_remote_code: bool = False) -> CheckpointInfo:
    """Check a local folder and describe it; raise if it is unusable or unsafe."""
    path = Path(path).expanduser()
    if not path.is_dir():
        raise RobustirError(f"checkpoint folder not found: {path} (expected a folder with config.json and weights)")
    files = _files(path)
    rel = lambda p: str(p.relative_to(path))  # noqa: E731
    safes = tuple(sorted(rel(p) for p in files if p.suffix == ".safetensors"))
    pickles = tuple(sorted(rel(p) for p in files if p.suffix in PICKLE_WEIGHTS and p.name not in NOT_WEIGHTS))
    if not safes and not pickles:
        raise RobustirError(f"no model weights in {path}: expected model.safetensors (or pickle weights with --allow-unsafe-weights)")
    if not safes and not allow_pickle:
        raise RobustirError(
            f"refusing pickle weights in {path} ({', '.join(pickles)}): unpickling can run arbitrary code. "
            "Convert them to safetensors, or pass allow_pickle=True (--allow-unsafe-weights) if you trust the source"
        )
    if not any(p.name in TOKENIZER_FILES for p in files):
        raise RobustirError(
            f"no tokenizer in {path}: expected one of {', '.join(TOKENIZER_FILES)} beside the weights "
            "(save the tokenizer with the model)"
        )
    remote: list[str] = []
    modules: Any = None
    for name in ("config.json", "tokenizer_config.json"):
        cfg = _read_json(path / name) if (path / name).is_file() else None
        if isinstance(cfg, dict) and cfg.get("auto_map"):
            remote.append(f"{name} declares auto_map (custom {'model' if name == 'config.json' else 'tokenizer'} code)")
    if (path / "modules.json").is_file():
        modules = _read_json(path / "modules.json")
        for m in modules if isinstance(modules, list) else []:
            t = str(m.get("type", "")) if isinstance(m, dict) else ""
            if not t.startswith("sentence_transformers."):
                remote.append(f"modules.json uses a custom module {t!r}")
    py = sorted(rel(p) for p in files if p.suffix == ".py")
    if py:
        remote.append(f"Python files in the folder ({', '.join(py[:3])})")
    if remote and not trust_remote_code:
        raise RobustirError(
            f"refusing {path}: loading it would run code shipped with the checkpoint ({'; '.join(remote)}). "
            "Pass trust_remote_code=True (--trust-remote-code) only if you trust the source"
        )
    if (path / "modules.json").is_file():
        layout = "sentence-transformers"
    elif (path / "config.json").is_file():
        layout = "hf"
    else:
        raise RobustirError(f"{path} has no config.json or modules.json: not a Hugging Face / sentence-transformers checkpoint")
    prompts: dict[str, str] = {}
    st_cfg = path / "config_sentence_transformers.json"
    if st_cfg.is_file():
        p = _read_json(st_cfg).get("prompts") or {}
        if isinstance(p, dict):
            prompts = {str(k): str(v) for k, v in p.items() if isinstance(v, str)}
    h = hashlib.sha256()
    for name in safes if safes else pickles:
        h.update(name.encode("utf-8"))
        with open(path / name, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return CheckpointInfo(
        path.resolve(), layout, safes, pickles, tuple(remote), _st_pooling(path, modules), prompts, h.hexdigest()[:16]
    )


def _weight_names(folder: Path) -> set[str]:
    from safetensors import safe_open

    names: set[str] = set()
    for f in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*/*.safetensors")):
        try:
            with safe_open(str(f), framework="numpy") as fh:
                names.update(fh.keys())
        except Exception as exc:  # noqa: BLE001  (safetensors raises its own error types)
            raise RobustirError(f"weights file {f} is not readable safetensors ({str(exc).splitlines()[0][:120]})") from None
    return names


def _matches(expected: str, stored: set[str], suffixes: set[str]) -> bool:
    """A parameter is present when a stored name equals it up to a leading module prefix
    (`bert.`, `model.`, `0.auto_model.`: checkpoints save the same weights under different roots)."""
    if expected in stored:
        return True
    parts = expected.split(".")
    return any(".".join(parts[i:]) in suffixes for i in range(1, len(parts)))


def verify_weights(module: Any, folder: str | Path) -> None:
    """Refuse a local checkpoint whose safetensors files do not hold `module`'s parameters: loading
    would silently initialise them at random (a different model on every run). Pooler weights,
    which retrieval pooling never reads, may be absent."""
    folder = Path(folder)
    stored = _weight_names(folder)
    if not stored:
        return  # pickle weights (allowed explicitly): transformers' own loading report applies
    suffixes = {".".join(s.split(".")[i:]) for s in stored for i in range(len(s.split(".")))}
    expected = [k for k in module.state_dict() if ".pooler." not in f".{k}"]
    missing = [k for k in expected if not _matches(k, stored, suffixes)]
    if missing:
        own = {k.split(".")[-1] for k in expected}
        unexpected = sorted(s for s in stored if s.split(".")[-1] not in own)
        raise RobustirError(
            f"checkpoint {folder} lacks the model's weights: {len(missing)} of {len(expected)} parameters missing "
            f"(e.g. {', '.join(missing[:3])}); {len(unexpected)} unexpected (e.g. {', '.join(unexpected[:3]) or '-'}). "
            "It would run with random weights; save the model's own state dict"
        )
