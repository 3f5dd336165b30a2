"""The languages robustir knows: ISO 639-1 code -> (English name, script)."""
from __future__ import annotations

LANGUAGES: dict[str, tuple[str, str]] = {
    "ar": ("Arabic", "Arab"),
    "de": ("German", "Latn"),
    "el": ("Greek", "Grek"),
    "en": ("English", "Latn"),
    "es": ("Spanish", "Latn"),
    "fr": ("French", "Latn"),
    "hi": ("Hindi", "Deva"),
    "it": ("Italian", "Latn"),
    "ja": ("Japanese", "Jpan"),
    "ko": ("Korean", "Hang"),
    "pt": ("Portuguese", "Latn"),
    "ru": ("Russian", "Cyrl"),
    "th": ("Thai", "Thai"),
    "tr": ("Turkish", "Latn"),
    "vi": ("Vietnamese", "Latn"),
    "zh": ("Chinese", "Hans"),
}

MLDR_LANGS = ("ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "ru", "th", "zh")
# Written without spaces between words: need a segmenter for word-level work.
UNSEGMENTED = frozenset({"ja", "th", "zh"})
