"""What the word-level attacks need to know about a query beyond its tokens: part of speech,
proper names, Korean morphemes, and the units that move or go together.

- `analyse(text, lang)`: the tokens of `segment.tokenize`, a coarse part of speech per word
  token where a real tagger exists (zh jieba.posseg, ja janome, ko kiwipiepy, th pythainlp
  orchid), the word tokens that belong to proper names, and the *units*: runs of word tokens
  that belong together (an elided clitic and its host, l'homme; a verb and its hyphenated
  clitics, est-ce, a-t-il, encontra-se; the French question frame qu'est-ce que; the pieces of
  one name). Attacks that move or delete words work on units; attacks that swap words never
  touch a name, a clitic pair with a hyphen or anything that is not a noun, verb or adjective.
- `korean_morphemes(text)`: kiwipiepy morphemes with their offsets (a Korean eojeol is a stem
  plus particles and endings: 의원들은 = 의원/NNG 들/XSN 은/JX).

Names: zh jieba tags nr* ns nt nz; ja janome 固有名詞, and katakana words joined to one by ・ or
unknown to its dictionary; ko kiwi NNP (and foreign-letter SL, hanja SH); th orchid NPRP, the
words after a title (นาย, นาง, ดร., ...) and a surname of PyThaiNLP's family-name list that
follows a name; cased scripts (not German, where every noun is capitalised): a capitalised
word that does not start a sentence, and a capitalised first word followed by such a word.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from robustir.text.segment import Token, tokenize
from robustir.text.scripts import CASED

__all__ = ["Analysis", "analyse", "korean_morphemes", "Morpheme", "CONTENT_POS"]

CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ"})
# Hyphenated clitics that attach to a verb (fr inversion, pt enclisis).
_HYPHEN_CLITICS = {
    "fr": frozenset("ce il elle on je tu nous vous ils elles le la les lui leur moi toi y en t".split()),
    "pt": frozenset("se me te lhe lhes lo la los las no na nos nas vos o a os as".split()),
    "es": frozenset(),
    "it": frozenset(),
}
_SENTENCE_END = frozenset(".?!;:¿¡。？！\n")
_THAI_TITLES = frozenset("นาย นาง นางสาว ดร. ดร คุณ พล.อ. พลเอก ศ. รศ. ผศ. นพ. พญ. ท่าน".split())


@dataclass(frozen=True)
class Morpheme:
    start: int
    end: int
    form: str
    tag: str


@dataclass(frozen=True)
class Analysis:
    tokens: tuple[Token, ...]
    pos: tuple[str | None, ...]  # coarse part of speech per token (None: separator or no tagger)
    names: frozenset[int]  # indices of word tokens inside proper names
    units: tuple[tuple[int, int], ...]  # (first, last) token index of each unit, in order

    def unit_of(self, index: int) -> tuple[int, int] | None:
        return next((u for u in self.units if u[0] <= index <= u[1]), None)


# --- taggers (loaded once per process) ---------------------------------------------------


@lru_cache(maxsize=1)
def _jieba_pos():
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


@lru_cache(maxsize=1)
def _janome():
    from janome.tokenizer import Tokenizer

    return Tokenizer()


@lru_cache(maxsize=1)
def _kiwi():
    from kiwipiepy import Kiwi

    return Kiwi()


@lru_cache(maxsize=1)
def _thai_family_names() -> frozenset[str]:
    from pythainlp.corpus import thai_family_names

    return frozenset(thai_family_names())


def korean_morphemes(text: str) -> list[Morpheme]:
    """Kiwi's morphemes of `text` (Sejong tags), with offsets into `text`."""
    return [Morpheme(t.start, t.start + t.len, t.form, t.tag) for t in _kiwi().tokenize(text)]


def _zh_tag(flag: str) -> str:
    if flag[:2] in ("nr", "ns", "nt", "nz") or flag in ("eng",):
        return "PROPN"
    head = flag[:1]
    return {"n": "NOUN", "v": "VERB", "a": "ADJ", "d": "ADV", "m": "NUM", "q": "NUM", "r": "PRON",
            "t": "NOUN", "s": "NOUN"}.get(head, "FUNC")


def _ja_tag(tags: list[str], surface: str, base: str) -> str:
    if tags[0] == "名詞":
        if "固有名詞" in tags:
            return "PROPN"
        if "数" in tags:
            return "NUM"
        if {"非自立", "接尾", "代名詞"} & set(tags[1:]):
            return "FUNC"
        return "NOUN"
    if tags[0] == "形容詞":  # a conjugated stem (高 of 高さ) cannot take a base-form synonym
        return "ADJ" if "自立" in tags and surface == base else "FUNC"
    if tags[0] == "動詞":
        return "VERB" if "自立" in tags else "FUNC"
    return {"副詞": "ADV", "記号": "X"}.get(tags[0], "FUNC")


def _th_tag(tag: str) -> str:
    if tag == "NPRP":
        return "PROPN"
    if tag in ("NCMN", "NLBL", "NTTL"):
        return "TITLE" if tag == "NTTL" else "NOUN"
    if tag in ("NCNM", "NONM", "DONM", "DCNM"):
        return "NUM"
    if tag in ("VACT", "VSTA"):
        return "VERB"
    if tag == "VATT":
        return "ADJ"
    if tag.startswith("ADV"):
        return "ADV"
    return "FUNC"


def _by_offsets(tokens: Sequence[Token], spans: list[tuple[int, int, str]]) -> list[str | None]:
    """Coarse tags of the tokens whose offsets a tagger's span matches exactly."""
    at = {(s, e): tag for s, e, tag in spans}
    return [at.get((t.start, t.end)) if t.is_word else None for t in tokens]


def _tag(text: str, tokens: Sequence[Token], lang: str) -> list[str | None]:
    if lang == "zh":
        spans, pos = [], 0
        for w in _jieba_pos().cut(text):
            at = text.find(w.word, pos)
            if at >= 0:
                spans.append((at, at + len(w.word), _zh_tag(w.flag)))
                pos = at + len(w.word)
        return _by_offsets(tokens, spans)
    if lang == "ja":
        spans, pos = [], 0
        for tok in _janome().tokenize(text):
            at = text.find(tok.surface, pos)
            if at >= 0:
                tag = _ja_tag(tok.part_of_speech.split(","), tok.surface, tok.base_form)
                if tag == "NOUN" and tok.node_type == "UNKNOWN" and _katakana(tok.surface):
                    tag = "PROPN"  # a katakana word the dictionary lacks: a transliterated name
                spans.append((at, at + len(tok.surface), tag))
                pos = at + len(tok.surface)
        return _by_offsets(tokens, spans)
    if lang == "th":
        from pythainlp.tag import pos_tag

        idx = [i for i, t in enumerate(tokens) if t.is_word]
        tags = pos_tag([tokens[i].text for i in idx], corpus="orchid")
        out: list[str | None] = [None] * len(tokens)
        for i, (_, tag) in zip(idx, tags):
            out[i] = "TITLE" if tokens[i].text in _THAI_TITLES else _th_tag(tag)
        return out
    if lang == "ko":
        morphs = korean_morphemes(text)
        out = [None] * len(tokens)
        for i, t in enumerate(tokens):
            if t.is_word:
                head = next((m for m in morphs if t.start <= m.start < t.end), None)
                out[i] = _ko_tag(head.tag) if head else None
        return out
    return [None] * len(tokens)


def _ko_tag(tag: str) -> str:
    if tag in ("NNP", "SL", "SH"):
        return "PROPN"
    if tag == "NNG":
        return "NOUN"
    if tag in ("VV", "VA"):
        return "VERB" if tag == "VV" else "ADJ"
    if tag in ("SN", "NR"):
        return "NUM"
    return "FUNC"


def _katakana(word: str) -> bool:
    return bool(word) and all("\u30a0" <= ch <= "\u30ff" for ch in word)


# --- names -------------------------------------------------------------------------------


def _cased_names(tokens: Sequence[Token], lang: str) -> set[int]:
    if lang not in CASED or lang == "de":
        return set()
    from robustir.text.stopwords import is_function_word

    out: set[int] = set()
    starts = True  # the next word starts a sentence
    first_cap: int | None = None
    for i, t in enumerate(tokens):
        if not t.is_word:
            if any(ch in _SENTENCE_END for ch in t.text):
                starts = True
            continue
        cap = t.text[:1].isupper() and not is_function_word(t.text, lang)
        if cap and not starts:
            out.add(i)
            if first_cap is not None:
                out.add(first_cap)
        first_cap = i if cap and starts else None
        starts = False
    return out


def _thai_names(tokens: Sequence[Token], pos: Sequence[str | None]) -> set[int]:
    """NPRP words, the words after a title up to the next space, and a listed family name (one
    or several segmenter pieces) right after a name."""
    out: set[int] = set()
    surnames = _thai_family_names()
    after_title = False
    for i, t in enumerate(tokens):
        if not t.is_word:
            after_title = False
            continue
        if pos[i] == "PROPN" or after_title:
            out.add(i)
        if pos[i] == "TITLE":
            after_title = True
    given = set(out)
    for i, t in enumerate(tokens):  # a surname after a name and a space: ทักษิณ ชินวัตร
        if not t.is_word or i < 2 or not tokens[i - 1].text == " " or (i - 2) not in given:
            continue
        j = i
        while j < len(tokens) and tokens[j].is_word:
            j += 1
        run = "".join(tokens[k].text for k in range(i, j))
        nouns = all(pos[k] in ("NOUN", "PROPN") for k in range(i, j))
        if j - i <= 3 and nouns and (run in surnames or any(pos[k] == "PROPN" for k in range(i, j))):
            out.update(range(i, j))
    return out


def _names(text: str, tokens: Sequence[Token], pos: Sequence[str | None], lang: str) -> set[int]:
    out = {i for i, p in enumerate(pos) if p == "PROPN"}
    if lang == "th":
        out |= _thai_names(tokens, pos)
    if lang == "ja":  # katakana words joined by ・ to a name (ドナルド・トランプ)
        for i, t in enumerate(tokens):
            if t.is_word and _katakana(t.text):
                near = [j for j in (i - 2, i + 2) if 0 <= j < len(tokens) and tokens[(i + j) // 2].text == "・"]
                if any(j in out or _katakana(tokens[j].text) for j in near):
                    out.add(i)
                    out.update(near)
    return out | _cased_names(tokens, lang)


# --- units -------------------------------------------------------------------------------


def _joined(tokens: Sequence[Token], a: int, b: int, names: set[int], lang: str, pos: Sequence[str | None]) -> bool:
    """Whether word tokens a < b (consecutive words) belong to one unit."""
    gap = "".join(tokens[k].text for k in range(a + 1, b))
    left, right = tokens[a].text, tokens[b].text
    if not gap and left[-1:] in ("'", "\u2019"):
        return True  # l'homme, qu'il
    if not gap and pos[a] == "TITLE" and b in names:
        return True  # นายทักษิณ: a title stays with its name
    if a in names and b in names and gap in ("", " ", "・", "·", "\u00b7"):
        return True
    clitics = _HYPHEN_CLITICS.get(lang)
    if clitics and gap == "-" and (right.casefold() in clitics or left.casefold() == "t"):
        return True  # est-ce, a-t-il, encontra-se
    return False


def _units(tokens: Sequence[Token], names: set[int], lang: str, pos: Sequence[str | None]) -> list[tuple[int, int]]:
    idx = [i for i, t in enumerate(tokens) if t.is_word]
    units: list[list[int]] = []
    for k, i in enumerate(idx):
        if units and _joined(tokens, idx[k - 1], i, names, lang, pos):
            units[-1].append(i)
        else:
            units.append([i])
    if lang == "fr":  # qu'est-ce que / est-ce qui: the question frame is one unit
        merged: list[list[int]] = []
        for u in units:
            prev = merged[-1] if merged else None
            if (prev and tokens[prev[-1]].text.casefold() == "ce" and len(prev) > 1
                    and tokens[u[0]].text.casefold().replace("\u2019", "'") in ("que", "qui", "qu'")
                    and "".join(t.text for t in tokens[prev[-1] + 1 : u[0]]).isspace()):
                prev.extend(u)
            else:
                merged.append(u)
        units = merged
    return [(u[0], u[-1]) for u in units]


def analyse(text: str, lang: str, tokens: Sequence[Token] | None = None) -> Analysis:
    """Tokens, part of speech, names and units of `text` (see the module docstring)."""
    toks = tuple(tokenize(text, lang) if tokens is None else tokens)
    pos = tuple(_tag(text, toks, lang)) if any(t.is_word for t in toks) else (None,) * len(toks)
    names = _names(text, toks, pos, lang)
    return Analysis(toks, pos, frozenset(names), tuple(_units(toks, names, lang, pos)))
