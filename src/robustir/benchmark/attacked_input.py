"""Reading attacked-set folders (format ``robustir.attacked/1``) for scoring, with validation.

The folder is written by ``robustir attack`` (robustir.attacks): ``manifest.json`` plus one
JSONL file per (spec, language). Scoring must not mix data: the manifest's dataset and
revision must be the ones being scored, and every attacked query id must be a clean id.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from robustir.errors import DataError

__all__ = ["AttackedInput", "read_attacked_dir", "check_attacked"]



@dataclass(frozen=True)
class AttackedInput:
    """One attacked query set as scoring needs it."""

    spec: str
    lang: str  # dataset language: its corpus and qrels judge the set
    query_lang: str  # language of the perturbed text (differs for translate)
    texts: dict[str, str]
    source: str  # folder/file it came from
    dropped: int = 0
    seed: Any = None
    victim: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.spec}|{self.lang}|{self.query_lang}"


def read_attacked_dir(path: str | Path) -> tuple[dict[str, Any], list[AttackedInput]]:
    """Manifest and sets of one attacked folder (read by robustir.attacks.read_attacked)."""
    from robustir.attacks.runner import read_attacked

    path = Path(path)
    if not path.exists():
        raise DataError(f"attacked set: {path} does not exist (expected a folder written by 'robustir attack')")
    coll = read_attacked(path)
    manifest = coll.manifest
    for key in ("dataset", "revision", "sets"):
        if key not in manifest:
            raise DataError(f"{path}/manifest.json: missing {key!r}")
    out: list[AttackedInput] = []
    for s in coll.sets:
        entry = s.entry
        stats = {k: entry.get(k) for k in ("queries", "changed", "unchanged", "dropped", "mean_chrf", "mean_edits", "adversarial")}
        out.append(
            AttackedInput(
                spec=s.spec,
                lang=s.lang,
                query_lang=s.query_lang or s.lang,
                texts=dict(s.texts),
                source=str(Path(coll.path or path) / str(entry.get("file", ""))),
                dropped=int(entry.get("dropped") or 0),
                seed=manifest.get("seed"),
                victim=entry.get("victim"),
                stats=stats,
            )
        )
    return manifest, out


def check_attacked(
    manifest: dict[str, Any],
    sets: Sequence[AttackedInput],
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
