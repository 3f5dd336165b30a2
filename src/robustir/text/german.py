"""German noun morphology for word swaps: lemma, gender and case/number of a noun form, and a
lemma's form in given cells, from the Wiktionary noun table of the `german-nouns` package
(CC BY-SA 4.0; ~100k nouns with their declension).

A German noun swapped for a synonym must keep the article's agreement (seiner Karriere ->
seiner Laufbahn, never *seiner Werdegang) and the inflection of the word it replaces (zwei
Karrieren -> zwei Laufbahnen). `analyse` gives the lemma, gender and the declension cells a form can
fill; `inflect` gives another lemma's form for those cells, or None when the cells disagree.

    >>> analyse("Spiels")  # doctest: +SKIP
    NounForm(lemma='Spiel', genus='n', cells=frozenset({'genitiv singular'}))
    >>> inflect("Partie", frozenset({"dativ plural"}))  # doctest: +SKIP
    'Partien'
    >>> analyse("Spielen") is None  # doctest: +SKIP (dative plural of Spiel, and das Spielen)
    True
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from robustir.errors import RobustirError

__all__ = ["NounForm", "analyse", "genus", "inflect"]

CASES = ("nominativ", "genitiv", "dativ", "akkusativ")
NUMBERS = ("singular", "plural")
CELLS = tuple(f"{c} {n}" for c in CASES for n in NUMBERS)


@dataclass(frozen=True)
class NounForm:
    lemma: str
    genus: str  # m, f or n
    cells: frozenset[str]  # the declension cells this form fills ("dativ plural", ...)


@dataclass(frozen=True)
class _Table:
    forms: dict[str, tuple[tuple[str, frozenset[str]], ...]]  # form -> ((lemma, cells), ...)
    lemmas: dict[str, tuple[str, dict[str, str]]]  # lemma -> (genus, cell -> main form)


def _cell(column: str) -> tuple[str, bool] | None:
    """'dativ plural 2' -> ('dativ plural', False); 'dativ plural' -> ('dativ plural', True)."""
    for cell in CELLS:
        if column == cell:
            return cell, True
        if column.startswith(cell) and column[len(cell):len(cell) + 1] in (" ", "*"):
            return cell, False
    return None


@lru_cache(maxsize=1)
def _table() -> _Table:
    try:
        from german_nouns.config import CSV_FILE_PATH
    except ImportError as exc:
        raise RobustirError(
            "German noun inflection needs the german-nouns package: pip install 'robustir[segment]'"
        ) from exc
    forms: dict[str, dict[str, set[str]]] = {}
    lemmas: dict[str, tuple[str, dict[str, str]]] = {}
    with open(CSV_FILE_PATH, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        cols = [(i, c) for i, c in enumerate(map(_cell, header)) if c is not None]
        at = {name: i for i, name in enumerate(header)}
        for row in rows:
            # Plain nouns of one gender (no proper names, affixes, or nouns of several genders).
            if row[at["pos"]] != "Substantiv" or row[at["genus"]] not in ("m", "f", "n") or row[at["genus 1"]]:
                continue
            lemma, main = row[at["lemma"]], {}
            if not lemma or lemma in lemmas:
                continue
            for i, (cell, is_main) in cols:
                form = row[i].strip() if i < len(row) else ""
                if not form or " " in form:
                    continue
                forms.setdefault(form, {}).setdefault(lemma, set()).add(cell)
                if is_main:
                    main.setdefault(cell, form)
            lemmas[lemma] = (row[at["genus"]], main)
    return _Table(
        {f: tuple((lem, frozenset(c)) for lem, c in by.items()) for f, by in forms.items()}, lemmas
    )


def analyse(form: str) -> NounForm | None:
    """The noun behind `form` (case-sensitive: German nouns are capitalised), or None when the
    form is not a listed noun or belongs to several lemmas."""
    found = _table().forms.get(form, ())
    if len(found) != 1:
        return None
    lemma, cells = found[0]
    return NounForm(lemma, _table().lemmas[lemma][0], cells)


def genus(lemma: str) -> str | None:
    """m, f or n for a listed noun lemma of one gender, else None."""
    entry = _table().lemmas.get(lemma)
    return entry[0] if entry else None


def inflect(lemma: str, cells: frozenset[str]) -> str | None:
    """The form of `lemma` filling every cell of `cells`, or None when the lemma is unlisted,
    lacks one of the cells, or has different forms for them."""
    entry = _table().lemmas.get(lemma)
    if entry is None or not cells:
        return None
    got = {entry[1].get(c) for c in cells}
    return got.pop() if len(got) == 1 and None not in got else None
