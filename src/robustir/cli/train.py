"""`robustir train`: fine-tune a dual encoder with hybrid batches or a baseline strategy."""
from __future__ import annotations

from pathlib import Path

import click

from robustir.cli.options import alias_option, merge_alias


@click.command("train")
@click.option("--base", required=True, help="Registry name (e.g. minilm-l6, labse) or a local checkpoint folder.")
@click.option("--strategy", type=click.Choice(["hybrid", "mono", "cross"]), default="hybrid", show_default=True,
              help="hybrid: mono batch with probability alpha; mono: alpha=1 (X-X); cross: alpha=0 (X-Y).")
@click.option("--alpha", type=float, default=None, help="Probability of a monolingual batch (hybrid only; default 0.5).")
@click.option("--data", "data_path", required=True, type=click.Path(path_type=Path),
              help="XQuAD-R/LAReQA folder ({lang}.json) or JSONL of {group_id, lang, query, passage[, article]}.")
@click.option("--lang", "langs", default=None, help="Comma-separated languages to use (default: all in the data).")
@alias_option("--langs", "langs_alias")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Output checkpoint folder.")
@click.option("--epochs", type=float, default=1.0, show_default=True)
@click.option("--max-steps", type=int, default=None, help="Stop after this many optimiser steps.")
@click.option("--batch-size", type=int, default=100, show_default=True)
@click.option("--lr", type=float, default=3e-5, show_default=True)
@click.option("--weight-decay", type=float, default=0.01, show_default=True)
@click.option("--warmup-ratio", type=float, default=0.1, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--query-prefix", default="query: ", show_default=True)
@click.option("--passage-prefix", default="passage: ", show_default=True)
@click.option("--lang-sampling", type=click.Choice(["uniform", "size"]), default="uniform", show_default=True,
              help="How a batch's language is drawn: uniformly or in proportion to data size.")
@click.option("--split-by", type=click.Choice(["group", "article"]), default="group", show_default=True,
              help="Held-out unit: parallel group, or article (XQuAD-R) so no held-out passage context is seen.")
@click.option("--validation-fraction", type=float, default=0.1, show_default=True)
@click.option("--test-fraction", type=float, default=0.2, show_default=True)
@click.option("--patience", type=int, default=3, show_default=True, help="Early stopping on validation loss.")
@click.option("--eval-steps", type=int, default=None, help="Validate every N steps (default: ~4 times per epoch).")
@click.option("--max-seq-length", type=int, default=128, show_default=True)
@click.option("--split-seed", type=int, default=None, help="Seed of the data split (default: --seed).")
@click.option("--freeze-embeddings", is_flag=True, help="Keep the word-embedding matrix fixed during training.")
@click.option("--overwrite", is_flag=True, help="Replace an earlier `robustir train` output in --out.")
@click.option("--quiet", is_flag=True, help="No progress bar or per-step loss.")
def train_cmd(data_path: Path, langs: str | None, langs_alias: str | None, out: Path, overwrite: bool, quiet: bool,
              **opts) -> None:
    """Fine-tune BASE on parallel QA data with hybrid batches (Elmahdy et al. 2024) or a baseline.

    \b
    Example:
      robustir train --base minilm-l6 --strategy hybrid --data ../shared/data/xquad-r \\
          --lang en,de --split-by article --out ckpt/hybrid
    """
    from robustir.training.trainer import TrainConfig, train

    langs = merge_alias(langs, langs_alias, "--lang", "--langs")

    fields = {
        "base": opts["base"], "strategy": opts["strategy"], "alpha": opts["alpha"], "epochs": opts["epochs"],
        "max_steps": opts["max_steps"], "batch_size": opts["batch_size"], "lr": opts["lr"],
        "weight_decay": opts["weight_decay"], "warmup_ratio": opts["warmup_ratio"], "seed": opts["seed"],
        "query_prefix": opts["query_prefix"], "passage_prefix": opts["passage_prefix"],
        "lang_sampling": opts["lang_sampling"], "split_by": opts["split_by"],
        "validation_fraction": opts["validation_fraction"], "test_fraction": opts["test_fraction"],
        "patience": opts["patience"], "eval_steps": opts["eval_steps"], "max_seq_length": opts["max_seq_length"],
        "split_seed": opts["split_seed"], "freeze_embeddings": opts["freeze_embeddings"],
    }
    lang_list = [x.strip() for x in langs.split(",") if x.strip()] if langs else None
    result = train(data_path, out, TrainConfig(**fields), langs=lang_list, progress=not quiet, overwrite=overwrite)
    r = result.record
    before, after = r["loss_before"], r["loss_after"]
    click.echo(
        f"trained {r['config']['strategy']} (alpha={r['alpha']}) from {r['base_model']['base']}: "
        f"{r['steps']} steps, probe loss {before['probe_loss']:.4f} -> {after['probe_loss']:.4f}"
        + (f", validation loss {before['eval_loss']:.4f} -> {after['eval_loss']:.4f}" if "eval_loss" in before else "")
    )
    click.echo(f"saved {result.out} ({r['split']['test_groups']} held-out groups listed in robustir_training.json)")
