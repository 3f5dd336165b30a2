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

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from robustir.errors import RobustirError, unknown_name
from robustir.languages import LANGUAGES

__all__ = ["Token", "tokenize", "words", "graphemes", "check_lang", "STOPWORD_LANGS", "stopwords", "is_stopword"]

# A word: letters/marks/digits, possibly joined by an apostrophe (don't), a middle dot or a
# zero-width (non-)joiner, which belong inside words in several scripts.
_WORD_PATTERN = r"[\p{L}\p{M}\p{N}]+(?:['\u2019\u00b7\u200c\u200d][\p{L}\p{M}\p{N}]+)*"
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
    return lambda s: list(tok.cut(s, HMM=True))


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


def tokenize(text: str, lang: str) -> list[Token]:
    """Split `text` into word and separator tokens; `"".join(t.text for t in ...) == text`.

    >>> [(t.text, t.is_word) for t in tokenize("我爱北京。", "zh")]
    [('我', True), ('爱', True), ('北京', True), ('。', False)]
    """
    if not isinstance(text, str):
        raise RobustirError(f"tokenize: text must be a string, got {type(text).__name__}")
    check_lang(lang)
    if not text:
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
    """
    return _regex()[1].findall(text)


from robustir.text.stopwords import STOPWORD_LANGS, is_stopword, stopwords  # noqa: E402  (re-export)
