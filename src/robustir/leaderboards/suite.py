"""The versioned leaderboard suite: what a submission is scored on.

A suite is a TOML file shipped with the package (``suites/<version>.toml``): datasets,
splits, languages, retrieval settings, attack specs with their seeds, metrics and the
headline score. Its identity is ``version`` plus a content hash (sha256 of the parsed
content as canonical JSON, so comments and layout do not count). The hash of every released
version is pinned in `KNOWN_SUITES`: a file whose content changed without a new version is
refused, and records of different versions are never ranked together.

Example:
    >>> suite = load_suite("v1")
    >>> suite.version, suite.headline_metric
    ('v1', 'ndcg@10')
"""
from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from robustir.benchmark.settings import SETTINGS
from robustir.errors import RobustirError, unknown_name
from robustir.types import AttackSpec

__all__ = ["APPROX_MARK", "JUDGE_MARK", "KNOWN_SUITES", "BoardOptions", "Suite", "SuiteAttack", "SuiteError", "SuiteTask", "available_suites", "load_suite", "suite_hash"]

APPROX_MARK = "\u2020"  # dagger: the attack stands in for something it only approximates
JUDGE_MARK = "\u2021"  # double dagger: the entry is (or shares the weights of) the suite's meaning judge

# version -> sha256 of its canonical content. A new or changed suite needs a new entry here.
KNOWN_SUITES: dict[str, str] = {
    "v1": "f6ac212bb62b4f9401539bc02d76925abea7534945153869b34a4f684a52e6b8",
    "v1-adversarial": "76def762b44976d6c2130165ea8ce078dbde991f580afe4715f7d0886a56893b",
    "v2": "ffc251160025e23200b68eb14450b6ae7a89eb1bbe719716178758af4ae4031d",
    "v3": "77840f3806246eb8f1190fb07c7b7569dd39bb6aca4c245315b57406b5b44a08",
    "demo": "30169d9e500977be17b9e1a40b9d4a30d5632546f36b7711b66ac1cfd4d6c19b",
    "mldr-v1": "eea62cf431c857e4b2bb37340320da8b06a812db04b590a2898e4952e07144e3",
}



class SuiteError(RobustirError):
    """A suite file is malformed, unknown, or changed without a version bump."""


@dataclass(frozen=True)
class SuiteTask:
    """One dataset of the suite with its languages, settings and query subset."""

    dataset: str
    split: str
    langs: tuple[str, ...]
    settings: tuple[str, ...]
    needs_data_dir: bool
    max_queries: int  # score the first N query ids of each language; 0 = all

    def select(self, qids: tuple[str, ...]) -> tuple[str, ...]:
        """The suite's query subset of `qids` (the first `max_queries`, or all)."""
        return qids[: self.max_queries] if self.max_queries else qids


@dataclass(frozen=True)
class SuiteAttack:
    label: str  # short unique name: the attack's key in records and its column on the board
    spec: str  # canonical spec, every parameter written out
    seed: int
    victim: str | None = None  # the model adversarial.* attacks are searched against
    judge: str | None = None  # the meaning-similarity judge of word-substituting attacks
    min_sim: float | str | None = None  # its floor: a number, or "calibrated" (the judge's per language)
    approximation: str | None = None  # what the attack only approximates (marked in every board table)


@dataclass(frozen=True)
class BoardOptions:
    """The suite's `[board]` table: the uncertainty shown beside the ranking (suites from v2 on)."""

    uncertainty: bool = False  # rank intervals, tied ranks, worst-case column, effect sizes
    correction: str = "holm"  # multiple-testing correction of the marks: holm | bh
    n_resamples: int = 2000  # bootstrap resamples for rank and effect intervals
    seed: int = 0


@dataclass(frozen=True)
class Suite:
    version: str
    description: str
    metrics: tuple[str, ...]
    k: int
    headline_metric: str
    tasks: tuple[SuiteTask, ...]
    attacks: tuple[SuiteAttack, ...]
    content_hash: str
    board: BoardOptions = BoardOptions()

    @property
    def attack_labels(self) -> tuple[str, ...]:
        return tuple(a.label for a in self.attacks)

    def attack_header(self, label: str) -> str:
        """An attack's name in a board table: its label, with `APPROX_MARK` when the suite says
        the attack is an approximation (e.g. a dictionary translation standing in for MT)."""
        att = next((a for a in self.attacks if a.label == label), None)
        return f"{label}{APPROX_MARK}" if att is not None and att.approximation else label

    def approximation_note(self, labels: Iterable[str] | None = None) -> str:
        """The footnote of the marked attacks among `labels` (all of the suite's when None); "" if none."""
        wanted = set(self.attack_labels if labels is None else labels)
        parts = [f"{a.label}: {a.approximation}" for a in self.attacks if a.approximation and a.label in wanted]
        return f"{APPROX_MARK} approximation: {'; '.join(parts)}." if parts else ""

    def judge_of(self, model: Mapping[str, Any]) -> tuple[str, tuple[str, ...]] | None:
        """(judge, attack labels) when a record's model (its spec as recorded) is, or shares the
        weights of, the meaning judge that filtered some of the suite's attacks; else None.
        Those attacks keep what the judge finds harmless, so that model's robustness to them is
        overstated (docs/attacks.md, "the trap")."""
        by_judge: dict[str, list[str]] = {}
        for a in self.attacks:
            if a.judge:
                by_judge.setdefault(a.judge, []).append(a.label)
        for judge, labels in by_judge.items():
            if model.get("name") == judge:
                return judge, tuple(labels)
            try:
                from robustir.attacks.judge import JUDGES
                from robustir.models import get_spec

                encoder = JUDGES[judge][0] if judge in JUDGES else judge  # me5-small-f64 runs me5-small's weights
                same = model.get("name") == encoder or (
                    get_spec(encoder).checkpoint == model.get("checkpoint") and model.get("checkpoint"))
            except Exception:  # noqa: BLE001  (an unknown judge name: only the exact name matches)
                same = False
            if same:
                return judge, tuple(labels)
        return None

    def task(self, dataset: str) -> SuiteTask:
        for t in self.tasks:
            if t.dataset == dataset:
                return t
        raise unknown_name(f"dataset of suite {self.version}", dataset, [t.dataset for t in self.tasks])


def suite_hash(content: dict[str, Any]) -> str:
    """sha256 of the parsed suite as canonical JSON (comments and layout do not count)."""
    canon = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def _suites_dir() -> Path:
    return Path(str(resources.files("robustir.leaderboards") / "suites"))


def available_suites() -> list[str]:
    """Versions shipped with the package, sorted."""
    return sorted(p.stem for p in _suites_dir().glob("*.toml"))


def _get(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in obj:
        raise SuiteError(f"{where}: missing key {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise SuiteError(f"{where}: {key!r} must be {name}, got {value!r}")
    return value


def _str_list(obj: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    items = _get(obj, key, list, where)
    if not items or not all(isinstance(x, str) and x for x in items):
        raise SuiteError(f"{where}: {key!r} must be a non-empty list of strings, got {items!r}")
    if len(set(items)) != len(items):
        raise SuiteError(f"{where}: {key!r} has duplicates: {items!r}")
    return tuple(items)


def parse_suite(content: dict[str, Any], *, source: str) -> Suite:
    """Validate parsed TOML content into a `Suite` (no version check; see `load_suite`)."""
    version = _get(content, "version", str, source)
    metrics = _str_list(content, "metrics", source)
    k = _get(content, "k", int, source)
    if k < 10:
        raise SuiteError(f"{source}: k must be at least 10, got {k}")
    head = _get(content, "headline", dict, source)
    metric = _get(head, "metric", str, f"{source} [headline]")
    if metric not in metrics:
        raise SuiteError(f"{source}: headline metric {metric!r} is not one of the suite metrics {list(metrics)}")
    for key, allowed in (("score", "mean_attacked"), ("beside", "mean_relative_drop")):
        if head.get(key) != allowed:
            raise SuiteError(f"{source}: [headline] {key} must be {allowed!r}, got {head.get(key)!r}")
    tasks = []
    for i, t in enumerate(_get(content, "tasks", list, source)):
        where = f"{source} [[tasks]] #{i + 1}"
        if not isinstance(t, dict):
            raise SuiteError(f"{where}: expected a table")
        settings = _str_list(t, "settings", where)
        for s in settings:
            if s not in SETTINGS:
                raise unknown_name(f"setting in {where}", s, SETTINGS)
        limit = _get(t, "max_queries", int, where)
        if limit == 1 or limit < 0:
            raise SuiteError(f"{where}: max_queries must be 0 (all) or at least 2, got {limit}")
        tasks.append(
            SuiteTask(
                dataset=_get(t, "dataset", str, where),
                split=_get(t, "split", str, where),
                langs=_str_list(t, "langs", where),
                settings=settings,
                needs_data_dir=_get(t, "needs_data_dir", bool, where),
                max_queries=limit,
            )
        )
    if len({t.dataset for t in tasks}) != len(tasks):
        raise SuiteError(f"{source}: a dataset appears in two [[tasks]]")
    attacks = []
    for i, a in enumerate(_get(content, "attacks", list, source)):
        where = f"{source} [[attacks]] #{i + 1}"
        if not isinstance(a, dict):
            raise SuiteError(f"{where}: expected a table")
        spec = _get(a, "spec", str, where)
        try:
            canon = str(AttackSpec.parse(spec))
        except RobustirError as exc:
            raise SuiteError(f"{where}: {exc}") from None
        if canon != spec:
            raise SuiteError(f"{where}: write the spec in canonical form {canon!r}, got {spec!r}")
        label = _get(a, "label", str, where)
        if label == "clean":
            raise SuiteError(f"{where}: 'clean' is reserved for the unattacked run")
        victim = _get(a, "victim", str, where) if "victim" in a else None  # adversarial track
        judge = _get(a, "judge", str, where) if "judge" in a else None
        min_sim = a.get("min_sim")
        if min_sim is not None and min_sim != "calibrated" and (isinstance(min_sim, bool) or not isinstance(min_sim, float)):
            raise SuiteError(f"{where}: 'min_sim' must be a number in (0, 1) or \"calibrated\", got {min_sim!r}")
        if min_sim is not None and judge is None:
            raise SuiteError(f"{where}: 'min_sim' needs a 'judge'")
        approximation = _approximation(a, canon, where)
        attacks.append(SuiteAttack(label, spec, _get(a, "seed", int, where), victim, judge, min_sim, approximation))
    if len({a.spec for a in attacks}) != len(attacks) or len({a.label for a in attacks}) != len(attacks):
        raise SuiteError(f"{source}: an attack spec or label appears twice")
    return Suite(
        board=_board_options(content.get("board", {}), source),
        version=version,
        description=str(content.get("description", "")),
        metrics=metrics,
        k=k,
        headline_metric=metric,
        tasks=tuple(tasks),
        attacks=tuple(attacks),
        content_hash=suite_hash(content),
    )


def _approximation(a: dict[str, Any], canon: str, where: str) -> str | None:
    """The attack's `approximation` note. A dictionary translation must carry one: it stands in
    for machine translation, and the board marks it as such in every table it appears in."""
    note = _get(a, "approximation", str, where).strip() if "approximation" in a else None
    if "approximation" in a and not note:
        raise SuiteError(f"{where}: 'approximation' must say what the attack approximates")
    steps = AttackSpec.parse(canon).steps
    if note is None and any(s.name == "translate" and s.kwargs.get("method", "dictionary") == "dictionary" for s in steps):
        raise SuiteError(f"{where}: a dictionary translation approximates machine translation; "
                         "say so with approximation = \"...\" (it is marked on the board)")
    return note


def _board_options(table: Any, source: str) -> BoardOptions:
    where = f"{source} [board]"
    if not isinstance(table, dict):
        raise SuiteError(f"{where}: expected a table")
    unknown = set(table) - set(BoardOptions.__dataclass_fields__)
    if unknown:
        raise SuiteError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    opts = BoardOptions(**table)
    if not isinstance(opts.uncertainty, bool):
        raise SuiteError(f"{where}: 'uncertainty' must be true or false")
    if opts.correction not in ("holm", "bh"):
        raise SuiteError(f"{where}: 'correction' must be 'holm' or 'bh', got {opts.correction!r}")
    for key in ("n_resamples", "seed"):
        v = getattr(opts, key)
        if isinstance(v, bool) or not isinstance(v, int) or v < (1000 if key == "n_resamples" else 0):
            raise SuiteError(f"{where}: {key!r} must be an integer (n_resamples >= 1000), got {v!r}")
    return opts


def load_suite(name_or_path: str | Path = "v1", *, allow_unregistered: bool = False) -> Suite:
    """Load a shipped suite by version ("v1") or a suite file by path.

    A version listed in `KNOWN_SUITES` must hash to its pinned value (else: changed without
    a version bump). Unlisted versions load only with ``allow_unregistered=True`` (tests,
    drafts of the next version).
    """
    path = Path(name_or_path)
    if not (path.suffix == ".toml" and path.exists()):
        if str(name_or_path) not in available_suites():
            raise unknown_name("leaderboard suite", str(name_or_path), available_suites())
        path = _suites_dir() / f"{name_or_path}.toml"
    try:
        content = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SuiteError(f"cannot read suite file {path}: {exc}") from None
    suite = parse_suite(content, source=str(path))
    pinned = KNOWN_SUITES.get(suite.version)
    if pinned is None:
        if not allow_unregistered:
            raise SuiteError(
                f"suite version {suite.version!r} ({path}) is not registered; "
                f"known versions: {', '.join(sorted(KNOWN_SUITES))}"
            )
    elif pinned != suite.content_hash:
        raise SuiteError(
            f"suite {suite.version!r} ({path}) changed without a version bump: content hash "
            f"{suite.content_hash[:12]} != pinned {pinned[:12]}; give the changed suite a new version"
        )
    return suite
