"""`noise.ocr`: the characters an OCR engine confuses, per script.

Queries copied from scanned pages, photographed signs or PDF text layers carry the recogniser's
mistakes: shapes that look alike at low resolution are read as one another. Each table below
is a list of well-known confusion groups of one script (any member may be read as any other);
multi-character shapes are included where the confusion crosses a character boundary:

- Latin (de en es fr it pt tr vi): rn/m, cl/d, vv/w, li/h, l/1/I, O/0, S/5, B/8, Z/2, e/c,
  g/q, u/v (nlpaug's OcrAug map, ``nlpaug-res/char/ocr/en.json``, is the digit-letter part of it).
- Cyrillic (ru): ш/щ, и/й, п/л, ь/ъ/ы-less forms, б/6, З/з/3, О/о/0, н/и.
- Greek (el): ν/υ, ο/σ, ι/l, η/n, ρ/p, ζ/ξ, Ο/0.
- Arabic (ar): letters that share a skeleton and differ only by their dots
  (ب ت ث ن ي, ج ح خ, د ذ, ر ز, س ش, ص ض, ط ظ, ع غ, ف ق, ه ة, ى ي) - dots are what a
  low-resolution scan loses or smears.
- Devanagari (hi): ब/व, घ/ध, म/भ, प/ष, ड/ङ, ख/रव (ख is drawn like र+व).
- Thai (th): ด/ต, ข/ช, บ/ป, ผ/ฝ, พ/ฟ, ถ/ภ, ค/ศ, ซ/ช, ฎ/ฏ.
- Han (zh, ja): 己/已/巳, 未/末, 士/土, 日/曰, 人/入, 大/太/犬, 天/夭, 干/千/于, 王/玉,
  木/本, 白/自, 刀/力, 儿/几, 候/侯, 鸟/乌, 问/间.  Kana (ja): ソ/ン, シ/ツ, ロ/口, カ/力,
  エ/工, ニ/二, ヘ/へ, ト/卜, タ/夕, ハ/八, ぬ/め, わ/れ, る/ろ, は/ほ, さ/ち.

Korean is not claimed (Hangul confusions are between jamo inside a syllable block). `rate` is
the share of confusable sites changed.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from robustir.attacks.base import Attack, register
from robustir.attacks.families._edit_sites import Site, apply_sites, strength_params
from robustir.types import Perturbation

__all__ = ["OCRNoise", "ocr_sites"]

_LATIN = ("rn m", "cl d", "vv w", "li h", "l 1 I", "O 0", "o 0", "S 5", "B 8", "Z 2", "e c", "g q", "u v", "ri n")
_GROUPS: dict[str, tuple[str, ...]] = {
    "latin": _LATIN,
    "cyrillic": ("ш щ", "и й", "п л", "ь ъ", "б 6", "З 3", "з 3", "О 0", "о 0", "н и"),
    "greek": ("ν υ", "ο σ", "ι l", "η n", "ρ p", "ζ ξ", "Ο 0"),
    "arabic": ("ب ت ث ن ي", "ج ح خ", "د ذ", "ر ز", "س ش", "ص ض", "ط ظ", "ع غ", "ف ق", "ه ة", "ى ي"),
    "devanagari": ("ब व", "घ ध", "म भ", "प ष", "ड ङ", "ख रव"),
    "thai": ("ด ต", "ข ช", "บ ป", "ผ ฝ", "พ ฟ", "ถ ภ", "ค ศ", "ซ ช", "ฎ ฏ"),
    "han": ("己 已 巳", "未 末", "士 土", "日 曰", "人 入", "大 太 犬", "天 夭", "干 千 于", "王 玉",
            "木 本", "白 自", "刀 力", "儿 几", "候 侯", "鸟 乌", "问 间"),
    "kana": ("ソ ン", "シ ツ", "ロ 口", "カ 力", "エ 工", "ニ 二", "ヘ へ", "ト 卜", "タ 夕", "ハ 八",
             "ぬ め", "わ れ", "る ろ", "は ほ", "さ ち"),
}
_LANG_TABLES: dict[str, tuple[str, ...]] = {
    **{lang: ("latin",) for lang in ("de", "en", "es", "fr", "it", "pt", "tr", "vi")},
    "ru": ("cyrillic",), "el": ("greek",), "ar": ("arabic",), "hi": ("devanagari",),
    "th": ("thai",), "zh": ("han",), "ja": ("han", "kana"),
}


@lru_cache(maxsize=None)
def confusions(lang: str) -> dict[str, tuple[str, ...]]:
    """shape -> the shapes it may be read as, for `lang`'s script(s)."""
    out: dict[str, list[str]] = {}
    for table in _LANG_TABLES[lang]:
        for group in _GROUPS[table]:
            members = group.split()
            for m in members:
                out.setdefault(m, [])
                out[m] += [o for o in members if o != m and o not in out[m]]
    return {k: tuple(v) for k, v in out.items()}


def ocr_sites(text: str, lang: str) -> list[Site]:
    """Every (start, end, readings, "ocr") site of `text`; a two-character shape and its
    single characters are separate sites (the picker never applies both)."""
    table = confusions(lang)
    longest = max(map(len, table))
    sites: list[Site] = []
    for i in range(len(text)):
        for width in range(longest, 0, -1):
            shape = text[i : i + width]
            if len(shape) == width and shape in table:
                sites.append((i, i + width, table[shape], "ocr"))
    return sites


@register("noise.ocr")
class OCRNoise(Attack):
    description = "OCR misreadings per script: rn/m, l/1, O/0, Cyrillic ш/щ, Greek ν/υ, Arabic dot confusions, Han 己/已, kana ソ/ン, Thai ด/ต"
    languages = frozenset(_LANG_TABLES)
    params = strength_params(0.1, 10)
    citation = "OCR noise as in nlpaug's OcrAug (Ma 2019) and NL-Augmenter's ocr_perturbation (Dhole et al. 2021)"

    def perturb(self, text: str, *, lang: str, rng: np.random.Generator) -> Perturbation:
        return apply_sites(text, ocr_sites(text, lang), self.config, rng)
