"""`robustir encode`: fill the corpus-encoding cache, in this process or on a Ray cluster.

Later `robustir score` / `submit` runs with the same model options find every shard in the
cache and encode no corpus text; an interrupted encode resumes where it stopped, on either
engine.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from robustir.cli.options import data_dir_option
from robustir.cli.options import retriever_kwargs, retriever_options


@click.command("encode")
@click.option("--model", required=True, help="Registered dense model or local checkpoint folder.")
@click.option("--dataset", default=None, help="Dataset name (see `robustir datasets`); or use --corpus-file.")
@click.option("--lang", required=True, help="Corpus language.")
@click.option("--split", default=None, help="Dataset split (only picks the files; the corpus is the same).")
@data_dir_option
@click.option("--corpus-file", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="A corpus.jsonl[.gz] in MLDR layout, streamed (never held in memory): for full MLDR.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Where shards are encoded: this process, or Ray actors (one per GPU, else per CPU).")
@click.option("--ray-address", default=None, help="Ray cluster address (e.g. 'auto' or ray://host:10001); default: start a local Ray.")
@click.option("--workers", type=int, default=None, help="Ray actors (default: one per GPU, else one per CPU).")
@click.option("--shard-docs", type=int, default=8192, show_default=True, help="Documents per cache shard (the unit of work and of resume).")
@click.option("--retries", type=int, default=1, show_default=True, help="Retries of a failed shard (a dead worker is replaced).")
@retriever_options
def encode_cmd(model: str, dataset: str | None, lang: str, split: str | None, data_dir: Path | None,
               corpus_file: Path | None, engine: str, ray_address: str | None, workers: int | None,
               shard_docs: int, retries: int, **params: Any) -> None:
    """Encode a corpus into the cache (then score/submit reuse it).

    \b
    Examples:
      robustir encode --model minilm-l6 --dataset mldr-sample --lang en
      robustir encode --model me5-small-q4 --corpus-file mldr-v1.0-en/corpus.jsonl.gz --lang en \\
          --engine ray --ray-address auto --cache-dtype float16
    """
    from robustir.errors import RobustirError
    from robustir.models import get_spec, load_retriever
    from robustir.models.engines import get_engine
    from robustir.models.engines.corpus import RetrieverFactory, index_with_engine, open_cache

    if (dataset is None) == (corpus_file is None):
        raise RobustirError("give exactly one of --dataset or --corpus-file")
    if retries < 0:
        raise RobustirError(f"--retries must be >= 0, got {retries}")
    options = retriever_kwargs(params)
    if get_spec(model, **options).kind != "dense":
        raise RobustirError(f"{model!r} is not a dense model; only dense corpus encodings are cached (nothing to encode)")
    retriever = load_retriever(model, shard_docs=shard_docs, **options)
    worker_options = {k: v for k, v in options.items() if k != "cache_dtype"}
    factory = RetrieverFactory.of(model, progress=False, **worker_options) if engine == "ray" else None
    eng = get_engine(engine, address=ray_address, num_workers=workers) if engine == "ray" else get_engine("local")
    try:
        if corpus_file is not None:
            from robustir.models.engines.large import index_jsonl

            index, report = index_jsonl(retriever, corpus_file, lang, engine=eng, factory=factory, retries=retries)
            docs, folder = index.scan.documents, index.encoding.folder
        else:
            from robustir.datasets import load_dataset

            ds = load_dataset(dataset, lang=lang, split=split, data_dir=data_dir)
            report = index_with_engine(retriever, ds.corpus, engine=eng, factory=factory, retries=retries)
            docs, folder = len(ds.corpus), open_cache(retriever, ds.corpus).folder
    finally:
        eng.close()
    missing = report.details.get("shards_missing_before", 0)
    n_shards = -(-docs // shard_docs)
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
