"""Before/after examples of the lexical attacks on the example queries (docs/attacks-lexical.md).

    python perf/lexical_examples.py --resources ../shared/data/resources
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from robustir.attacks import build, use_resources

SPECS = ("synonym(rate=0.3)", "code_switch(rate=0.3)", "paraphrase.pivot(rate=0.3)", "translate")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resources", type=Path, required=True)
    ap.add_argument("--langs", default="es,ja,ru,th")
    args = ap.parse_args()
    use_resources(args.resources)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "attacks"))
    from lexical_queries import QUERIES

    for spec in SPECS:
        for lang in args.langs.split(","):
            q = QUERIES[lang][2]
            out = build(spec).perturb(q, lang=lang, qid="ex", seed=0).perturbed
            print(f"| `{spec}` | {lang} | {q} | {out} |")


if __name__ == "__main__":
    main()
