"""sentence-transformers checkpoints: a hub id or a local folder with modules.json."""
from __future__ import annotations

import numpy as np

from robustir.models.backends._hub import hub_missing, is_local, pick_device, resolve_hub
from robustir.models.chunking import Spans, regex_spans
from robustir.models.spec import ModelSpec
from robustir.models.spec import DENSE_OPTIONS, LOAD_OPTIONS, register_backend


class STEncoder:
    native_truncation = True

    def __init__(self, spec: ModelSpec, *, checkpoint: str | None = None, device: str | None = None, allow_pickle: bool = False, trust_remote_code: bool = False) -> None:
        self.spec = spec
        ckpt = resolve_hub(spec.name, checkpoint or spec.checkpoint, spec.revision)  # fail fast, before heavy imports
        from sentence_transformers import SentenceTransformer

        self.device = pick_device(device)
        kwargs = {"model_kwargs": {"use_safetensors": True}} if not allow_pickle else {}
        try:
            self.model = SentenceTransformer(
                ckpt,
                device=self.device,
                revision=None if is_local(ckpt) else spec.revision,
                trust_remote_code=trust_remote_code,
                **kwargs,
            )
        except (OSError, ValueError) as exc:
            if is_local(ckpt):
                raise
            raise hub_missing(spec.name, spec.checkpoint, spec.revision, exc) from None
        if is_local(ckpt):
            from robustir.models.checkpoint import verify_weights

            first = self.model[0]
            verify_weights(getattr(first, "auto_model", None) or getattr(first, "model", first), ckpt)
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = get_dim()
        self.model.eval()

    def encode(self, texts: list[str], *, is_query: bool, max_length: int | None) -> np.ndarray:
        prefix = self.spec.query_prefix if is_query else self.spec.passage_prefix
        if max_length:
            self.model.max_seq_length = max_length
        out = self.model.encode(
            [prefix + t for t in texts],
            batch_size=max(1, len(texts)),
            convert_to_numpy=True,
            normalize_embeddings=False,
            show_progress_bar=False,
        )
        return np.asarray(out, dtype=np.float32)

    def token_spans(self, text: str) -> Spans:
        tok = getattr(self.model, "tokenizer", None)
        if tok is None or not getattr(tok, "is_fast", False):
            return regex_spans(text)
        enc = tok(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False)
        return [tuple(o) for o in enc["offset_mapping"] if o[1] > o[0]]


@register_backend("sentence-transformers", options=DENSE_OPTIONS | LOAD_OPTIONS)
def load(spec: ModelSpec, options: dict):  # -> DenseRetriever
    from robustir.models.backends._hub import split_load_options

    return split_load_options(spec, options, STEncoder)
