"""The before/after table of docs/attacks.md, regenerated with suite v2's pinned specs and seeds.

    python perf/attack_examples.py [--data ../shared/data] [--more N]

Each row runs one attack exactly as leaderboard suite v2 does (its canonical spec and seed from
src/robustir/leaderboards/suites/v2.toml, `Pipeline.perturb(text, lang, qid, seed)`). For en de
zh ar hi the question is XQuAD-R's 56d6f3500d65d21400198290 ("How many interceptions are the
Panthers defense credited with in 2015?"), so the row is that query's line in a v2 attacked set;
the other languages use a question of our own with qid `example-<lang>`. Prints the markdown
table; `--more N` also prints typo.keyboard on the next N real questions of each XQuAD-R
language, to read more samples than the table shows.
"""
from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QID = "56d6f3500d65d21400198290"
REAL = ("en", "de", "zh", "ar", "hi")
OWN = {
    "ja": "東京タワーの高さは何メートルですか",
    "ko": "한국의 수도는 어디입니까?",
    "ru": "Кто написал роман «Война и мир»?",
    "th": "แม่น้ำที่ยาวที่สุดในประเทศไทยคืออะไร",
    "el": "Ποια είναι η πρωτεύουσα της Ελλάδας;",
    "fr": "Où se trouve la forêt de Brocéliande ?",
}
ROWS = (
    ("typo.keyboard", ("en", "de", "zh", "ar", "hi", "ja", "ko", "ru", "th", "el", "fr")),
    ("typo.char", ("hi", "th", "el")),
    ("noise.diacritics", ("ar", "fr", "th")),
    ("order.shuffle", ("ko",)),
    ("drop.stopwords", ("en",)),
)


def questions(data: Path) -> dict[str, list[tuple[str, str]]]:
    """lang -> [(qid, text)], XQuAD-R's question QID first."""
    from robustir.datasets import load_dataset

    out = {}
    for lang in REAL:
        qs = load_dataset("xquad-r", lang=lang, data_dir=data / "xquad-r").queries
        pairs = list(zip(qs.ids, qs.texts))
        first = [p for p in pairs if p[0] == QID]
        out[lang] = first + [p for p in pairs if p[0] != QID]
    for lang, text in OWN.items():
        out[lang] = [(f"example-{lang}", text)]
    return out


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--more", type=int, default=0, help="typo.keyboard on N more real questions per language")
    args = ap.parse_args()
    from robustir.attacks import build, use_resources
    from robustir.leaderboards.suite import load_suite

    use_resources(args.data / "resources")
    suite = {a.label: a for a in load_suite("v2").attacks}
    qs = questions(args.data)
    print("| attack | lang | original | perturbed |\n|---|---|---|---|")
    for label, langs in ROWS:
        att = suite[label]
        pipe = build(att.spec)
        for lang in langs:
            qid, text = qs[lang][0]
            out = pipe.perturb(text, lang=lang, qid=qid, seed=att.seed).perturbed
            print(f"| `{label}` | {lang} | {cell(text)} | {cell(out)} |")
    if args.more:
        att = suite["typo.keyboard"]
        pipe = build(att.spec)
        print(f"\n{att.spec}, seed {att.seed}:")
        for lang in REAL:
            for qid, text in qs[lang][1 : 1 + args.more]:
                print(f"{lang} {qid}\n  {text}\n  {pipe.perturb(text, lang=lang, qid=qid, seed=att.seed).perturbed}")


if __name__ == "__main__":
    main()
