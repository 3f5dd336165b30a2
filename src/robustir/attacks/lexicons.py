"""Lexical resources for the word-level attacks: where they live and how to read them.

Three resources, laid out as in ``shared/data/resources``:

- ``muse/{src}-{tgt}.txt``: MUSE bilingual dictionaries (Conneau et al. 2018, CC BY-NC 4.0),
  one "source target" pair per line.
- ``omw-data/wns/...``: Open Multilingual Wordnet raw tab files (Bond and Foster 2013; per
  wordnet licences), "offset-pos<TAB>lang:lemma<TAB>lemma"; one offset = one synset.
- ``libreoffice-thesauri/<locale>/th_*.dat``: MyThes thesauri from the LibreOffice
  dictionaries repository; the first line declares the encoding (es is ISO-8859-1).

A file is looked for, in order, under (1) the folder given to `set_resource_dir` (the CLI's
``--resources DIR``) or else the environment variable ``ROBUSTIR_RESOURCES``, then (2) the cache
``cache_root()/resources/<name>/``. If it is in neither, it is downloaded into the cache from its
upstream URL, unless offline (``ROBUSTIR_OFFLINE=1`` or ``HF_HUB_OFFLINE=1``). Offline, or when
the download fails, a thesaurus is taken from the system folder ``/usr/share/mythes`` by file name
when a distribution installed it there (Debian's ``mythes-de``, ``mythes-es``, ...);
else a `ResourceMissingError` says what is missing and how to provide it. Parsed lexicons are cached in
memory per process.
"""
from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any
from pathlib import Path

from robustir._io import offline
from robustir.errors import DataError, ResourceMissingError, unknown_name
from robustir.text.scripts import strip_harakat

__all__ = [
    "set_resource_dir", "resource_dir", "locate", "available", "RESOURCES", "ENV_VAR",
    "muse", "on_clear", "wordnet", "wordnets", "Wordnet", "thesaurus", "read_mythes", "read_mythes_senses", "read_omw_tab", "read_muse",
    "OMW_FILES", "THESAURUS_FILES", "clear_caches", "located_files", "recording", "tracked_cache",
]

ENV_VAR = "ROBUSTIR_RESOURCES"
_OMW_COMMIT = "f75be19ec590da12a7a5665e361690b5badb7a25"
_LO_COMMIT = "f2ff99058268502bdcf4cad25c1ca2935ad8aa7d"
_LO_CORE_COMMIT = "6c6463124d9a7fcf1abe3f02067eb5205d7fcd3c"
_NLPAUG_COMMIT = "63ca3ec8c293f4e32d6f670bbf3929becdbc39bb"


@dataclass(frozen=True)
class ResourceInfo:
    name: str
    url: str  # format string taking {path}, the file's path inside the resource folder
    licence: str
    citation: str


RESOURCES: dict[str, ResourceInfo] = {
    "muse": ResourceInfo(
        "muse",
        "https://dl.fbaipublicfiles.com/arrival/dictionaries/{path}",
        "CC BY-NC 4.0",
        "Conneau et al. 2018, Word Translation Without Parallel Data (ICLR); github.com/facebookresearch/MUSE",
    ),
    "omw-data": ResourceInfo(
        "omw-data",
        f"https://raw.githubusercontent.com/omwn/omw-data/{_OMW_COMMIT}/{{path}}",
        "per wordnet (see wns/*/LICENSE); Wiktionary-derived: CC BY-SA",
        "Bond and Foster 2013, Linking and extending an open multilingual wordnet (ACL)",
    ),
    "libreoffice-thesauri": ResourceInfo(
        "libreoffice-thesauri",
        f"https://raw.githubusercontent.com/LibreOffice/dictionaries/{_LO_COMMIT}/{{path}}",
        "per thesaurus (GPL/LGPL/MPL/CC0; see each folder's README)",
        "LibreOffice dictionaries repository, github.com/LibreOffice/dictionaries",
    ),
    # Real typo lists (typo.real, typo.keyboard's profiles). Locally acor_{locale}.dat as Debian's
    # libreoffice-common ships it; downloaded, the same list's source {locale}/DocumentList.xml.
    "libreoffice-autocorrect": ResourceInfo(
        "libreoffice-autocorrect",
        f"https://raw.githubusercontent.com/LibreOffice/core/{_LO_CORE_COMMIT}/extras/source/autocorr/lang/{{path}}",
        "MPL-2.0",
        "LibreOffice AutoCorrect replacement lists, github.com/LibreOffice/core extras/source/autocorr",
    ),
    "nlpaug-res": ResourceInfo(
        "nlpaug-res",
        f"https://raw.githubusercontent.com/makcedward/nlpaug/{_NLPAUG_COMMIT}/nlpaug/res/{{path}}",
        "MIT",
        "Ma 2019, nlpaug (github.com/makcedward/nlpaug), word/spelling/spelling_en.txt",
    ),
}

# ISO 639-1 -> OMW tab files, most specific first. Wiktionary-derived wordnets cover all 13
# MLDR languages; the hand-built wordnets exist for some.
_ISO3 = {"ar": "arb", "de": "deu", "en": "eng", "es": "spa", "fr": "fra", "hi": "hin", "it": "ita",
         "ja": "jpn", "ko": "kor", "pt": "por", "ru": "rus", "th": "tha", "zh": "cmn"}
_FULL_WN = {
    "ar": ("wns/arb/wn-data-arb.tab", "wns/arb/wn-nodia-arb.tab"),
    "en": ("wns/eng/wn-data-eng.tab",),
    "es": ("wns/mcr/wn-data-spa.tab",),
    "fr": ("wns/fra/wn-data-fra.tab",),
    "it": ("wns/ita/wn-data-ita.tab", "wns/iwn/wn-data-ita.tab"),
    "ja": ("wns/jpn/wn-data-jpn.tab",),
    "pt": ("wns/por/wn-data-por.tab",),
    "th": ("wns/tha/wn-data-tha.tab",),
    "zh": ("wns/cow/wn-data-cmn.tab",),
}
OMW_FILES: dict[str, tuple[str, ...]] = {
    lang: (f"wns/wikt/wn-wikt-{iso3}.tab", *_FULL_WN.get(lang, ())) for lang, iso3 in _ISO3.items()
}
THESAURUS_FILES: dict[str, str] = {
    "ar": "ar/th_ar.dat",
    "de": "de/th_de_DE_v2.dat",
    "en": "en/th_en_US_v2.dat",
    "es": "es/th_es_v2.dat",
    "fr": "fr_FR/thes_fr.dat",
    "it": "it_IT/th_it_IT_v2.dat",
    "pt": "pt_PT/th_pt_PT.dat",
    "ru": "ru_RU/th_ru_RU_M_aot_and_v2.dat",
    "th": "th_TH/th_th_TH_v2.dat",
}

_explicit_dir: Path | None = None


def set_resource_dir(path: str | os.PathLike[str] | None) -> None:
    """Use `path` (laid out like shared/data/resources) before the cache; None unsets it."""
    global _explicit_dir
    if path is not None and not Path(path).is_dir():
        raise ResourceMissingError(f"resource folder {str(path)!r} does not exist or is not a folder")
    _explicit_dir = None if path is None else Path(path)
    clear_caches()


def resource_dir() -> Path | None:
    """The local resource folder in effect: set_resource_dir's, else $ROBUSTIR_RESOURCES."""
    if _explicit_dir is not None:
        return _explicit_dir
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else None


def _cache_path(name: str, path: str) -> Path:
    from robustir._io import cache_root

    return cache_root() / "resources" / name / path


def _find(name: str, path: str) -> Path | None:
    found = _find_origin(name, path)
    return None if found is None else found[0]


def _find_origin(name: str, path: str) -> tuple[Path, str] | None:
    local = resource_dir()
    for base, origin in (((local / name) if local else None, "folder"), (_cache_path(name, ""), "cache")):
        if base is not None and (base / path).is_file():
            return base / path, origin
    return None


# Every resource file `locate` handed out in this process: (collection, file) -> (path, origin).
# Attacked-set manifests record them with their checksums (`located_files`), so a set says which
# copy of each lexicon made it (the pinned file, or a distribution's release of it).
_LOCATED: dict[tuple[str, str], tuple[Path, str]] = {}
_DIGESTS: dict[tuple[str, int, int], str] = {}
# Open recordings (`recording`): each collects the (collection, file) keys used while it is open.
_FRAMES: list[set[tuple[str, str]]] = []


def _note(name: str, path: str, found: Path, origin: str) -> Path:
    _LOCATED[(name, path)] = (found, origin)
    for frame in _FRAMES:
        frame.add((name, path))
    return found


def tracked_cache(maxsize: int | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`functools.lru_cache` that also remembers which resource files each cached call located,
    and reports them again to the open `recording`s on every later hit. Use it for any cache
    whose computation reads a lexicon (directly or through another cache), so that a run served
    from a cache filled by an earlier run in the same process still records the files it used."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @lru_cache(maxsize=maxsize)
        def inner(*args: Any, **kwargs: Any) -> tuple[Any, frozenset[tuple[str, str]]]:
            with recording() as used:
                result = fn(*args, **kwargs)
            return result, frozenset(used)

        @wraps(fn)
        def cached(*args: Any, **kwargs: Any) -> Any:
            result, used = inner(*args, **kwargs)
            if used:
                for frame in _FRAMES:
                    frame.update(used)
            return result

        cached.cache_clear = inner.cache_clear  # type: ignore[attr-defined]
        cached.cache_info = inner.cache_info  # type: ignore[attr-defined]
        return cached

    return wrap


def _pop(frame: set[tuple[str, str]]) -> None:
    for i in range(len(_FRAMES) - 1, -1, -1):
        if _FRAMES[i] is frame:
            del _FRAMES[i]
            return


@contextmanager
def recording() -> Iterator[set[tuple[str, str]]]:
    """Collect the (collection, file) keys of the resource files used inside the block, whether
    located now or served from a `tracked_cache` filled earlier; pass the set to `located_files`."""
    frame: set[tuple[str, str]] = set()
    _FRAMES.append(frame)
    try:
        yield frame
    finally:
        _pop(frame)


def located_files(keys: Iterable[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """The resource files located in this process (only `keys`, as collected by `recording`,
    when given), sorted, each with its collection, file name in the collection, origin
    (``folder``: the resource folder; ``cache``: robustir's download cache; ``system``: a
    distribution's copy, whose path is given), size and sha256. An attack run passes the keys
    it recorded, so its manifest names exactly the files its attacks used, also in a process
    that made other runs before (a leaderboard submission)."""
    import hashlib

    wanted = None if keys is None else set(keys)
    out = []
    for (name, path), (found, origin) in sorted(_LOCATED.items()):
        if wanted is not None and (name, path) not in wanted:
            continue
        try:
            st = found.stat()
        except OSError:
            continue
        key = (str(found), st.st_size, st.st_mtime_ns)
        if key not in _DIGESTS:
            h = hashlib.sha256()
            with open(found, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            _DIGESTS[key] = h.hexdigest()
        entry: dict[str, Any] = {"collection": name, "file": path, "origin": origin, "bytes": st.st_size, "sha256": _DIGESTS[key]}
        if origin == "system":
            entry["path"] = str(found)
        out.append(entry)
    return out


# System folders a distribution installs a resource into, looked in by file name when the file
# is in neither folder above and cannot be downloaded (offline, or the download failed): the
# pinned upstream file is preferred, a distribution's copy (another release, perhaps) is the
# fallback. Debian/Ubuntu's mythes-* packages (`apt install mythes-de`) put thesauri here.
SYSTEM_DIRS: dict[str, tuple[Path, ...]] = {
    "libreoffice-thesauri": (Path("/usr/share/mythes"),),
}


def _system_copy(name: str, path: str) -> Path | None:
    for folder in SYSTEM_DIRS.get(name, ()):
        if (folder / Path(path).name).is_file():
            return folder / Path(path).name
    return None


def available(name: str, path: str) -> bool:
    """True if the file is present locally (explicit folder, env folder, cache or a system
    folder); never downloads."""
    return _find(name, path) is not None or _system_copy(name, path) is not None


def locate(name: str, path: str, *, download: bool = True) -> Path:
    """The local path of one resource file, downloading it into the cache when allowed."""
    if name not in RESOURCES:
        raise unknown_name("resource", name, RESOURCES)
    hit = _find_origin(name, path)
    if hit is not None:
        return _note(name, path, *hit)
    info = RESOURCES[name]
    url = info.url.format(path=path)
    how = (
        f"download {url} to {_cache_path(name, path)}, or pass --resources DIR (or set {ENV_VAR}) "
        f"to a folder holding {name}/{path}"
    )
    system = _system_copy(name, path)
    if not download or offline():
        if system is not None:
            return _note(name, path, system, "system")
        where = f"{resource_dir() / name}" if resource_dir() else "no local resource folder set"
        raise ResourceMissingError(f"resource {name}/{path} is missing ({where}; offline): {how}")
    try:
        return _note(name, path, _download(url, _cache_path(name, path), how), "cache")
    except ResourceMissingError:
        if system is None:
            raise
        return _note(name, path, system, "system")


def _download(url: str, dest: Path, how: str) -> Path:
    import urllib.error
    import urllib.request

    from robustir._io import atomic_write_bytes

    try:
        with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 (fixed https URLs)
            data = resp.read()
    except (urllib.error.URLError, OSError) as exc:
        raise ResourceMissingError(f"could not download {url} ({exc}); {how}") from exc
    dest.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(dest, data)
    return dest


def clear_caches(*, files: bool = False) -> None:
    """Forget which files each language resolved to (after changing the resource folder).
    Parsed files stay cached by path unless `files=True` (they are read-only data)."""
    for fn in (muse, wordnet, wordnets, thesaurus) + ((_muse_file, _omw_file, _mythes_file) if files else ()):
        fn.cache_clear()
    for hook in _CLEAR_HOOKS:
        hook()


_CLEAR_HOOKS: list[Callable[[], None]] = []


def on_clear(hook: Callable[[], None]) -> None:
    """Call `hook` whenever `clear_caches` runs (for caches derived from these tables)."""
    if hook not in _CLEAR_HOOKS:
        _CLEAR_HOOKS.append(hook)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- MUSE -------------------------------------------------------------------------------


def read_muse(path: Path) -> dict[str, tuple[str, ...]]:
    """Parse a MUSE dictionary: one "source target" pair per line (space or tab separated);
    translations keep file order (most frequent first)."""
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", errors="strict") as fh:
        for n, line in enumerate(fh, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                raise DataError(f"{path}:{n}: expected 'source target', got {line.strip()!r}")
            src, tgt = _nfc(parts[0]), _nfc(parts[1])
            bucket = out.setdefault(src, [])
            if tgt not in bucket:
                bucket.append(tgt)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=None)  # by path: the caller located the file (and is tracked)
def _muse_file(path: Path) -> Mapping[str, tuple[str, ...]]:
    return read_muse(path)


@tracked_cache()
def muse(src: str, tgt: str) -> Mapping[str, tuple[str, ...]]:
    """The MUSE dictionary src -> tgt (loaded once per process)."""
    return _muse_file(locate("muse", f"{src}-{tgt}.txt"))


# --- Open Multilingual Wordnet ---------------------------------------------------------


def read_omw_tab(path: Path) -> dict[str, tuple[str, ...]]:
    """Parse an OMW tab file into synset -> lemmas (only `lang:lemma` rows; '#' lines skipped)."""
    out: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or not parts[1].endswith(":lemma"):
                continue
            lemma = _nfc(parts[2].strip().replace("_", " "))
            if lemma:
                bucket = out.setdefault(parts[0], [])
                if lemma not in bucket:
                    bucket.append(lemma)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=None)  # by path: the caller located the file (and is tracked)
def _omw_file(path: Path) -> Mapping[str, tuple[str, ...]]:
    return read_omw_tab(path)


_POS_SUFFIX = {"NOUN": ("n",), "VERB": ("v",), "ADJ": ("a", "s"), "ADV": ("r",)}


@dataclass(frozen=True)
class Wordnet:
    """Synsets of one language merged from several OMW files."""

    lang: str
    synsets: Mapping[str, tuple[str, ...]]  # synset id -> lemmas
    index: Mapping[str, tuple[str, ...]]  # case-folded lemma -> synset ids
    files: tuple[str, ...]

    def synonyms(self, word: str, pos: str | None = None) -> tuple[str, ...]:
        """Lemmas sharing a synset with `word`, excluding `word` itself (any case). `pos`
        (NOUN, VERB, ADJ, ADV) keeps only synsets of that part of speech (the synset id's
        suffix: -n, -v, -a/-s, -r)."""
        key = _nfc(word).casefold()
        keep = _POS_SUFFIX.get(pos) if pos else None
        seen: dict[str, None] = {}
        for sid in self.index.get(key, ()):
            if keep is not None and sid.rpartition("-")[2] not in keep:
                continue
            for lemma in self.synsets[sid]:
                if lemma.casefold() != key:
                    seen.setdefault(lemma, None)
        return tuple(seen)


def _wordnet_paths(lang: str) -> list[Path]:
    if lang not in OMW_FILES:
        raise unknown_name("wordnet language", lang, OMW_FILES)
    first, *rest = OMW_FILES[lang]
    paths = [locate("omw-data", first)]
    # Hand-built wordnets are used when present locally; only the Wiktionary one is required
    # (and downloaded when missing), so a partial folder never triggers slow network retries.
    for extra in rest:
        hit = _find_origin("omw-data", extra)
        if hit is not None:
            paths.append(_note("omw-data", extra, *hit))
    return paths


@tracked_cache()
def wordnet(lang: str) -> Wordnet:
    """All OMW wordnets of `lang` present (Wiktionary-derived one required), merged."""
    return _merged(lang, _wordnet_paths(lang))


@tracked_cache()
def wordnets(lang: str) -> tuple[Wordnet, ...]:
    """Each OMW wordnet of `lang` present, separately (independent sources: a synonym two of
    them agree on is likelier the word's intended sense). Files of one folder are one wordnet
    (Arabic wn-data-arb and wn-nodia-arb: the same synsets with and without vowel marks)."""
    folders: dict[Path, list[Path]] = {}
    for p in _wordnet_paths(lang):
        folders.setdefault(p.parent, []).append(p)
    return tuple(_merged(lang, paths) for paths in folders.values())


def _merged(lang: str, paths: list[Path]) -> Wordnet:
    synsets: dict[str, list[str]] = {}
    for path in paths:
        for sid, lemmas in _omw_file(path).items():
            bucket = synsets.setdefault(sid, [])
            bucket.extend(lemma for lemma in lemmas if lemma not in bucket)
    index: dict[str, list[str]] = {}
    for sid, lemmas in synsets.items():
        for lemma in lemmas:
            index.setdefault(lemma.casefold(), []).append(sid)
    return Wordnet(
        lang,
        {k: tuple(v) for k, v in synsets.items()},
        {k: tuple(v) for k, v in index.items()},
        tuple(str(p) for p in paths),
    )


# --- MyThes thesauri ---------------------------------------------------------------------

_ANTONYM_MARKS = ("antonym", "антоним", "antónimo", "antonimo")
# Notes that make an entry something other than a plain synonym a person would type: a broader
# or narrower term, a merely similar or related one, or another register (colloquial, vulgar,
# dated, technical, figurative, regional, foreign). `thesaurus(lang, plain=True)` drops them.
MARKED_NOTES = (
    "oberbegriff", "unterbegriff", "generic term", "similar term", "related term",
    "сходный термин", "связанный термин", "ugs.", "derb", "vulg.", "abwertend", "veraltet",
    "scherzh", "fachspr.", "engl.", "fig.", "geh.", "regional", "österr.", "schweiz.",
    "historisch", "ddr", "jargon", "ironisch", "ирон.", "прост.", "разг.", "устар.",
)


def _strip_note(text: str) -> str:
    """'word (generic term)' -> 'word'."""
    cut = text.find("(")
    return (text[:cut] if cut > 0 else text).strip()


def _mythes_text(path: Path) -> str:
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n")
    encoding = head.decode("ascii", "ignore").strip().lstrip("\ufeff").strip() or "utf-8"
    encoding = {"ISO8859-1": "iso-8859-1", "ISO8859-15": "iso-8859-15"}.get(encoding.upper(), encoding)
    try:
        return body.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot decode with its declared encoding {encoding!r}: {exc}") from exc


def read_mythes_senses(path: Path, *, drop_notes: tuple[str, ...] = ()) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Parse a MyThes .dat file into case-folded word -> its senses, each the tuple of that
    sense's synonyms (notes stripped, the word itself left out; antonym senses and entries whose
    notes hold one of `drop_notes` skipped; senses left empty dropped)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    lines = _mythes_text(path).splitlines()
    i = 0
    while i < len(lines):
        entry, sep, count = lines[i].rpartition("|")
        i += 1
        if not sep or not count.strip().isdigit():
            continue
        word = _nfc(entry.strip())
        senses = out.setdefault(word.casefold(), [])
        for sense in lines[i : i + int(count)]:
            pos, _, rest = sense.partition("|")
            if any(mark in pos.lower() for mark in _ANTONYM_MARKS):
                continue
            syns: list[str] = []
            for syn in rest.split("|"):
                if any(mark in syn.lower() for mark in _ANTONYM_MARKS):
                    continue
                if drop_notes and "(" in syn and any(m in syn[syn.find("("):].lower() for m in drop_notes):
                    continue
                syn = _nfc(_strip_note(syn))
                if syn and syn.casefold() != word.casefold() and syn not in syns:
                    syns.append(syn)
            if syns:
                senses.append(tuple(syns))
        i += int(count)
    return {k: tuple(v) for k, v in out.items() if v}


def read_mythes(path: Path, *, drop_notes: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """Parse a MyThes .dat file (first line: its encoding) into case-folded word -> synonyms
    (all senses, in file order), skipping antonym senses and parenthesised notes; entries whose
    notes hold one of `drop_notes` (case-insensitive) are skipped."""
    out: dict[str, list[str]] = {}
    for word, senses in read_mythes_senses(path, drop_notes=drop_notes).items():
        syns = out.setdefault(word, [])
        syns.extend(dict.fromkeys(s for sense in senses for s in sense if s not in syns))
    return {k: tuple(v) for k, v in out.items() if v}


@lru_cache(maxsize=None)  # by path: the caller located the file (and is tracked)
def _mythes_file(path: Path, drop_notes: tuple[str, ...] = ()) -> Mapping[str, tuple[str, ...]]:
    return read_mythes(path, drop_notes=drop_notes)


@tracked_cache()
def thesaurus(lang: str, *, plain: bool = False) -> Mapping[str, tuple[str, ...]]:
    """The MyThes thesaurus of `lang`, case-folded word -> synonyms; `plain`: without the
    entries marked as broader, related or of another register (MARKED_NOTES)."""
    if lang not in THESAURUS_FILES:
        raise unknown_name("thesaurus language", lang, THESAURUS_FILES)
    table = _mythes_file(locate("libreoffice-thesauri", THESAURUS_FILES[lang]), MARKED_NOTES if plain else ())
    if lang != "ar":
        return table
    # The Arabic thesaurus writes headwords with shadda and vowel marks; queries rarely do.
    bare: dict[str, list[str]] = {}
    for word, syns in table.items():
        bucket = bare.setdefault(strip_harakat(word), [])
        bucket.extend(s for s in syns if s not in bucket)
    return {k: tuple(v) for k, v in bare.items()}
