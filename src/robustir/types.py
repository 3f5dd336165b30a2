"""Core value types shared by every part of robustir.

The boundaries speak BEIR's dict shapes (corpus ``{docid: text}``, queries ``{qid: text}``,
qrels ``{qid: {docid: grade}}``, run ``{qid: {docid: score}}``); inside, the types are
immutable so a step never mutates its caller's data.
"""
from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from robustir.errors import DataError, RobustirError

__all__ = [
    "AttackSpec",
    "Corpus",
    "Perturbation",
    "Qrels",
    "QuerySet",
    "Run",
]


def _check_ids(ids: tuple[str, ...], what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if not isinstance(i, str) or not i:
            raise DataError(f"{what} id must be a non-empty string, got {i!r}")
        if i in seen:
            raise DataError(f"duplicate {what} id {i!r}")
        seen.add(i)


@dataclass(frozen=True)
class Corpus:
    """Documents in parallel tuples; `langs[i]` is the language of document `ids[i]`."""

    ids: tuple[str, ...]
    texts: tuple[str, ...]
    langs: tuple[str, ...]
    titles: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        n = len(self.ids)
        if len(self.texts) != n or len(self.langs) != n or (self.titles is not None and len(self.titles) != n):
            raise DataError("corpus ids, texts, langs (and titles) must have the same length")
        _check_ids(self.ids, "document")

    @classmethod
    def from_dict(cls, docs: Mapping[str, str], *, lang: str) -> Corpus:
        return cls(tuple(docs), tuple(docs.values()), (lang,) * len(docs))

    def __len__(self) -> int:
        return len(self.ids)

    def to_dict(self) -> dict[str, str]:
        return dict(zip(self.ids, self.full_texts()))

    def full_texts(self) -> tuple[str, ...]:
        """Texts with titles prepended, as BEIR's dense evaluation encodes them."""
        if self.titles is None:
            return self.texts
        return tuple(f"{t} {x}".strip() if t else x for t, x in zip(self.titles, self.texts))

    def fingerprint(self) -> str:
        """sha256 over ids, languages and texts: the corpus part of every cache key."""
        h = hashlib.sha256()
        for i, lang, text in zip(self.ids, self.langs, self.full_texts()):
            for part in (i, lang, text):
                b = part.encode("utf-8")
                h.update(len(b).to_bytes(8, "little"))
                h.update(b)
        return h.hexdigest()

    @staticmethod
    def concat(corpora: Iterable[Corpus]) -> Corpus:
        """Pool corpora (the multilingual setting); ids must stay unique across them."""
        ids: list[str] = []
        texts: list[str] = []
        langs: list[str] = []
        for c in corpora:
            ids += c.ids
            texts += c.full_texts()
            langs += c.langs
        return Corpus(tuple(ids), tuple(texts), tuple(langs))


@dataclass(frozen=True)
class QuerySet:
    """Queries with their language; `groups[i]` links parallel translations of one question."""

    ids: tuple[str, ...]
    texts: tuple[str, ...]
    langs: tuple[str, ...]
    groups: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        n = len(self.ids)
        if len(self.texts) != n or len(self.langs) != n or (self.groups is not None and len(self.groups) != n):
            raise DataError("query ids, texts, langs (and groups) must have the same length")
        _check_ids(self.ids, "query")
        for qid, text in zip(self.ids, self.texts):
            if not isinstance(text, str) or not text.strip():
                raise DataError(f"query {qid!r} has an empty text")

    @classmethod
    def from_dict(cls, queries: Mapping[str, str], *, lang: str) -> QuerySet:
        return cls(tuple(queries), tuple(queries.values()), (lang,) * len(queries))

    def __len__(self) -> int:
        return len(self.ids)

    def to_dict(self) -> dict[str, str]:
        return dict(zip(self.ids, self.texts))

    def replace_texts(self, texts: Mapping[str, str]) -> QuerySet:
        """A copy with some texts replaced (an attacked set); ids must already exist."""
        unknown = set(texts) - set(self.ids)
        if unknown:
            raise DataError(f"{len(unknown)} query ids not in the query set, e.g. {sorted(unknown)[0]!r}")
        return QuerySet(self.ids, tuple(texts.get(i, t) for i, t in zip(self.ids, self.texts)), self.langs, self.groups)

    def subset(self, ids: Iterable[str]) -> QuerySet:
        keep = set(ids)
        idx = [k for k, i in enumerate(self.ids) if i in keep]
        pick = lambda xs: tuple(xs[k] for k in idx)  # noqa: E731
        return QuerySet(pick(self.ids), pick(self.texts), pick(self.langs), pick(self.groups) if self.groups else None)


class _FrozenNested(Mapping[str, Mapping[str, Any]]):
    """An immutable {qid: {docid: value}} mapping."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Mapping[str, Any]]) -> None:
        self._data = {str(q): MappingProxyType(dict(d)) for q, d in data.items()}

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {q: dict(d) for q, d in self._data.items()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} queries)"


class Qrels(_FrozenNested):
    """Relevance judgements {qid: {docid: grade}} with integer grades."""

    def __init__(self, data: Mapping[str, Mapping[str, int]]) -> None:
        for q, d in data.items():
            for doc, grade in d.items():
                if isinstance(grade, bool) or not isinstance(grade, int):
                    raise DataError(f"qrels grade for ({q!r}, {doc!r}) must be an integer, got {grade!r}")
        super().__init__(data)

    def n_judged(self) -> int:
        return sum(len(d) for d in self._data.values())

    def validate_against(self, queries: QuerySet, corpus: Corpus, *, source: str = "qrels") -> None:
        """Every judged query and document must exist."""
        qids = set(queries.ids)
        dids = set(corpus.ids)
        for q, d in self._data.items():
            if q not in qids:
                raise DataError(f"{source}: names unknown query {q!r}")
            for doc in d:
                if doc not in dids:
                    raise DataError(f"{source}: query {q!r} names unknown document {doc!r}")


class Run(_FrozenNested):
    """Retrieval results {qid: {docid: score}}."""

    def __init__(self, data: Mapping[str, Mapping[str, float]]) -> None:
        super().__init__({q: {doc: float(s) for doc, s in d.items()} for q, d in data.items()})

    def ranked(self, qid: str) -> list[tuple[str, float]]:
        """Documents of one query by descending score; ties broken by docid (as trec_eval does)."""
        return sorted(self._data.get(qid, {}).items(), key=lambda x: (-x[1], x[0]))

    def to_trec(self, path: str | Path, *, tag: str = "robustir") -> None:
        from robustir._io import atomic_writer

        with atomic_writer(path) as fh:
            for q in self._data:
                for rank, (doc, score) in enumerate(self.ranked(q), start=1):
                    fh.write(f"{q} Q0 {doc} {rank} {score:.6f} {tag}\n")


@dataclass(frozen=True)
class Perturbation:
    """The result of perturbing one query: the new text plus what was done to it."""

    original: str
    perturbed: str
    edits: int
    ops: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.original != self.perturbed


# --- AttackSpec -------------------------------------------------------------------------

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_BARE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def _split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside parentheses and quotes."""
    parts: list[str] = []
    depth = 0
    quote: str | None = None
    start = 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise RobustirError(f"unbalanced ')' in attack spec {text!r}")
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if depth or quote:
        raise RobustirError(f"unbalanced parentheses or quotes in attack spec {text!r}")
    parts.append(text[start:])
    return parts


MAX_VALUE_CHARS = 200  # one parameter value of an attack spec (a number, a word, a short list)
MAX_SPEC_CHARS = 4000


def _parse_value(raw: str) -> Any:
    raw = raw.strip()
    if not raw:
        raise RobustirError("empty parameter value in attack spec")
    if len(raw) > MAX_VALUE_CHARS:
        raise RobustirError(f"parameter value of {len(raw):,} characters in attack spec (at most {MAX_VALUE_CHARS}): {raw[:40]}...")
    low = raw.lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        if _BARE.match(raw) or _is_spec(raw):
            return raw  # a bare word or a nested spec such as typo.char+synonym
        raise RobustirError(f"cannot parse parameter value {raw!r}; quote strings") from None
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    if isinstance(value, tuple) and all(isinstance(v, (int, float, str)) for v in value):
        return value
    raise RobustirError(f"unsupported parameter value {raw!r} in attack spec")


def _format_value(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "none"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return "(" + ",".join(_format_value(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    text = str(value)
    if _BARE.match(text) or _is_spec(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _is_spec(text: str) -> bool:
    try:
        AttackSpec.parse(text)
    except RobustirError:
        return False
    return True


@dataclass(frozen=True)
class AttackStep:
    """One attack with its parameters, e.g. ``typo.keyboard(rate=0.1)``."""

    name: str
    params: tuple[tuple[str, Any], ...] = ()

    def __str__(self) -> str:
        if not self.params:
            return self.name
        return f"{self.name}(" + ",".join(f"{k}={_format_value(v)}" for k, v in self.params) + ")"

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)


@dataclass(frozen=True)
class AttackSpec:
    """A composed attack: steps applied in order, written ``a(x=1)+b``.

    The canonical string (sorted parameters, no spaces) is the spec's identity: its cache
    key and its name in every report. Parsing uses `ast.literal_eval`, never `eval`.

    Example:
        >>> str(AttackSpec.parse("typo.keyboard( rate = 0.15 ) + synonym"))
        'typo.keyboard(rate=0.15)+synonym'
    """

    steps: tuple[AttackStep, ...] = field(default_factory=tuple)

    @classmethod
    def parse(cls, text: str) -> AttackSpec:
        if not isinstance(text, str) or not text.strip():
            raise RobustirError("empty attack spec; expected e.g. 'typo.keyboard(rate=0.1)'")
        if len(text) > MAX_SPEC_CHARS:
            raise RobustirError(f"attack spec of {len(text):,} characters (at most {MAX_SPEC_CHARS}): {text[:40]}...")
        steps = []
        for part in _split_top(text.strip(), "+"):
            part = part.strip()
            if "(" in part:
                name, _, rest = part.partition("(")
                if not rest.endswith(")"):
                    raise RobustirError(f"attack spec step {part!r} must end with ')'")
                body = rest[:-1].strip()
                params: dict[str, Any] = {}
                if body:
                    for item in _split_top(body, ","):
                        key, eq, raw = item.partition("=")
                        key = key.strip()
                        if not eq or not key.isidentifier():
                            raise RobustirError(f"attack parameter {item.strip()!r} must look like name=value")
                        if key in params:
                            raise RobustirError(f"attack parameter {key!r} given twice in {part!r}")
                        params[key] = _parse_value(raw)
            else:
                name, params = part, {}
            name = name.strip()
            if not _NAME.match(name):
                raise RobustirError(f"invalid attack name {name!r} in spec {text!r}")
            steps.append(AttackStep(name, tuple(sorted(params.items()))))
        return cls(tuple(steps))

    def __str__(self) -> str:
        return "+".join(str(s) for s in self.steps)

    @property
    def slug(self) -> str:
        """A filesystem-safe name: readable prefix plus a short hash of the canonical form."""
        canon = str(self)
        readable = re.sub(r"[^A-Za-z0-9_.=\-]+", "_", canon).strip("_")[:80]
        digest = hashlib.sha256(canon.encode("utf-8")).hexdigest()[:8]
        return f"{readable}-{digest}"
