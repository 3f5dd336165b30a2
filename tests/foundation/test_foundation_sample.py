"""The embedded mldr-sample goes through the MLDR loader, in every MLDR language."""
from __future__ import annotations

import unicodedata

import pytest

from robustir.datasets import load_dataset
from robustir.languages import MLDR_LANGS

SCRIPT_PREFIX = {"ar": "ARABIC", "hi": "DEVANAGARI", "ru": "CYRILLIC", "th": "THAI", "ko": "HANGUL", "zh": "CJK", "ja": ("HIRAGANA", "CJK", "KATAKANA")}


@pytest.mark.parametrize("lang", MLDR_LANGS)
def test_sample_language(lang: str) -> None:
    ds = load_dataset("mldr-sample", lang=lang)
    assert len(ds.queries) >= 6 and len(ds.corpus) >= 12
    # one relevant document per query, all different
    rel = [next(iter(ds.qrels[q])) for q in ds.queries.ids]
    assert all(len(ds.qrels[q]) == 1 for q in ds.queries.ids) and len(set(rel)) == len(rel)
    # multi-paragraph documents
    assert all(t.count("\n\n") >= 2 for t in ds.corpus.texts)
    # written in the language's own script
    if lang in SCRIPT_PREFIX:
        letters = [c for t in ds.corpus.texts for c in t if c.isalpha()]
        share = sum(unicodedata.name(c, "").startswith(SCRIPT_PREFIX[lang]) for c in letters) / len(letters)
        assert share > 0.8


def test_sample_documents_differ_across_languages() -> None:
    texts = {lang: set(load_dataset("mldr-sample", lang=lang).corpus.texts) for lang in MLDR_LANGS}
    for a in MLDR_LANGS:
        for b in MLDR_LANGS:
            if a < b:
                assert not texts[a] & texts[b]
