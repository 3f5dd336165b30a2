"""Audit the leaderboard suite's attacks on real questions: chrF, judge similarity, edit mix.

Attacks the first --limit XQuAD-R questions of each language with every model-free attack of
suite v1 (its own spec and seed), then runs `robustir.attacks.audit` over each attacked set
with the chosen judge and prints one Markdown table (plus seconds per step on stderr).

    python perf/audit_suite.py --data ../shared/data [--limit 30] [--judge me5-small-q4] [--samples 0]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from robustir.attacks import run_attacks
from robustir.attacks.audit import Audit, audit_folder, render
from robustir.leaderboards.suite import load_suite


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="the shared data folder (xquad-r/, resources/)")
    ap.add_argument("--limit", type=int, default=30, help="questions per language")
    ap.add_argument("--judge", default="me5-small-q4")
    ap.add_argument("--samples", type=int, default=0, help="before/after pairs per set in the output")
    ap.add_argument("--langs", default=None, help="comma-separated (default: the suite's XQuAD-R languages)")
    args = ap.parse_args()
    suite = load_suite("v1")
    task = next(t for t in suite.tasks if t.dataset == "xquad-r")
    langs = args.langs.split(",") if args.langs else list(task.langs)
    sets = []
    with tempfile.TemporaryDirectory() as tmp:
        for a in suite.attacks:
            if a.victim:
                continue
            ok = [lang for lang in langs if _supports(a.spec, lang)]
            t0 = time.perf_counter()
            run_attacks("xquad-r", [a.spec], ok, a.seed, Path(tmp) / a.label, data_dir=args.data / "xquad-r",
                        resources=args.data / "resources", limit=args.limit, progress=False)
            t1 = time.perf_counter()
            audit = audit_folder(Path(tmp) / a.label, judge=args.judge, samples=args.samples)
            print(f"{a.label}: attack {t1 - t0:.1f}s, audit {time.perf_counter() - t1:.1f}s", file=sys.stderr, flush=True)
            sets += audit.sets
    whole = Audit(f"suite v1 attacks on xquad-r, first {args.limit} questions", "xquad-r", "per attack (suite seeds)",
                  audit.judge, audit.judge_version, sets)
    print(render(whole, "md"), end="")


def _supports(spec: str, lang: str) -> bool:
    from robustir.attacks import build

    return build(spec).supports(lang)


if __name__ == "__main__":
    main()
