"""nlpaug augmenters as robustir attacks: ``nlpaug.char.KeyboardAug(aug_char_p=0.1)``.

Each supported augmenter is registered under ``nlpaug.<char|word>.<Class>``. Its parameters are
the augmenter's own keyword arguments, read from the ``__init__`` signature in nlpaug's source
(parsed with `ast`, so listing attacks never imports nlpaug) and validated like any robustir
parameter; arguments that take objects or paths (tokenizers, stopword lists, model and
dictionary paths, ``lang``) are not parameters: the adapter fills them.

Resources: the keyboard maps, the OCR map and the English misspelling list are nlpaug's own
files, read through robustir's resource lookup (``--resources DIR`` / ``$ROBUSTIR_RESOURCES``
holding ``nlpaug-res/``, else the cache, else downloaded from nlpaug's repository at a pinned
commit); the copy inside the nlpaug wheel is not used, so the same files serve every run.

Languages: KeyboardAug those nlpaug has a keyboard map for (de en es fr it tr; its Thai map is
not claimed: nlpaug's tokenizer splits on ``\\W``, which cuts Thai and Devanagari words at their
vowel signs and tone marks and joins the pieces with spaces); OcrAug and RandomCharAug the
Latin-script languages (their maps and alphabets are Latin); SpellingAug English; RandomWordAug
and SplitAug every language written with spaces except Hindi (same tokenizer problem).

Determinism: nlpaug draws from the global `random` and `numpy.random` generators. Around each
call the adapter seeds both from the query's own RNG and restores their previous states, so the
same (seed, spec, query id) gives byte-identical output in any order, and nlpaug never disturbs
anyone else's global RNG. nlpaug re-tokenises the query (it splits on non-word characters and
joins with spaces, then re-attaches punctuation), so its output may differ from the input in
spacing even where no character was augmented: that is nlpaug's behaviour, kept as is.
"""
from __future__ import annotations

import ast
import importlib
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from robustir.attacks.base import Attack, Param, attacks
from robustir.attacks.families._edit_sites import token_edits
from robustir.attacks.families._shell_import import package_dir, shell_packages
from robustir.errors import RobustirError
from robustir.languages import LANGUAGES, UNSEGMENTED
from robustir.types import Perturbation

__all__ = ["SUPPORTED", "NlpaugAttack"]

_LATIN = frozenset(code for code, (_, script) in LANGUAGES.items() if script == "Latn")
_SPACED = frozenset(LANGUAGES) - UNSEGMENTED - {"hi"}
# Arguments the adapter fills itself (objects, paths, language) or that only change logging.
_FILLED = frozenset({"name", "verbose", "lang", "model_path", "dict_path", "dict_of_path", "tokenizer",
                     "reverse_tokenizer", "stopwords", "stopwords_regex", "candidates", "target_words",
                     "force_reload", "aug_src", "self"})
_CHOICES = {("RandomCharAug", "action"): ("insert", "substitute", "swap", "delete"),
            ("RandomCharAug", "swap_mode"): ("adjacent", "middle", "random"),
            ("RandomWordAug", "action"): ("delete", "swap", "crop")}


@dataclass(frozen=True)
class _Aug:
    source: str  # file inside the nlpaug package
    cls: str
    languages: frozenset[str]
    resource: str | None = None  # path inside nlpaug-res ({lang} filled in)
    resource_arg: str | None = None
    description: str = ""


SUPPORTED: dict[str, _Aug] = {
    "nlpaug.char.KeyboardAug": _Aug("augmenter/char/keyboard.py", "KeyboardAug", frozenset({"de", "en", "es", "fr", "it", "tr"}),
                                    "char/keyboard/{lang}.json", "model_path", "nlpaug: keyboard-neighbour typos"),
    "nlpaug.char.OcrAug": _Aug("augmenter/char/ocr.py", "OcrAug", _LATIN, "char/ocr/en.json", "dict_of_path",
                               "nlpaug: OCR digit/letter confusions"),
    "nlpaug.char.RandomCharAug": _Aug("augmenter/char/random.py", "RandomCharAug", _LATIN, description="nlpaug: random character insert/substitute/swap/delete"),
    "nlpaug.word.SpellingAug": _Aug("augmenter/word/spelling.py", "SpellingAug", frozenset({"en"}), "word/spelling/spelling_en.txt",
                                    "dict_path", "nlpaug: common English misspellings"),
    "nlpaug.word.RandomWordAug": _Aug("augmenter/word/random.py", "RandomWordAug", _SPACED, description="nlpaug: random word delete/swap/crop"),
    "nlpaug.word.SplitAug": _Aug("augmenter/word/split.py", "SplitAug", _SPACED, description="nlpaug: split words in two"),
}


def _action_names(root: str) -> dict[str, str]:
    """nlpaug.util.Action's constants (defaults such as ``action=Action.DELETE``), from its source."""
    tree = ast.parse(Path(root, "util", "action.py").read_text(encoding="utf-8"))
    return {t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
            for t in n.targets if isinstance(t, ast.Name)}


def _literal(node: ast.expr, actions: dict[str, str]) -> Any:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Action":
        return actions.get(node.attr)
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _signature(aug: _Aug) -> tuple[tuple[str, Any], ...]:
    """(name, default) of the augmenter's literal keyword arguments, from nlpaug's source."""
    root = package_dir("nlpaug")
    if root is None:
        return ()
    tree = ast.parse(Path(root, aug.source).read_text(encoding="utf-8"))
    actions = _action_names(root)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == aug.cls:
            init = next(n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
            args = init.args.args[len(init.args.args) - len(init.args.defaults):]
            out = []
            for arg, default in zip(args, init.args.defaults):
                value = _literal(default, actions)
                if arg.arg not in _FILLED and isinstance(value, (bool, int, float, str)):
                    out.append((arg.arg, value))
            return tuple(out)
    raise RobustirError(f"nlpaug: class {aug.cls} not found in {aug.source} (unsupported nlpaug version)")


def _param(cls: str, name: str, default: Any) -> Param:
    kind = type(default)
    if kind is float and name.endswith("_p"):
        return Param(name, float, default, f"nlpaug {cls} {name}", 0.0, 1.0)
    if kind is int and not isinstance(default, bool):
        return Param(name, int, default, f"nlpaug {cls} {name}", 0, 10000)
    return Param(name, kind, default, f"nlpaug {cls} {name}", choices=_CHOICES.get((cls, name)))


@lru_cache(maxsize=None)
def _augmenter_class(aug: _Aug) -> type:
    module = "nlpaug." + aug.source[:-3].replace("/", ".")
    try:
        if module.startswith("nlpaug.augmenter.word."):
            # nlpaug.augmenter.word's __init__ imports transformers: load only what is needed.
            with shell_packages(["nlpaug.augmenter.word"]) as shells:
                base = importlib.import_module("nlpaug.augmenter.word.word_augmenter")
                if not hasattr(shells["nlpaug.augmenter.word"], "WordAugmenter"):
                    shells["nlpaug.augmenter.word"].WordAugmenter = base.WordAugmenter
                return getattr(importlib.import_module(module), aug.cls)
        return getattr(importlib.import_module(module), aug.cls)
    except ImportError as exc:
        raise RobustirError(f"nlpaug is not importable ({exc}): pip install 'robustir[compare]' (nlpaug>=1.1.11)") from None


class NlpaugAttack(Attack):
    """One nlpaug augmenter; subclasses set `aug` (see SUPPORTED)."""

    aug: _Aug
    citation = "Ma 2019, nlpaug (github.com/makcedward/nlpaug)"

    def __init__(self, **kwargs: Any) -> None:
        if package_dir("nlpaug") is None:
            raise RobustirError(f"{self.name} needs nlpaug: pip install 'robustir[compare]' (nlpaug>=1.1.11)")
        super().__init__(**kwargs)
        self._augs: dict[str, Any] = {}

    def _augmenter(self, lang: str) -> Any:
        if lang not in self._augs:
            kwargs = dict(self.config)
            if self.aug.resource_arg:
                from robustir.attacks import lexicons

                kwargs[self.aug.resource_arg] = str(lexicons.locate("nlpaug-res", self.aug.resource.format(lang=lang)))
            if self.aug.cls == "KeyboardAug":
                kwargs["lang"] = lang
            try:
                self._augs[lang] = _augmenter_class(self.aug)(**kwargs)
            except (ValueError, TypeError, AssertionError) as exc:
                raise RobustirError(f"{self.name}: nlpaug refused the parameters: {exc}") from None
        return self._augs[lang]

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        aug = self._augmenter(lang)
        seed = int(rng.integers(0, 2**32 - 1))
        py_state, np_state = random.getstate(), np.random.get_state()
        try:
            random.seed(seed)
            np.random.seed(seed)
            out = aug.augment(text)
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)
        result = out[0] if isinstance(out, list) and out else out if isinstance(out, str) else text
        if not isinstance(result, str) or not result.strip():
            result = text
        return Perturbation(text, result, token_edits(text, result), (self.aug.cls,) if result != text else ())


def _register_all() -> None:
    for name, aug in SUPPORTED.items():
        params = tuple(_param(aug.cls, n, d) for n, d in _signature(aug))
        cls = type(aug.cls, (NlpaugAttack,), {
            "aug": aug, "name": name, "description": aug.description, "languages": aug.languages,
            "params": params, "resource": "nlpaug-res" if aug.resource else None,
            "__module__": __name__, "__doc__": f"nlpaug's {aug.cls} as a robustir attack.",
        })
        attacks.add(name, cls)


_register_all()
