"""`np.random.default_rng(list_of_ints)` for non-negative ints, built in about 60% of the time.

An attack draws a fresh generator per query (`base.query_rng`), and for a cheap attack the
generator's construction was a third of the cost of a query. `default_rng([a, b, c, d])` is
`Generator(PCG64(SeedSequence([a, b, c, d])))`; two of its steps are slow in Python terms and
are done here more directly, giving the very same generator state:

- SeedSequence coerces each int to its 32-bit words (lowest first; 0 -> [0]) one numpy call
  at a time; here the words are computed with int arithmetic and handed over as one uint32 array
  (the coercion of such an array is the identity).
- PCG64 asks the SeedSequence for `generate_state(4, np.uint64)`: eight 32-bit words hashed
  out of the entropy pool; `_SeedSequence` computes them with int arithmetic (numpy's
  algorithm, `numpy/random/bit_generator.pyx`, fixed by NEP 19) and defers to numpy for any
  other request, so `spawn` and every other use behave as numpy's.

tests/attacks/test_seeding.py checks the states against `np.random.default_rng` on many inputs.
"""
from __future__ import annotations

import numpy as np

__all__ = ["generator", "uint32_words"]

_MASK = 0xFFFFFFFF
_INIT_B, _MULT_B, _XSHIFT = 0x8B51F9DD, 0x58F38DED, 16


def _hash_constants() -> tuple[tuple[int, int], ...]:
    """(constant xored in, constant multiplied by) for the 8 words of generate_state(4, uint64)."""
    out, h = [], _INIT_B
    for _ in range(8):
        nxt = (h * _MULT_B) & _MASK
        out.append((h, nxt))
        h = nxt
    return tuple(out)


_CONSTANTS = _hash_constants()


class _SeedSequence(np.random.SeedSequence):
    """numpy's SeedSequence with PCG64's one request (4 uint64 words) answered in Python."""

    def generate_state(self, n_words, dtype=np.uint32):  # noqa: D102  (numpy's signature)
        if n_words != 4 or dtype is not np.uint64:
            return super().generate_state(n_words, dtype)
        p0, p1, p2, p3 = self.pool.tolist()
        (x0, m0), (x1, m1), (x2, m2), (x3, m3), (x4, m4), (x5, m5), (x6, m6), (x7, m7) = _CONSTANTS
        w = [((p0 ^ x0) * m0) & _MASK, ((p1 ^ x1) * m1) & _MASK, ((p2 ^ x2) * m2) & _MASK, ((p3 ^ x3) * m3) & _MASK,
             ((p0 ^ x4) * m4) & _MASK, ((p1 ^ x5) * m5) & _MASK, ((p2 ^ x6) * m6) & _MASK, ((p3 ^ x7) * m7) & _MASK]
        # numpy, too, views its eight uint32 words as four uint64 in the machine's byte order
        return np.array([x ^ (x >> _XSHIFT) for x in w], dtype=np.uint32).view(np.uint64)


def uint32_words(n: int) -> list[int]:
    """SeedSequence's coercion of one non-negative int: its 32-bit words, lowest first."""
    if n < 1 << 32:
        return [n]
    out = []
    while n:
        out.append(n & _MASK)
        n >>= 32
    return out


def generator(words: list[int]) -> np.random.Generator:
    """The generator `np.random.default_rng(ints)` gives, from the ints' `uint32_words` concatenated."""
    return np.random.Generator(np.random.PCG64(_SeedSequence(np.array(words, dtype=np.uint32))))
