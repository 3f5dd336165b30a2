"""Plain Hugging Face encoders (XLM-R, mBERT, mContriever, your own checkpoint) with a
declared pooling (cls / mean / max), optional normalisation and prefixes."""
from __future__ import annotations

import numpy as np

from robustir.errors import RobustirError
from robustir.models.backends._hub import hub_missing, is_local, pick_device, resolve_hub
from robustir.models.chunking import Spans, regex_spans
from robustir.models.spec import ModelSpec
from robustir.models.spec import DENSE_OPTIONS, LOAD_OPTIONS, register_backend


class HFEncoder:
    native_truncation = True

    def __init__(self, spec: ModelSpec, *, checkpoint: str | None = None, device: str | None = None, allow_pickle: bool = False, trust_remote_code: bool = False) -> None:
        if spec.pooling not in ("cls", "mean", "max"):
            raise RobustirError(f"model {spec.name!r}: the hf backend needs pooling cls, mean or max, got {spec.pooling!r}")
        self.spec = spec
        ckpt = resolve_hub(spec.name, checkpoint or spec.checkpoint, spec.revision)  # fail fast, before heavy imports
        from transformers import AutoModel, AutoTokenizer

        self.device = pick_device(device)
        local = is_local(ckpt)
        rev = None if local else spec.revision
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(ckpt, revision=rev, trust_remote_code=trust_remote_code)
            self.model = AutoModel.from_pretrained(
                ckpt,
                revision=rev,
                trust_remote_code=trust_remote_code,
                use_safetensors=None if allow_pickle else True,
            )
        except (OSError, ValueError) as exc:
            if local:
                raise RobustirError(f"cannot load checkpoint {ckpt}: {str(exc).splitlines()[0]}") from None
            raise hub_missing(spec.name, spec.checkpoint, spec.revision, exc) from None
        if local:
            from robustir.models.checkpoint import verify_weights

            verify_weights(self.model, ckpt)
        self.model.to(self.device).eval()
        self.dim = int(self.model.config.hidden_size)
        limit = getattr(self.model.config, "max_position_embeddings", None)
        # RoBERTa-family position tables hold 2 slots for padding offsets
        self.max_positions = (limit - 2 if getattr(self.model.config, "model_type", "") in ("roberta", "xlm-roberta") else limit) if limit else None

    def encode(self, texts: list[str], *, is_query: bool, max_length: int | None) -> np.ndarray:
        import torch

        prefix = self.spec.query_prefix if is_query else self.spec.passage_prefix
        if self.max_positions:
            max_length = min(max_length or self.max_positions, self.max_positions)
        batch = self.tokenizer(
            [prefix + t for t in texts],
            padding=True,
            truncation=max_length is not None,
            max_length=max_length,
            return_tensors="pt",
        ).to(self.device)
        with torch.inference_mode():
            hidden = self.model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            if self.spec.pooling == "cls":
                pooled = hidden[:, 0]
            elif self.spec.pooling == "mean":
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            else:
                pooled = hidden.masked_fill(mask == 0, float("-inf")).max(1).values
        return pooled.float().cpu().numpy()

    def token_spans(self, text: str) -> Spans:
        if not getattr(self.tokenizer, "is_fast", False):
            return regex_spans(text)
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False)
        return [tuple(o) for o in enc["offset_mapping"] if o[1] > o[0]]


@register_backend("hf", options=DENSE_OPTIONS | LOAD_OPTIONS)
def load(spec: ModelSpec, options: dict):  # -> DenseRetriever
    from robustir.models.backends._hub import split_load_options

    return split_load_options(spec, options, HFEncoder)
