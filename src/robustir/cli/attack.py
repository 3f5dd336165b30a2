"""`robustir attack` (write attacked query sets) and `robustir attacks` (list generators)."""
from __future__ import annotations

from pathlib import Path

import click

from robustir.cli.options import data_dir_option


@click.command("attack")
@click.option("--dataset", required=True, help="Dataset name (see `robustir datasets`).")
@data_dir_option
@click.option("--split", default=None, help="Split (default: the dataset's default split).")
@click.option("--lang", "langs", required=True, help="Comma-separated languages, e.g. ar,de,ja, or 'all'.")
@click.option("--attack", "specs", required=True, multiple=True, help="Attack spec, e.g. 'typo.keyboard(rate=0.1)'; repeatable; compose with '+'.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0), help="Seed: same inputs and seed give byte-identical output.")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder (manifest.json + one JSONL per attack and language).")
@click.option("--min-chrf", type=click.FloatRange(0, 100), default=None, help="Retry perturbations with chrF below this (0-100), then drop the query.")
@click.option("--retries", default=5, show_default=True, type=click.IntRange(min=0), help="Retries per query under --min-chrf.")
@click.option("--resources", type=click.Path(path_type=Path), default=None, help="Local folder with lexicons/wordnets (else ROBUSTIR_RESOURCES or the cache).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Attack only the first N queries per language.")
@click.option("--model", default=None, help="Victim retriever for adversarial.* attacks (registry name or local folder).")
def attack_cmd(dataset: str, data_dir: Path | None, split: str | None, langs: str, specs: tuple[str, ...], seed: int,
               out_dir: Path, min_chrf: float | None, retries: int, resources: Path | None, limit: int | None,
               model: str | None) -> None:
    """Perturb a dataset's queries with one or more attacks and write the attacked sets.

    \b
    Example:
      robustir attack --dataset xquad-r --data-dir ../shared/data/xquad-r --lang de,zh \\
          --attack 'typo.keyboard(rate=0.2)' --attack noise.diacritics --seed 0 --out attacked/
    """
    from robustir._table import format_table
    from robustir.attacks.runner import run_attacks
    from robustir.datasets import datasets, parse_langs

    lang_list = parse_langs(langs, datasets.get(dataset).info)
    result = run_attacks(dataset, list(specs), lang_list, seed, out_dir, split=split, data_dir=data_dir,
                         min_chrf=min_chrf, retries=retries, resources=resources, limit=limit, model=model)
    rows = [[s["spec"], s["lang"], s["queries"], s["changed"], s["unchanged"], s["dropped"], s["mean_chrf"], s["mean_char_edit_distance"]]
            for s in result.manifest["sets"]]
    click.echo(format_table(["spec", "lang", "queries", "changed", "unchanged", "dropped", "chrF", "char edits"], rows))
    for s in result.manifest["sets"]:  # adversarial sets report what they did to the victim
        a = s.get("adversarial")
        if a:
            click.echo(f"{s['spec'].split('(')[0]} [{s['lang']}] victim {s['victim']}: success {a['success_rate']:.1%} "
                       f"of {a['attacked']}, mean rank {a['mean_rank_before']} -> {a['mean_rank_after']}, "
                       f"{a['model_calls_per_query']} model calls/query")
    click.echo(f"wrote {out_dir / 'manifest.json'}")


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
        rows.append([name, ",".join(sorted(cls.languages)), params, needs])
    click.echo(format_table(["attack", "languages", "parameters (defaults)", "needs"], rows, markdown=markdown))
