"""Load TextAttack 0.3.11's transformations and `AttackedText` beside transformers 5.

``import textattack`` cannot work in robustir's environment: the package ``__init__`` imports
the whole framework (models, datasets, recipes, metrics: a dozen dependencies robustir does not
have), ``textattack/shared/utils/strings.py`` and ``shared/attacked_text.py`` import flair at
module level, and flair fails to import under transformers 5. The transformations themselves
are plain Python over `AttackedText`; flair is only used by AttackedText's part-of-speech and
NER helpers, which no character-level transformation calls.

So this module imports TextAttack's own files, unmodified, through stand-in packages
(`_shell_import`: the package ``__init__`` files are not run) and with two stand-ins:

- ``flair`` / ``flair.data``: ``Tokenizer`` (the base class strings.py subclasses) and
  ``Sentence``, which raises if anything tries to POS-tag; ``flair.device`` may be set.
- ``textattack.shared.utils.install``: only its ``logger`` (the real module runs a post-install
  step at import that calls ``nltk.download``).

Both stand-ins, and every ``textattack.*`` module loaded, are taken out of ``sys.modules``
afterwards, so the process is left as it was (a later real ``import textattack`` or
``import flair`` is unaffected). TextAttack itself is found (1) installed in the environment
(``pip install --no-deps textattack==0.3.11``: its declared dependencies would replace
transformers 5), else (2) in robustir's cache (``cache_root()/textattack-0.3.11``), where
(3) it is installed on first use with pip, ``--no-deps`` and the wheel's sha256 pinned, unless
robustir is offline. The rest it needs (torch, jieba, numpy) robustir's own extras install.
"""
from __future__ import annotations

import importlib
import logging
import subprocess
import sys
import threading
import types
from functools import lru_cache
from pathlib import Path
from typing import Any

from robustir.attacks.families._shell_import import package_dir, shell_packages
from robustir.errors import RobustirError

__all__ = ["VERSION", "install_hint", "load_transformations"]

VERSION = "0.3.11"
WHEEL_SHA256 = "6b0282ee4468cbc3cf21fef0cea99b38b8e68104c307b234788026335963ca47"
_lock = threading.Lock()
_PACKAGES = ("textattack", "textattack.shared", "textattack.shared.utils", "textattack.transformations",
             "textattack.transformations.word_swaps")


def install_hint() -> str:
    return f"pip install --no-deps textattack=={VERSION} (see docs/ecosystem.md)"


def _cache_dir() -> Path:
    from robustir._io import cache_root

    return cache_root() / f"textattack-{VERSION}"


def _install_into_cache(target: Path) -> None:
    from robustir._io import offline

    if offline():
        raise RobustirError(f"TextAttack is not installed and robustir is offline: {install_hint()}")
    target.parent.mkdir(parents=True, exist_ok=True)
    req = target.parent / f"textattack-{VERSION}.requirements.txt"
    req.write_text(f"textattack=={VERSION} --hash=sha256:{WHEEL_SHA256}\n", encoding="utf-8")
    print(f"robustir: installing TextAttack {VERSION} (no dependencies) into {target}", file=sys.stderr)
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--require-hashes", "--target", str(target), "-r", str(req)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0 or not (target / "textattack").is_dir():
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RobustirError(f"TextAttack is not installed and installing it failed ({last[0]}): {install_hint()}")


def _locate() -> None:
    """Make `textattack` findable: installed, cached, or installed into the cache now."""
    if package_dir("textattack") is not None:
        return
    target = _cache_dir()
    if not (target / "textattack").is_dir():
        _install_into_cache(target)
    sys.path.append(str(target))
    importlib.invalidate_caches()
    if package_dir("textattack") is None:
        raise RobustirError(f"TextAttack is not importable from {target}: {install_hint()}")


def _flair_standin() -> dict[str, types.ModuleType]:
    flair = types.ModuleType("flair")
    data = types.ModuleType("flair.data")

    class Tokenizer:  # what TextAttackFlairTokenizer subclasses
        def tokenize(self, text: str) -> list[str]:
            raise NotImplementedError

    class Sentence:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise RobustirError("this TextAttack transformation needs flair (POS tagging), which cannot run beside transformers 5")

    data.Tokenizer, data.Sentence = Tokenizer, Sentence
    flair.data, flair.device = data, "cpu"
    return {"flair": flair, "flair.data": data}


def _export(target: types.ModuleType, *sources: types.ModuleType) -> None:
    """What ``from .x import *`` does in the package __init__ being skipped."""
    for mod in sources:
        names = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
        for n in names:
            setattr(target, n, getattr(mod, n))


def _load(modules: tuple[str, ...]) -> dict[str, types.ModuleType]:
    before = set(sys.modules)
    standins = {} if "flair" in sys.modules else _flair_standin()
    install = types.ModuleType("textattack.shared.utils.install")
    install.logger = logging.getLogger("textattack")
    try:
        sys.modules.update(standins)
        with shell_packages(_PACKAGES) as pk:
            sys.modules["textattack.shared.utils.install"] = install
            imp = importlib.import_module
            _export(pk["textattack.shared.utils"], imp("textattack.shared.utils.importing"),
                    imp("textattack.shared.utils.misc"), imp("textattack.shared.utils.strings"))
            pk["textattack.shared"].utils = pk["textattack.shared.utils"]
            pk["textattack.shared"].AttackedText = imp("textattack.shared.attacked_text").AttackedText
            pk["textattack.transformations"].Transformation = imp("textattack.transformations.transformation").Transformation
            pk["textattack.transformations.word_swaps"].WordSwap = imp("textattack.transformations.word_swaps.word_swap").WordSwap
            loaded = {m: imp(m) for m in modules}
            loaded["textattack.shared.attacked_text"] = sys.modules["textattack.shared.attacked_text"]
            return loaded
    finally:
        for name in set(sys.modules) - before:
            if name == "flair" or name.startswith(("flair.", "textattack")):
                del sys.modules[name]


@lru_cache(maxsize=None)
def load_transformations(modules: tuple[str, ...]) -> dict[str, types.ModuleType]:
    """TextAttack's modules `modules` (dotted names) plus ``textattack.shared.attacked_text``."""
    with _lock:
        _locate()
        try:
            return _load(modules)
        except ImportError as exc:
            raise RobustirError(f"TextAttack {VERSION} could not be loaded ({exc}); {install_hint()}") from None
