"""Machine translation with transformers seq2seq models (Marian, M2M100, NLLB), loaded lazily
and cached per process. Loading refuses remote code always and pickle (.bin) weights unless
`allow_pickle=True`; a model that is neither a local folder nor in the Hugging Face cache
while offline raises ResourceMissingError saying what to pass instead."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from robustir.errors import ResourceMissingError, RobustirError

__all__ = ["default_model", "translate_texts", "load_mt", "NLLB_CODES"]

NLLB_CODES = {
    "ar": "arb_Arab", "de": "deu_Latn", "el": "ell_Grek", "en": "eng_Latn", "es": "spa_Latn",
    "fr": "fra_Latn", "hi": "hin_Deva", "it": "ita_Latn", "ja": "jpn_Jpan", "ko": "kor_Hang",
    "pt": "por_Latn", "ru": "rus_Cyrl", "th": "tha_Thai", "tr": "tur_Latn", "vi": "vie_Latn",
    "zh": "zho_Hans",
}
_MAX_LEN = 256


def default_model(src: str, tgt: str) -> str:
    """The OPUS-MT (Marian) model of a pair (Tiedemann and Thottingal 2020)."""
    return f"Helsinki-NLP/opus-mt-{src}-{tgt}"


@dataclass
class MTModel:
    name: str
    tokenizer: Any
    model: Any
    device: str
    family: str  # "marian" | "m2m100" | "nllb" | other seq2seq


def _refuse_pickle(name: str) -> None:
    folder = Path(name)
    if folder.is_dir() and not any(folder.glob("*.safetensors")) and any(folder.glob("*.bin")):
        raise RobustirError(
            f"MT model folder {name} has only pickle weights (*.bin); refusing to load them. "
            "Convert to safetensors, or pass allow_pickle=True if you trust the files"
        )


@lru_cache(maxsize=4)
def load_mt(name: str, *, allow_pickle: bool = False, device: str = "auto") -> MTModel:
    """Load a seq2seq MT model and its tokenizer (GPU when available and device='auto')."""
    try:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
    except ImportError as exc:
        raise ResourceMissingError(
            f"machine translation (back_translation, translate with an MT model) needs {exc.name or 'torch'!r}: "
            "pip install torch==2.13.0 (the CPU wheel), then pip install 'robustir[models]'"
        ) from None
    if not allow_pickle:
        _refuse_pickle(name)
    try:
        tok = AutoTokenizer.from_pretrained(name, trust_remote_code=False)
        model = AutoModelForSeq2SeqLM.from_pretrained(
            name, trust_remote_code=False, use_safetensors=None if allow_pickle else True
        )
    except (OSError, ValueError) as exc:
        raise ResourceMissingError(
            f"MT model {name!r} could not be loaded ({str(exc).splitlines()[0][:200]}); it is not a local "
            "folder nor in the Hugging Face cache (offline?). Pass model=<local folder with a "
            "safetensors seq2seq checkpoint>, or download it first with network access"
        ) from exc
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    model = model.to(device).eval()
    kind = getattr(model.config, "model_type", "")
    family = "nllb" if "Nllb" in type(tok).__name__ else {"marian": "marian", "m2m_100": "m2m100"}.get(kind, kind)
    return MTModel(name, tok, model, device, family)


def translate_texts(texts: list[str], src: str, tgt: str, *, model: str = "", allow_pickle: bool = False) -> list[str]:
    """Translate `texts` from `src` to `tgt` (greedy decoding: deterministic)."""
    mt = load_mt(model or default_model(src, tgt), allow_pickle=allow_pickle)  # install hint if torch is missing
    import torch

    tok, gen_kw = mt.tokenizer, {}
    if mt.family == "nllb":  # FLORES-200 codes: deu_Latn
        for lang in (src, tgt):
            if lang not in NLLB_CODES:
                raise RobustirError(f"NLLB model {mt.name}: no language code for {lang!r} (known: {', '.join(NLLB_CODES)})")
        tok.src_lang = NLLB_CODES[src]
        gen_kw["forced_bos_token_id"] = tok.convert_tokens_to_ids(NLLB_CODES[tgt])
    elif mt.family == "m2m100":  # ISO 639-1 codes
        tok.src_lang = src
        gen_kw["forced_bos_token_id"] = tok.get_lang_id(tgt)
    enc = tok(texts, return_tensors="pt", padding=True, truncation=True, max_length=_MAX_LEN)
    enc = {k: v.to(mt.device) for k, v in enc.items() if k in ("input_ids", "attention_mask")}
    with torch.inference_mode():
        out = mt.model.generate(
            **enc, max_new_tokens=min(_MAX_LEN, 2 * enc["input_ids"].shape[1] + 16),
            do_sample=False, num_beams=1, **gen_kw,
        )
    return [s.strip() for s in tok.batch_decode(out, skip_special_tokens=True)]
