"""`score`: clean against attacked retrieval quality, per model, setting, language and attack.

Example:
    >>> rep = score(["muse-v3"], "xquad-r", langs="en,de", data_dir="../shared/data/xquad-r",
    ...             attacked=["attacked/"], settings=["mono", "cross", "multi"])  # doctest: +SKIP
    >>> print(rep.render("md"))  # doctest: +SKIP
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from robustir.benchmark.attacked_input import AttackedInput, check_attacked, read_attacked_dir
from robustir.benchmark.metrics import evaluate, parse_metrics
from robustir.benchmark.results import REPORT_FORMAT, ScoreReport, build_comparisons
from robustir.benchmark.retrieval import SearchJob, run_searches
from robustir.benchmark.settings import LANG_BIAS, POOLED, Cell, language_bias, parse_settings, plan_cells, qrels_for
from robustir.benchmark.stats import TESTS
from robustir.errors import RobustirError, unknown_name
from robustir.types import Qrels, QuerySet

__all__ = ["score"]


def _model_info(retriever: Any, fallback: str) -> dict[str, Any]:
    spec = getattr(retriever, "spec", None)
    if spec is not None and hasattr(spec, "to_dict"):
        d = dict(spec.to_dict())
    elif isinstance(spec, Mapping):
        d = dict(spec)
    else:
        d = {}
    name = str(d.get("name") or getattr(spec, "name", None) or fallback)
    return {"name": name, "revision": d.get("revision", getattr(spec, "revision", None)), "spec": d}


def _unsupported(minfo: dict[str, Any], langs: Sequence[str]) -> list[str]:
    declared = minfo["spec"].get("languages") or ()
    return [lang for lang in langs if declared and lang not in declared]


def _load_data(dataset: str, langs: list[str], split: str | None, data_dir: str | Path | None):
    from robustir.datasets import datasets, load_dataset

    loader = datasets.get(dataset)
    if loader.info.parallel:
        return loader.info, loader.load_parallel(langs, split, data_dir=Path(data_dir) if data_dir else None)
    return loader.info, {lang: load_dataset(dataset, lang=lang, split=split, data_dir=data_dir) for lang in langs}


def _bias_targets(qrels: Qrels) -> dict[str, list[str]]:
    return {q: sorted(d for d, g in docs.items() if g > 0) for q, docs in qrels.items()}


def score(
    models: Sequence[str | Any],
    dataset: str,
    *,
    langs: str | Sequence[str],
    data_dir: str | Path | None = None,
    split: str | None = None,
    attacked: Sequence[str | Path] = (),
    settings: str | Sequence[str] = ("mono",),
    metrics: str | Sequence[str] = ("ndcg@10", "map"),
    test: str = "t",
    seed: int = 0,
    n_resamples: int = 10_000,
    depth: int = 100,
    alpha: float = 0.05,
    max_queries: int | None = None,
    out: str | Path | None = None,
    model_options: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ScoreReport:
    """Score clean and attacked queries of `dataset` with every model, in every setting.

    `models` are registered names / local checkpoint folders (loaded with
    ``robustir.models.load_retriever``) or ready retriever objects. `attacked` are folders
    written by ``robustir attack`` for the same dataset revision. `max_queries` scores only the
    first N queries of each language (all candidates are always searched). `model_options`
    go to ``load_retriever`` (e.g. ``{"batch_size": 64}``). With `out`, the report is written
    there atomically.
    """
    from robustir import __version__
    from robustir.datasets import parse_langs
    from robustir.datasets import datasets as _registry

    if test not in TESTS:
        raise unknown_name("statistical test", test, TESTS)
    if not models:
        raise RobustirError("no model given; e.g. --model muse-v3")
    if max_queries is not None and max_queries < 2:
        raise RobustirError(f"max_queries must be at least 2 (paired tests need 2 queries), got {max_queries}")
    if n_resamples < 1000:
        raise RobustirError(f"n_resamples must be at least 1,000 (10,000 recommended), got {n_resamples}")
    if not 0.0 < alpha < 1.0:
        raise RobustirError(f"alpha must lie strictly between 0 and 1, got {alpha}")
    parsed = parse_metrics(metrics)
    too_deep = [str(m) for m in parsed if m.cutoff is not None and m.cutoff > depth]
    if too_deep:
        raise RobustirError(f"metric(s) {', '.join(too_deep)} look deeper than the retrieval depth {depth}; raise --depth")
    metric_names = [str(m) for m in parsed]
    chosen = parse_settings(settings)
    info = _registry.get(dataset).info
    lang_list = parse_langs(langs, info)
    if "cross" in chosen and info.parallel and len(lang_list) < 2:
        raise RobustirError("the cross-lingual setting needs at least two languages")
    # Read attacked folders before any model loads, so bad input fails fast.
    folders = [(str(p), *read_attacked_dir(p)) for p in attacked]
    info, loaded = _load_data(dataset, lang_list, split, data_dir)
    first = loaded[lang_list[0]]
    all_ids = {lang: list(ds.queries.ids) for lang, ds in loaded.items()}
    scored_ids = {lang: ids[:max_queries] if max_queries else ids for lang, ids in all_ids.items()}
    clean_q = {lang: ds.queries.subset(scored_ids[lang]) for lang, ds in loaded.items()}
    corpora = {lang: ds.corpus for lang, ds in loaded.items()}
    qrels = {lang: ds.qrels for lang, ds in loaded.items()}

    sets: list[AttackedInput] = []
    skipped: list[dict[str, str]] = []
    for folder, manifest, items in folders:
        check_attacked(
            manifest, items, folder=folder, dataset=first.name, revision=first.revision,
            clean_ids=all_ids, scored_ids=scored_ids,
        )
        for s in items:
            if s.lang not in loaded:
                skipped.append({"spec": s.spec, "lang": s.lang, "source": s.source, "why": "language not scored"})
            elif any(x.key == s.key for x in sets):
                raise RobustirError(f"attacked set {s.spec} [{s.lang}] is given twice ({s.source})")
            else:
                sets.append(s)

    cells = plan_cells(chosen, lang_list, parallel=info.parallel)
    bias_on = info.parallel and len(lang_list) > 1
    cell_qrels = {c: qrels_for(c, qrels, parallel=info.parallel, langs=lang_list) for c in cells}
    # (cell, attack, query set, baseline cell)
    plans: list[tuple[Cell, AttackedInput | None, QuerySet, Cell]] = []
    for c in cells:
        plans.append((c, None, clean_q[c.query_lang], c))
    for s in sets:
        base = clean_q[s.lang]
        ids = [q for q in base.ids if q in s.texts]
        qs = QuerySet(tuple(ids), tuple(s.texts[q] for q in ids), (s.query_lang,) * len(ids), tuple(ids))
        if s.query_lang != s.lang:  # translate: a cross-lingual cell judged in the dataset language
            cell = Cell("cross", s.query_lang, s.lang)
            mono = Cell("mono", s.lang, s.lang)
            cell_qrels.setdefault(cell, qrels[s.lang])
            if not any(p[0] == mono and p[1] is None for p in plans):  # its baseline, scored first
                cell_qrels.setdefault(mono, qrels[s.lang])
                plans.append((mono, None, clean_q[s.lang], mono))
            plans.append((cell, s, qs, mono))
            continue
        for c in cells:
            if c.query_lang == s.lang:
                plans.append((c, s, qs, c))

    model_infos: list[dict[str, Any]] = []
    runs: list[dict[str, Any]] = []
    for m in models:
        retriever = m
        if isinstance(m, (str, Path)):
            from robustir.models import load_retriever

            if progress:
                progress(f"loading model {m}")
            retriever = load_retriever(str(m), **dict(model_options or {}))
        minfo = _model_info(retriever, str(m))
        if any(x["name"] == minfo["name"] for x in model_infos):
            raise RobustirError(f"model {minfo['name']!r} is given twice")
        minfo["unsupported_langs"] = _unsupported(minfo, lang_list)
        if minfo["unsupported_langs"] and progress:
            progress(f"note: {minfo['name']} does not declare {', '.join(minfo['unsupported_langs'])}; scored anyway")
        jobs = []
        for cell, s, qs, _ in plans:
            targets = _bias_targets(cell_qrels[cell]) if (bias_on and cell.corpus_lang == POOLED) else None
            jobs.append(SearchJob(cell, f"{cell.query_lang}|{s.key if s else 'clean'}", qs, targets))
        results = run_searches(retriever, corpora, lang_list, jobs, depth=depth, progress=progress)
        clean_runs: dict[Cell, Any] = {}
        for (cell, s, qs, base), res in zip(plans, results):
            judged = cell_qrels[cell]
            judged = Qrels({q: judged[q] for q in qs.ids if q in judged})
            per_query = evaluate(judged, res.run, metric_names)
            if res.ranks is not None:
                per_query[LANG_BIAS] = {q: language_bias(r) for q, r in res.ranks.items()}
            runs.append(
                {
                    "model": minfo["name"],
                    **cell.to_dict(),
                    "attack": s.spec if s else None,
                    "attack_lang": s.lang if s else None,
                    "baseline": base.to_dict() if s else None,
                    "n_queries": len(judged),
                    "scores": per_query,
                }
            )
            if s is None:
                clean_runs[cell] = res.run
            elif s.victim and base in clean_runs:  # adversarial success on this model (transfer)
                from robustir.attacks.families.adversarial.report import transfer_summary

                target = (s.stats.get("adversarial") or {}).get("target_rank") or 10
                runs[-1]["adversarial"] = transfer_summary(judged, clean_runs[base], res.run, target_rank=target, depth=depth)
        stats = getattr(retriever, "stats", None)
        minfo["stats"] = dict(stats) if isinstance(stats, Mapping) else {}
        model_infos.append(minfo)

    rows, mrows = build_comparisons(runs, test=test, seed=seed, n_resamples=n_resamples, models=[x["name"] for x in model_infos])
    distinct = {p[0] for p in plans}
    counts = {k: sum(1 for c in distinct if c.setting == k) for k in ("mono", "cross")}
    counts["multi"] = 1 if any(c.setting == "multi" for c in distinct) else 0  # one pooled corpus
    data = {
        "format": REPORT_FORMAT,
        "robustir_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "dataset": {
            "name": first.name, "revision": first.revision, "split": first.split,
            "langs": lang_list, "parallel": info.parallel,
        },
        "settings": {"requested": chosen, "counts": counts, "cells": len(distinct)},
        "metrics": metric_names + ([LANG_BIAS] if bias_on and "multi" in chosen else []),
        "options": {
            "test": test, "seed": seed, "n_resamples": n_resamples, "depth": depth, "alpha": alpha,
            "max_queries": max_queries, "holm": "over all comparisons in this report",
        },
        "models": model_infos,
        "attacks": [
            {"spec": s.spec, "lang": s.lang, "query_lang": s.query_lang, "source": s.source, "seed": s.seed,
             "victim": s.victim, "scored": sum(1 for q in scored_ids[s.lang] if q in s.texts), **s.stats}
            for s in sets
        ],
        "skipped_attacks": skipped,
        "query_counts": {
            "clean": {lang: len(q) for lang, q in clean_q.items()},
            "attacked": {f"{s.spec} [{s.lang}]": sum(1 for q in scored_ids[s.lang] if q in s.texts) for s in sets},
            "documents": {lang: len(c) for lang, c in corpora.items()},
        },
        "runs": runs,
        "comparisons": rows,
        "model_comparisons": mrows,
    }
    report = ScoreReport(data)
    if out is not None:
        report.save(out)
    return report
