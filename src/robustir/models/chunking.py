"""Token spans, truncation and passage chunking for long documents.

A backend that knows its tokenizer gives character spans of its tokens; otherwise a
Unicode fallback counts words, punctuation and single CJK/Thai characters as units.
Chunks are character slices of the original text, so no detokenisation is needed.
"""
from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["chunk_text", "regex_spans", "truncate_text"]

Spans = list[tuple[int, int]]
SpanFn = Callable[[str], Spans]

# A single character for scripts written without spaces; otherwise a word or a symbol.
_UNITS = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\w+|[^\w\s]")


def regex_spans(text: str) -> Spans:
    """Fallback token spans: words, punctuation, and single Han/Kana/Thai characters."""
    return [m.span() for m in _UNITS.finditer(text)]


def truncate_text(text: str, max_tokens: int, spans: SpanFn = regex_spans) -> str:
    """The prefix of `text` holding its first `max_tokens` tokens."""
    sp = spans(text)
    if len(sp) <= max_tokens:
        return text
    return text[: sp[max_tokens - 1][1]]


def chunk_text(text: str, size: int, overlap: int = 0, spans: SpanFn = regex_spans) -> list[str]:
    """Windows of `size` tokens, consecutive windows sharing `overlap` tokens.

    Example:
        >>> chunk_text("a b c d e", 2, 0)
        ['a b', 'c d', 'e']
    """
    if size < 1 or not 0 <= overlap < size:
        from robustir.errors import RobustirError

        raise RobustirError(f"chunk size must be >= 1 and 0 <= overlap < size, got size={size}, overlap={overlap}")
    sp = spans(text)
    if len(sp) <= size:
        return [text]
    out: list[str] = []
    step = size - overlap
    for i in range(0, len(sp), step):
        window = sp[i : i + size]
        out.append(text[window[0][0] : window[-1][1]])
        if i + size >= len(sp):
            break
    return out
