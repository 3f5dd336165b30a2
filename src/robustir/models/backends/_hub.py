"""Resolve a checkpoint (local folder or hub id) and turn hub failures into one clear error."""
from __future__ import annotations

import os
from pathlib import Path

from robustir.errors import ResourceMissingError


def pick_device(device: str | None) -> str:
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def is_local(checkpoint: str) -> bool:
    return Path(checkpoint).expanduser().is_dir()


def hub_missing(name: str, checkpoint: str, revision: str, exc: BaseException) -> ResourceMissingError:
    offline = os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0") or os.environ.get("TRANSFORMERS_OFFLINE", "") not in ("", "0")
    why = "offline mode is on" if offline else f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
    return ResourceMissingError(
        f"model {name!r} needs {checkpoint}@{revision} from the Hugging Face hub, which could not be loaded ({why}); "
        f"download it where the hub is reachable (huggingface-cli download {checkpoint} --revision {revision}) "
        "and pass the folder with --model PATH"
    )
