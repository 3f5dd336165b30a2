"""The MT code path (translate method=mt, back_translation) end to end with a tiny Marian model
built here from a config with random weights. This checks the wiring (loading, language
handling, generation, decoding, safety refusals), not translation quality: no MT weights can
be downloaded on the test machines."""
from __future__ import annotations

from pathlib import Path

import pytest

from robustir.attacks import build
from robustir.errors import ResourceMissingError, RobustirError

pytest.importorskip("transformers")
pytest.importorskip("tokenizers")

WORDS = "the capital of germany is berlin where what who how many die hauptstadt von ist wo".split()


def _save_tiny_marian(folder: Path, *, safe: bool = True) -> Path:
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import MarianConfig, MarianMTModel, PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(["<pad>", "</s>", "<unk>", *WORDS])}
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tok = PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")
    config = MarianConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        max_position_embeddings=64, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
        forced_eos_token_id=1,
    )
    torch.manual_seed(0)
    model = MarianMTModel(config)
    model.save_pretrained(folder)
    if not safe:  # recent transformers always write safetensors: make a pickle-only folder by hand
        torch.save(model.state_dict(), folder / "pytorch_model.bin")
        for f in folder.glob("*.safetensors"):
            f.unlink()
    tok.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_mt(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(_save_tiny_marian(tmp_path_factory.mktemp("tiny-marian")))


def test_translate_mt_runs_end_to_end(tiny_mt: str) -> None:
    pipe = build(f"translate(method='mt',model={tiny_mt!r})")
    assert pipe.query_lang("de") == "en"
    r = pipe.perturb("wo ist die hauptstadt von germany", lang="de", qid="q1", seed=0)
    assert r.perturbed and r.perturbed != r.original
    assert set(r.perturbed.split()) <= set(WORDS)  # decoded from the model's own vocabulary
    assert r.ops == ("translate[mt]:de->en",)
    # Greedy decoding: deterministic, whatever the seed.
    assert pipe.perturb("wo ist die hauptstadt von germany", lang="de", qid="q1", seed=9) == r


def test_back_translation_round_trip(tiny_mt: str) -> None:
    pipe = build(f"back_translation(model={tiny_mt!r})")
    assert pipe.query_lang("de") == "de"
    r = pipe.perturb("wo ist die hauptstadt", lang="de", qid="q1", seed=0)
    assert r.perturbed and set(r.perturbed.split()) <= set(WORDS)
    assert r.edits >= 1 and r.ops == ("back_translation:de->en->de",)


def test_pickle_weights_are_refused(tmp_path: Path) -> None:
    folder = _save_tiny_marian(tmp_path / "pickled", safe=False)
    assert not list(folder.glob("*.safetensors"))
    with pytest.raises(RobustirError, match="pickle"):
        build(f"translate(method='mt',model={str(folder)!r})").perturb("wo ist", lang="de", qid="q", seed=0)
    allowed = build(f"translate(method='mt',model={str(folder)!r},allow_pickle=True)")
    assert allowed.perturb("wo ist", lang="de", qid="q", seed=0).perturbed


def test_unavailable_model_offline_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ResourceMissingError, match="opus-mt-de-en.*local folder"):
        build("translate(method='mt')").perturb("wo ist die hauptstadt", lang="de", qid="q", seed=0)


def test_model_only_with_mt_method() -> None:
    with pytest.raises(RobustirError, match="method='mt'"):
        build("translate(model='x')")
