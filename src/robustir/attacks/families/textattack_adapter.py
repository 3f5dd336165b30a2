"""TextAttack transformations as robustir attacks: ``textattack.WordSwapQWERTY(pct_words_to_swap=0.2)``.

Each supported transformation is TextAttack 0.3.11's own class (loaded by `_textattack_import`,
which explains how it runs beside transformers 5) applied the way TextAttack's `Augmenter`
applies it with ``transformations_per_example=1``: ``max(int(pct_words_to_swap * #words), 1)``
words are transformed one after another, each step choosing uniformly among the candidate
texts the transformation returns, never touching a word twice (TextAttack's
RepeatModification) and skipping stopwords (its StopwordModification, with robustir's stopword
list of the query's language instead of NLTK's English one). ``textattack.CharSwapAugmenter``
is TextAttack's recipe of the same name: the composite of neighbouring-character swap and random
character substitution, deletion and insertion.

Parameters: ``pct_words_to_swap`` (the Augmenter's) plus the transformation's own keyword
arguments (``random_one``, ``skip_first_char``, ``skip_last_char``), as in its signature.
TextAttack draws from the global `random` and `numpy.random` generators; the adapter seeds both
from the query's own RNG around each call and restores them after, so output is deterministic
per (seed, spec, query id) whatever the order.

Languages: WordSwapQWERTY English (its map is the US QWERTY layout); the insertion and
substitution transformations and the homoglyph swap the Latin-script languages (they draw
ASCII letters, or map ASCII letters to look-alikes); neighbour swap and deletion also Russian
and Greek (TextAttack's tokenizer cuts Devanagari, Thai and Arabic words at their combining
marks, and treats a whole unspaced Chinese/Japanese/Thai query as one word).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import numpy as np

from robustir.attacks.base import Attack, Param, attacks
from robustir.attacks.families._edit_sites import token_edits
from robustir.attacks.families._textattack_import import VERSION, load_transformations
from robustir.errors import RobustirError
from robustir.languages import LANGUAGES
from robustir.text.segment import is_stopword
from robustir.types import Perturbation

__all__ = ["SUPPORTED", "TextAttackAttack"]

_LATIN = frozenset(code for code, (_, script) in LANGUAGES.items() if script == "Latn")
_WS = "textattack.transformations.word_swaps."
_SKIPS = (("skip_first_char", False), ("skip_last_char", False))


@dataclass(frozen=True)
class _Transform:
    parts: tuple[tuple[str, str], ...]  # (module, class) of each transformation (several: composite)
    kwargs: tuple[tuple[str, Any], ...]  # the transformation's own keyword arguments and defaults
    languages: frozenset[str]
    description: str


def _one(mod: str, cls: str, kwargs: tuple[tuple[str, Any], ...], langs: frozenset[str], what: str) -> _Transform:
    return _Transform(((_WS + mod, cls),), kwargs, langs, f"TextAttack {cls}: {what}")


SUPPORTED: dict[str, _Transform] = {
    "textattack.WordSwapQWERTY": _one("word_swap_qwerty", "WordSwapQWERTY", (("random_one", True), *_SKIPS), frozenset({"en"}), "QWERTY-neighbour key typos"),
    "textattack.WordSwapNeighboringCharacterSwap": _one("word_swap_neighboring_character_swap", "WordSwapNeighboringCharacterSwap",
                                                        (("random_one", True), *_SKIPS), _LATIN | {"ru", "el"}, "swap two adjacent letters"),
    "textattack.WordSwapRandomCharacterDeletion": _one("word_swap_random_character_deletion", "WordSwapRandomCharacterDeletion",
                                                       (("random_one", True), *_SKIPS), _LATIN | {"ru", "el"}, "delete a letter"),
    "textattack.WordSwapRandomCharacterInsertion": _one("word_swap_random_character_insertion", "WordSwapRandomCharacterInsertion",
                                                        (("random_one", True), *_SKIPS), _LATIN, "insert a random letter"),
    "textattack.WordSwapRandomCharacterSubstitution": _one("word_swap_random_character_substitution", "WordSwapRandomCharacterSubstitution",
                                                           (("random_one", True),), _LATIN, "substitute a random letter"),
    "textattack.WordSwapHomoglyphSwap": _one("word_swap_homoglyph_swap", "WordSwapHomoglyphSwap", (("random_one", False),), _LATIN,
                                             "replace a character by a homoglyph (Boucher et al. 2021)"),
    "textattack.CharSwapAugmenter": _Transform(
        tuple((_WS + m, c) for m, c in (("word_swap_neighboring_character_swap", "WordSwapNeighboringCharacterSwap"),
                                         ("word_swap_random_character_substitution", "WordSwapRandomCharacterSubstitution"),
                                         ("word_swap_random_character_deletion", "WordSwapRandomCharacterDeletion"),
                                         ("word_swap_random_character_insertion", "WordSwapRandomCharacterInsertion"))),
        (), _LATIN, "TextAttack's CharSwapAugmenter recipe: swap, substitute, delete or insert a letter"),
}


def _construct(cls: type, kwargs: dict[str, Any]) -> Any:
    """``cls(**kwargs)``; WordSwapHomoglyphSwap's ``__init__`` opens
    ``textattack/shared/intentional_homoglyphs.txt``, which the 0.3.11 wheel does not ship, after
    it has set everything `_get_replacement_words` uses: the table it would read only feeds the
    differential-evolution search, which robustir does not use, so it is left empty."""
    obj = cls.__new__(cls)
    try:
        obj.__init__(**kwargs)
    except FileNotFoundError:
        if cls.__name__ != "WordSwapHomoglyphSwap" or not hasattr(obj, "homos"):
            raise
        obj.homos_intentional = {}
    return obj


class TextAttackAttack(Attack):
    """One TextAttack transformation (or recipe); subclasses set `transform`."""

    transform: _Transform
    citation = f"Morris et al. 2020, TextAttack (EMNLP demos); textattack=={VERSION}"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._built: Any = None

    def _transformation(self) -> tuple[Any, Any]:
        """(transformation, AttackedText), loading TextAttack on first use."""
        if self._built is None:
            mods = load_transformations(tuple(sorted({m for m, _ in self.transform.parts})))
            own = {k: self.config[k] for k, _ in self.transform.kwargs}
            parts = [_construct(getattr(mods[m], c), own) for m, c in self.transform.parts]
            if len(parts) == 1:
                transformation = parts[0]
            else:
                comp = load_transformations(("textattack.transformations.composite_transformation",))
                transformation = comp["textattack.transformations.composite_transformation"].CompositeTransformation(parts)
            self._built = (transformation, mods["textattack.shared.attacked_text"].AttackedText)
        return self._built

    def _augment(self, text: str, lang: str) -> str:
        transformation, attacked_text = self._transformation()
        current = attacked_text(text)
        n_words = len(current.words)
        if n_words == 0:
            return text
        budget = max(int(self.config["pct_words_to_swap"] * n_words), 1)
        swapped = 0
        while swapped < budget:
            done = current.attack_attrs["modified_indices"]
            allowed = {i for i, w in enumerate(current.words) if i not in done and not is_stopword(w, lang)}
            candidates = transformation(current, indices_to_modify=allowed) if allowed else []
            if not candidates:
                break
            current = random.choice(candidates)
            swapped = max(len(current.attack_attrs["modified_indices"]), swapped + 1)
        return current.printable_text()

    def is_noop(self) -> bool:
        return self.config["pct_words_to_swap"] == 0

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        seed = int(rng.integers(0, 2**32 - 1))
        py_state, np_state = random.getstate(), np.random.get_state()
        try:
            random.seed(seed)
            np.random.seed(seed)
            result = self._augment(text, lang)
        except (ValueError, IndexError, KeyError) as exc:
            raise RobustirError(f"{self.name}: TextAttack failed on {text[:40]!r}: {exc}") from None
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)
        if not result.strip():
            result = text
        return Perturbation(text, result, token_edits(text, result), (self.name,) if result != text else ())


def _register_all() -> None:
    for name, tr in SUPPORTED.items():
        params = (Param("pct_words_to_swap", float, 0.1, "share of words transformed (TextAttack's Augmenter)", 0.0, 1.0),
                  *(Param(k, type(v), v, f"TextAttack {name.split('.', 1)[1]} {k}") for k, v in tr.kwargs))
        cls = type(name.split(".", 1)[1], (TextAttackAttack,), {
            "transform": tr, "name": name, "description": tr.description, "languages": tr.languages,
            "params": params, "__module__": __name__, "__doc__": f"TextAttack's {name.split('.', 1)[1]} as a robustir attack.",
        })
        attacks.add(name, cls)


_register_all()
