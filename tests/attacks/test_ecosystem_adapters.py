"""The nlpaug and TextAttack adapters: declared parameters match the libraries' signatures,
output is deterministic per query in any order, the global RNGs are left as they were,
resources come from --resources, and a missing TextAttack fails in one line."""
from __future__ import annotations

import inspect
import os
import random
import sys

import numpy as np
import pytest

from robustir import attacks
from robustir.attacks import build
from robustir.attacks.families import _textattack_import, nlpaug_adapter, textattack_adapter
from robustir.errors import RobustirError


@pytest.fixture(autouse=True, scope="module")
def _resources(resources_dir):
    attacks.use_resources(resources_dir)
    yield
    from robustir.attacks import lexicons

    lexicons.set_resource_dir(None)


def _textattack_or_skip() -> None:
    try:
        _textattack_import.load_transformations(("textattack.transformations.word_swaps.word_swap_qwerty",))
    except RobustirError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"TextAttack must be installed under CI (scripts/setup.sh): {exc}")
        pytest.skip(str(exc))


@pytest.mark.parametrize("name", sorted(nlpaug_adapter.SUPPORTED))
def test_nlpaug_params_are_the_augmenters_signature(name):
    aug = nlpaug_adapter.SUPPORTED[name]
    real = nlpaug_adapter._augmenter_class(aug)
    sig = inspect.signature(real.__init__).parameters
    declared = {p.name: p.default for p in attacks.attacks.get(name).params}
    assert declared, name
    for pname, default in declared.items():
        assert sig[pname].default == default, (name, pname)
    with pytest.raises(RobustirError, match="parameter"):
        build(f"{name}(not_a_param=1)")


@pytest.mark.parametrize("name", ["nlpaug.char.KeyboardAug(aug_char_p=0.1)", "nlpaug.word.SpellingAug",
                                  "textattack.WordSwapQWERTY", "textattack.CharSwapAugmenter"])
def test_same_output_whatever_the_order_and_global_rng_untouched(name, real_questions):
    if name.startswith("textattack"):
        _textattack_or_skip()
    qs = real_questions["en"][:40]
    pipe = build(name)
    random.seed(123)
    np.random.seed(456)
    py_state, np_state = random.getstate(), np.random.get_state()
    forward = {q: pipe.perturb(t, lang="en", qid=q, seed=5).perturbed for q, t in qs}
    assert random.getstate() == py_state
    assert np.array_equal(np.random.get_state()[1], np_state[1])
    backward = {q: build(name).perturb(t, lang="en", qid=q, seed=5).perturbed for q, t in reversed(qs)}
    assert forward == backward
    assert sum(forward[q] != t for q, t in qs) >= 0.9 * len(qs)
    other = {q: pipe.perturb(t, lang="en", qid=q, seed=6).perturbed for q, t in qs}
    assert other != forward


def test_nlpaug_reads_keyboard_map_from_resources(resources_dir):
    att = attacks.attacks.get("nlpaug.char.KeyboardAug")(aug_char_p=0.3)
    aug = att._augmenter("de")
    assert os.path.realpath(aug.model_path) == os.path.realpath(resources_dir / "nlpaug-res" / "char" / "keyboard" / "de.json")
    with pytest.raises(RobustirError, match="does not support language"):
        build("nlpaug.char.KeyboardAug").perturb("东京", lang="zh", qid="x", seed=0)


@pytest.mark.parametrize("name", sorted(textattack_adapter.SUPPORTED))
def test_textattack_params_match_signature_and_modules_left_clean(name):
    _textattack_or_skip()
    tr = textattack_adapter.SUPPORTED[name]
    mods = _textattack_import.load_transformations(tuple(sorted({m for m, _ in tr.parts})))
    for module, cls in tr.parts:
        sig = inspect.signature(getattr(mods[module], cls).__init__).parameters
        for k, default in tr.kwargs:
            assert sig[k].default == default, (name, k)
    p = build(name).perturb("Where did the Panthers play the Super Bowl?", lang="en", qid="q", seed=0)
    assert p.changed and p.edits >= 1
    assert not [m for m in sys.modules if m == "flair" or m.startswith(("flair.", "textattack"))]


def test_textattack_missing_fails_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr(_textattack_import, "package_dir", lambda top: None)
    monkeypatch.setattr(_textattack_import, "_cache_dir", lambda: tmp_path / "textattack-0.3.11")
    monkeypatch.setenv("ROBUSTIR_OFFLINE", "1")
    with pytest.raises(RobustirError) as exc:
        _textattack_import._locate()
    assert "\n" not in str(exc.value) and "pip install --no-deps textattack==0.3.11" in str(exc.value)
