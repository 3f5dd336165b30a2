"""Validity of the word-swap attacks on real text in every MLDR language (docs/attacks-lexical.md).

For synonym, code_switch and paraphrase.pivot at default strength, per language: share of
queries changed; share of changed queries whose cosine to the original is under 0.8 by
muse-v3 (the languages it supports); me5-small-q4 cosine (median, 5th percentile) and, when
`robustir.attacks.judge` exists, the share under the judge's floor; swaps that replaced a
stopword; swaps that added more than one word.

Queries: XQuAD-R questions (ar de en hi zh) and NTREX-128 sentences (the other MLDR
languages), the first --n of each (NTREX: sentences of at most 100 characters).

    python perf/lexical_validity.py --data ../shared/data [--n 100] [--samples 20] [--me5-n 40] [--langs fr,ko]
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from robustir.attacks import build, use_resources
from robustir.languages import MLDR_LANGS
from robustir.text.segment import is_stopword, tokenize

SPECS = ("synonym", "code_switch", "paraphrase.pivot")
XQUAD = ("ar", "de", "en", "hi", "zh")
NTREX = {"es": "spa", "fr": "fra", "it": "ita", "ja": "jpn", "ko": "kor", "pt": "por", "ru": "rus",
         "th": "tha", "ar": "arb", "de": "deu", "hi": "hin", "zh": "zho-CN", "en": "eng"}
MUSE_LANGS = frozenset({"ar", "de", "en", "es", "fr", "it", "ja", "ko", "pt", "ru", "th", "zh"})


def queries(data: Path, lang: str, n: int) -> list[str]:
    """The first `n` XQuAD-R questions, or NTREX-128 sentences of at most 100 characters."""
    if lang in XQUAD:
        from robustir.datasets import load_dataset

        return list(load_dataset("xquad-r", lang=lang, data_dir=data / "xquad-r").queries.texts[:n])
    name = "src" if lang == "en" else "ref"
    path = data / "resources" / "ntrex-128" / "NTREX-128" / f"newstest2019-{name}.{NTREX[lang]}.txt"
    lines = [s.strip() for s in path.read_text(encoding="utf-8").splitlines()]
    return [s for s in lines if s and len(s) <= 100][:n]


def added_words(old: str, new: str, lang: str) -> int:
    """How many words a replacement adds (segmented words of `new` minus those of `old`)."""
    count = lambda s: sum(t.is_word for t in tokenize(s.strip(), lang)) if s.strip() else 0  # noqa: E731
    return count(new) - count(old)


def ops(result) -> list[tuple[str, str]]:
    out = []
    for op in result.ops:
        old, _, new = op.split(":", 1)[1].partition("->")
        out.append((old, new))
    return out


class Judges:
    """Cosine scorers: muse-v3 and me5-small-q4 (plus the me5 judge's floor when it exists)."""

    def __init__(self) -> None:
        from robustir.models import load_retriever

        self.models = {"muse": load_retriever("muse-v3"), "me5": load_retriever("me5-small-q4")}
        self.cache: dict[tuple[str, str], np.ndarray] = {}
        try:
            from robustir.attacks.judge import get_judge

            self.judge = get_judge("me5-small-q4")
        except ImportError:
            self.judge = None

    def cos(self, model: str, a: list[str], b: list[str]) -> np.ndarray:
        if not a:
            return np.zeros(0)
        todo = list(dict.fromkeys(t for t in a + b if (model, t) not in self.cache))
        if todo:
            vecs = self.models[model].encode_queries(todo)
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
            self.cache.update({(model, t): v for t, v in zip(todo, vecs)})
        va = np.stack([self.cache[(model, t)] for t in a])
        vb = np.stack([self.cache[(model, t)] for t in b])
        return (va * vb).sum(axis=1)

    def floor(self, lang: str) -> float | None:
        from robustir.errors import RobustirError

        if self.judge is None or not self.judge.supports(lang):
            return None
        try:
            return float(self.judge.floor(lang))
        except RobustirError:  # no calibrated floor for this language yet
            return None

    def judged(self, a: list[str], b: list[str], lang: str) -> np.ndarray | None:
        if self.judge is None or not a or self.floor(lang) is None:
            return None
        return np.asarray(self.judge.similarity(a, b, lang), dtype=float)


def row(spec: str, lang: str, texts: list[str], judges: Judges, samples: int, me5_n: int) -> str | None:
    pipe = build(spec)
    if not pipe.supports(lang):
        return None
    res = [pipe.perturb(t, lang=lang, qid=f"{lang}-{i}", seed=0) for i, t in enumerate(texts)]
    changed = [r for r in res if r.perturbed != r.original]
    stop = sum(is_stopword(o, lang) for r in res for o, _ in ops(r))
    out_lang = "en" if spec == "code_switch" else lang
    multi = sum(added_words(o, n, out_lang) > 0 for r in res for o, n in ops(r))
    a, b = [r.original for r in changed], [r.perturbed for r in changed]
    muse = judges.cos("muse", a, b) if lang in MUSE_LANGS else None
    # me5 is slow on a shared CPU: the first me5_n changed queries; the judge is me5's cosine
    judged, floor = judges.judged(a[:me5_n], b[:me5_n], lang), judges.floor(lang)
    me5 = judged if judged is not None else judges.cos("me5", a[:me5_n], b[:me5_n])
    for r in changed[:samples]:
        print(f"  [{spec} {lang}] {r.original}\n  {'':>{len(spec) + len(lang) + 3}} {r.perturbed}   {list(r.ops)}",
              file=sys.stderr)
    pct = lambda x: f"{100 * x:.0f}%"  # noqa: E731
    cells = [
        spec, lang, str(len(res)), pct(len(changed) / len(res)),
        "–" if muse is None or not len(muse) else pct(float((muse < 0.8).mean())),
        "–" if not len(me5) else f"{np.median(me5):.3f} / {np.percentile(me5, 5):.3f}",
        "–" if judged is None or floor is None else f"{pct(float((judged < floor).mean()))} (floor {floor:.3f})",
        str(stop), str(multi),
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, required=True, help="the shared/data folder")
    ap.add_argument("--n", type=int, default=100, help="queries per language")
    ap.add_argument("--langs", default=",".join(MLDR_LANGS))
    ap.add_argument("--specs", default=",".join(SPECS))
    ap.add_argument("--samples", type=int, default=0, help="print this many changed pairs per row (stderr)")
    ap.add_argument("--me5-n", type=int, default=40, help="me5 cosines on the first this many changed queries")
    args = ap.parse_args()
    use_resources(args.data / "resources")
    judges = Judges()
    print("| attack | lang | queries | changed | muse-v3 cos < 0.8 | me5 cos median / p5 (first 40 changed) | under me5 judge floor "
          "| stopwords replaced | multi-word additions |")
    print("|---|---|---|---|---|---|---|---|---|")
    langs = args.langs.split(",")
    texts = {lang: queries(args.data, lang, args.n) for lang in langs}
    for lang in langs:  # language-major: lexicons load once, originals are encoded once
        for spec in re.split(r",(?![^()]*\))", args.specs):  # commas outside parentheses
            line = row(spec, lang, texts[lang], judges, args.samples, args.me5_n)
            if line:
                print(line, flush=True)


if __name__ == "__main__":
    main()
