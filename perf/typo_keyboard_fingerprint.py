"""A checksum of typo.keyboard's outputs, to show that a speed-up changed none of them.

    python perf/typo_keyboard_fingerprint.py [--data ../shared/data] [--all]

Prints one sha256 per (spec, seed, pool) over every output's perturbed text, edit count and
operations, then one over all of them. Pools: the 1,000 questions of perf/attacks_throughput.py
(200 each of en de zh ar hi XQuAD-R questions), the first 1,000 English ones and a few
questions of our own in es fr it ja ko pt ru th el tr vi; `--all` adds every XQuAD-R question
of the five languages (5 x 1,190). Specs: the default (mode=typist), v2's pinned spec with
its seed, and mode=substitute. Run it before and after a change: the lines must be equal.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attacks_throughput import LANGS, pools  # noqa: E402

OTHERS = {
    "es": ["¿Cuál es la capital de España?", "¿Quién escribió Cien años de soledad?"],
    "fr": ["Où se trouve la forêt de Brocéliande ?", "Qui a écrit l'Étranger et quand ?"],
    "it": ["Qual è la capitale dell'Italia?", "Chi ha dipinto la Gioconda nel Cinquecento?"],
    "ja": ["東京タワーの高さは何メートルですか", "日本で一番高い山はどこですか"],
    "ko": ["한국의 수도는 어디입니까?", "세종대왕은 누구입니까?"],
    "pt": ["Qual é a capital do Brasil?", "Quem descobriu o caminho marítimo para a Índia?"],
    "ru": ["Кто написал роман «Война и мир»?", "Какая самая длинная река в России?"],
    "th": ["แม่น้ำที่ยาวที่สุดในประเทศไทยคืออะไร", "ใครเป็นนายกรัฐมนตรีคนแรกของไทย"],
    "el": ["Ποια είναι η πρωτεύουσα της Ελλάδας;", "Ποιος έγραψε την Οδύσσεια;"],
    "tr": ["Türkiye'nin başkenti neresidir?", "İstanbul'un fethi hangi yılda oldu?"],
    "vi": ["Thủ đô của Việt Nam là gì?", "Ai là người viết Truyện Kiều?"],
}
SPECS = (
    ("typo.keyboard", 0),
    ("typo.keyboard(max_edits=10,min_edits=1,mode=typist,near_pinyin=true,rate=0.1)", 201),  # suite v2
    ("typo.keyboard(mode=substitute)", 0),
    ("typo.keyboard(rate=0.5,max_edits=20)", 7),
)


def all_questions(data: Path) -> list[tuple[str, str, str]]:
    from robustir.datasets import load_dataset

    out = []
    for lang in LANGS:
        qs = load_dataset("xquad-r", lang=lang, data_dir=data / "xquad-r").queries
        out += [(lang, q, t) for q, t in zip(qs.ids, qs.texts)]
    return out


def digest(spec: str, seed: int, items: list[tuple[str, str, str]]) -> str:
    from robustir.attacks import build

    pipe = build(spec)
    h = hashlib.sha256()
    for lang, qid, text in items:
        p = pipe.perturb(text, lang=lang, qid=qid, seed=seed)
        h.update(f"{lang}\t{qid}\t{p.perturbed}\t{p.edits}\t{','.join(p.ops)}\n".encode())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--all", action="store_true", help="also every XQuAD-R question of the five languages")
    args = ap.parse_args()
    named = dict(pools(args.data))
    named["others"] = [(lang, f"{lang}-{i}", t) for lang, texts in OTHERS.items() for i, t in enumerate(texts)]
    if args.all:
        named["xquad-r-all"] = all_questions(args.data)
    total = hashlib.sha256()
    for spec, seed in SPECS:
        for name, items in named.items():
            d = digest(spec, seed, items)
            total.update(d.encode())
            print(f"{d[:16]}  {name:<14} seed {seed:<4} {spec}", flush=True)
    print(f"{total.hexdigest()}  all")


if __name__ == "__main__":
    main()
