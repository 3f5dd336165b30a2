"""`robustir encode`: fill the corpus-encoding cache, in this process or on a Ray cluster.

Later `robustir score` / `submit` runs with the same model options find every shard in the
cache and encode no corpus text; an interrupted encode resumes where it stopped, on either
engine.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from robustir.cli.options import (
    alias_option,
    data_dir_option,
    engine_options,
    merge_alias,
    open_engine,
    retriever_kwargs,
    retriever_options,
    shard_retries,
    split_csv,
    split_option,
)


@click.command("encode")
@click.option("--model", required=True, help="Registered dense model or local checkpoint folder.")
@click.option("--dataset", default=None, help="Dataset name (see `robustir datasets`); or use --corpus-file.")
@click.option("--lang", "langs", multiple=True, required=True,
              help="Corpus language; several (comma-separated or repeated, or 'all') encode the pooled corpus "
                   "`robustir score` indexes for the same --lang.")
@split_option
@data_dir_option
@click.option("--corpus-file", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="A corpus.jsonl[.gz] in MLDR layout, streamed (never held in memory): for full MLDR.")
@engine_options
@alias_option("--retries", "retries_alias", type=click.IntRange(min=0))
@retriever_options
def encode_cmd(model: str, dataset: str | None, langs: tuple[str, ...], split: str | None, data_dir: Path | None,
               corpus_file: Path | None, retries_alias: int | None, **params: Any) -> None:
    """Encode a corpus into the cache (then score/submit with the same options reuse it).

    \b
    Examples:
      robustir encode --model minilm-l6 --dataset mldr-sample --lang en
      robustir encode --model minilm-l6 --dataset mldr-sample --lang de,en   # then: score --lang de,en
      robustir encode --model me5-small-q4 --corpus-file mldr-v1.0-en/corpus.jsonl.gz --lang en \\
          --engine ray --ray-address auto --cache-dtype float16
    """
    from robustir.errors import RobustirError
    from robustir.models import get_spec
    from robustir.models.engines.corpus import EngineIndexed, index_with_engine, load_with_engine, open_cache

    if (dataset is None) == (corpus_file is None):
        raise RobustirError("give exactly one of --dataset or --corpus-file")
    retries = shard_retries({**params, "shard_retries": merge_alias(params["shard_retries"], retries_alias,
                                                                   "--shard-retries", "--retries")})
    lang_list = split_csv(langs)
    if corpus_file is not None and len(lang_list) != 1:
        raise RobustirError(f"--corpus-file holds one language; give one --lang, got {', '.join(lang_list)}")
    options = retriever_kwargs(params)
    if get_spec(model, **options).kind != "dense":
        raise RobustirError(f"{model!r} is not a dense model; only dense corpus encodings are cached (nothing to encode)")
    eng = open_engine(params)
    try:
        loaded = load_with_engine(model, engine=eng, retries=retries, **options)
        retriever, factory = (loaded.wrapped, loaded.factory) if isinstance(loaded, EngineIndexed) else (loaded, None)
        if corpus_file is not None:
            from robustir.models.engines.large import index_jsonl

            index, report = index_jsonl(retriever, corpus_file, lang_list[0], engine=eng, factory=factory, retries=retries)
            docs, folder = index.scan.documents, index.encoding.folder
        else:
            corpus = _dataset_corpus(dataset, langs, split, data_dir)
            report = index_with_engine(retriever, corpus, engine=eng, factory=factory, retries=retries)
            docs, folder = len(corpus), open_cache(retriever, corpus).folder
    finally:
        eng.close()
    _say(report, docs, folder)


def _dataset_corpus(dataset: str, langs: tuple[str, ...], split: str | None, data_dir: Path | None) -> Any:
    """One language's corpus, or the languages' corpora pooled in the given order: the corpus a
    dense retriever indexes in `robustir score --lang` with the same languages."""
    from robustir.datasets import datasets, load_dataset, parse_langs
    from robustir.types import Corpus

    lang_list = parse_langs(split_csv(langs), datasets.get(dataset).info)
    parts = [load_dataset(dataset, lang=lang, split=split, data_dir=data_dir).corpus for lang in lang_list]
    return parts[0] if len(parts) == 1 else Corpus.concat(parts)


def _say(report: Any, docs: int, folder: Path) -> None:
    missing = report.details.get("shards_missing_before", 0)
    n_shards = report.details.get("shards", 0)
    shards = f"{n_shards} shard{'s' if n_shards != 1 else ''}"
    if missing == 0:
        click.echo(f"{docs} documents: all {shards} already cached, nothing encoded")
        click.echo(f"cache: {folder}")
        return
    rate = f", {report.docs_per_second:.1f} docs/s" if report.texts else ""
    click.echo(
        f"{docs} documents, {shards}: {missing} missing, {report.encoded} encoded "
        f"with {report.engine} ({report.workers} worker{'s' if report.workers != 1 else ''}) "
        f"in {report.seconds:.1f} s{rate}; retried {report.retried}"
    )
    click.echo(f"cache: {folder}")
