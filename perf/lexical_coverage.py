"""Coverage and speed of the lexical attacks: share of queries changed, mean edits, queries/s.

Real questions: XQuAD-R (ar de en hi zh, 1,190 each); other MLDR languages: the example
queries of tests/attacks/lexical_queries.py (6 each, so their shares are coarse).

    python perf/lexical_coverage.py --data ../shared/data [--limit 1190]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from robustir.attacks import build
from robustir.attacks.lexicons import set_resource_dir
from robustir.datasets import load_dataset

SPECS = ("synonym(rate=0.3)", "code_switch(rate=0.3)", "paraphrase.pivot(rate=0.3)", "translate")
XQUAD = ("ar", "de", "en", "hi", "zh")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=1190)
    args = ap.parse_args()
    set_resource_dir(args.data / "resources")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "attacks"))
    from lexical_queries import QUERIES

    queries = {}
    for lang in XQUAD:
        qs = load_dataset("xquad-r", lang=lang, data_dir=args.data / "xquad-r").queries
        queries[lang] = list(zip(qs.ids, qs.texts))[: args.limit]
    queries.update({lang: [(f"{lang}-{i}", q) for i, q in enumerate(qs)] for lang, qs in QUERIES.items()})
    print("| attack | lang | queries | changed | mean edits | queries/s (after load) | first call s |")
    print("|---|---|---|---|---|---|---|")
    for spec in SPECS:
        pipe = build(spec)
        for lang in sorted(queries):
            if not pipe.supports(lang):
                continue
            items = queries[lang]
            t0 = time.perf_counter()
            first = pipe.perturb(items[0][1], lang=lang, qid=items[0][0], seed=0)  # loads lexicons
            t1 = time.perf_counter()
            rest = [pipe.perturb(text, lang=lang, qid=qid, seed=0) for qid, text in items[1:]]
            t2 = time.perf_counter()
            res = [first, *rest]
            changed = sum(r.changed for r in res) / len(res)
            edits = sum(r.edits for r in res) / len(res)
            qps = len(rest) / (t2 - t1) if rest else float("nan")
            print(f"| {spec} | {lang} | {len(res)} | {changed:.0%} | {edits:.2f} | {qps:,.0f} | {t1 - t0:.2f} |")


if __name__ == "__main__":
    main()
