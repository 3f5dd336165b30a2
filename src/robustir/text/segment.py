"""Word segmentation, stopwords and grapheme clusters for the 16 languages robustir knows.

`tokenize(text, lang)` splits a query into tokens that concatenate back to the input exactly:
words (`is_word=True`) and everything between them (spaces, punctuation). Thai, Chinese and
Japanese, written without spaces, go through real segmenters (pythainlp newmm, jieba, janome),
imported lazily on first use; every other language uses a Unicode regex (letters, combining
marks and digits form words, so Devanagari matras and Arabic harakat stay inside their word).

    >>> [t.text for t in tokenize("Hello, world!", "en") if t.is_word]
    ['Hello', 'world']

Stopwords live in `robustir.text.stopwords` (re-exported here for the tokenizer's users).
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from robustir.errors import RobustirError, unknown_name
from robustir.languages import LANGUAGES

__all__ = ["Token", "tokenize", "word_spans", "words", "graphemes", "check_lang", "STOPWORD_LANGS", "stopwords", "is_stopword"]

# A word: letters/marks/digits, possibly joined by an apostrophe (don't), a middle dot or a
# zero-width (non-)joiner, which belong inside words in several scripts.
_WORD_CLASS, _JOINER = r"[\p{L}\p{M}\p{N}]", r"['\u2019\u00b7\u200c\u200d]"
_WORD_PATTERN = rf"{_WORD_CLASS}+(?:{_JOINER}{_WORD_CLASS}+)*"
# The same pattern on ASCII text: the only ASCII letters, marks and digits are A-Z a-z 0-9, and
# the only ASCII joiner is the apostrophe.
_ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")
# French, Italian and Portuguese elide articles and pronouns: l'homme, dell'anno, d'água ->
# "l'" + "homme". Only known elided forms are split off (aujourd'hui stays one word).
_ELISION_LANGS = frozenset({"fr", "it", "pt"})
_ELIDED_EXTRA = {
    "fr": "quelqu' presqu' entr'",
    "it": "sant' tutt' quand' nessun' buon' bell' dev' com' dov' anch' mezz' quant' qual'",
    "pt": "d' n'",
}
_lock = threading.Lock()


@dataclass(frozen=True)
class Token:
    """One piece of a text: `text == original[start:end]`; separators have is_word=False."""

    text: str
    start: int
    end: int
    is_word: bool


@lru_cache(maxsize=1)
def _regex():
    import regex

    return regex.compile(_WORD_PATTERN), regex.compile(r"\X"), regex.compile(r"[\p{L}\p{N}]")


def check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise unknown_name("language", lang, LANGUAGES)


@lru_cache(maxsize=None)
def _elided(lang: str) -> frozenset[str]:
    """Elided forms of `lang` (case-folded, apostrophe normalised to U+0027)."""
    from robustir.text.stopwords import stopwords

    forms = {w for w in stopwords(lang) if w.endswith("'")} | set(_ELIDED_EXTRA.get(lang, "").split())
    return frozenset(forms)


def _regex_tokens(text: str, offset: int = 0, *, elision: str = "") -> list[Token]:
    word_re = _regex()[0]
    out: list[Token] = []
    pos = 0
    for m in word_re.finditer(text):
        if m.start() > pos:
            out.append(Token(text[pos : m.start()], offset + pos, offset + m.start(), False))
        word, start = m.group(), offset + m.start()
        cut = min((i for i in (word.find("'"), word.find("\u2019")) if i >= 0), default=-1) + 1
        if elision and cut > 0 and word[:cut].casefold().replace("\u2019", "'") in _elided(elision):
            out.append(Token(word[:cut], start, start + cut, True))
            out.append(Token(word[cut:], start + cut, start + len(word), True))
        else:
            out.append(Token(word, start, start + len(word), True))
        pos = m.end()
    if pos < len(text):
        out.append(Token(text[pos:], offset + pos, offset + len(text), False))
    return out


# --- segmenters for unsegmented scripts (loaded once per process) -----------------------


@lru_cache(maxsize=1)
def _jieba() -> Callable[[str], list[str]]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary build at INFO
    tok = jieba.Tokenizer()
    with _lock:
        tok.initialize()
    from robustir.text._jieba_cut import fast_cut

    return fast_cut(tok) or (lambda s: list(tok.cut(s, HMM=True)))


@lru_cache(maxsize=1)
def _janome() -> Callable[[str], list[str]]:
    from janome.tokenizer import Tokenizer

    tok = Tokenizer(wakati=True)
    return lambda s: list(tok.tokenize(s))


@lru_cache(maxsize=1)
def _thai() -> Callable[[str], list[str]]:
    from pythainlp.tokenize import word_tokenize

    return lambda s: word_tokenize(s, engine="newmm", keep_whitespace=True)


_SEGMENTERS: dict[str, Callable[[], Callable[[str], list[str]]]] = {"zh": _jieba, "ja": _janome, "th": _thai}


def _segmenter(lang: str) -> Callable[[str], list[str]]:
    try:
        return _SEGMENTERS[lang]()
    except ImportError as exc:  # optional extra not installed
        raise RobustirError(
            f"segmenting {lang!r} needs {exc.name!r}: pip install 'robustir[segment]'"
        ) from exc


def _aligned(text: str, pieces: list[str]) -> list[Token]:
    """Map segmenter output back onto `text`; anything a segmenter dropped or altered becomes a
    separator, so the round trip is exact whatever the segmenter does."""
    _, _, wordish = _regex()
    out: list[Token] = []
    pos = 0
    for piece in pieces:
        if not piece:
            continue
        at = text.find(piece, pos)
        if at < 0:
            continue
        if at > pos:
            out.extend(_regex_tokens(text[pos:at], pos))
        out.append(Token(piece, at, at + len(piece), bool(wordish.search(piece))))
        pos = at + len(piece)
    if pos < len(text):
        out.extend(_regex_tokens(text[pos:], pos))
    return out


def _aligned_spans(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    """`[(t.start, t.end) for t in _aligned(text, pieces) if t.is_word]`, without the Tokens."""
    word_re, _, wordish = _regex()
    out: list[tuple[int, int]] = []
    pos = 0
    if "".join(pieces) == text:  # the usual case: each piece starts where the last one ended
        for piece in pieces:
            end = pos + len(piece)
            if piece and ("\u4e00" <= piece[0] <= "\u9fd5" or wordish.search(piece)):  # a hanzi is a letter
                out.append((pos, end))
            pos = end
        return out
    for piece in pieces:
        if not piece:
            continue
        at = pos if text.startswith(piece, pos) else text.find(piece, pos)
        if at < 0:
            continue
        if at > pos:
            out += [(pos + m.start(), pos + m.end()) for m in word_re.finditer(text[pos:at])]
        pos = at + len(piece)
        if wordish.search(piece):
            out.append((at, pos))
    if pos < len(text):
        out += [(pos + m.start(), pos + m.end()) for m in word_re.finditer(text[pos:])]
    return out


def _check_input(text: object, lang: str, caller: str) -> bool:
    """Refuse a non-string text or an unsupported language; False for the empty text."""
    if not isinstance(text, str):
        raise RobustirError(f"{caller}: text must be a string, got {type(text).__name__}")
    check_lang(lang)
    return bool(text)


def word_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of each word token of `tokenize(text, lang)`, computed without building
    the tokens (the languages without a segmenter or elision need only the word regex)."""
    if not _check_input(text, lang, "word_spans"):
        return []
    if lang in _SEGMENTERS:
        return _aligned_spans(text, _segmenter(lang)(text))
    if lang in _ELISION_LANGS:
        return [(t.start, t.end) for t in _regex_tokens(text, elision=lang) if t.is_word]
    if text.isascii():  # the word pattern restricted to ASCII, in the faster stdlib engine
        return [m.span() for m in _ASCII_WORD.finditer(text)]
    if max(text) <= "\uffff":  # the same for the Basic Multilingual Plane
        return [m.span() for m in _bmp_word_re().finditer(text)]
    return [m.span() for m in _regex()[0].finditer(text)]


@lru_cache(maxsize=1)
def _bmp_word_re() -> re.Pattern:
    """`_WORD_PATTERN` for the stdlib engine (twice as fast), its letter/mark/digit class spelled
    out as the ranges of BMP characters that the `regex` module's class matches (built once,
    ~0.1 s), so both engines agree on every text without characters beyond U+FFFF."""
    import regex

    matches = regex.compile(_WORD_CLASS).fullmatch
    ranges: list[list[int]] = []
    for cp in range(0x10000):
        if not 0xD800 <= cp <= 0xDFFF and matches(chr(cp)):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    cls = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{cls}]+(?:{_JOINER}[{cls}]+)*")


def tokenize(text: str, lang: str) -> list[Token]:
    """Split `text` into word and separator tokens; `"".join(t.text for t in ...) == text`.

    >>> [(t.text, t.is_word) for t in tokenize("我爱北京。", "zh")]
    [('我', True), ('爱', True), ('北京', True), ('。', False)]
    """
    if not _check_input(text, lang, "tokenize"):
        return []
    if lang in _SEGMENTERS:
        return _aligned(text, _segmenter(lang)(text))
    return _regex_tokens(text, elision=lang if lang in _ELISION_LANGS else "")


def words(text: str, lang: str) -> list[str]:
    """The word tokens of `text`, in order."""
    return [t.text for t in tokenize(text, lang) if t.is_word]


# --- graphemes ---------------------------------------------------------------------------


def graphemes(text: str) -> list[str]:
    """Extended grapheme clusters (Unicode UAX #29): a base letter stays with its combining
    marks (Devanagari matras and viramas, Thai above/below vowels and tone marks), Hangul
    syllables and emoji sequences stay whole.

    >>> graphemes("नमस्ते")
    ['न', 'म', 'स्ते']

    A text made only of characters that never join a neighbour (see `_alone`) is split into its
    characters without the regex (two to three times faster for such non-ASCII words, fifteen
    for ASCII ones); the result is the same.
    """
    if text.isascii():
        if "\r" not in text:  # in ASCII only CR LF is one cluster of two characters
            return list(text)
        return _regex()[1].findall(text)
    if _ALONE.issuperset(text):
        return list(text)
    for ch in text:
        if ch not in _ALONE:
            if ch in _JOINING or not _alone(ch):
                _JOINING.add(ch)
                return _regex()[1].findall(text)
            _ALONE.add(ch)
    return list(text)


# Characters met so far, by `_alone(character)`.
_ALONE: set[str] = set()
_JOINING: set[str] = set()


def _alone(ch: str) -> bool:
    """True when `ch` is a cluster by itself next to anything else that is alone.

    UAX #29 joins two characters only when the second extends the first (Extend, ZWJ,
    SpacingMark), the first is Prepend, both are Hangul jamo / syllables that compose, both are
    regional indicators, CR LF, or through a ZWJ or virama between them (which are not alone).
    "a" + ch + "a" being three clusters rules out the first two; ch + ch being two rules out
    jamo that continue (L, V, T), regional indicators and the like; control characters are
    excluded outright (CR LF). A precomposed Hangul syllable stays alone: it joins only a
    following vowel or final jamo, which is never alone."""
    if unicodedata.category(ch) == "Cc":
        return False
    find = _regex()[1].findall
    return len(find("a" + ch + "a")) == 3 and len(find(ch + ch)) == 2


from robustir.text.stopwords import STOPWORD_LANGS, is_stopword, stopwords  # noqa: E402  (re-export)
