"""Measured robustness under two suites' versions of the same attacks (docs/leaderboard.md).

Suites v2 and v3 share their queries, seeds and character-noise sets and differ in the word
substitutions (v3: synonym, code_switch and paraphrase.pivot at revision=v3). For every model
with a record in both boards, per attack that differs and per query language (mono cells):
clean nDCG@10, attacked nDCG@10 under each suite, the relative drops, and a paired Wilcoxon
signed-rank test (scipy) of the per-query attacked scores of the two suites, with its
Holm-Bonferroni adjustment over every row of the table (robustir.benchmark.stats.holm).

    python perf/compare_suites.py [--old leaderboards/v2] [--new leaderboards/v3] [--metric ndcg@10]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from scipy.stats import wilcoxon

from robustir.benchmark.stats import holm


def records(board: Path) -> dict[str, dict]:
    out = {}
    for f in sorted((board / "submissions").glob("*.json")):
        rec = json.loads(f.read_text(encoding="utf-8"))
        out[rec["fingerprint"]["sha256"]] = rec  # the same weights in both boards
    return out


def mono(rec: dict) -> dict[str, dict]:
    return {g["lang"]: g for g in rec["results"] if g["setting"] == "mono"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", type=Path, default=Path("leaderboards/v2"))
    ap.add_argument("--new", type=Path, default=Path("leaderboards/v3"))
    ap.add_argument("--metric", default="ndcg@10")
    args = ap.parse_args()
    old, new = records(args.old), records(args.new)
    attacks = None
    print(f"| model | attack | lang | clean | {args.old.name} attacked | {args.new.name} attacked | "
          f"{args.old.name} drop % | {args.new.name} drop % | queries scored differently | Wilcoxon p | Holm p |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    rows: list[tuple[str, float]] = []
    for key in sorted(old.keys() & new.keys(), key=lambda k: new[k]["name"]):
        a, b = old[key], new[key]
        if attacks is None:
            sa = {x["label"]: x["spec"] for x in a["provenance"]["attacks"]}
            sb = {x["label"]: x["spec"] for x in b["provenance"]["attacks"]}
            attacks = [lab for lab in sb if sa.get(lab) not in (None, sb[lab])]
        ga, gb = mono(a), mono(b)
        for attack in attacks:
            for lang in sorted(ga.keys() & gb.keys()):
                x, y = ga[lang], gb[lang]
                if attack not in x["runs"] or attack not in y["runs"] or x["qids"] != y["qids"]:
                    continue
                clean = np.asarray(x["runs"]["clean"][args.metric])
                s_old = np.asarray(x["runs"][attack][args.metric])
                s_new = np.asarray(y["runs"][attack][args.metric])
                differ = int((s_old != s_new).sum())
                p = wilcoxon(s_old, s_new).pvalue if differ else 1.0
                c = clean.mean()
                rows.append((f"| {b['name']} | {attack} | {lang} | {c:.4f} | {s_old.mean():.4f} | {s_new.mean():.4f} | "
                      f"{100 * (c - s_old.mean()) / c:.1f} | {100 * (c - s_new.mean()) / c:.1f} | {differ} | {p:.2g} |", p))
    for (line, _), adj in zip(rows, holm([p for _, p in rows])):
        print(f"{line} {adj:.2g} |")


if __name__ == "__main__":
    main()
