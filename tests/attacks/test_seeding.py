"""query_rng's fast construction gives numpy's default_rng state, stream and spawn exactly."""
from __future__ import annotations

import random

import numpy as np
import pytest

from robustir._io import stable_hash
from robustir.attacks._seeding import generator, uint32_words
from robustir.attacks.base import query_rng

SPEC = "typo.keyboard(max_edits=10,min_edits=1,mode=typist,near_pinyin=true,rate=0.1)"


def _ints(r: random.Random) -> list[int]:
    return [r.choice([0, 1, 2**32 - 1, 2**32, 2**64 - 1, r.getrandbits(8), r.getrandbits(33), r.getrandbits(64),
                      r.getrandbits(100)]) for _ in range(r.randint(1, 7))]


def test_generator_matches_default_rng_on_many_entropy_lists():
    r = random.Random(5)
    for _ in range(2000):
        ints = _ints(r)
        words = [w for n in ints for w in uint32_words(n)]
        fast, ref = generator(words), np.random.default_rng(ints)
        assert fast.bit_generator.state == ref.bit_generator.state, ints
        assert fast.random() == ref.random()


def test_query_rng_is_the_documented_default_rng():
    r = random.Random(7)
    for i in range(1000):
        seed = r.choice([0, 1, 201, 2**32, r.getrandbits(64)])
        spec = r.choice([SPEC, "typo.char", ""])
        qid, step = f"q{r.getrandbits(40)}", r.choice([0, 1, 2, 1_000_003, 2**40 + i])
        ref = np.random.default_rng([seed, stable_hash(spec), stable_hash(qid), step])
        fast = query_rng(seed, spec, qid, step=step)
        assert fast.bit_generator.state == ref.bit_generator.state
        assert list(fast.integers(0, 1000, 20)) == list(ref.integers(0, 1000, 20))


def test_spawned_children_and_other_state_sizes_match_numpy():
    ints = [3, stable_hash(SPEC), stable_hash("q1"), 0]
    fast = generator([w for n in ints for w in uint32_words(n)])
    ref = np.random.default_rng(ints)
    assert [c.random() for c in fast.spawn(3)] == [c.random() for c in ref.spawn(3)]
    fast_seq, ref_seq = fast.bit_generator.seed_seq, ref.bit_generator.seed_seq
    assert list(fast_seq.generate_state(7)) == list(ref_seq.generate_state(7))
    assert list(fast_seq.generate_state(4, np.uint64)) == list(ref_seq.generate_state(4, np.uint64))


def test_negative_seed_fails_as_numpy_does():
    with pytest.raises(ValueError):
        query_rng(-1, SPEC, "q1")


def test_one_draw_without_replacement_is_one_bounded_integer():
    """typo.keyboard's substitute mode draws one word with `integers(m)` where it used
    `choice(m, size=1, replace=False)`: the same value and the same generator state after."""
    r = random.Random(9)
    for _ in range(5000):
        seed, m = r.getrandbits(64), r.choice([1, 2, 3, 5, 8, 13, 40, 1000, 10_001, 2**31])
        a, b = np.random.default_rng(seed), np.random.default_rng(seed)
        for _ in range(r.randint(0, 3)):  # earlier doubles and a buffered half-word, as in an attack
            if r.random() < 0.5:
                assert a.random() == b.random()
            else:
                assert a.integers(7) == b.integers(7)
        assert int(a.choice(m, size=1, replace=False)[0]) == int(b.integers(m))
        assert a.bit_generator.state == b.bit_generator.state
