"""Promise: an attack whose optional dependency is missing fails in one line with the install
command, never with a raw ModuleNotFoundError traceback."""
from __future__ import annotations

import sys

import pytest

from robustir.attacks import build
from robustir.errors import RobustirError


def test_back_translation_without_torch_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    from robustir.attacks.families import _mt

    _mt.load_mt.cache_clear()
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ModuleNotFoundError
    with pytest.raises(RobustirError) as info:
        build("back_translation").perturb("where is the eiffel tower", lang="en", qid="q1", seed=0)
    message = str(info.value)
    assert "\n" not in message
    assert "pip install torch==2.13.0" in message and "robustir[models]" in message
    _mt.load_mt.cache_clear()
