"""What real typos look like: edit-operation mix, keyboard distance and position, per language.

Real misspelling -> correction pairs come from three public lists (read through
`robustir.attacks.lexicons`, so ``--resources DIR`` / ``ROBUSTIR_RESOURCES`` / the cache apply):

- LibreOffice AutoCorrect (``libreoffice-autocorrect/acor_{locale}.dat``, MPL-2.0): de, en-US,
  en-GB, es, fr, it, pt-PT, pt-BR, ru-RU, tr-TR, vi-VN. The zip's ``DocumentList.xml`` holds
  ``abbreviated-name`` (the typo) -> ``name`` (the correction); without a local copy the same
  file is read from LibreOffice core (``{locale}/DocumentList.xml``).
- nlpaug's English misspelling list (``nlpaug-res/word/spelling/spelling_en.txt``, MIT):
  "correct misspelling misspelling ...".
- the Thai typo lists of LibreOffice's th_TH dictionary
  (``libreoffice-thesauri/th_TH/typos-{common,key,sara-am,translit}.txt``, LGPL), same layout.

Pairs are NFC-normalised and lower-cased (str.lower, so ß stays ß); multi-word entries, entries with anything but letters
and combining marks (emoji shortcuts, symbols, wildcard patterns, apostrophes), and case-only
entries are dropped. Words are compared as extended grapheme clusters (`segment.graphemes`), so a
Thai tone mark or a Devanagari matra changes its cluster rather than counting as a letter. A pair
at optimal-string-alignment distance 1 is one edit, read as what the typist did to the correct
word: ``insert`` (an extra cluster), ``delete`` (a missing one), ``substitute`` or ``transpose``
(two adjacent clusters swapped). Each edit also gets a position (first / middle / last cluster
of the correct word) and a kind: for a substitution ``neighbour`` (the typed key is next to the
intended one on the language's layout, `robustir.text.keyboards`), ``diacritic`` (same base
letter, other marks) or ``other``; for an insertion ``double`` (a key hit twice), ``neighbour``
(a key next to an adjacent letter) or ``other``; for a deletion ``double`` (one of a doubled
letter lost) or ``other``.

The profiles are fitted on typing typos: AutoCorrect (and, for Thai, the th_TH lists). nlpaug's
English list is mostly spelling (cognitive) errors from a misspelling corpus; it is measured
apart as "en-spelling" (`PROFILE_LISTS`) and replayed by typo.real with the others (`LISTS`).
Each list is split in two halves by a stable hash of the pair; the mix is fitted (counts plus
one per operation) on the ``fit`` half and its total-variation distance to the ``held-out``
half is reported. `perf/typo_realism.py` writes the fitted profiles to the package data file
``typo_profiles.json`` beside this module; `real_mix(lang)` and `profile(lang)` read it.
"""
from __future__ import annotations

import html
import json
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from robustir._io import stable_hash
from robustir.attacks import lexicons
from robustir.errors import DataError, RobustirError
from robustir.text.keyboards import layout_neighbours
from robustir.text.segment import graphemes

__all__ = [
    "OPS", "POSITIONS", "LAYOUT_OF", "LISTS", "Edit", "classify", "osa_distance", "position_of",
    "PROFILE_LISTS", "read_autocorrect", "read_variants", "typo_pairs", "split_half", "measure", "mix_of", "tv",
    "fit_profiles", "profile", "real_mix", "default_mix", "held_out_tv", "PROFILE_FILE",
]

OPS = ("insert", "delete", "substitute", "transpose")
POSITIONS = ("first", "middle", "last")
# The keyboard each language is typed on (vi: Telex on a US layout).
LAYOUT_OF = {lang: lang for lang in ("ar", "de", "el", "en", "es", "fr", "hi", "it", "pt", "ru", "th", "tr")} | {"vi": "en"}
PROFILE_FILE = Path(__file__).with_name("typo_profiles.json")

_ACOR = "libreoffice-autocorrect"
_TH = tuple(("libreoffice-thesauri", f"th_TH/typos-{k}.txt") for k in ("common", "key", "sara-am", "translit"))
LISTS: dict[str, tuple[tuple[str, str], ...]] = {
    "de": ((_ACOR, "acor_de.dat"),),
    "en": ((_ACOR, "acor_en-US.dat"), (_ACOR, "acor_en-GB.dat"), ("nlpaug-res", "word/spelling/spelling_en.txt")),
    "es": ((_ACOR, "acor_es.dat"),),
    "fr": ((_ACOR, "acor_fr.dat"),),
    "it": ((_ACOR, "acor_it.dat"),),
    "pt": ((_ACOR, "acor_pt-PT.dat"), (_ACOR, "acor_pt-BR.dat")),
    "ru": ((_ACOR, "acor_ru-RU.dat"),),
    "th": _TH,
    "tr": ((_ACOR, "acor_tr-TR.dat"),),
    "vi": ((_ACOR, "acor_vi-VN.dat"),),
}

# The profiles are fitted on typing typos: for English the AutoCorrect lists only. nlpaug's list is
# mostly spelling (cognitive) errors from a misspelling corpus; it is measured apart as
# "en-spelling" and replayed by typo.real with the others.
PROFILE_LISTS: dict[str, tuple[tuple[str, str], ...]] = {lang: files for lang, files in LISTS.items() if lang != "en"} | {
    "en": LISTS["en"][:2], "en-spelling": LISTS["en"][2:]}

_BLOCK = re.compile(r"<block-list:block\s([^>]*?)/?>")
_ATTR = re.compile(r'block-list:([a-z-]+)="([^"]*)"')


# --- reading the lists ----------------------------------------------------------------------


def read_autocorrect(path: Path) -> list[tuple[str, str]]:
    """(typo, correction) entries of a LibreOffice AutoCorrect list (.dat zip or its DocumentList.xml)."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                text = zf.read("DocumentList.xml").decode("utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
    except (KeyError, OSError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise DataError(f"{path}: not a LibreOffice AutoCorrect list ({exc})") from exc
    out = []
    for block in _BLOCK.finditer(text):
        attrs = dict(_ATTR.findall(block.group(1)))
        if "abbreviated-name" in attrs and "name" in attrs:
            out.append((html.unescape(attrs["abbreviated-name"]), html.unescape(attrs["name"])))
    if not out:
        raise DataError(f"{path}: no AutoCorrect entries found")
    return out


def read_variants(path: Path) -> list[tuple[str, str]]:
    """(typo, correction) pairs of a "correct typo typo ..." list (nlpaug, th_TH typos)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            out.extend((typo, parts[0]) for typo in parts[1:])
    return out


def _word(text: str) -> bool:
    return len(text) >= 2 and all(unicodedata.category(c)[0] in "LM" for c in text)


def _clean(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Single-word, letters-only, not case-only pairs; NFC, lower-cased, deduplicated, sorted."""
    seen = set()
    for typo, right in pairs:
        typo = unicodedata.normalize("NFC", typo.strip()).lower()
        right = unicodedata.normalize("NFC", right.strip()).lower()
        if typo != right and _word(typo) and _word(right):
            seen.add((typo, right))
    return sorted(seen)


def _read(resource: str, path: str) -> list[tuple[str, str]]:
    if resource == _ACOR:
        if lexicons.available(resource, path):
            return read_autocorrect(lexicons.locate(resource, path, download=False))
        locale = path.removeprefix("acor_").removesuffix(".dat")
        return read_autocorrect(lexicons.locate(resource, f"{locale}/DocumentList.xml"))
    return read_variants(lexicons.locate(resource, path))


@lexicons.tracked_cache()
def _pairs_of(files: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    raw: list[tuple[str, str]] = []
    for resource, path in files:
        raw.extend(_read(resource, path))
    return tuple(_clean(raw))


def typo_pairs(lang: str, *, typing_only: bool = False) -> tuple[tuple[str, str], ...]:
    """Every usable (typo, correction) pair of `lang`'s real lists (see the module docstring);
    `typing_only`: the lists the profiles are fitted on (`PROFILE_LISTS`, also "en-spelling")."""
    table = PROFILE_LISTS if typing_only or lang not in LISTS else LISTS
    if lang not in table:
        raise RobustirError(f"no real typo list for language {lang!r} (lists exist for: {', '.join(sorted(LISTS))})")
    return _pairs_of(table[lang])


lexicons.on_clear(_pairs_of.cache_clear)


def split_half(pair: tuple[str, str]) -> str:
    """"fit" or "held-out": a stable hash of the pair decides (independent of list order)."""
    return "fit" if stable_hash(f"{pair[0]}\t{pair[1]}") % 2 == 0 else "held-out"


# --- classifying one edit -------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    op: str  # insert / delete / substitute / transpose
    position: str  # first / middle / last
    kind: str  # neighbour / diacritic / double / other ("" for transpose)


def position_of(index: int, length: int) -> str:
    """Where cluster `index` of a `length`-cluster word is (an insertion may use index == length)."""
    if index <= 0:
        return "first"
    return "last" if index >= length - 1 else "middle"


@lru_cache(maxsize=None)
def _near(layout: str) -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = {}
    for key, near in layout_neighbours(layout).items():
        table[key.lower()] = table.get(key.lower(), frozenset()) | frozenset(c.lower() for c in near)
    return table


def _base(cluster: str) -> str:
    return unicodedata.normalize("NFD", cluster)[0]


def _adjacent(a: str, b: str, layout: str) -> bool:
    """Keys of clusters a and b are neighbours (comparing the code points they differ in)."""
    near = _near(layout)
    if len(a) == len(b) and len(a) > 1:
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        if len(diff) == 1:
            a, b = diff[0]
    return b in near.get(a, ()) or _base(b) in near.get(_base(a), ())


def _sub_kind(right: str, typed: str, layout: str) -> str:
    if _adjacent(right, typed, layout):
        return "neighbour"
    return "diacritic" if _base(right) == _base(typed) else "other"


def classify(right: str, typo: str, layout: str) -> Edit | None:
    """The single edit turning `right` into `typo` (grapheme clusters), or None if not one edit."""
    a, b = graphemes(right), graphemes(typo)
    if a == b:
        return None
    n, m = len(a), len(b)
    i = 0
    while i < min(n, m) and a[i] == b[i]:
        i += 1
    if m == n + 1 and a[i:] == b[i + 1 :]:
        x = b[i]
        sides = [c for c in (b[i - 1] if i > 0 else None, b[i + 1] if i + 1 < m else None) if c]
        kind = "double" if x in sides else ("neighbour" if any(_adjacent(s, x, layout) for s in sides) else "other")
        return Edit("insert", position_of(i, n + 1), kind)
    if m == n - 1 and a[i + 1 :] == b[i:]:
        kind = "double" if (i > 0 and a[i - 1] == a[i]) or (i + 1 < n and a[i + 1] == a[i]) else "other"
        return Edit("delete", position_of(i, n), kind)
    if m == n and a[i + 1 :] == b[i + 1 :]:
        return Edit("substitute", position_of(i, n), _sub_kind(a[i], b[i], layout))
    if m == n and i + 1 < n and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]:
        return Edit("transpose", "first" if i == 0 else ("last" if i + 2 >= n else "middle"), "")
    return None


def osa_distance(a: list[str] | str, b: list[str] | str) -> int:
    """Optimal string alignment distance (insert, delete, substitute, adjacent transpose), from
    rapidfuzz (the edit operations themselves come from robustir.attacks.audit.align)."""
    from rapidfuzz.distance import OSA

    return int(OSA.distance(a, b))


# --- measuring and fitting ------------------------------------------------------------------


def mix_of(counts: Mapping[str, float], keys: tuple[str, ...] = OPS, *, smooth: float = 0.0) -> dict[str, float]:
    """Proportions over `keys` (optionally add `smooth` to every count)."""
    total = sum(counts.get(k, 0) + smooth for k in keys)
    if total <= 0:
        return {k: 1.0 / len(keys) for k in keys}
    return {k: (counts.get(k, 0) + smooth) / total for k in keys}


def tv(p: Mapping[str, float], q: Mapping[str, float]) -> float:
    """Total-variation distance between two distributions over the same keys."""
    keys = set(p) | set(q)
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in keys)


def measure(pairs: Iterable[tuple[str, str]], layout: str) -> dict:
    """Counts over single-edit pairs: ops, positions per op, kinds per op, edits-per-word histogram."""
    ops: Counter[str] = Counter()
    pos: dict[str, Counter[str]] = {op: Counter() for op in OPS}
    kinds: dict[str, Counter[str]] = {op: Counter() for op in OPS}
    dist: Counter[str] = Counter()
    for typo, right in pairs:
        edit = classify(right, typo, layout)
        if edit is None:
            d = osa_distance(graphemes(right), graphemes(typo))
            dist["1" if d == 1 else ("2" if d == 2 else "3+")] += 1  # d == 1 only if ambiguous
            continue
        dist["1"] += 1
        ops[edit.op] += 1
        pos[edit.op][edit.position] += 1
        if edit.kind:
            kinds[edit.op][edit.kind] += 1
    return {"ops": dict(ops), "positions": {k: dict(v) for k, v in pos.items()},
            "kinds": {k: dict(v) for k, v in kinds.items() if v}, "edits_per_word": dict(dist)}


def _profile_of(counts: dict) -> dict:
    """Fitted (smoothed) probabilities from `measure` counts."""
    return {
        "mix": mix_of(counts["ops"], smooth=1.0),
        "positions": {op: mix_of(counts["positions"][op], POSITIONS, smooth=1.0) for op in OPS},
        "insert_kinds": mix_of(counts["kinds"].get("insert", {}), ("double", "neighbour"), smooth=1.0),
        "substitute_neighbour_share": mix_of(counts["kinds"].get("substitute", {}), ("neighbour", "diacritic", "other"))["neighbour"],
    }


def fit_profiles() -> dict:
    """Measure every listed language (fit and held-out halves) and the pooled default."""
    langs: dict[str, dict] = {}
    pooled: Counter[str] = Counter()
    pooled_pos = {op: Counter() for op in OPS}
    pooled_ins: Counter[str] = Counter()
    for lang in sorted(PROFILE_LISTS):
        pairs = typo_pairs(lang, typing_only=True)
        layout = LAYOUT_OF[lang.split("-")[0]]
        fit = [p for p in pairs if split_half(p) == "fit"]
        held = [p for p in pairs if split_half(p) == "held-out"]
        fc, hc, allc = measure(fit, layout), measure(held, layout), measure(pairs, layout)
        prof = _profile_of(fc)
        held_mix = mix_of(hc["ops"])
        prof.update(pairs=len(pairs), single_edit={"fit": sum(fc["ops"].values()), "held_out": sum(hc["ops"].values())},
                    held_out_mix=held_mix, held_out_tv=tv(prof["mix"], held_mix), counts=allc)
        langs[lang] = prof
        if lang not in LISTS:
            continue  # en-spelling: reported, not pooled
        for op in OPS:
            pooled_pos[op].update(fc["positions"][op])
        pooled.update({op: mix for op, mix in prof["mix"].items()})  # languages weigh equally
        pooled_ins.update(fc["kinds"].get("insert", {}))
    default = {"mix": mix_of(pooled),
               "positions": {op: mix_of(pooled_pos[op], POSITIONS, smooth=1.0) for op in OPS},
               "insert_kinds": mix_of(pooled_ins, ("double", "neighbour"), smooth=1.0),
               "from": sorted(LISTS)}
    return {"format": "robustir.typo_profiles/1", "languages": langs, "default": default}


@lru_cache(maxsize=1)
def _shipped() -> dict:
    try:
        return json.loads(PROFILE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{PROFILE_FILE}: cannot read the typo profiles ({exc}); run perf/typo_realism.py --write") from exc


def profile(lang: str) -> dict | None:
    """The shipped fitted profile of `lang` (mix, positions, insert kinds), None without a real list."""
    return _shipped()["languages"].get(lang)


def real_mix(lang: str) -> dict[str, float] | None:
    """The fitted edit-operation mix of `lang`'s real typos, None when no real list exists."""
    prof = profile(lang)
    return dict(prof["mix"]) if prof else None


def default_mix() -> dict:
    """The profile used for languages without a real list: every listed language weighed equally."""
    return _shipped()["default"]


def held_out_tv(mix: Mapping[str, float], lang: str) -> float:
    """TV distance between `mix` and the operation mix of the held-out half of `lang`'s list."""
    held = [p for p in typo_pairs(lang, typing_only=True) if split_half(p) == "held-out"]
    return tv(mix, mix_of(measure(held, LAYOUT_OF[lang.split("-")[0]])["ops"]))
