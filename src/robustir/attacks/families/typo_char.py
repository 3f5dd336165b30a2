"""`typo.char`: insert, delete, substitute or transpose characters inside words, script-aware.

Words come from `segment.tokenize` (real segmenters for th/zh/ja) and are edited as
sequences of extended grapheme clusters, so a Devanagari conjunct with its matras, a Thai
consonant with its vowel and tone marks, or a Hangul syllable is never split: a deletion
removes a whole cluster, a transposition swaps two clusters. Inserted and substituted
characters come from the script of the cluster they touch (a letter of the language's
keyboard alphabet; frequent hanzi, kanji, kana or Hangul syllables from GB2312 / JIS X 0208 /
KS X 1001 level 1), keeping the case of the replaced letter. Digits are never edited.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np

from robustir.attacks.base import STRENGTH_PARAMS, Attack, Param, edit_budget, register
from robustir.text.segment import graphemes, tokenize
from robustir.text.keyboards import layout_rows
from robustir.errors import RobustirError
from robustir.languages import LANGUAGES
from robustir.types import Perturbation

__all__ = ["CharTypo", "OPS", "alphabet_for"]

OPS = ("insert", "delete", "substitute", "transpose")
_LATIN_LANGS = frozenset({"de", "en", "es", "fr", "it", "pt", "tr"})
_SCRIPT_LAYOUT = {"CYRILLIC": "ru", "GREEK": "el", "ARABIC": "ar", "DEVANAGARI": "hi", "THAI": "th"}


def _level1(encoding: str, first: int, last: int) -> tuple[str, ...]:
    out = []
    for hi in range(first, last + 1):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode(encoding))
            except UnicodeDecodeError:
                continue
    return tuple(out)


def _standalone(ch: str) -> bool:
    """A letter that forms its own grapheme cluster beside a base letter on either side, so
    inserting it never merges with its neighbours (excludes Thai ำ, matras, combining marks)."""
    probe = "a" if ch.isascii() else ch
    return len(graphemes(probe + ch)) == 2 and len(graphemes(ch + probe)) == 2


@lru_cache(maxsize=None)
def _layout_letters(layout: str) -> tuple[str, ...]:
    rows = layout_rows(layout)
    letters = [base for keys in rows.values() for base, _ in keys if base and unicodedata.category(base) in ("Ll", "Lo")]
    return tuple(c for c in dict.fromkeys(letters) if _standalone(c))


@lru_cache(maxsize=None)
def _alphabet(script: str, lang: str) -> tuple[str, ...]:
    if script == "LATIN":
        return _layout_letters(lang if lang in _LATIN_LANGS else "en")
    if script in _SCRIPT_LAYOUT:
        return _layout_letters(_SCRIPT_LAYOUT[script])
    if script == "HIRAGANA":
        return tuple(chr(c) for c in range(0x3042, 0x3094) if unicodedata.name(chr(c), "").find("SMALL") < 0)
    if script == "KATAKANA":
        return tuple(chr(c) for c in range(0x30A2, 0x30F4) if unicodedata.name(chr(c), "").find("SMALL") < 0)
    if script == "HANGUL":
        return _level1("euc_kr", 0xB0, 0xC8)
    if script == "CJK":
        return _level1("euc_jp", 0xB0, 0xCF) if lang == "ja" else _level1("gb2312", 0xB0, 0xD7)
    return ()


def _script(cluster: str) -> str:
    ch = cluster[0]
    if not unicodedata.category(ch).startswith("L"):
        return ""
    return unicodedata.name(ch, "").split(" ")[0]


def alphabet_for(cluster: str, lang: str) -> tuple[str, ...]:
    """Letters of the same script as `cluster`, to insert or substitute (empty: leave it)."""
    return _alphabet(_script(cluster), lang)


def _match_case(new: str, old: str) -> str:
    return new.upper() if old[:1].isupper() and len(new.upper()) == 1 else new


@register("typo.char")
class CharTypo(Attack):
    description = "insert/delete/substitute/transpose grapheme clusters inside words (same-script letters)"
    languages = frozenset(LANGUAGES)
    params = STRENGTH_PARAMS + (
        Param("ops", str, "insert,delete,substitute,transpose", "comma-separated subset of the four operations"),
    )
    citation = "Character-level noise as in TextAttack's CharSwap and Penha et al. (ECIR 2022)."

    def check_config(self) -> None:
        super().check_config()
        ops = [o.strip() for o in self.config["ops"].split(",") if o.strip()]
        bad = [o for o in ops if o not in OPS]
        if bad or not ops:
            raise RobustirError(f"typo.char: ops={self.config['ops']!r}; accepted: a comma-separated subset of {', '.join(OPS)}")
        self.config["ops"] = ",".join(o for o in OPS if o in ops)  # canonical order
        self._ops = tuple(o for o in OPS if o in ops)

    def _edit(self, word: str, lang: str, rng: np.random.Generator) -> str | None:
        cl = graphemes(word)
        letters = [i for i, c in enumerate(cl) if alphabet_for(c, lang)]
        if not letters:
            return None
        options = []
        for op in self._ops:
            if op == "delete" and len(cl) >= 2:
                options.append(op)
            elif op == "transpose" and any(cl[i] != cl[i + 1] for i in range(len(cl) - 1)):
                options.append(op)
            elif op in ("insert", "substitute"):
                options.append(op)
        if not options:
            return None
        op = options[int(rng.integers(len(options)))]
        if op == "delete":
            i = letters[int(rng.integers(len(letters)))]
            return "".join(cl[:i] + cl[i + 1 :])
        if op == "transpose":
            pairs = [i for i in range(len(cl) - 1) if cl[i] != cl[i + 1]]
            i = pairs[int(rng.integers(len(pairs)))]
            return "".join(cl[:i] + [cl[i + 1], cl[i]] + cl[i + 2 :])
        i = letters[int(rng.integers(len(letters)))]
        pool = alphabet_for(cl[i], lang)
        new = pool[int(rng.integers(len(pool)))]
        if op == "insert":
            at = i + int(rng.integers(2))  # before or after the chosen letter
            return "".join(cl[:at] + [new] + cl[at:])
        if new in (cl[i], cl[i].lower()):
            new = pool[(pool.index(new) + 1) % len(pool)]
        return "".join(cl[:i] + [_match_case(new, cl[i])] + cl[i + 1 :])

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        tokens = tokenize(text, lang)
        words = [t for t in tokens if t.is_word]
        eligible = [t for t in words if any(alphabet_for(c, lang) for c in graphemes(t.text))]
        cfg = self.config
        n = edit_budget(len(words), rate=cfg["rate"], min_edits=cfg["min_edits"], max_edits=cfg["max_edits"], rng=rng)
        n = min(n, len(eligible))
        if n == 0:
            return Perturbation(text, text, 0)
        chosen = sorted((int(k) for k in rng.choice(len(eligible), size=n, replace=False)), key=lambda k: eligible[k].start)
        pieces, pos, edits = [], 0, 0
        for k in chosen:
            tok = eligible[k]
            new = self._edit(tok.text, lang, rng)
            if new is None or new == tok.text:
                continue
            pieces += [text[pos : tok.start], new]
            pos = tok.end
            edits += 1
        pieces.append(text[pos:])
        result = "".join(pieces)
        if result == text or not result.strip():
            return Perturbation(text, text, 0)
        return Perturbation(text, result, edits, ("char",) * edits)
