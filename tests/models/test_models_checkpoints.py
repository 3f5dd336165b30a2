"""Local checkpoints by path: tiny BERT models built from a config (no download).

Covers the plain-HF backend (declared pooling, prefixes, truncation, MaxP chunking), the
sentence-transformers backend, and the refusal of pickle weights and remote code.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from robustir.errors import ResourceMissingError, RobustirError
from robustir.models import get_spec, load_retriever
from robustir.types import Corpus, QuerySet

WORDS = "the a of and to in is was for on with as by at from river city king music war water light stone tree bird".split()


@pytest.fixture(scope="module")
def hf_ckpt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch = pytest.importorskip("torch")
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-bert")
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "query", ":", "passage", *WORDS]) + "\n")
    tok = BertTokenizerFast(vocab_file=str(vocab), do_lower_case=True)
    torch.manual_seed(0)  # the tiny model's random init must not differ between runs
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64, max_position_embeddings=64, initializer_range=0.5)
    BertModel(cfg).eval().save_pretrained(folder, safe_serialization=True)
    tok.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def st_ckpt(hf_ckpt: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sentence_transformers import SentenceTransformer, models

    folder = tmp_path_factory.mktemp("tiny-st")
    word = models.Transformer(str(hf_ckpt), max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="cls")
    SentenceTransformer(modules=[word, pool], device="cpu").save(str(folder))
    return folder


def _manual(folder: Path, texts: list[str], pooling: str, max_length: int = 64) -> np.ndarray:
    import torch
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder).eval()
    b = tok(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    with torch.no_grad():
        h = model(**b).last_hidden_state
    if pooling == "cls":
        v = h[:, 0]
    else:
        m = b["attention_mask"].unsqueeze(-1).float()
        v = (h * m).sum(1) / m.sum(1)
    v = v.numpy()
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("pooling", ["cls", "mean"])
def test_hf_folder_pools_as_declared_and_applies_prefixes(hf_ckpt: Path, pooling: str) -> None:
    r = load_retriever(str(hf_ckpt), pooling=pooling, query_prefix="query: ", passage_prefix="passage: ", cache=False, device="cpu")
    assert r.spec.backend == "hf" and r.spec.pooling == pooling
    assert r.spec.revision.startswith("sha256:")
    texts = ["the river city", "music of the war was light"]
    got = r.encode_queries(texts, ["en", "en"])
    assert np.allclose(got, _manual(hf_ckpt, ["query: " + t for t in texts], pooling), atol=1e-5)
    assert not np.allclose(got, _manual(hf_ckpt, texts, pooling), atol=1e-3)  # the prefix matters
    passages, counts = r.encode_passages(texts)
    assert counts is None
    assert np.allclose(passages, _manual(hf_ckpt, ["passage: " + t for t in texts], pooling), atol=1e-5)


def test_hf_truncation_and_maxp_chunking(hf_ckpt: Path, tmp_path: Path) -> None:
    long_doc = " ".join(WORDS[:10] * 3) + " bird stone tree"  # 33 words
    r = load_retriever(str(hf_ckpt), pooling="mean", max_length=8, cache=False, device="cpu")
    cut = r.encode_passages([long_doc])[0]
    assert np.allclose(cut, _manual(hf_ckpt, [long_doc], "mean", max_length=8), atol=1e-5)
    assert np.allclose(cut, _manual(hf_ckpt, [" ".join(long_doc.split()[:6])], "mean"), atol=1e-5)  # 6 words + CLS/SEP

    m = load_retriever(str(hf_ckpt), pooling="mean", chunking="maxp", chunk_length=10, chunk_overlap=0, device="cpu", cache_dir=str(tmp_path))
    corpus = Corpus(("long", "other"), (long_doc, "water light"), ("en", "en"))
    m.index(corpus)
    assert m.stats["corpus_chunks_encoded"] == 4 + 1
    q = QuerySet(("q",), ("bird stone tree",), ("en",))
    run = m.search(q, k=2)
    chunks = [" ".join(long_doc.split()[i : i + 10]) for i in range(0, 33, 10)]
    qv = _manual(hf_ckpt, ["bird stone tree"], "mean")[0]
    best = max(float(_manual(hf_ckpt, [c], "mean")[0] @ qv) for c in chunks)
    assert run["q"]["long"] == pytest.approx(best, abs=1e-4)


def test_sentence_transformers_folder_loads_with_its_pooling(st_ckpt: Path, hf_ckpt: Path, tmp_path: Path) -> None:
    spec = get_spec(str(st_ckpt))
    assert spec.backend == "sentence-transformers" and spec.pooling == "cls"
    r = load_retriever(str(st_ckpt), device="cpu", cache_dir=str(tmp_path))
    corpus = Corpus(("a", "b", "c"), ("the river city", "music and war", "bird in the tree"), ("en",) * 3)
    r.index(corpus)
    got = r.corpus_matrix
    assert np.allclose(got, _manual(hf_ckpt, list(corpus.texts), "cls"), atol=1e-5)
    run = r.search(QuerySet(("q",), ("the river city",), ("en",)), k=3)
    assert run.ranked("q")[0][0] == "a"  # identical text scores 1.0
    with pytest.raises(RobustirError, match="drop --pooling"):
        get_spec(str(st_ckpt), pooling="mean")


def test_pickle_weights_are_refused_unless_allowed(hf_ckpt: Path, tmp_path: Path) -> None:
    import torch
    from transformers import BertModel

    folder = tmp_path / "pickled"
    shutil.copytree(hf_ckpt, folder)
    (folder / "model.safetensors").unlink()
    torch.save(BertModel.from_pretrained(hf_ckpt).state_dict(), folder / "pytorch_model.bin")  # a pickle
    assert (folder / "pytorch_model.bin").is_file()
    with pytest.raises(RobustirError, match="refusing pickle weights.*arbitrary code"):
        load_retriever(str(folder), pooling="mean")
    r = load_retriever(str(folder), pooling="mean", allow_pickle=True, cache=False, device="cpu")
    assert r.encode_queries(["the king"]).shape == (1, 32)


def test_remote_code_is_refused_unless_trusted(hf_ckpt: Path, tmp_path: Path) -> None:
    folder = tmp_path / "remote"
    shutil.copytree(hf_ckpt, folder)
    cfg = json.loads((folder / "config.json").read_text())
    cfg["auto_map"] = {"AutoModel": "modeling_evil.EvilModel"}
    (folder / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(RobustirError, match="run code shipped with the checkpoint.*auto_map"):
        load_retriever(str(folder))


def test_unusable_folders_and_names_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(RobustirError, match="checkpoint folder not found"):
        load_retriever("./no/such/ckpt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(RobustirError, match="no model weights"):
        load_retriever(str(tmp_path / "empty"))
    with pytest.raises(RobustirError, match="did you mean 'me5-small-q4'"):
        load_retriever("me5-small-q")
    with pytest.raises(RobustirError, match="unknown retriever option"):
        load_retriever("bm25", temperature=1.0)
    with pytest.raises(RobustirError, match="bm25 only"):
        load_retriever("muse-v3", k1=1.2)


@pytest.mark.parametrize("name", ["multilingual-e5-small", "xlm-r-base"])
def test_hub_models_fail_with_one_clear_message_offline(name: str) -> None:
    with pytest.raises(ResourceMissingError, match=r"Hugging Face hub.*--model PATH"):
        load_retriever(name, device="cpu")
