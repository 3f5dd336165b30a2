"""Attack a dataset's queries and write the attacked-set folder (`robustir.attacked_set`).

Everything is attacked in memory, then `write_attacked` writes the folder as a whole (a sibling
folder swapped in last), so a failure midway leaves the previous folder, or none. Output is
byte-identical for the same inputs and seed, whatever the order of `specs`/`langs` or
PYTHONHASHSEED: sets are sorted by (canonical spec, language) and each query's randomness
depends only on (seed, spec, query id, attempt).

Fidelity filters: ``min_chrf`` (character level, every attack) and, with a meaning-similarity
judge (``judge``; `robustir.attacks.judge`), ``min_sim`` for attacks that substitute words
(`Attack.substitutes_words`: synonym, code_switch, paraphrase.pivot, translate,
back_translation, adversarial.* with word edits). A perturbation under a floor is retried
with the next seed variant, up to ``retries`` times, then the query is dropped and counted.
"""
from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from robustir.attacked_set import FORMAT, AttackedCollection, AttackedSet, check_out_dir, read_attacked, write_attacked
from robustir.attacks.fidelity import CHRF_SETTINGS, char_edit_distance, chrf
from robustir.attacks.pipeline import Pipeline, build
from robustir.errors import RobustirError, unknown_name
from robustir.types import AttackSpec, Perturbation, QuerySet

__all__ = [
    "AttackedCollection",
    "AttackedSet",
    "CALIBRATED",
    "DEFAULT_JUDGE",
    "FORMAT",
    "JudgeLike",
    "attack_queries",
    "read_attacked",
    "run_attacks",
]

DEFAULT_JUDGE = "me5-small-f64"  # the same similarities on every CPU (judge.Float64E5)
CALIBRATED = "calibrated"  # --min-sim calibrated: the judge's own floor for each language


class JudgeLike(Protocol):
    """What the runner needs of a meaning-similarity judge (`robustir.attacks.judge.Judge`)."""

    name: str
    version: str

    def floor(self, lang: str) -> float: ...

    def supports(self, lang: str) -> bool: ...

    def similarity(self, originals: list[str], perturbed: list[str], lang: str) -> list[float]: ...


@dataclass
class _Candidate:
    """One perturbation that passed the chrF floor, waiting (maybe) for the judge."""

    attempt: int
    p: Perturbation
    chrf: float
    extra: dict[str, Any]
    sim: float | None = None


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def _check_floors(min_chrf: float | None, min_sim: float | None, retries: int) -> None:
    if min_chrf is not None and not 0 <= min_chrf <= 100:
        raise RobustirError(f"min_chrf must be between 0 and 100 (chrF scale), got {min_chrf}")
    if min_sim is not None and not 0 <= min_sim <= 1:
        raise RobustirError(f"min_sim must be between 0 and 1 (cosine similarity), got {min_sim}")
    if retries < 0:
        raise RobustirError(f"retries must be >= 0, got {retries}")


def _first_passing(pipeline: Pipeline, text: str, qid: str, *, lang: str, seed: int, attempts: range,
                   min_chrf: float | None) -> _Candidate | None:
    """The first attempt in `attempts` whose perturbation keeps chrF >= `min_chrf`."""
    for attempt in attempts:
        p = pipeline.perturb(text, lang=lang, qid=qid, seed=seed, attempt=attempt)
        score = chrf(p.perturbed, text)
        if min_chrf is None or score >= min_chrf:
            extra: dict[str, Any] = {}
            for step in pipeline.steps:  # read now: a later attempt may overwrite the step's record
                extra.update(step.row_fields(text))
            return _Candidate(attempt, p, score, extra)
    return None


def _judge(judge: JudgeLike, found: Sequence[tuple[str, _Candidate]], lang: str) -> None:
    """Set `sim` on every candidate: one batched judge call; identical texts score 1.0."""
    ask = [(text, c) for text, c in found if c.p.perturbed != text]
    for text, c in found:
        if c.p.perturbed == text:
            c.sim = 1.0
    if not ask:
        return
    sims = list(judge.similarity([t for t, _ in ask], [c.p.perturbed for _, c in ask], lang))
    if len(sims) != len(ask):
        raise RobustirError(f"judge {judge.name} returned {len(sims)} similarities for {len(ask)} queries")
    for (_, c), s in zip(ask, sims):
        if not math.isfinite(float(s)):
            raise RobustirError(f"judge {judge.name} returned a non-finite similarity ({s}) in {lang!r}")
        c.sim = round(float(s), 6)  # the judge's own precision: the value compared is the value recorded


def _search(pipeline: Pipeline, queries: QuerySet, *, lang: str, seed: int, min_chrf: float | None, attempts: int,
            judge: JudgeLike | None, floor: float | None, progress: Any) -> tuple[dict[int, _Candidate], int]:
    """Kept candidate per query index, and how many queries the similarity floor dropped.

    Round 1 finds each query's first chrF-passing attempt; with a judge its candidates are
    judged in one batch, and those under `floor` go on from their next attempt in the next round.
    """
    ids, texts = list(queries.ids), list(queries.texts)
    kept: dict[int, _Candidate] = {}
    start = [0] * len(ids)
    failed_sim: set[int] = set()
    pending = list(range(len(ids)))
    while pending:
        found: list[tuple[int, _Candidate]] = []
        for i in pending:
            c = _first_passing(pipeline, texts[i], ids[i], lang=lang, seed=seed, attempts=range(start[i], attempts),
                               min_chrf=min_chrf)
            if c is not None:
                found.append((i, c))
            if progress is not None and (c is None or floor is None):  # this query is settled
                progress.update(1)
        if judge is not None:
            _judge(judge, [(texts[i], c) for i, c in found], lang)
        pending = []
        for i, c in found:
            assert floor is None or c.sim is not None
            if floor is None or c.sim >= floor:  # type: ignore[operator]
                kept[i] = c
                if progress is not None and floor is not None:
                    progress.update(1)
            else:
                failed_sim.add(i)
                start[i] = c.attempt + 1
                pending.append(i)
    return kept, len(failed_sim - set(kept))


def attack_queries(
    pipeline: Pipeline,
    queries: QuerySet,
    *,
    lang: str,
    seed: int,
    min_chrf: float | None = None,
    retries: int = 5,
    progress: Any = None,
    judge: JudgeLike | None = None,
    min_sim: float | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Perturb every query of one language; returns (rows, summary counts).

    With `min_chrf`, a perturbation scoring below it is retried with derived RNG streams up to
    `retries` times; if none qualifies the query is dropped (absent from the rows) and counted.
    With a `judge` and a pipeline that substitutes words, each row records `sim` (the judge's
    similarity of the perturbed query to the original, in `lang`); `min_sim` is then a second
    floor, retried the same way and counted in ``dropped_sim``. Other pipelines ignore both.
    """
    _check_floors(min_chrf, min_sim, retries)
    pipeline.check_lang(lang)
    use_sim = judge is not None and pipeline.substitutes_words
    floor = min_sim if use_sim else None
    attempts = retries + 1 if min_chrf is not None or floor is not None else 1
    kept, dropped_sim = _search(pipeline, queries, lang=lang, seed=seed, min_chrf=min_chrf, attempts=attempts,
                                judge=judge if use_sim else None, floor=floor, progress=progress)
    spec, query_lang = str(pipeline.spec), pipeline.query_lang(lang)
    rows: list[dict[str, Any]] = []
    for i in sorted(kept):
        c, qid, text = kept[i], queries.ids[i], queries.texts[i]
        row = {"query_id": qid, "lang": lang, "query_lang": query_lang, "original": text, "perturbed": c.p.perturbed,
               "spec": spec, "edits": c.p.edits, "chrf": c.chrf, "char_edit_distance": char_edit_distance(text, c.p.perturbed)}
        if use_sim:
            row["sim"] = c.sim
        row.update(c.extra)
        rows.append(row)
    changed = sum(bool(kept[i].p.changed) for i in kept)
    summary = {
        "spec": spec,
        "lang": lang,
        "query_lang": query_lang,
        "queries": len(queries),
        "changed": changed,
        "unchanged": len(kept) - changed,
        "dropped": len(queries) - len(kept),
        "mean_chrf": _mean([r["chrf"] for r in rows]),
        "mean_edits": _mean([r["edits"] for r in rows]),
        "mean_char_edit_distance": _mean([r["char_edit_distance"] for r in rows]),
        "victim": None,
    }
    if use_sim:
        summary["mean_sim"] = _mean([r["sim"] for r in rows])
    if floor is not None:
        summary["dropped_sim"] = dropped_sim
    for step in pipeline.steps:  # adversarial attacks add the victim and their metrics
        summary.update(step.summary_fields(rows))
    return rows, summary


def _unique_specs(specs: Iterable[str | AttackSpec]) -> list[Pipeline]:
    pipelines: dict[str, Pipeline] = {}
    for spec in specs:
        p = build(spec)
        pipelines.setdefault(str(p.spec), p)
    if not pipelines:
        raise RobustirError("no attack given; pass at least one spec, e.g. 'typo.keyboard(rate=0.1)'")
    return [pipelines[k] for k in sorted(pipelines)]


def _validate(dataset: str, specs: Sequence[str | AttackSpec], langs: Sequence[str], seed: int, *,
              limit: int | None, model: str | None) -> tuple[list[Pipeline], list[str]]:
    """The pipelines (sorted by canonical spec) and languages (sorted); fails on any bad input."""
    from robustir.datasets import datasets

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise RobustirError(f"seed must be a non-negative integer, got {seed!r}")
    if limit is not None and limit < 1:
        raise RobustirError(f"limit must be a positive number of queries, got {limit}")
    pipelines = _unique_specs(specs)
    loader = datasets.get(dataset)
    given = list(dict.fromkeys(langs))
    if not given:
        raise RobustirError("no language given")
    for lang in given:
        if lang not in loader.info.languages:
            raise unknown_name(f"language for dataset {dataset}", lang, loader.info.languages)
        for p in pipelines:
            p.check_lang(lang)
    victims = [s for p in pipelines for s in p.steps if s.needs_victim]
    if victims and model is None:
        raise RobustirError(f"attack {victims[0].name} needs a victim model: pass --model NAME (e.g. me5-small-q4, bm25)")
    if model is not None and not victims:
        raise RobustirError("--model names a victim, but none of the attacks needs one (adversarial.greedy, adversarial.beam do)")
    return pipelines, sorted(given)


def _load_judge(name: str) -> JudgeLike:
    try:
        from robustir.attacks.judge import get_judge
    except ModuleNotFoundError as exc:
        if exc.name != "robustir.attacks.judge":
            raise
        raise RobustirError("meaning-similarity judges are not available in this build (no robustir.attacks.judge)") from None
    return get_judge(name)


def _resolve_judge(judge: str | JudgeLike | None, min_sim: float | str | None, pipelines: Sequence[Pipeline],
                   langs: Sequence[str]) -> tuple[JudgeLike | None, dict[str, float], dict[str, Any] | None]:
    """(judge or None, similarity floor per language, the manifest's ``judge`` record)."""
    if judge is None and min_sim is None:
        return None, {}, None
    if isinstance(min_sim, str) and min_sim != CALIBRATED:
        raise RobustirError(f"min_sim must be a number between 0 and 1 or {CALIBRATED!r}, got {min_sim!r}")
    if min_sim is not None and not isinstance(min_sim, str):
        _check_floors(None, float(min_sim), 0)
    j = _load_judge(judge or DEFAULT_JUDGE) if judge is None or isinstance(judge, str) else judge
    judged = sorted({lang for p in pipelines if p.substitutes_words for lang in langs})
    for lang in judged:
        if not j.supports(lang):
            raise RobustirError(f"judge {j.name} does not support language {lang!r}; drop --judge/--min-sim or that language")
    floors: dict[str, float] = {}
    if min_sim is not None:
        floors = {lang: float(j.floor(lang) if min_sim == CALIBRATED else min_sim) for lang in judged}
        for lang, f in floors.items():
            if not 0 <= f <= 1:
                raise RobustirError(f"judge {j.name}: floor {f} for {lang!r} is not between 0 and 1")
    record = {"name": j.name, "version": j.version, "min_sim": min_sim, "floor": floors}
    return j, floors, record


def _attack_all(jobs: Sequence[tuple[Pipeline, str]], loaded: dict[str, Any], queries: dict[str, QuerySet], *,
                retriever: Any, seed: int, min_chrf: float | None, retries: int, judge: JudgeLike | None,
                floors: dict[str, float], progress: bool | None) -> list[AttackedSet]:
    """Every (pipeline, language) job, attacked in memory; one set each, in job order."""
    from tqdm.auto import tqdm

    total = sum(len(queries[lang]) for _, lang in jobs)
    bar = tqdm(total=total, desc="attacking", unit="q", file=sys.stderr, disable=None if progress is None else not progress)
    sets: list[AttackedSet] = []
    try:
        for p, lang in jobs:
            bar.set_postfix_str(f"{p.steps[0].name} [{lang}]", refresh=False)
            for step in p.steps:  # bind the victim to this language's corpus and judgements
                if step.needs_victim:
                    step.bind(retriever, loaded[lang])
            rows, summary = attack_queries(p, queries[lang], lang=lang, seed=seed, min_chrf=min_chrf, retries=retries,
                                           progress=bar, judge=judge, min_sim=floors.get(lang))
            entry = {**summary, "file": f"{p.spec.slug}.{lang}.jsonl"}
            sets.append(AttackedSet.from_rows(entry, rows, seed=seed))
    finally:
        bar.close()
    return sets


def run_attacks(
    dataset: str,
    specs: Sequence[str | AttackSpec],
    langs: Sequence[str],
    seed: int,
    out_dir: str | Path,
    *,
    split: str | None = None,
    data_dir: str | Path | None = None,
    min_chrf: float | None = None,
    retries: int = 5,
    resources: str | Path | None = None,
    limit: int | None = None,
    progress: bool | None = None,
    model: str | None = None,
    judge: str | JudgeLike | None = None,
    min_sim: float | str | None = None,
    overwrite: bool = False,
) -> AttackedCollection:
    """Attack `dataset`'s queries in every language with every spec; write the folder.

    Everything is validated first (specs, languages, the dataset, the output folder), so bad
    input fails before any work. `limit` keeps the first N queries of each language (for quick
    looks). `judge` (a name, default ``me5-small-q4`` when `min_sim` is given) records `sim` on
    word-substituting sets; `min_sim` (0-1, or ``"calibrated"``: the judge's floor per language)
    filters them. `out_dir` is replaced as a whole; a folder holding anything other than an
    attacked set is refused unless `overwrite`.

    Example:
        >>> run_attacks("mldr-sample", ["typo.keyboard"], ["de"], 0, "attacked/")  # doctest: +SKIP
    """
    from robustir import __version__
    from robustir.datasets import load_dataset

    if resources is not None:
        from robustir.attacks import use_resources

        use_resources(resources)
    from robustir.attacks.lexicons import located_files, recording

    with recording() as used:  # the lexicon files this run's attacks use (also those cached by earlier runs)
        pipelines, lang_list = _validate(dataset, specs, langs, seed, limit=limit, model=model)
        check_out_dir(out_dir, overwrite=overwrite)
        _check_floors(min_chrf, None, retries)
        judge_obj, floors, judge_record = _resolve_judge(judge, min_sim, pipelines, lang_list)
        loaded = {lang: load_dataset(dataset, lang=lang, split=split, data_dir=data_dir) for lang in lang_list}
        retriever = None
        if any(p.needs_victim for p in pipelines):
            from robustir.models import load_retriever

            retriever = load_retriever(model)
        queries = {lang: ds.queries if limit is None else ds.queries.subset(ds.queries.ids[:limit]) for lang, ds in loaded.items()}
        jobs = [(p, lang) for p in pipelines for lang in lang_list]
        sets = _attack_all(jobs, loaded, queries, retriever=retriever, seed=seed, min_chrf=min_chrf, retries=retries,
                           judge=judge_obj, floors=floors, progress=progress)
    first = loaded[lang_list[0]]
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "robustir_version": __version__,
        "dataset": dataset,
        "revision": first.revision,
        "split": first.split,
        "seed": seed,
        "min_chrf": min_chrf,
        "retries": retries if min_chrf is not None or min_sim is not None else 0,
        "limit": limit,
        "fidelity": {"chrf": {"implementation": "sacrebleu CHRF sentence_score", **CHRF_SETTINGS}, "char_edit_distance": "Levenshtein over code points"},
    }
    if judge_record is not None:
        manifest["judge"] = judge_record
    manifest["resources"] = located_files(used)
    return write_attacked(out_dir, manifest, sets, overwrite=overwrite)
