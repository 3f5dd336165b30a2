"""Slips of input-method scripts, used by `typo.keyboard` for Chinese, Japanese and Korean.

- Chinese (pinyin IME): a character replaced by a homophone (same toneless pinyin) or, with
  `near`, a near-pinyin one (the IME fuzzy pairs z/zh c/ch s/sh n/l an/ang en/eng in/ing).
  Readings come from pypinyin; candidates are the 3,755 level-1 (most frequent) GB2312 hanzi.
- Japanese (romaji IME): a kana's romaji has one key swapped for an adjacent QWERTY key and is
  converted back the way an IME converts it (か ka -> ma ま, ja じゃ ...); only slips that give
  valid kana are used. Katakana stays katakana.
- Korean (Dubeolsik): a syllable is decomposed into jamo (Unicode arithmetic), one jamo's key
  is swapped for an adjacent key on the Dubeolsik layout, and the jamo are recomposed; only
  slips that still form a valid syllable are used.
"""
from __future__ import annotations

from functools import lru_cache

from robustir.text.keyboards import qwerty_neighbours

__all__ = ["hangul_compose", "hangul_decompose", "ja_candidates", "ko_candidates", "qwerty_neighbours", "zh_candidates"]


# --- Chinese -------------------------------------------------------------------------------

_FUZZY = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINAL = (("ang", "an"), ("eng", "en"), ("ing", "in"))


@lru_cache(maxsize=1)
def _zh_reading_map() -> dict[str, tuple[str, ...]]:
    from pypinyin import Style, lazy_pinyin

    chars = []
    for hi in range(0xB0, 0xD8):  # GB2312 level 1: rows 16-55
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    readings: dict[str, list[str]] = {}
    for ch, r in zip(chars, lazy_pinyin(chars, style=Style.NORMAL, errors=lambda x: [""] * len(x))):
        if r:
            readings.setdefault(r, []).append(ch)
    return {r: tuple(cs) for r, cs in readings.items()}


def _near_readings(r: str) -> set[str]:
    out = set()
    for a, b in _FUZZY:
        if r.startswith(a):
            out.add(b + r[len(a):])
        elif r.startswith(b) and not r.startswith(a):
            out.add(a + r[len(b):])
    if r.startswith("n"):
        out.add("l" + r[1:])
    elif r.startswith("l"):
        out.add("n" + r[1:])
    for a, b in _FUZZY_FINAL:
        if r.endswith(a):
            out.add(r[: -len(a)] + b)
        elif r.endswith(b):
            out.add(r[: -len(b)] + a)
    return out


@lru_cache(maxsize=65536)
def zh_candidates(ch: str, near: bool = True) -> tuple[str, ...]:
    """Characters an IME user may pick instead of `ch`: homophones, then near-pinyin ones."""
    if not ("\u4e00" <= ch <= "\u9fff"):
        return ()
    from pypinyin import Style, lazy_pinyin

    reading = lazy_pinyin(ch, style=Style.NORMAL, errors=lambda x: [""] * len(x))[0]
    if not reading:
        return ()
    table = _zh_reading_map()
    out = [c for c in table.get(reading, ()) if c != ch]
    if near:
        for r in sorted(_near_readings(reading)):
            out += [c for c in table.get(r, ()) if c != ch]
    return tuple(dict.fromkeys(out))


# --- Japanese ------------------------------------------------------------------------------

_ROWS = {
    "": "aiueo", "k": "かきくけこ", "s": "さしすせそ", "t": "たちつてと", "n": "なにぬねの", "h": "はひふへほ",
    "m": "まみむめも", "r": "らりるれろ", "g": "がぎぐげご", "z": "ざじずぜぞ", "d": "だぢづでど",
    "b": "ばびぶべぼ", "p": "ぱぴぷぺぽ",
}
_SPECIAL = {"し": "shi", "ち": "chi", "つ": "tsu", "ふ": "fu", "じ": "ji", "ぢ": "di", "づ": "du",
            "や": "ya", "ゆ": "yu", "よ": "yo", "わ": "wa", "を": "wo", "ん": "nn"}


@lru_cache(maxsize=1)
def _kana_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(kana -> romaji typed, romaji -> kana as an IME converts it)."""
    to_romaji: dict[str, str] = {}
    for cons, kana in _ROWS.items():
        if not cons:
            for v, k in zip("aiueo", "あいうえお"):
                to_romaji[k] = v
            continue
        for v, k in zip("aiueo", kana):
            to_romaji[k] = cons + v
    to_romaji.update(_SPECIAL)
    to_kana = {r: k for k, r in to_romaji.items() if k != "ん"}
    to_kana.update({"si": "し", "ti": "ち", "tu": "つ", "hu": "ふ", "zi": "じ", "nn": "ん", "xn": "ん",
                    "fa": "ふぁ", "fi": "ふぃ", "fe": "ふぇ", "fo": "ふぉ", "wi": "うぃ", "we": "うぇ", "ye": "いぇ",
                    "ja": "じゃ", "ju": "じゅ", "jo": "じょ", "je": "じぇ", "sha": "しゃ", "shu": "しゅ", "sho": "しょ",
                    "cha": "ちゃ", "chu": "ちゅ", "cho": "ちょ", "va": "ゔぁ", "vi": "ゔぃ", "vu": "ゔ", "ve": "ゔぇ", "vo": "ゔぉ"})
    for v, k in zip("aiueo", "ぁぃぅぇぉ"):
        to_kana["l" + v] = k
        to_kana["x" + v] = k
    for cons, row in (("k", "き"), ("g", "ぎ"), ("n", "に"), ("h", "ひ"), ("b", "び"), ("p", "ぴ"), ("m", "み"), ("r", "り")):
        for v, small in zip("auo", "ゃゅょ"):
            to_kana[cons + "y" + v] = row + small
    return to_romaji, to_kana


def romaji_to_kana(text: str) -> str | None:
    """Greedy IME conversion of a short romaji string; None if something is left unconverted."""
    _, table = _kana_tables()
    out, i = [], 0
    while i < len(text):
        if i + 1 < len(text) and text[i] == text[i + 1] and text[i] not in "aiueon":
            out.append("っ")
            i += 1
            continue
        for n in (3, 2, 1):
            piece = text[i : i + n]
            if piece in table:
                out.append(table[piece])
                i += n
                break
        else:
            if text[i] == "n" and i + 1 < len(text) and text[i + 1] not in "aiueoy":
                out.append("ん")
                i += 1
                continue
            return None
    return "".join(out)


@lru_cache(maxsize=4096)
def ja_candidates(ch: str) -> tuple[str, ...]:
    """Kana an IME produces when one romaji key of `ch` slips to an adjacent key."""
    kata = "\u30a1" <= ch <= "\u30f6"
    hira = chr(ord(ch) - 0x60) if kata else ch
    to_romaji, _ = _kana_tables()
    romaji = to_romaji.get(hira)
    if romaji is None:
        return ()
    out = []
    for j, key in enumerate(romaji):
        for near in qwerty_neighbours(key):
            if not near.isalpha():
                continue
            kana = romaji_to_kana(romaji[:j] + near + romaji[j + 1 :])
            if kana and kana != hira:
                out.append("".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in kana) if kata else kana)
    return tuple(dict.fromkeys(out))


# --- Korean --------------------------------------------------------------------------------

_L = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_V = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_T = ["", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ", "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ"]
_DUBEOLSIK = dict(zip("qwertyuiopasdfghjklzxcvbnm", "ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔㅁㄴㅇㄹㅎㅗㅓㅏㅣㅋㅌㅊㅍㅠㅜㅡ"))
_DUBEOLSIK_SHIFT = {"q": "ㅃ", "w": "ㅉ", "e": "ㄸ", "r": "ㄲ", "t": "ㅆ", "o": "ㅒ", "p": "ㅖ"}
_COMPOUND_V = {"ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ", "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ"}
_COMPOUND_T = {"ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ", "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ"}
_KEY_OF = {j: (k, False) for k, j in _DUBEOLSIK.items()} | {j: (k, True) for k, j in _DUBEOLSIK_SHIFT.items()}


def hangul_decompose(syllable: str) -> tuple[str, str, str] | None:
    """'한' -> ('ㅎ', 'ㅏ', 'ㄴ'); None for anything that is not a precomposed syllable."""
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:
        return None
    return _L[code // 588], _V[(code % 588) // 28], _T[code % 28]


def hangul_compose(lead: str, vowel: str, tail: str = "") -> str | None:
    """('ㅎ', 'ㅏ', 'ㄴ') -> '한'; None when the jamo cannot form a syllable."""
    if lead not in _L or vowel not in _V or tail not in _T:
        return None
    return chr(0xAC00 + (_L.index(lead) * 21 + _V.index(vowel)) * 28 + _T.index(tail))


def _keys(jamo: str, compounds: dict[str, str]) -> list[str]:
    return list(compounds.get(jamo, jamo)) if jamo else []


def _join(parts: list[str], compounds: dict[str, str]) -> str | None:
    if len(parts) <= 1:
        return "".join(parts)
    inverse = {v: k for k, v in compounds.items()}
    return inverse.get("".join(parts))


@lru_cache(maxsize=16384)
def ko_candidates(syllable: str) -> tuple[str, ...]:
    """Syllables produced when one jamo key of `syllable` slips to an adjacent Dubeolsik key."""
    parts = hangul_decompose(syllable)
    if parts is None:
        return ()
    lead, vowel, tail = parts
    seq = [("L", lead)] + [("V", j) for j in _keys(vowel, _COMPOUND_V)] + [("T", j) for j in _keys(tail, _COMPOUND_T)]
    out = []
    for i, (role, jamo) in enumerate(seq):
        if jamo not in _KEY_OF:
            continue
        key, shifted = _KEY_OF[jamo]
        for near in qwerty_neighbours(key):
            new = (_DUBEOLSIK_SHIFT.get(near) if shifted else None) or _DUBEOLSIK.get(near)
            if not new or new == jamo:
                continue
            trial = list(seq)
            trial[i] = (role, new)
            v = _join([j for r, j in trial if r == "V"], _COMPOUND_V)
            t = _join([j for r, j in trial if r == "T"], _COMPOUND_T)
            got = hangul_compose(trial[0][1], v or "", t or "") if v is not None and t is not None else None
            if got and got != syllable:
                out.append(got)
    return tuple(dict.fromkeys(out))
