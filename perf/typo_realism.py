"""How realistic are robustir's typos? Real typo lists' edit mix per language, fitted and held out,
beside the mixes typo.keyboard (old: mode=substitute; new: mode=typist) and typo.char produce on
real sentences; and how many real queries typo.real can touch.

    python perf/typo_realism.py [--data ../shared/data] [--write] [--sentences 400] [--json out.json]

--write regenerates the package data src/robustir/attacks/families/typo_profiles.json (the fitted
profiles typo.keyboard uses) from the lists in DATA/resources; without it the shipped file is
compared with a fresh fit. Attack mixes: each attack runs once (seed 0, max_edits=1, so one edit
per sentence) on the first --sentences NTREX-128 sentences of the language (tr, vi: no NTREX
text here, so the list's correct words, 5 to a pseudo-sentence, each under 5 query ids) and the
edit is read back with `_typo_profile.classify`; TV is against the held-out half's mix.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NTREX = {"en": "src.eng", "de": "ref.deu", "es": "ref.spa", "fr": "ref.fra", "it": "ref.ita", "pt": "ref.por",
         "ru": "ref.rus", "th": "ref.tha", "ar": "ref.arb", "hi": "ref.hin", "zh": "ref.zho-CN"}
ATTACKS = {"old keyboard": "typo.keyboard(mode=substitute,max_edits=1)", "typo.char": "typo.char(max_edits=1)",
           "new keyboard": "typo.keyboard(max_edits=1)"}


def _round(obj):
    if isinstance(obj, float):
        return round(obj, 4)
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_round(v) for v in obj]
    return obj


def ntrex(data: Path, lang: str, n: int) -> list[str]:
    path = data / "resources" / "ntrex-128" / "NTREX-128" / f"newstest2019-{NTREX[lang]}.txt"
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:n]


def sentences(data: Path, lang: str, n: int) -> list[str]:
    from robustir.attacks.families import _typo_profile as tp

    if lang in NTREX:
        return ntrex(data, lang, n)
    words = sorted({right for _, right in tp.typo_pairs(lang, typing_only=True)})
    return [" ".join(words[i : i + 5]) for i in range(0, len(words), 5)] * 5  # 5 query ids each


def attack_mix(spec: str, lang: str, texts: list[str]) -> tuple[dict[str, float], int]:
    from robustir.attacks import build
    from robustir.attacks.families import _typo_profile as tp

    pipe = build(spec)
    counts: dict[str, int] = {}
    for k, text in enumerate(texts):
        out = pipe.perturb(text, lang=lang, qid=f"s{k}", seed=0).perturbed
        edit = tp.classify(text.lower(), out.lower(), tp.LAYOUT_OF[lang])
        if edit is not None:
            counts[edit.op] = counts.get(edit.op, 0) + 1
    return tp.mix_of(counts), sum(counts.values())


def fmt(mix: dict[str, float]) -> str:
    return " ".join(f"{op[:3]} {mix[op]:.2f}" for op in ("insert", "delete", "substitute", "transpose"))


def profile_table(fitted: dict) -> None:
    print("| lang | usable pairs | single-edit fit / held-out | fitted mix (fit half) | held-out mix | TV fit vs held-out "
          "| subst. on a neighbour key | position first/middle/last (all ops, fit) | edits per word 1 / 2 / 3+ |")
    print("|---|---:|---:|---|---|---:|---:|---|---|")
    for lang, prof in fitted["languages"].items():
        pos = {p: 0.0 for p in ("first", "middle", "last")}
        for op, share in prof["mix"].items():
            for p in pos:
                pos[p] += share * prof["positions"][op][p]
        epw = prof["counts"]["edits_per_word"]
        total = sum(epw.values())
        print(f"| {lang} | {prof['pairs']} | {prof['single_edit']['fit']} / {prof['single_edit']['held_out']} | {fmt(prof['mix'])} "
              f"| {fmt(prof['held_out_mix'])} | {prof['held_out_tv']:.3f} | {prof['substitute_neighbour_share']:.2f} "
              f"| {pos['first']:.2f} / {pos['middle']:.2f} / {pos['last']:.2f} "
              f"| {epw.get('1', 0) / total:.2f} / {epw.get('2', 0) / total:.2f} / {epw.get('3+', 0) / total:.2f} |")


def attack_table(data: Path, fitted: dict, n: int) -> dict:
    out = {}
    print("\n| lang | sentences | " + " | ".join(f"{name} mix (TV vs held-out)" for name in ATTACKS) + " |")
    print("|---|---:|" + "---|" * len(ATTACKS))
    for lang, prof in fitted["languages"].items():
        if lang == "en-spelling":
            continue
        texts = sentences(data, lang, n)
        row = {}
        for name, spec in ATTACKS.items():
            mix, edits = attack_mix(spec, lang, texts)
            row[name] = {"mix": mix, "edits": edits, "tv_held_out": sum(abs(mix[o] - prof["held_out_mix"][o]) for o in mix) / 2}
        out[lang] = row
        cells = " | ".join(f"{fmt(r['mix'])} (**{r['tv_held_out']:.3f}**)" for r in row.values())
        print(f"| {lang} | {len(texts)} | {cells} |", flush=True)
    for lang in ("ar", "hi"):  # no real list: the pooled default mix, shown for completeness
        mix, _ = attack_mix(ATTACKS["new keyboard"], lang, ntrex(data, lang, n))
        print(f"| {lang} (no list; default mix {fmt(fitted['default']['mix'])}) | {n} | new keyboard: {fmt(mix)} |")
    return out


def coverage(data: Path) -> dict:
    from robustir.attacks import build
    from robustir.attacks.families.typo_real import RealTypo
    from robustir.datasets import load_dataset

    pipe = build("typo.real")
    out = {}
    print("\n| lang | XQuAD-R questions touched | NTREX-128 sentences touched |")
    print("|---|---:|---:|")
    for lang in sorted(RealTypo.languages):
        cells = []
        for source in ("xquad-r", "ntrex"):
            if source == "xquad-r":
                if not (data / "xquad-r" / f"{lang}.json").exists():
                    cells.append("n/a")
                    continue
                texts = load_dataset("xquad-r", lang=lang, data_dir=data / "xquad-r").queries.texts
            else:
                if lang not in NTREX:
                    cells.append("n/a")
                    continue
                texts = ntrex(data, lang, 10**6)
            touched = sum(pipe.perturb(t, lang=lang, qid=f"q{k}", seed=0).changed for k, t in enumerate(texts))
            out[f"{lang}/{source}"] = [touched, len(texts)]
            cells.append(f"{touched} / {len(texts)} ({100 * touched / len(texts):.1f}%)")
        print(f"| {lang} | {cells[0]} | {cells[1]} |", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--write", action="store_true", help="regenerate the shipped typo_profiles.json")
    ap.add_argument("--sentences", type=int, default=400)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--skip-attacks", action="store_true")
    args = ap.parse_args()
    from robustir.attacks import use_resources
    from robustir.attacks.families import _typo_profile as tp

    use_resources(args.data / "resources")
    fitted = _round(tp.fit_profiles())
    if args.write:
        tp.PROFILE_FILE.write_text(json.dumps(fitted, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
        tp._shipped.cache_clear()
        print(f"wrote {tp.PROFILE_FILE}", file=sys.stderr)
    elif fitted != tp._shipped():
        print(f"note: {tp.PROFILE_FILE} differs from a fresh fit; run with --write", file=sys.stderr)
    profile_table(fitted)
    result = {"profiles": fitted}
    if not args.skip_attacks:
        result["attacks"] = attack_table(args.data, fitted, args.sentences)
        result["typo_real_coverage"] = coverage(args.data)
    if args.json:
        args.json.write_text(json.dumps(_round(result), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
