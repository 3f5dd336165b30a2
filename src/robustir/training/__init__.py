"""Fine-tuning with hybrid batches (Elmahdy et al. 2024, arXiv 2408.10536) and its baselines.

Light on import: the trainer (torch, sentence-transformers) loads only when `train` is called.
"""
from __future__ import annotations

from typing import Any

from robustir.training.data import DataSplits, ParallelData, load_training_data, split_data

__all__ = ["DataSplits", "ParallelData", "TrainConfig", "load_training_data", "split_data", "train"]


def __getattr__(name: str) -> Any:  # lazy: importing robustir.training pulls no torch
    if name in ("TrainConfig", "train", "TrainResult"):
        from robustir.training import trainer

        return getattr(trainer, name)
    raise AttributeError(f"module 'robustir.training' has no attribute {name!r}")
