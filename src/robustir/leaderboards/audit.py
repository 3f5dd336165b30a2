"""The audit of a suite's attacked sets, published beside its board (`robustir audit --suite`).

The suite's attacked sets are the ones every submission is scored on: they are rebuilt (or
reused from the submission cache, which holds exactly what `robustir submit` scored) from the
pinned specs and seeds, and every set is audited with `robustir.attacks.audit`: rows, share
changed, chrF, the judge's similarity and the share under its floor, the edit-operation mix
against real typos, and a seeded sample of before/after pairs. The result is written as
``audit.md`` and ``audit.html`` in the board's folder, which the board then links.

Choose a judge other than the suite's filter judge to learn something: the word-substituting
attacks were filtered by it at generation, so its own "< floor" share is 0 by construction.

Example:
    >>> audit, files = audit_suite(load_suite("v2"), data_dirs={"xquad-r": Path("../shared/data/xquad-r")},
    ...                            resources=Path("../shared/data/resources"), judge="muse-v3", max_rows=300,
    ...                            out=Path("leaderboards/v2"))  # doctest: +SKIP
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from typing import TYPE_CHECKING, Any

from robustir._io import atomic_write_text
from robustir.errors import RobustirError
from robustir.leaderboards.suite import Suite

if TYPE_CHECKING:
    from robustir.attacks.audit import Audit

__all__ = ["AUDIT_FILES", "audit_suite"]

AUDIT_FILES = {"md": "audit.md", "html": "audit.html"}


def audit_suite(
    suite: Suite,
    *,
    data_dirs: Mapping[str, Path],
    resources: Path | None,
    out: Path,
    judge: str | None = "muse-v3",
    max_rows: int | None = 300,
    samples: int = 3,
    seed: int = 0,
    floor: float | None = None,
    say: Callable[[str], None] = lambda _msg: None,
) -> tuple[Audit, list[Path]]:
    """Audit every attacked set of `suite` and write ``audit.md`` and ``audit.html`` under `out`
    (`floor`: one fixed similarity floor instead of the judge's calibrated ones)."""
    from robustir.attacks.audit import Audit, audit_folder, render
    from robustir.leaderboards.submit import attack_cache, attack_task, check_data_dirs

    check_data_dirs(suite, data_dirs)
    if out.exists() and not out.is_dir():
        raise RobustirError(f"--out {out} is a file; the audit is written as {', '.join(AUDIT_FILES.values())} in a folder")
    sets = []
    filters: set[str] = set()
    judge_name = judge_version = None
    # the lexicon files of every folder's manifest, merged; None once a folder did not record them
    files: dict[tuple, dict[str, Any]] | None = {}
    for task in suite.tasks:
        data_dir = data_dirs.get(task.dataset)
        work = attack_cache(suite, task, data_dir, resources)
        folders, _skipped, _sums = attack_task(task, suite, data_dir=data_dir, resources=resources, work=work, say=say)
        for folder in folders:
            say(f"auditing {folder.name}")
            a = audit_folder(folder, judge=judge, samples=samples, seed=seed, max_rows=max_rows, floor=floor)
            sets += a.sets
            if a.resources is None or files is None:
                files = None
            else:
                files.update({(r.get("collection"), r.get("file"), r.get("sha256")): r for r in a.resources if isinstance(r, dict)})
            if a.generation_judge:
                filters.add(a.generation_judge)
            judge_name, judge_version = a.judge, a.judge_version
    if not sets:
        raise RobustirError(f"suite {suite.version} has no attacked sets to audit")
    sample = f"a seeded sample (seed {seed}) of at most {max_rows} rows per set" if max_rows else "every row"
    audit = Audit(
        path=f"suite {suite.version} (hash {suite.content_hash[:16]}): the attacked sets every submission is scored on; {sample}",
        dataset=", ".join(t.dataset for t in suite.tasks),
        seed="per attack, as pinned in the suite",
        judge=judge_name if judge else None,
        judge_version=judge_version if judge else None,
        sets=sorted(sets, key=lambda s: (s.spec, s.lang, s.query_lang)),
        floor=floor,
        generation_judge=("; ".join(sorted(filters)) + " (the word-substituting attacks; the others keep meaning by construction)"
                          if filters else None),
        resources=None if files is None else [files[k] for k in sorted(files, key=lambda k: tuple(map(str, k)))],
    )
    written = []
    for fmt, name in AUDIT_FILES.items():
        atomic_write_text(out / name, render(audit, fmt))
        written.append(out / name)
    return audit, written
