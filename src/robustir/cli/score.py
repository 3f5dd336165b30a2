"""`robustir score` and `robustir report`: thin wrappers over `score` and `ScoreReport.render`."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from robustir.cli.options import (
    data_dir_option,
    engine_options,
    langs_option,
    max_queries_option,
    open_engine,
    retriever_kwargs,
    retriever_options,
    shard_retries,
    split_csv,
    split_option,
)

_FORMATS = ("text", "md", "csv", "latex")


@click.command("score")
@click.option("--model", "models", multiple=True, required=True, help="Registered model name or local checkpoint folder (repeatable).")
@click.option("--dataset", required=True, help="Dataset name (see `robustir datasets`).")
@data_dir_option
@langs_option()
@split_option
@click.option("--attacked", multiple=True, type=click.Path(path_type=Path), help="Attacked-set folder from `robustir attack` (repeatable).")
@click.option("--setting", "settings", multiple=True, default=("mono",), show_default=True,
              help="mono, cross, multi (comma-separated or repeated), or all.")
@click.option("--metrics", default="ndcg@10,map", show_default=True, help="Comma-separated: ndcg@10, map, recall@1/10/100, mrr@10, ...")
@click.option("--test", type=click.Choice(["t", "permutation", "wilcoxon"]), default="t", show_default=True, help="Paired significance test.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the permutation test and bootstrap.")
@click.option("--resamples", type=int, default=10_000, show_default=True, help="Permutation / bootstrap resamples.")
@click.option("--depth", type=int, default=100, show_default=True, help="Documents retrieved per query for the metrics.")
@click.option("--alpha", type=float, default=0.05, show_default=True, help="Significance level of the marks (after Holm).")
@max_queries_option("Score only the first N queries per language (all candidates kept).")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Report JSON to write.")
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="text", show_default=True, help="Table format printed.")
@click.option("--summary", "summary_only", is_flag=True, help="Print only the summary over languages (the report keeps every cell).")
@retriever_options
@engine_options
def score_cmd(models, dataset, data_dir, langs, split, attacked, settings, metrics, test, seed, resamples, depth, alpha,
              max_queries, out, fmt, summary_only, **params) -> None:
    """Score clean and attacked queries; print the table with significance marks; write the report.

    The retriever options are those of `robustir encode`: with the same ones, a corpus encoded
    there is found in the cache. With --engine ray, missing corpus shards are first encoded on
    Ray actors (as `robustir encode --engine ray` does), then scored.

    \b
    Example:
      robustir score --model muse-v3 --dataset xquad-r --data-dir ../shared/data/xquad-r \\
        --lang en,de --attacked attacked/ --setting mono,cross,multi --out report.json
    """
    from robustir.benchmark.scoring import score

    options = retriever_kwargs(params)
    say = lambda msg: click.echo(msg, err=True)  # noqa: E731
    engine = open_engine(params)
    try:
        retrievers = _load(models, options, engine, shard_retries(params), say)
        report = score(
            retrievers, dataset, langs=split_csv(langs), data_dir=data_dir, split=split, attacked=list(attacked),
            settings=split_csv(settings), metrics=metrics, test=test, seed=seed, n_resamples=resamples, depth=depth,
            alpha=alpha, max_queries=max_queries, out=out, model_options=options, progress=say,
        )
    finally:
        engine.close()
    click.echo(report.render(fmt, summary_only=summary_only), nl=False)
    click.echo(f"report written to {out}", err=True)


def _load(models: tuple[str, ...], options: dict, engine, retries: int, say) -> list:
    """Model names for the scorer to load; with a non-local engine, dense models loaded here so
    their corpora are encoded on the engine (sparse ones are left to the scorer)."""
    if engine.name == "local":
        return list(models)
    from robustir.models import get_spec
    from robustir.models.engines.corpus import load_with_engine

    out: list = []
    for m in models:
        if get_spec(m, **options).kind != "dense":
            out.append(m)
            continue
        say(f"loading model {m} (corpus encoding on the {engine.name} engine)")
        out.append(load_with_engine(m, engine=engine, retries=retries, **options))
    return out


@click.command("report")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(_FORMATS), default="text", show_default=True, help="Table format.")
@click.option("--test", type=click.Choice(["t", "permutation", "wilcoxon"]), default=None,
              help="Recompute the comparisons with another test from the stored per-query scores.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Seed for a recomputation (default: the report's).")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write the (merged or re-tested) report here.")
@click.option("--summary", "summary_only", is_flag=True, help="Print only the summary over languages.")
def report_cmd(paths, fmt, test, seed, out, summary_only) -> None:
    """Re-render saved score reports (no retrieval); optionally re-test them.

    Several reports of the same data (e.g. one model each) are merged, and the models are
    compared on their per-query drops.
    """
    from robustir.benchmark.report import load_report, merge_reports

    reports = [load_report(p) for p in paths]
    report = reports[0] if len(reports) == 1 else merge_reports(reports, sources=[str(p) for p in paths])
    if test is not None or seed is not None:
        report = report.retest(test=test, seed=seed)
    sys.stdout.write(report.render(fmt, summary_only=summary_only))
    if out is not None:
        report.save(out)
