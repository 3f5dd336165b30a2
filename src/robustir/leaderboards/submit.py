"""`submit`: validate a checkpoint, run the whole suite through the scorer, write one record.

For every suite task the attacks are generated (`robustir.attacks.run_attacks`, one folder
per attack with the suite's seed) into a temporary folder, then the retriever is scored on
the clean and every attacked query set in every setting (`robustir.benchmark.scoring.score`,
one index per corpus, reused). An attack that does not support a language, or whose resource
is missing, is recorded under "skipped" with the reason; nothing is silently left out.

Example:
    >>> submit("me5-small-q4", name="mE5-small (4-bit)", data_dirs={"xquad-r": "../shared/data/xquad-r"},
    ...        resources="../shared/data/resources")  # doctest: +SKIP
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
import hashlib
import json
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from robustir._io import atomic_write_text, dump_json, iter_jsonl, read_json, sha256_file
from robustir.errors import RobustirError
from robustir.leaderboards.fingerprint import fingerprint_checkpoint
from robustir.leaderboards.schema import CLEAN, Record, seal, validate_record
from robustir.leaderboards.store import DuplicateSubmissionError, find_clashes, save_record
from robustir.leaderboards.suite import Suite, SuiteError, SuiteTask, load_suite

__all__ = ["attack_cache", "attack_task", "check_name", "long_document_policy", "report_to_results", "run_suite", "submit"]

_REPORT_KEEP = ("format", "robustir_version", "dataset", "settings", "metrics", "options", "attacks",
                "skipped_attacks", "query_counts")


def check_name(name: str) -> str:
    """A display name: 1-100 printable characters (any script); HTML is escaped when rendered."""
    if not isinstance(name, str) or not name.strip():
        raise RobustirError("--name must be a non-empty display name, e.g. 'mE5-small (4-bit)'")
    name = name.strip()
    if len(name) > 100:
        raise RobustirError(f"--name is {len(name)} characters long; at most 100 are accepted")
    bad = [c for c in name if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]
    if bad:
        raise RobustirError(f"--name contains control characters ({', '.join(repr(c) for c in bad[:3])})")
    return name


def _looks_local(checkpoint: str) -> bool:
    from robustir.models import model_specs

    return checkpoint not in model_specs and (checkpoint.startswith((".", "/", "~")) or Path(checkpoint).expanduser().exists())


def training_overlap(checkpoint: str, suite: Suite) -> dict[str, str] | None:
    """The suite dataset a robustir-trained checkpoint was fine-tuned on, if any.

    `robustir train` writes ``robustir_training.json`` with ``data.source`` = "<dataset>:<path>"
    for a registered dataset (a JSONL file's path otherwise). A checkpoint trained on the questions
    of a dataset the suite evaluates would be scored on its own training data (only the held-out
    articles are unseen, and the suite takes the first questions of the whole test set)."""
    from robustir.models.checkpoint import TRAINING_FILE

    card = Path(checkpoint).expanduser() / TRAINING_FILE
    if not card.is_file():
        return None
    info = read_json(card)  # malformed JSON or bad encoding: a DataError naming the file
    data = info.get("data") if isinstance(info, dict) else None
    if not isinstance(data, dict):
        raise RobustirError(f"{card}: not a robustir training record (no 'data' object)")
    source = str(data.get("source", ""))
    dataset = source.split(":", 1)[0].split("#", 1)[0]
    if dataset in {t.dataset for t in suite.tasks}:
        return {"dataset": dataset, "training_source": source, "training_record": TRAINING_FILE}
    return None


Kept = Mapping[tuple[str, str], frozenset[str]]  # (attack spec, dataset language) -> query ids of its set


def _run_scores(run: Any, group: dict[str, Any], name: str, metrics: tuple[str, ...], kept: Kept | None,
                key: tuple[str, str, str]) -> dict[str, list[float]]:
    """One run's scores in the group's qid order. A query absent from the run because its attack
    dropped it (`kept` says the attacked set has no row for it: no perturbation passed the judge's
    floor) is scored as unattacked, with its clean score, and listed in the group's `unattacked`;
    any other missing score is an error."""
    in_set = None if run.attack is None or kept is None else kept.get((run.attack, run.attack_lang or key[2]))
    by_metric: dict[str, list[float]] = {}
    for metric in metrics:
        scores = run.scores[metric]
        missing = [q for q in group["qids"] if q not in scores]
        if missing and (in_set is None or any(q in in_set for q in missing)):
            raise RobustirError(f"{name} run of {key} lacks {len(missing)} query ids (e.g. {missing[0]!r})")
        if missing:
            group.setdefault("unattacked", {})[name] = sorted(missing)
        clean = dict(zip(group["qids"], group["runs"][CLEAN][metric])) if missing else {}
        by_metric[metric] = [clean[q] if q in clean and q not in scores else round(min(1.0, max(0.0, float(scores[q]))), 6)
                             for q in group["qids"]]
    return by_metric


def _cross_group(run: Any, task: SuiteTask, groups: dict[tuple[str, str, str], dict[str, Any]],
                 key: tuple[str, str, str]) -> dict[str, Any]:
    """The group of a translate set: a cross-lingual cell (the translated queries' language ->
    the dataset language) whose `clean` run is its baseline, the monolingual clean run of the
    dataset language (named in `baseline`): the same query ids, judged by the same qrels."""
    b = run.baseline
    bkey = None if b is None else (b.setting, b.query_lang, b.corpus_lang)
    if bkey is None or bkey not in groups or key[1] == key[2]:
        raise RobustirError(f"scorer report has an attacked run without a clean run: {key}")
    base = groups[bkey]
    return {"dataset": task.dataset, "setting": key[0], "lang": key[1], "doc_lang": key[2], "qids": list(base["qids"]),
            "baseline": {"setting": bkey[0], "lang": bkey[1], "doc_lang": bkey[2]},
            "runs": {CLEAN: {m: list(v) for m, v in base["runs"][CLEAN].items()}}}


def report_to_results(report: Any, task: SuiteTask, label_of: Mapping[str, str], metrics: tuple[str, ...],
                      kept: Kept | None = None) -> list[dict[str, Any]]:
    """The scorer's per-query runs (`RunRow`s) of one task -> record result groups (qids in clean order).

    `kept` ((attack spec, dataset language) -> the query ids of its attacked set) lets a query that
    its attack dropped count as unattacked (see `_run_scores`); without it every run must score every query."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for run in report.runs:
        if run.attack is None:
            key = (run.setting, run.query_lang, run.corpus_lang)
            group = {"dataset": task.dataset, "setting": key[0], "lang": key[1], "doc_lang": key[2],
                     "qids": list(run.scores[metrics[0]]), "runs": {}}
            group["runs"][CLEAN] = _run_scores(run, group, CLEAN, metrics, None, key)
            groups[key] = group
    for run in report.runs:
        if run.attack is None:
            continue
        key = (run.setting, run.query_lang, run.corpus_lang)
        if key not in groups:
            groups[key] = _cross_group(run, task, groups, key)
        name = label_of.get(run.attack)
        if name is None:
            raise RobustirError(f"scorer report names attack {run.attack!r}, which is not in the suite")
        groups[key]["runs"][name] = _run_scores(run, groups[key], name, metrics, kept, key)
    return [groups[k] for k in sorted(groups)]


def _kept_ids(folders: list[Path]) -> dict[tuple[str, str], frozenset[str]]:
    """(canonical spec, dataset language) -> the query ids each attacked set has a row for."""
    from robustir.attacked_set import read_attacked

    return {(s.spec, s.lang): frozenset(s.texts) for f in folders for s in read_attacked(f).sets}


_CODE_PARTS = ("attacks", "models", "datasets", "text")


@functools.lru_cache(maxsize=1)
def _generator_code_hash() -> str:
    """sha256 over the source and package data that make attacked sets: the attack generators and
    their resources, the models (adversarial attacks search against a victim) and the dataset
    loaders with the embedded sample. A development checkout keeps its version number while this
    code changes, so the version alone would let a stale cache outlive the code that made it."""
    import robustir

    root = Path(robustir.__file__).resolve().parent
    h = hashlib.sha256()
    for part in _CODE_PARTS:
        for f in sorted((root / part).rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts and f.suffix not in (".pyc", ".pyo"):
                h.update(f.relative_to(root).as_posix().encode() + b"\0")
                h.update(sha256_file(f).encode())
    return h.hexdigest()


def attack_cache(suite: Suite, task: SuiteTask, data_dir: Path | None, resources: Path | None) -> Path:
    """Where the attacked sets of one task are kept: they depend only on the suite, the data,
    the resources and the code that makes them (never on the submitted model), so every later
    submission with the same code reuses them, and a code change starts afresh."""
    from robustir import __version__
    from robustir._io import cache_root

    key = json.dumps([suite.content_hash, task.dataset, str(data_dir.resolve()) if data_dir else None,
                      str(resources.resolve()) if resources else None, __version__, _generator_code_hash()])
    return cache_root() / "leaderboard-attacks" / f"{suite.version}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _set_checksums(folder: Path) -> dict[str, dict[str, Any]]:
    """file name -> checksums of every attacked set in a folder: ``sha256`` of the file (as its
    manifest records it), ``texts`` (sha256 over each row's query id, languages, original and
    perturbed text: what scoring reads), ``judged`` (the rows carry a judge's similarity) and
    ``judge`` (its name, or None).

    The two differ for judge-filtered sets: the similarity is a float from the judge encoder,
    whose last digits depend on the CPU's floating point, so the file of a set rebuilt on
    another machine can differ while its texts are the same."""
    manifest = read_json(folder / "manifest.json")
    judged = isinstance(manifest.get("judge"), dict)
    judge = manifest["judge"].get("name") if judged else None
    lexicons = _lexicons_of(manifest)
    out: dict[str, dict[str, Any]] = {}
    for s in manifest.get("sets", []):
        if not s.get("sha256"):
            continue
        h = hashlib.sha256()
        for _lineno, row in iter_jsonl(folder / s["file"]):
            fields = [row.get("query_id"), row.get("lang"), row.get("query_lang"), row.get("original"), row.get("perturbed")]
            h.update((json.dumps(fields, ensure_ascii=False) + "\n").encode("utf-8"))
        out[s["file"]] = {"sha256": s["sha256"], "texts": h.hexdigest(), "judged": judged, "judge": judge, "lexicons": lexicons}
    return out


def _lexicons_of(manifest: Mapping[str, Any]) -> dict[str, str] | None:
    """``collection/file`` -> sha256 of the lexicon files a folder's attacks read (its manifest's
    ``resources``); None for a manifest written before robustir recorded them."""
    res = manifest.get("resources")
    if not isinstance(res, list):
        return None
    return {f"{r.get('collection')}/{r.get('file')}": str(r.get("sha256")) for r in res if isinstance(r, dict)}


def merged_lexicons(sums: Mapping[str, Mapping[str, Any]]) -> dict[str, str] | None:
    """The lexicon files of every set in `sums` (`_set_checksums`), merged and sorted; None if a
    set's manifest did not record them."""
    out: dict[str, str] = {}
    for entry in sums.values():
        lex = entry.get("lexicons")
        if lex is None:
            return None
        out.update(lex)
    return dict(sorted(out.items()))


def _attack_one(task: SuiteTask, att: Any, i: int, langs: list[str], *, data_dir: Path | None,
                resources: Path | None, work: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Generate one suite attack for the task's languages; (folder names, failed cells)."""
    from robustir.attacks import run_attacks

    mine: list[str] = []
    failed: list[dict[str, str]] = []
    tries = [langs] if langs else []
    while tries:
        group = tries.pop(0)
        name = f"{task.dataset}-{i}-{'_'.join(group)}"
        try:
            run_attacks(task.dataset, [att.spec], group, att.seed, work / name, split=task.split,
                        data_dir=data_dir, resources=resources, limit=task.max_queries or None, progress=False,
                        model=att.victim, judge=att.judge, min_sim=att.min_sim, overwrite=True)
            mine.append(name)
        except RobustirError as exc:
            if len(group) > 1:  # find the language(s) at fault, keep the others
                tries += [[lang] for lang in group]
            else:
                reason = str(exc).splitlines()[0][:300]
                failed.append({"dataset": task.dataset, "lang": group[0], "attack": att.label, "reason": reason})
    return mine, failed


def attack_task(task: SuiteTask, suite: Suite, *, data_dir: Path | None, resources: Path | None, work: Path,
                 say: Callable[[str], None], only: set[str] | None = None,
                 ) -> tuple[list[Path], list[dict[str, str]], dict[str, dict[str, Any]]]:
    """Generate (or reuse) every suite attack for one task (those labelled in `only`, if given);
    returns attacked folders, skipped cells and the checksums of every attacked set
    (`_set_checksums`).

    Only complete work is cached: when a language failed (a missing resource or data folder, a
    bad query), no `.done` file is written, so the next submission tries again instead of
    reusing the failure."""
    from robustir.attacks import build

    folders: list[Path] = []
    skipped: list[dict[str, str]] = []
    sums: dict[str, dict[str, Any]] = {}
    for i, att in enumerate(suite.attacks):
        if only is not None and att.label not in only:
            continue
        pipeline = build(att.spec)
        langs = [lang for lang in task.langs if pipeline.supports(lang)]
        skipped += [{"dataset": task.dataset, "lang": lang, "attack": att.label, "reason": f"{att.label} does not support {lang}"}
                    for lang in task.langs if lang not in langs]
        done = work / f"{task.dataset}-{i}.done.json"
        if done.exists():  # written last, and only when every language succeeded
            mine = list(read_json(done)["folders"])
            say(f"reusing attacked sets of {task.dataset} / {att.label} ({work})")
        else:
            say(f"attacking {task.dataset} with {att.label} [{','.join(langs)}]")
            mine, failed = _attack_one(task, att, i, langs, data_dir=data_dir, resources=resources, work=work)
            skipped += failed
            if not failed:
                atomic_write_text(done, dump_json({"folders": mine}))
        for name in mine:
            folders.append(work / name)
            sums.update(_set_checksums(work / name))
    return folders, skipped, sums


def run_suite(retriever: Any, suite: Suite, *, data_dirs: Mapping[str, Path], resources: Path | None,
              say: Callable[[str], None], only_attacks: set[str] | None = None, work_root: Path | None = None,
              with_manifests: bool = False) -> tuple:
    """Attack and score every task; returns (result groups, skipped cells, trimmed scorer reports)
    and, with `with_manifests`, the checksums of every attacked set (`_set_checksums`). `only_attacks` limits the
    attacks (by label); `work_root` builds the attacked sets there instead of the shared cache."""
    from robustir.benchmark.scoring import score

    label_of = {a.spec: a.label for a in suite.attacks}
    results: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    reports: list[dict[str, Any]] = []
    manifests: dict[str, dict[str, Any]] = {}
    for task in suite.tasks:
        data_dir = data_dirs.get(task.dataset)
        work = attack_cache(suite, task, data_dir, resources) if work_root is None else work_root / task.dataset
        folders, skip, sums = attack_task(task, suite, data_dir=data_dir, resources=resources, work=work, say=say,
                                           only=only_attacks)
        skipped += skip
        manifests.update(sums)
        kept = _kept_ids(folders)
        say(f"scoring {task.dataset}: {len(task.langs)} languages, settings {','.join(task.settings)}, {len(folders)} attacked sets")
        def run(langs: list[str]) -> Any:
            return score([retriever], task.dataset, langs=langs, data_dir=data_dir, split=task.split,
                         attacked=folders, settings=list(task.settings), metrics=list(suite.metrics), test="t",
                         n_resamples=1000, depth=suite.k, max_queries=task.max_queries or None, progress=None)

        try:
            task_reports = [run(list(task.langs))]
        except Exception as exc:  # noqa: BLE001  (backends raise their own types, e.g. Java's)
            if tuple(task.settings) != ("mono",) or len(task.langs) == 1:
                raise
            # monolingual cells are independent: score language by language, record the failures
            say(f"scoring {task.dataset} failed ({str(exc).splitlines()[0][:120]}); retrying language by language")
            task_reports = []
            for lang in task.langs:
                try:
                    task_reports.append(run([lang]))
                except Exception as exc_lang:  # noqa: BLE001
                    reason = f"retrieval failed: {str(exc_lang).splitlines()[0][:200]}"
                    say(f"  {lang}: {reason}")
                    skipped.append({"dataset": task.dataset, "lang": lang, "attack": "all", "reason": reason})
            if not task_reports:
                raise
        for report in task_reports:
            results += report_to_results(report, task, label_of, suite.metrics, kept)
            trimmed = {k: report.data[k] for k in _REPORT_KEEP if k in report.data}
            trimmed["models"] = [dict(m) for m in report.data.get("models", [])]
            for a in trimmed.get("attacks", []):
                a.pop("source", None)  # a local cache path
            reports.append(trimmed)
    return (results, skipped, reports, manifests) if with_manifests else (results, skipped, reports)


def check_data_dirs(suite: Suite, dirs: Mapping[str, Any]) -> None:
    """Every --data-dir names a dataset of the suite, and every task that needs one has one."""
    known = {t.dataset for t in suite.tasks}
    for key in dirs:
        if key not in known:
            raise RobustirError(f"--data-dir names dataset {key!r}, which is not in suite {suite.version} ({', '.join(sorted(known))})")
    for task in suite.tasks:
        if task.needs_data_dir and task.dataset not in dirs:
            raise RobustirError(f"suite {suite.version} needs a local copy of {task.dataset}: pass --data-dir {task.dataset}=DIR")


def submit(
    checkpoint: str,
    *,
    name: str,
    suite: str | Path = "v3",
    data_dirs: Mapping[str, str | Path] | None = None,
    resources: str | Path | None = None,
    root: str | Path = "leaderboards",
    replace: bool = False,
    allow_pickle: bool = False,
    allow_training_overlap: bool = False,
    model_options: Mapping[str, Any] | None = None,
    engine: Any = None,
    shard_retries: int = 1,
    allow_missing_cells: bool = False,
    say: Callable[[str], None] = lambda _msg: None,
) -> tuple[Record, Path]:
    """Run suite `suite` on `checkpoint` and write its record under ``<root>/<version>/submissions``.

    `model_options` go to ``load_retriever``; a non-local `engine` encodes a dense model's corpora."""
    from robustir.attacks import build
    from robustir.models import get_spec

    the_suite = load_suite(suite)
    name = check_name(name)
    dirs = {k: Path(v) for k, v in (data_dirs or {}).items()}
    check_data_dirs(the_suite, dirs)
    for att in the_suite.attacks:
        canon = str(build(att.spec).spec)
        if canon != att.spec:
            raise SuiteError(f"attack {att.label}: this robustir builds {canon!r}, but suite {the_suite.version} pins "
                             f"{att.spec!r}; the attack changed, so the suite is frozen: submit to a newer suite (robustir submit --suite v3)")
    res_dir = Path(resources).expanduser() if resources is not None else None
    if res_dir is not None and not res_dir.is_dir():
        raise RobustirError(f"--resources {res_dir} is not a folder")
    local = _looks_local(checkpoint)
    overlap = training_overlap(checkpoint, the_suite) if local else None
    if overlap and not allow_training_overlap:
        raise RobustirError(
            f"{checkpoint} was fine-tuned on {overlap['dataset']} ({overlap['training_record']}: data source "
            f"{overlap['training_source']!r}), which suite {the_suite.version} evaluates on: its scores would include "
            f"its own training questions; pass --allow-training-overlap to submit anyway (the board name says so)")
    if overlap:
        name = check_name(f"{name} [trained on {overlap['dataset']}]")
    options = {**dict(model_options or {}), **({"allow_pickle": True} if allow_pickle and local else {})}
    spec = get_spec(checkpoint, **options)  # refuses pickle weights / shipped code unless allowed
    spec_dict = spec.to_dict()
    fp = fingerprint_checkpoint(checkpoint, spec_dict, local=local)
    clashes = find_clashes(root, the_suite.version, name, fp["sha256"])
    if clashes and not replace:
        raise DuplicateSubmissionError(
            f"{name!r} (fingerprint {fp['sha256'][:12]}) is already on suite {the_suite.version}: "
            f"{', '.join(str(p) for p in clashes)}; pass --replace to replace it"
        )
    say(f"loading {checkpoint}")
    retriever = _load(checkpoint, options, engine, shard_retries)
    results, skipped, reports, sums = run_suite(retriever, the_suite, data_dirs=dirs, resources=res_dir, say=say,
                                                with_manifests=True)
    _check_missing(skipped, allow_missing_cells)
    text, policy = long_document_policy(retriever, spec_dict)
    spec_dict = {**spec_dict, "long_document_policy": text, "long_documents": policy}
    data = _record_data(name, the_suite, fp, spec_dict, checkpoint, local, reports, overlap, results, skipped, sums)
    record = validate_record(seal(data), source=f"submission {name!r}")
    path = save_record(record, root, replace=replace)
    return record, path


def long_document_policy(retriever: Any, spec: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """How the retriever reads documents longer than its model's limit, as the board shows it and
    as `reproduce` reloads it: (text, {"mode": "whole" | "truncate" | "maxp", ...})."""
    chunking = getattr(retriever, "chunking", None)
    if spec.get("kind") == "sparse":
        return "whole document (every token indexed)", {"mode": "whole"}
    if chunking is None:  # a retriever that is not robustir's DenseRetriever (e.g. a plugin's)
        return "not declared by the retriever", {"mode": "undeclared"}
    if chunking == "maxp":
        length, overlap = int(retriever.chunk_length), int(retriever.chunk_overlap)
        return (f"MaxP: chunks of {length} tokens overlapping by {overlap}, a document scores as its best chunk",
                {"mode": "maxp", "chunk_length": length, "chunk_overlap": overlap})
    n = spec.get("max_length")
    if n:
        return f"truncate at {n} tokens", {"mode": "truncate", "max_length": int(n)}
    return "whole text up to the encoder's own limit (no truncation by robustir)", {"mode": "truncate", "max_length": None}


def _check_missing(skipped: list[dict[str, str]], allow: bool) -> None:
    """Refuse to write a record that lacks cells the suite defines for a reason other than an
    attack not supporting a language (a missing resource or data file, a failed retrieval)."""
    missing = [s for s in skipped if not s["reason"].endswith(f"does not support {s['lang']}")]
    if missing and not allow:
        named = "; ".join(f"{s['dataset']}/{s['lang']}/{s['attack']}: {s['reason'][:80]}" for s in missing[:3])
        raise RobustirError(
            f"{len(missing)} cell(s) of the suite could not be scored ({named}{'; ...' if len(missing) > 3 else ''}); "
            "fix the cause, or pass --allow-missing-cells to record the submission without them"
        )


def _record_data(name, suite, fp, spec_dict, checkpoint, local, reports, overlap, results, skipped, sums) -> dict:
    from robustir import __version__

    return {
        "name": name,
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "robustir_version": __version__,
        "suite": {"version": suite.version, "hash": suite.content_hash},
        "fingerprint": fp,
        "model": {**spec_dict, "checkpoint": spec_dict.get("checkpoint") if not local else Path(checkpoint).name},
        "provenance": {"checkpoint_argument": checkpoint if not local else Path(checkpoint).name,
                       "attacks": [{"label": a.label, "spec": a.spec, "seed": a.seed} for a in suite.attacks],
                       "attacked_sets": {k: v["sha256"] for k, v in sorted(sums.items())},
                       "attacked_texts": {k: v["texts"] for k, v in sorted(sums.items())},
                       **({"lexicons": lex} if (lex := merged_lexicons(sums)) is not None else {}),
                       "reports": reports, **({"training_overlap": overlap} if overlap else {})},
        "results": results,
        "skipped": sorted(skipped, key=lambda s: (s["dataset"], s["attack"], s["lang"])),
    }


# Said with a judge-filtered set whose texts differ: measured between two machines (docs/leaderboard.md,
# "Reproducing a record"), 7 of suite v3's 14 judged sets differed in about one query each, a candidate
# whose similarity lay within 5e-4 of the floor, kept on one machine and refused on the other.
JUDGE_BORDER_HINT = ("; a judge-filtered set: a candidate within about 1e-3 of the judge's floor can be kept on one "
                     "machine and refused on another (CPU-dependent floating point), so a set rebuilt elsewhere may differ "
                     "in a query or two; the cells below show which scores moved")


# Said instead for a judge whose numbers are the same on every CPU (robustir.attacks.judge.FLOAT64).
EXACT_JUDGE_HINT = ("; filtered by {judge}, whose similarities are the same on every CPU (float64), so the difference "
                    "is not the judge's floating point: another code, lexicon or judge release made it")


def _judge_hint(judge: str | None) -> str:
    from robustir.attacks.judge import FLOAT64

    return EXACT_JUDGE_HINT.format(judge=judge) if judge in FLOAT64 else JUDGE_BORDER_HINT


def verify_manifests(record: Record, rebuilt: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Integrity lines comparing the attacked-set checksums a record stores with the rebuilt
    sets' (`_set_checksums`): OK, FAIL for a difference in what scoring reads, or DIFF where the
    record cannot tell (a judge-filtered set whose file differs, in a record made before text
    checksums were stored: the judge's similarity digits are CPU-dependent, so the re-scored
    cells decide)."""
    prov = record.data.get("provenance", {})
    stored, texts = prov.get("attacked_sets"), prov.get("attacked_texts")
    if not isinstance(stored, dict):
        return ["attacked-set checksums: not stored in this record (records before suite v2); sets rebuilt, not compared"]
    texts = texts if isinstance(texts, dict) else {}
    lines = []
    for name in sorted(rebuilt):
        if name not in stored:
            continue
        new = rebuilt[name]
        head = f"attacked set {name}: stored {str(stored[name])[:12]} rebuilt {new['sha256'][:12]}"
        if stored[name] == new["sha256"]:
            lines.append(f"OK   {head}")
        elif name in texts:
            same = texts[name] == new["texts"]
            lines.append(f"OK   {head}; texts identical ({new['texts'][:12]}), only the judge's similarity digits differ "
                         "(CPU-dependent floating point)" if same else
                         f"FAIL {head}; texts differ (stored {str(texts[name])[:12]} rebuilt {new['texts'][:12]})"
                         + (_judge_hint(new.get("judge")) if new.get("judged") else ""))
        elif new.get("judged"):
            lines.append(f"DIFF {head}; a judge-filtered set: its rows carry the judge's similarity, whose last digits can depend "
                         "on the CPU, and this record stores no text checksum, so the re-scored cells decide")
        else:
            lines.append(f"FAIL {head}")
    return (lines or ["attacked-set checksums: none of the rebuilt sets is in the record"]) + _verify_lexicons(prov, rebuilt)


def _verify_lexicons(prov: Mapping[str, Any], rebuilt: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """OK / DIFF per lexicon file read both by the record's sets and by the rebuilt ones: a file
    whose checksum differs is another release (a distribution's copy, say), so sets made from it
    can differ; the set checksums above say whether they did."""
    stored = prov.get("lexicons")
    if not isinstance(stored, dict):
        return ["lexicon files: not stored in this record (records before robustir recorded them)"]
    here = merged_lexicons(rebuilt) or {}
    lines = []
    for key in sorted(set(stored) & set(here)):
        if stored[key] == here[key]:
            lines.append(f"OK   lexicon {key}: sha256 {here[key][:12]} as recorded")
        else:
            lines.append(f"DIFF lexicon {key}: recorded sha256 {str(stored[key])[:12]}, here {here[key][:12]} "
                         "(another release of the file: sets made from it can differ)")
    return lines


def _load(checkpoint: str, options: dict[str, Any], engine: Any, shard_retries: int) -> Any:
    """The retriever; with a non-local engine its corpora are encoded on that engine."""
    if engine is not None and engine.name != "local":
        from robustir.models.engines.corpus import load_with_engine

        return load_with_engine(checkpoint, engine=engine, retries=shard_retries, **options)
    from robustir.models import load_retriever

    return load_retriever(checkpoint, **options)


def parse_data_dirs(items: tuple[str, ...] | list[str]) -> dict[str, Path]:
    """``xquad-r=DIR`` items -> {dataset: DIR}."""
    out: dict[str, Path] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not re.fullmatch(r"[A-Za-z0-9_.-]+", key.strip()) or not value.strip():
            raise RobustirError(f"--data-dir expects DATASET=DIR (e.g. xquad-r=../shared/data/xquad-r), got {item!r}")
        out[key.strip()] = Path(value.strip()).expanduser()
    return out
