"""The attacked-set folder (format ``robustir.attacked/1``): its one reader, writer and type.

``robustir attack`` (robustir.attacks.runner) writes it, ``robustir score``
(robustir.benchmark.scoring) and the leaderboards read it, all through this module::

    DIR/manifest.json              dataset, revision, split, seed, version, one entry per set
    DIR/<spec slug>.<lang>.jsonl   one row per kept query:
        {query_id, lang, query_lang, original, perturbed, spec, edits, chrf, char_edit_distance}

Each manifest entry (one per file) records the file's spec, language, seed, row count
(``rows``) and the sha256 of its bytes; the reader checks every file against them and refuses
a file that disagrees (hand-edited, truncated, swapped) or that lists a query twice, in one
line naming the file. Folders written before ``rows``/``sha256`` were recorded still read.

Writing is atomic as a whole: the new set is written into a hidden sibling folder and swapped
in at the end (one ``renameat2(RENAME_EXCHANGE)`` on Linux, else two renames), so a run that
fails or is killed midway leaves the previous set, or nothing, never a mix. An ``--out``
folder that holds anything other than an attacked set is refused unless ``overwrite``.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from robustir._io import atomic_write_bytes, atomic_write_text, dump_json, iter_jsonl, read_json, sha256_file
from robustir.errors import DataError, RobustirError
from robustir.types import AttackSpec

__all__ = [
    "FORMAT",
    "MANIFEST",
    "ROW_KEYS",
    "AttackedCollection",
    "AttackedSet",
    "check_attacked",
    "check_out_dir",
    "read_attacked",
    "write_attacked",
]

FORMAT = "robustir.attacked/1"
MANIFEST = "manifest.json"
ROW_KEYS = ("query_id", "lang", "query_lang", "original", "perturbed", "spec", "edits", "chrf")
# Manifest-entry fields a score report copies for each attacked set (the optional ones only when present).
_STATS = ("queries", "changed", "unchanged", "dropped", "mean_chrf", "mean_edits", "adversarial")
_OPTIONAL_STATS = ("mean_sim", "dropped_sim")


@dataclass(frozen=True)
class AttackedSet:
    """One attacked query set: `texts` maps query id -> perturbed text (dropped ids absent).

    `lang` is the dataset language (its corpus and judgements score the set); `query_lang` the
    language of the perturbed text (it differs for translate). `entry` is the set's manifest
    entry; `source` the JSONL file; `seed` the seed it was made with.
    """

    spec: str
    lang: str
    query_lang: str
    texts: dict[str, str]
    rows: list[dict[str, Any]] = field(default_factory=list, repr=False)
    entry: dict[str, Any] = field(default_factory=dict, repr=False)
    source: str = ""
    seed: Any = None

    @classmethod
    def from_rows(cls, entry: dict[str, Any], rows: list[dict[str, Any]], *, source: str = "", seed: Any = None) -> AttackedSet:
        lang = str(entry.get("lang"))
        return cls(str(entry.get("spec")), lang, str(entry.get("query_lang") or lang),
                   {r["query_id"]: r["perturbed"] for r in rows}, rows, entry, source, seed)

    @property
    def key(self) -> str:
        return f"{self.spec}|{self.lang}|{self.query_lang}"

    @property
    def dropped(self) -> int:
        return int(self.entry.get("dropped") or 0)

    @property
    def victim(self) -> str | None:
        return self.entry.get("victim")

    @property
    def stats(self) -> dict[str, Any]:
        """The counts and means a score report records for this set."""
        out = {k: self.entry.get(k) for k in _STATS}
        out.update({k: self.entry[k] for k in _OPTIONAL_STATS if k in self.entry})
        return out


def _spec_matches(wanted: AttackSpec, canon: str) -> bool:
    """`wanted` names the same steps as canonical `canon`, with every parameter it gives equal
    (parameters it leaves out are the canonical spec's, i.e. its defaults)."""
    have = AttackSpec.parse(canon).steps
    if [s.name for s in wanted.steps] != [s.name for s in have]:
        return False
    return all(dict(w.params).items() <= dict(h.params).items() for w, h in zip(wanted.steps, have))


@dataclass(frozen=True)
class AttackedCollection:
    """An attacked-set folder: its manifest and every set it lists."""

    manifest: dict[str, Any]
    sets: list[AttackedSet]
    path: Path | None = None

    def get(self, spec: str | AttackSpec, lang: str) -> AttackedSet:
        """The set of `spec` in language `lang`: the canonical spec, or a spelling that leaves
        parameters out (``typo.keyboard(rate=0.2)``) when exactly one set matches it."""
        wanted = spec if isinstance(spec, AttackSpec) else AttackSpec.parse(spec)
        here = [s for s in self.sets if s.lang == lang]
        exact = [s for s in here if s.spec == str(wanted)]
        found = exact or [s for s in here if _spec_matches(wanted, s.spec)]
        if len(found) == 1:
            return found[0]
        have = ", ".join(f"{s.spec} [{s.lang}]" for s in (found or self.sets))
        if found:
            raise RobustirError(f"{wanted} matches {len(found)} attacked sets in {lang!r}: {have}; spell its parameters out")
        raise RobustirError(f"no attacked set for {wanted} in language {lang!r}; the folder has: {have}")


# -- reading ------------------------------------------------------------------------------------


def _set_file(folder: Path, entry: Any) -> Path:
    name = entry.get("file", "") if isinstance(entry, dict) else ""
    if not isinstance(name, str) or not name.endswith(".jsonl") or "/" in name or "\\" in name or name.startswith("."):
        raise DataError(f"{folder}/{MANIFEST}: invalid set file name {name!r}")
    return folder / name


def _read_rows(path: Path, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of one set file, checked against its manifest entry."""
    if not path.is_file():
        raise DataError(f"{path}: listed in {MANIFEST} but missing; the attacked set is incomplete, re-run 'robustir attack'")
    want = entry.get("sha256")
    if want is not None and sha256_file(path) != want:
        raise DataError(f"{path}: content does not match the sha256 in {MANIFEST} (edited or damaged after "
                        "'robustir attack' wrote it); re-run 'robustir attack'")
    rows: list[dict[str, Any]] = []
    seen: dict[Any, int] = {}
    for lineno, row in iter_jsonl(path):
        missing = [k for k in ROW_KEYS if k not in row]
        if missing:
            raise DataError(f"{path}:{lineno}: row lacks {', '.join(missing)}")
        qid = row["query_id"]
        if qid in seen:
            raise DataError(f"{path}:{lineno}: query {qid!r} appears twice (first on line {seen[qid]})")
        seen[qid] = lineno
        if row["spec"] != entry.get("spec") or row["lang"] != entry.get("lang"):
            raise DataError(f"{path}:{lineno}: row is {row['spec']} [{row['lang']}] but {MANIFEST} lists the file as "
                            f"{entry.get('spec')} [{entry.get('lang')}]")
        rows.append(row)
    if "rows" in entry and entry["rows"] != len(rows):
        raise DataError(f"{path}: {len(rows)} rows but {MANIFEST} records {entry['rows']}; re-run 'robustir attack'")
    return rows


def _read_manifest(folder: Path) -> dict[str, Any]:
    manifest = read_json(folder / MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        got = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        raise DataError(f"{folder}/{MANIFEST}: format {got!r} is not {FORMAT!r}")
    if not isinstance(manifest.get("sets"), list):
        raise DataError(f"{folder}/{MANIFEST}: missing 'sets' (a list of attacked sets)")
    return manifest


def read_attacked(path: str | Path) -> AttackedCollection:
    """Read an attacked-set folder (or its manifest.json), verifying every file against the manifest."""
    path = Path(path)
    folder = path.parent if path.name == MANIFEST else path
    if not folder.exists():
        raise DataError(f"attacked set: {path} does not exist (expected a folder written by 'robustir attack')")
    manifest = _read_manifest(folder)
    files = [_set_file(folder, entry) for entry in manifest["sets"]]
    for key in ("dataset", "revision"):
        if key not in manifest:
            raise DataError(f"{folder}/{MANIFEST}: missing {key!r}")
    sets: list[AttackedSet] = []
    for entry, file in zip(manifest["sets"], files):
        if "seed" in entry and entry["seed"] != manifest.get("seed"):
            raise DataError(f"{file}: made with seed {entry['seed']!r}, but {MANIFEST} is for seed {manifest.get('seed')!r}")
        rows = _read_rows(file, entry)
        sets.append(AttackedSet.from_rows(entry, rows, source=str(file), seed=manifest.get("seed")))
    return AttackedCollection(manifest, sets, folder)


def check_attacked(
    manifest: dict[str, Any],
    sets: Sequence[AttackedSet],
    *,
    folder: str,
    dataset: str,
    revision: str,
    clean_ids: dict[str, Sequence[str]],
    scored_ids: dict[str, Sequence[str]] | None = None,
) -> None:
    """Refuse attacked sets made from other data, or whose query ids do not match the clean set.

    `clean_ids` maps each scored language to ALL its clean query ids; every attacked id must be
    one of them. `scored_ids` (default: all) are the ids being scored; those absent from the
    attacked set must be accounted for by the manifest's ``dropped`` count.
    """
    if manifest["dataset"] != dataset or manifest["revision"] != revision:
        raise DataError(
            f"attacked set {folder} was made from dataset {manifest['dataset']!r} revision {manifest['revision']!r}, "
            f"but {dataset!r} revision {revision!r} is being scored; re-run 'robustir attack' on this data"
        )
    for s in sets:
        if s.lang not in clean_ids:
            continue
        have = set(s.texts)
        extra = sorted(have - set(clean_ids[s.lang]))
        if extra:
            raise DataError(
                f"attacked set {s.source} ({s.spec}, {s.lang}) has {len(extra)} query ids not in the clean "
                f"{s.lang} queries, e.g. {extra[0]!r}; it was made from other queries"
            )
        scored_list = list((scored_ids or clean_ids)[s.lang])
        limit = manifest.get("limit")
        if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
            # the attack ran on the first `limit` queries only: score the overlap
            covered = set(list(clean_ids[s.lang])[:limit])
            scored_list = [q for q in scored_list if q in covered]
        scored = set(scored_list)
        missing = sorted(scored - have)
        if len(missing) > s.dropped:
            raise DataError(
                f"attacked set {s.source} ({s.spec}, {s.lang}) lacks {len(missing)} of the {len(scored)} clean "
                f"{s.lang} query ids (manifest says {s.dropped} dropped), e.g. {missing[0]!r}"
            )


# -- writing ------------------------------------------------------------------------------------


def _jsonl_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def _foreign_files(folder: Path) -> list[str]:
    """Names in `folder` that are not part of the attacked set it holds (all of them if none)."""
    names = sorted(p.name for p in folder.iterdir())
    try:
        manifest = _read_manifest(folder)
    except RobustirError:
        return names
    mine = {MANIFEST} | {e.get("file") for e in manifest["sets"] if isinstance(e, dict)}
    return [n for n in names if n not in mine]


def check_out_dir(out: str | Path, *, overwrite: bool = False) -> None:
    """Refuse an output path that is a file, or a non-empty folder holding anything other than
    an attacked set (unless `overwrite`): writing replaces the whole folder."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise RobustirError(f"--out {out} is a file, not a folder")
    here = Path.cwd().resolve()
    if out.exists() and (out.resolve() == here or out.resolve() in here.parents):
        raise RobustirError(f"--out {out} is the current folder or one above it; the attacked set replaces --out as a whole, pick a subfolder")
    if out.is_dir() and not overwrite:
        foreign = _foreign_files(out)
        if foreign:
            raise RobustirError(
                f"--out {out} is not an attacked-set folder (it holds {len(foreign)} other entries, e.g. {foreign[0]!r}) "
                "and writing replaces the whole folder; choose a new or empty folder, or pass --overwrite"
            )


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False  # e.g. a file system without exchange support
    raise OSError(err, os.strerror(err), str(b))


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _swap_in(tmp: Path, out: Path) -> None:
    """Put the finished folder `tmp` at `out`; the old `out` (if any) is removed only after."""
    if out.is_dir() and not any(out.iterdir()):
        out.rmdir()  # an empty folder holds nothing to keep
    if not out.exists():
        os.rename(tmp, out)
    elif _exchange(tmp, out):  # `out` is the new set now, `tmp` the old one
        shutil.rmtree(tmp)
    else:
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
        old.rmdir()
        os.rename(out, old)
        try:
            os.rename(tmp, out)
        except BaseException:
            os.rename(old, out)
            raise
        shutil.rmtree(old)
    _fsync_dir(out.parent)


def _write_files(tmp: Path, manifest: dict[str, Any], sets: Sequence[AttackedSet]) -> tuple[dict[str, Any], list[AttackedSet]]:
    """Write every set file, then the manifest (with each file's seed, row count and sha256)."""
    written: list[AttackedSet] = []
    for s in sets:
        data = _jsonl_bytes(s.rows)
        entry = {**s.entry, "seed": manifest["seed"], "rows": len(s.rows), "sha256": hashlib.sha256(data).hexdigest()}
        name = str(entry["file"])
        _set_file(tmp, entry)  # a safe file name
        atomic_write_bytes(tmp / name, data)
        written.append(replace(s, entry=entry, seed=manifest["seed"], source=name))
    manifest = {**manifest, "format": FORMAT, "sets": [s.entry for s in written]}
    atomic_write_text(tmp / MANIFEST, dump_json(manifest))
    return manifest, written


def write_attacked(out: str | Path, manifest: dict[str, Any], sets: Sequence[AttackedSet], *,
                   overwrite: bool = False) -> AttackedCollection:
    """Write an attacked-set folder at `out` as a whole, replacing what was there.

    `manifest` holds the run's fields (dataset, revision, split, seed, ...); each set's `entry`
    names its `file`. The sets are written into a hidden sibling folder and swapped in last.
    """
    out_path = Path(out)
    target = Path(os.path.abspath(out_path))
    check_out_dir(target, overwrite=overwrite)
    names = [str(s.entry.get("file")) for s in sets]
    if len(set(names)) != len(names):
        raise RobustirError(f"two attacked sets would share the file {next(n for n in names if names.count(n) > 1)!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        final, written = _write_files(tmp, manifest, sets)
        _swap_in(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return AttackedCollection(final, [replace(s, source=str(out_path / s.source)) for s in written], out_path)
