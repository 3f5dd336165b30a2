"""nlpaug and TextAttack generators beside robustir's own counterparts, on the same XQuAD-R questions.

For every (family, language) where a peer generator runs: change rate (share of questions whose
text changed), mean chrF (sacrebleu sentence chrF, attacked vs original, as `robustir attack`
records it), mean meaning similarity (`me5-small-q4` judge, cosine of the two embeddings, on the
first --sim-n questions: the encoder dominates the run time) and queries per CPU-second
(`time.process_time` around the perturbation loop only, after a 20-query warm-up; one process).
Every generator runs with its library's defaults (what a user gets without tuning), seed 0.

    python perf/ecosystem_compare.py --data-dir ../shared/data/xquad-r --resources ../shared/data/resources \\
        --n 1000 --sim-n 100 --out /tmp/ecosystem_compare.json
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

# (family, peer spec, robustir counterpart)
PAIRS = [
    ("keyboard typos", "nlpaug.char.KeyboardAug", "typo.keyboard"),
    ("OCR confusions", "nlpaug.char.OcrAug", "noise.ocr"),
    ("random characters", "nlpaug.char.RandomCharAug", "typo.char"),
    ("misspellings", "nlpaug.word.SpellingAug", "typo.real"),
    ("word deletion", "nlpaug.word.RandomWordAug", "drop.stopwords"),
    ("word swap", "nlpaug.word.RandomWordAug(action=swap)", "order.shuffle"),
    ("word split", "nlpaug.word.SplitAug", "noise.punct(ops=split)"),
    ("QWERTY typos", "textattack.WordSwapQWERTY", "typo.keyboard(mode=substitute)"),
    ("adjacent swap", "textattack.WordSwapNeighboringCharacterSwap", "typo.char(ops=transpose)"),
    ("char deletion", "textattack.WordSwapRandomCharacterDeletion", "typo.char(ops=delete)"),
    ("char insertion", "textattack.WordSwapRandomCharacterInsertion", "typo.char(ops=insert)"),
    ("char substitution", "textattack.WordSwapRandomCharacterSubstitution", "typo.char(ops=substitute)"),
    ("homoglyphs", "textattack.WordSwapHomoglyphSwap", "noise.homoglyph"),
    ("CharSwap recipe", "textattack.CharSwapAugmenter", "typo.char"),
]
LANGS = ("ar", "de", "en", "hi", "zh")


def run_spec(spec: str, lang: str, items: list[tuple[str, str]]) -> dict:
    from robustir.attacks import build
    from robustir.attacks.fidelity import chrf

    pipe = build(spec)
    for qid, text in items[:20]:
        pipe.perturb(text, lang=lang, qid=qid, seed=0)
    start = time.process_time()
    out = [pipe.perturb(text, lang=lang, qid=qid, seed=0).perturbed for qid, text in items]
    cpu = time.process_time() - start
    changed = sum(o != t for o, (_, t) in zip(out, items))
    scores = [chrf(o, t) for o, (_, t) in zip(out, items)]
    return {"spec": spec, "lang": lang, "n": len(items), "changed": round(changed / len(items), 3),
            "chrf": round(sum(scores) / len(scores), 1), "q_per_cpu_s": round(len(items) / max(cpu, 1e-9), 1),
            "perturbed": out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--resources", type=Path, required=True)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--sim-n", type=int, default=100)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    from robustir import attacks
    from robustir.attacks.judge import get_judge
    from robustir.datasets import load_dataset

    attacks.use_resources(args.resources)
    judge = get_judge("me5-small-q4")
    results = []
    for lang in LANGS:
        qs = load_dataset("xquad-r", lang=lang, data_dir=args.data_dir).queries
        items = list(zip(qs.ids[: args.n], qs.texts[: args.n]))
        done: dict[str, dict] = {}
        for family, peer, ours in PAIRS:
            for spec in (peer, ours):
                if spec not in done and attacks.build(spec).supports(lang):
                    done[spec] = run_spec(spec, lang, items)
            if peer in done or ours in done:
                results.append({"family": family, "lang": lang, "peer": done.get(peer), "peer_spec": peer,
                                "robustir": done.get(ours), "ours_spec": ours})
        originals = [t for _, t in items[: args.sim_n]]
        specs = sorted(done)  # one judge call per language: each distinct text is encoded once
        sims = judge.similarity(originals * len(specs), [p for s in specs for p in done[s]["perturbed"][: args.sim_n]], lang)
        for k, spec in enumerate(specs):
            part = sims[k * len(originals):(k + 1) * len(originals)]
            done[spec]["sim"] = round(sum(part) / len(part), 3)
            done[spec]["examples"] = [(items[i][1], done[spec]["perturbed"][i]) for i in range(3)]
        print(f"{lang}: {len(done)} generators", flush=True)
    for row in results:
        for side in ("peer", "robustir"):
            if row[side]:
                row[side] = {k: v for k, v in row[side].items() if k != "perturbed"}
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown(results))


def _cell(r: dict | None) -> list[str]:
    if not r:
        return ["-"] * 4
    return [f"{100 * r['changed']:.0f}%", f"{r['chrf']:.1f}", f"{r.get('sim', float('nan')):.3f}", f"{r['q_per_cpu_s']:.0f}"]


def markdown(results: list[dict]) -> str:
    lines = ["| family | lang | peer | changed | chrF | sim | q/CPU-s | robustir | changed | chrF | sim | q/CPU-s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in results:
        lines.append("| " + " | ".join([row["family"], row["lang"], f"`{row['peer_spec']}`", *_cell(row["peer"]),
                                          f"`{row['ours_spec']}`", *_cell(row["robustir"])]) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
