"""Exact blockwise search against brute force, MaxP reduction, chunking helpers."""
from __future__ import annotations

import numpy as np
import pytest

from robustir.errors import RobustirError
from robustir.models.chunking import chunk_text, regex_spans, truncate_text
from robustir.models.search import exact_topk


def _brute(q: np.ndarray, m: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    s = q @ m.T
    order = np.lexsort((np.tile(np.arange(m.shape[0]), (q.shape[0], 1)), -s), axis=1)[:, :k]
    return order, np.take_along_axis(s, order, 1)


@pytest.mark.parametrize("block_bytes", [1 << 12, 1 << 16, 64 << 20])
def test_exact_topk_matches_brute_force_across_blocks_and_shards(block_bytes: int) -> None:
    rng = np.random.default_rng(0)
    m = rng.standard_normal((1000, 16)).astype(np.float32)
    q = rng.standard_normal((37, 16)).astype(np.float32)
    want_i, want_s = _brute(q, m, 25)
    shards = [m[:300], m[300:301], m[301:]]
    got_i, got_s = exact_topk(q, shards, 25, block_bytes=block_bytes)
    assert np.array_equal(got_i, want_i)
    assert np.allclose(got_s, want_s, atol=1e-5)


def test_exact_topk_reads_float16_shards_and_caps_k() -> None:
    rng = np.random.default_rng(1)
    m = rng.standard_normal((10, 8)).astype(np.float16)
    q = rng.standard_normal((3, 8)).astype(np.float32)
    idx, scores = exact_topk(q, [m], 100)
    assert idx.shape == (3, 10)
    want_i, _ = _brute(q, m.astype(np.float32), 10)
    assert np.array_equal(idx, want_i)
    assert np.all(np.diff(scores, axis=1) <= 0)


def test_exact_topk_maxp_takes_the_best_chunk_per_document() -> None:
    rng = np.random.default_rng(2)
    counts = [np.array([3, 1, 2], dtype=np.int32), np.array([4, 1], dtype=np.int32)]
    rows = [rng.standard_normal((6, 8)).astype(np.float32), rng.standard_normal((5, 8)).astype(np.float32)]
    q = rng.standard_normal((4, 8)).astype(np.float32)
    all_rows = np.concatenate(rows)
    owner = np.repeat(np.arange(5), np.concatenate(counts))
    full = q @ all_rows.T
    per_doc = np.stack([full[:, owner == d].max(axis=1) for d in range(5)], axis=1)
    idx, scores = exact_topk(q, rows, 5, counts=counts, block_bytes=1 << 10)
    for r in range(4):
        assert list(idx[r]) == sorted(range(5), key=lambda d: (-per_doc[r, d], d))
        assert np.allclose(scores[r], np.sort(per_doc[r])[::-1], atol=1e-5)


def test_chunking_and_truncation_keep_original_characters() -> None:
    text = "alpha beta, gamma delta epsilon"
    assert chunk_text(text, 2, 0) == ["alpha beta", ", gamma", "delta epsilon"]
    assert chunk_text(text, 3, 1) == ["alpha beta,", ", gamma delta", "delta epsilon"]
    assert truncate_text(text, 2) == "alpha beta"
    assert truncate_text("短文本", 10) == "短文本"
    assert len(regex_spans("中文文本")) == 4  # one unit per Han character
    with pytest.raises(RobustirError, match="overlap"):
        chunk_text(text, 2, 2)
