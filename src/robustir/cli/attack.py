"""`robustir attack` (write attacked query sets) and `robustir attacks` (list generators)."""
from __future__ import annotations

from pathlib import Path

import click

from robustir.cli.options import (
    alias_option,
    data_dir_option,
    langs_option,
    max_queries_option,
    merge_alias,
    resources_option,
    split_csv,
    split_option,
)


@click.command("attack")
@click.option("--dataset", required=True, help="Dataset name (see `robustir datasets`).")
@data_dir_option
@split_option
@langs_option()
@click.option("--attack", "specs", required=True, multiple=True, help="Attack spec, e.g. 'typo.keyboard(rate=0.1)'; repeatable; compose with '+'.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0), help="Seed: same inputs and seed give byte-identical output.")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder (manifest.json + one JSONL per attack and language).")
@click.option("--min-chrf", type=click.FloatRange(0, 100), default=None, help="Retry perturbations with chrF below this (0-100), then drop the query.")
@click.option("--retries", default=5, show_default=True, type=click.IntRange(min=0), help="Retries per query under --min-chrf or --min-sim.")
@resources_option
@max_queries_option("Attack only the first N queries per language.")
@alias_option("--limit", "limit", type=click.IntRange(min=1))
@click.option("--model", default=None, help="Victim retriever for adversarial.* attacks (registry name or local folder).")
@click.option("--judge", default=None, metavar="NAME",
              help="Meaning-similarity judge: rows of word-substituting attacks record its `sim` (default me5-small-f64, the same numbers on every CPU, when --min-sim is given; me5-small-q4 is faster, muse-v3 independent of e5).")
@click.option("--min-sim", default=None, metavar="FLOAT|calibrated",
              help="Retry word-substituting perturbations with judge similarity below this (0-1, or 'calibrated': the judge's floor per language), then drop the query.")
@click.option("--overwrite", is_flag=True, help="Replace --out even if it holds something other than an attacked set.")
def attack_cmd(dataset: str, data_dir: Path | None, split: str | None, langs: tuple[str, ...], specs: tuple[str, ...],
               seed: int, out_dir: Path, min_chrf: float | None, retries: int, resources: Path | None,
               max_queries: int | None, limit: int | None, model: str | None, judge: str | None, min_sim: str | None,
               overwrite: bool) -> None:
    """Perturb a dataset's queries with one or more attacks and write the attacked sets.

    \b
    Example:
      robustir attack --dataset xquad-r --data-dir ../shared/data/xquad-r --lang de,zh \\
          --attack 'typo.keyboard(rate=0.2)' --attack noise.diacritics --seed 0 --out attacked/
    """
    from robustir._table import format_table
    from robustir.attacks.runner import run_attacks
    from robustir.datasets import datasets, parse_langs

    max_queries = merge_alias(max_queries, limit, "--max-queries", "--limit")
    lang_list = parse_langs(split_csv(langs), datasets.get(dataset).info)
    result = run_attacks(dataset, list(specs), lang_list, seed, out_dir, split=split, data_dir=data_dir,
                         min_chrf=min_chrf, retries=retries, resources=resources, limit=max_queries, model=model,
                         judge=judge, min_sim=_min_sim(min_sim), overwrite=overwrite)
    rows = [[s["spec"], s["lang"], s["queries"], s["changed"], s["unchanged"], s["dropped"], s["mean_chrf"], s["mean_char_edit_distance"]]
            for s in result.manifest["sets"]]
    head = ["spec", "lang", "queries", "changed", "unchanged", "dropped", "chrF", "char edits"]
    if "judge" in result.manifest:  # meaning similarity of the word-substituting sets
        head += ["sim", "dropped (sim)"]
        rows = [[*r, s.get("mean_sim", "-"), s.get("dropped_sim", "-")] for r, s in zip(rows, result.manifest["sets"])]
    click.echo(format_table(head, rows))
    for s in result.manifest["sets"]:  # adversarial sets report what they did to the victim
        a = s.get("adversarial")
        if a:
            click.echo(f"{s['spec'].split('(')[0]} [{s['lang']}] victim {s['victim']}: success {a['success_rate']:.1%} "
                       f"of {a['attacked']}, mean rank {a['mean_rank_before']} -> {a['mean_rank_after']}, "
                       f"{a['model_calls_per_query']} model calls/query")
    click.echo(f"wrote {out_dir / 'manifest.json'}")


def _min_sim(value: str | None) -> float | str | None:
    """--min-sim: a number, or 'calibrated' (the runner refuses anything else in one line)."""
    if value is None or value.strip().lower() == "calibrated":
        return None if value is None else "calibrated"
    try:
        return float(value)
    except ValueError:
        return value


@click.command("attacks")
@click.option("--markdown", is_flag=True, help="Print a Markdown table.")
def attacks_cmd(markdown: bool) -> None:
    """List every attack generator with its languages, parameters and resources."""
    from robustir._table import format_table
    from robustir.attacks import attacks

    rows = []
    for name in attacks.names():
        cls = attacks.get(name)
        params = ", ".join(f"{p.name}={p.default!r}" for p in cls.params)
        needs = ", ".join(x for x in (cls.resource or "", "model" if cls.needs_model else "") if x) or "-"
        rows.append([name, ",".join(sorted(cls.languages)), params, needs, cls.description])
    click.echo(format_table(["attack", "languages", "parameters (defaults)", "needs", "description"], rows, markdown=markdown))
