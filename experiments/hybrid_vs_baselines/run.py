"""Hybrid batches against the mono (X-X) and cross (X-Y) baselines, clean and under attack.

From one base model, train three checkpoints with `robustir train` (same data, same
article-level split, same seed and budget; only the batch strategy differs), then score them
and the base model with `robustir.benchmark.scoring.score` on the held-out articles, clean
and under every query-attack family that runs offline, with model-against-model paired tests.

Usage (the small CPU run whose results are committed; see README.md):
    python experiments/hybrid_vs_baselines/run.py --data ../shared/data/xquad-r --langs en,de \
        --resources ../shared/data/resources --work /tmp/hvb --out experiments/hybrid_vs_baselines/results

Only numbers are written under --out (no dataset text); checkpoints, the held-out data copy
and the attacked query sets stay in --work.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from robustir._io import atomic_write_text, dump_json, read_json

STRATEGIES = ("hybrid", "mono", "cross")
# One spec per attack family that needs no victim model and no MT model (all run offline).
ATTACKS = (
    "typo.keyboard(rate=0.1)",
    "typo.char(rate=0.1)",
    "noise.diacritics",
    "order.shuffle(rate=0.1)",
    "drop.stopwords",
    "synonym(rate=0.1)",
    "code_switch(rate=0.1)",
    "paraphrase.pivot(rate=0.1)",
    "translate",
)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def train_all(args: argparse.Namespace, work: Path) -> dict[str, dict]:
    from robustir.training.trainer import TRAINING_FILE, TrainConfig, train

    records = {}
    runs = [(s, t) for s in STRATEGIES for t in args.train_seeds]
    for strategy, tseed in runs:
        cfg = TrainConfig(
            base=args.base, strategy=strategy, batch_size=args.batch_size, max_steps=args.max_steps or None,
            epochs=args.epochs, lr=args.lr, seed=tseed, split_by="article", max_seq_length=args.max_seq_length,
            eval_steps=args.eval_steps, test_fraction=args.test_fraction, validation_fraction=args.validation_fraction,
            split_seed=args.seed, freeze_embeddings=args.freeze_embeddings,
        )
        strategy = ckpt_name(strategy, tseed, args)
        out = work / "ckpt" / strategy
        done = out / TRAINING_FILE
        if done.exists() and read_json(done)["config"] == json.loads(json.dumps(cfg.__dict__)):
            log(f"{strategy}: reusing {out}")
        else:
            log(f"{strategy}: training")
            train(args.data, out, cfg, langs=args.langs, progress=args.progress, overwrite=True)
        records[strategy] = read_json(done)
    splits = {json.dumps(r["split"]["test_group_ids"]) for r in records.values()}
    if len(splits) != 1:
        raise SystemExit("the training runs were not given the same held-out split")
    return records


def ckpt_name(strategy: str, train_seed: int, args: argparse.Namespace) -> str:
    """`hybrid` for the single-seed layout of the MiniLM run, `hybrid-s1` when several seeds train."""
    return strategy if args.train_seeds == [args.seed] else f"{strategy}-s{train_seed}"


def write_heldout(data_dir: Path, langs: list[str], test_ids: set[str], dest: Path) -> int:
    """A copy of the XQuAD-R files keeping only the held-out articles (scored as dataset xquad-r)."""
    n_articles = 0
    for lang in langs:
        raw = read_json(data_dir / f"{lang}.json")
        keep = []
        for article in raw["data"]:
            ids = {qa["id"] for p in article["paragraphs"] for qa in p["qas"]}
            if ids & test_ids:
                if not ids <= test_ids:
                    raise SystemExit(f"article {article.get('title')!r} is split across train and test")
                keep.append(article)
        n_articles = len(keep)
        atomic_write_text(dest / f"{lang}.json", json.dumps({**raw, "data": keep}, ensure_ascii=False))
    return n_articles


def attack_list(args: argparse.Namespace) -> list[tuple[str, int, str | None, float | str | None]]:
    """(spec, seed, judge, min_sim) per attack: a suite's pinned list (`suite:v2`) or `--attacks` specs."""
    if len(args.attacks) == 1 and args.attacks[0].startswith("suite:"):
        from robustir.leaderboards.suite import load_suite

        suite = load_suite(args.attacks[0].split(":", 1)[1])
        return [(a.spec, a.seed, a.judge, a.min_sim) for a in suite.attacks if a.victim is None]
    return [(spec, args.seed, None, None) for spec in args.attacks]


def attack_all(args: argparse.Namespace, dataset: str, langs_all: list[str], data_dir: Path | None,
               work: Path) -> list[Path]:
    from robustir.attacks import build, run_attacks

    folders = []
    for spec, seed, judge, min_sim in attack_list(args):
        pipe = build(spec)
        langs = [lang for lang in langs_all if pipe.supports(lang)]
        if not langs:
            log(f"skip {spec}: supports none of {langs_all}")
            continue
        folder = work / "attacked" / dataset / pipe.spec.slug
        if not (folder / "manifest.json").exists():
            log(f"attack {dataset} with {spec} on {','.join(langs)}" + (f" (judge {judge}, floor {min_sim})" if judge else ""))
            run_attacks(dataset, [spec], langs, seed, folder, data_dir=data_dir, resources=args.resources,
                        progress=False, judge=judge, min_sim=min_sim)
        folders.append(folder)
    return folders


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True, help="XQuAD-R folder ({lang}.json)")
    ap.add_argument("--langs", default="en,de")
    ap.add_argument("--resources", type=Path, default=None, help="attack resources folder (MUSE, wordnets, ...)")
    ap.add_argument("--base", default="minilm-l6")
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-steps", type=int, default=60, help="0: train by --epochs (early stopping)")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--eval-steps", type=int, default=20)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--max-seq-length", type=int, default=96)
    ap.add_argument("--test-fraction", type=float, default=0.2)
    ap.add_argument("--validation-fraction", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0, help="seed of the split and the attacks")
    ap.add_argument("--train-seeds", default=None, help="comma-separated training seeds (default: --seed)")
    ap.add_argument("--freeze-embeddings", action="store_true", help="keep the word-embedding matrix fixed")
    ap.add_argument("--settings", default="mono,cross", help="scorer settings: mono, cross, multi")
    ap.add_argument("--attacks", default=";".join(ATTACKS),
                    help="';'-separated attack specs, or suite:VERSION for a suite's pinned attacks, seeds and meaning floors")
    ap.add_argument("--zero-shot", default="", help="also score mldr-sample zero-shot in these comma-separated languages")
    ap.add_argument("--test", default="t", help="paired test of the scorer: t, permutation or wilcoxon")
    ap.add_argument("--n-resamples", type=int, default=1000, help="bootstrap resamples of the scorer's intervals")
    ap.add_argument("--progress", action="store_true")
    args = ap.parse_args(argv)
    args.langs = [x.strip() for x in args.langs.split(",") if x.strip()]
    args.attacks = [x.strip() for x in args.attacks.split(";") if x.strip()]
    args.train_seeds = [int(x) for x in args.train_seeds.split(",")] if args.train_seeds else [args.seed]
    t0 = time.time()
    work = args.work
    records = train_all(args, work)
    t_train = time.time() - t0
    test_ids = set(next(iter(records.values()))["split"]["test_group_ids"])
    heldout = work / "heldout"
    n_articles = write_heldout(args.data, args.langs, test_ids, heldout)
    log(f"held-out: {len(test_ids)} questions from {n_articles} articles per language")
    folders = attack_all(args, "xquad-r", args.langs, heldout, work)

    from robustir.benchmark.scoring import score

    models = [args.base] + [str(work / "ckpt" / s) for s in records]
    log("scoring " + ", ".join(models))
    t1 = time.time()
    report = score(
        models, "xquad-r", langs=args.langs, data_dir=heldout, attacked=folders, settings=args.settings.split(","),
        metrics=["map", "ndcg@10", "mrr@10"], test=args.test, seed=args.seed, out=work / "report.json",
        progress=log if args.progress else None, n_resamples=args.n_resamples, compare_models=False,
    )
    # The full report (per-query scores of every model, tens of MB) stays in --work; the
    # committed files are its summary table and analyze.py's strategy contrasts.
    atomic_write_text(args.out / "report_summary.md", report.render("md").split("### Per cell")[0])
    t_score = time.time() - t1
    t_zero = 0.0
    if args.zero_shot:
        # Zero-shot on another collection: the embedded mldr-sample (long documents, 13 languages,
        # 8 of them never trained on), clean and under the same attacks.
        t2 = time.time()
        zlangs = args.zero_shot.split(",")
        zfolders = attack_all(args, "mldr-sample", zlangs, None, work)
        log("zero-shot scoring on mldr-sample")
        zero = score(models, "mldr-sample", langs=zlangs, attacked=zfolders, settings=["mono"],
                     metrics=["map", "ndcg@10", "mrr@10"], test=args.test, seed=args.seed,
                     out=work / "zero_shot_mldr_sample.json", progress=log if args.progress else None,
                     n_resamples=args.n_resamples, compare_models=False)
        atomic_write_text(args.out / "zero_shot_summary.md", zero.render("md").split("### Per cell")[0])
        t_zero = time.time() - t2
    summary = {
        "command": "python experiments/hybrid_vs_baselines/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "base": args.base,
        "langs": args.langs,
        "heldout_questions_per_lang": len(test_ids),
        "heldout_articles": n_articles,
        "attacks": args.attacks,
        "seconds": {"training": round(t_train, 1), "scoring": round(t_score, 1), "zero_shot": round(t_zero, 1),
                    "total": round(time.time() - t0, 1)},
        "training": {
            s: {k: r[k] for k in ("alpha", "steps", "planned_steps", "best_step", "stopped_early", "loss_before",
                                  "loss_after", "train_loss_mean", "device")}
            | {"data_sha256": r["data"]["fingerprint_sha256"], "train_groups": r["split"]["train_groups"]}
            for s, r in records.items()
        },
    }
    usage = resource.getrusage(resource.RUSAGE_SELF)
    summary["seconds"]["cpu_user_system"] = round(usage.ru_utime + usage.ru_stime, 1)
    atomic_write_text(args.out / "summary.json", dump_json(summary))
    sys.path.insert(0, str(Path(__file__).parent))
    import analyze

    analyze.main([str(work / "report.json"), "--out", str(args.out / "strategies")])
    if args.zero_shot:
        analyze.main([str(work / "zero_shot_mldr_sample.json"), "--out", str(args.out / "zero_shot_strategies")])
    log(f"done in {time.time() - t0:.0f} s; wrote {args.out}/ summary.json, report_summary.md, strategies.md"
        f"{', zero_shot_*' if args.zero_shot else ''} (full reports in {work})")


if __name__ == "__main__":
    main()
