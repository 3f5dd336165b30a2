"""Attacked queries per second: robustir's typo.keyboard, typo.char and synonym beside
nlpaug's KeyboardAug (TextAttack's CharSwapAugmenter runs in its own venv: see
perf/textattack_charswap.py, fed by `--dump-questions DIR`).

    python perf/attacks_throughput.py [--data ../shared/data] [--repeat 3] [--per-lang]
        [--tools keyboard,nlpaug] [--json out.json]

The questions are 1,000 real XQuAD-R questions: 200 each of en, de, zh, ar, hi (first 200 per
language), plus a second pool of the first 1,000 English ones; `--per-lang` adds each
language's 200 as a pool of its own. Each tool is warmed up on the pool's first 20 questions
(dictionary and segmenter loading is reported apart, as "cold start"), then timed over the whole
pool; the repeats of all tools are interleaved (tool A, tool B, ..., then again), so a change in
the machine's load hits every tool alike, and the best of --repeat runs is reported. Single
process, CPU; queries per CPU-second (time.process_time) is the number to compare on a shared
machine. typo.keyboard's caches keyed by query text or word are emptied before every timed
pass (`keyboard_caches_cleared`), so every question and word is new to it, as to nlpaug.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "de", "zh", "ar", "hi")


def pools(data: Path) -> dict[str, list[tuple[str, str, str]]]:
    from robustir.datasets import load_dataset

    mixed, english = [], []
    for lang in LANGS:
        qs = load_dataset("xquad-r", lang=lang, data_dir=data / "xquad-r").queries
        mixed += [(lang, q, t) for q, t in zip(qs.ids[:200], qs.texts[:200])]
        if lang == "en":
            english = [(lang, q, t) for q, t in zip(qs.ids[:1000], qs.texts[:1000])]
    return {"mixed-5-langs": mixed, "english": english}


def warm_up(fn, items) -> float:
    """Seconds for the first 20 items (dictionary and segmenter loading happen here)."""
    t0 = time.perf_counter()
    for it in items[:20]:
        fn(it)
    return time.perf_counter() - t0


def timed_pass(fn, items, reset=None) -> tuple[float, float, int]:
    """(wall q/s, CPU-time q/s, changed count) of one pass over `items`.

    CPU time (time.process_time) is reported beside wall time because the machine may be
    shared: it is far less sensitive to other processes' load. `reset` (if given) runs before
    the pass, so caches keyed by query text or word start empty."""
    if reset is not None:
        reset()
    t0, c0 = time.perf_counter(), time.process_time()
    outs = [fn(it) for it in items]
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    return len(items) / dt, len(items) / max(dc, 1e-9), sum(o != it[2] for o, it in zip(outs, items))


def robustir_tool(spec: str):
    from robustir.attacks import build

    pipe = build(spec)
    supported: dict[str, bool] = {}  # per language, as nlpaug_tool keeps one augmenter per language

    def run(item):
        lang, qid, text = item
        ok = supported.get(lang)
        if ok is None:
            ok = supported[lang] = pipe.supports(lang)
        return pipe.perturb(text, lang=lang, qid=qid, seed=0).perturbed if ok else text

    return run


def keyboard_caches_cleared() -> None:
    """Empty typo.keyboard's per-text and per-word caches (its per-character tables stay:
    layout neighbours, IME candidates, which characters can slip, which clusters have a letter
    key next to them, which characters stand alone as a grapheme cluster; they are per language
    or script, built once, like nlpaug's loaded maps)."""
    from robustir.attacks.families import typo_keyboard as tk

    for fn in (tk.word_spans, tk._clusters, tk._plan, tk._spots):
        fn.cache_clear()


def nlpaug_tool():
    import nlpaug.augmenter.char as nac

    augs = {}

    def run(item):
        lang, _, text = item
        key = lang if lang in ("en", "de", "fr", "es", "it", "th", "pl", "tr", "uk", "he") else "en"
        if key not in augs:
            # nlpaug ships maps for a few languages only (others fall back to its English map);
            # strength set like robustir's default: one slip in 10% of words, letters only.
            augs[key] = nac.KeyboardAug(lang=key, aug_word_p=0.1, aug_char_max=1, aug_char_min=1,
                                        include_special_char=False, include_numeric=False)
        out = augs[key].augment(text)
        return out[0] if isinstance(out, list) else out

    return run


def pools_seen(results: list[dict]) -> list[str]:
    return list(dict.fromkeys(r["pool"] for r in results))


def paired_median(a: list[float], b: list[float]) -> float:
    """Median of a[i] / b[i]: pass i of both tools ran back to back, under about the same load,
    so this ratio is steadier on a shared machine than the ratio of the two best passes."""
    import statistics

    return statistics.median(x / y for x, y in zip(a, b))


TOOLS = {
    # typo.keyboard twice: with its text/word caches emptied before every pass (every query and
    # word new to it, the fair comparison), and with them kept (the same queries attacked again,
    # as --min-chrf retries, other seeds and the adversarial search do).
    "robustir typo.keyboard": lambda: robustir_tool("typo.keyboard"),
    "robustir typo.keyboard (caches kept)": lambda: robustir_tool("typo.keyboard"),
    "robustir typo.keyboard(mode=substitute)": lambda: robustir_tool("typo.keyboard(mode=substitute)"),
    "robustir typo.char": lambda: robustir_tool("typo.char"),
    "robustir synonym": lambda: robustir_tool("synonym"),
    "nlpaug KeyboardAug": nlpaug_tool,
}


def measure(pool_name: str, items: list, tools: dict, repeat: int) -> list[dict]:
    fns, rows = {}, {}
    for name, make in tools.items():
        t0 = time.perf_counter()
        fns[name] = make()
        setup = time.perf_counter() - t0
        rows[name] = {"pool": pool_name, "tool": name, "queries": len(items), "setup_s": round(setup, 3),
                      "cold_20_s": round(warm_up(fns[name], items), 3), "queries_per_s_wall": 0.0,
                      "queries_per_cpu_s": 0.0, "changed": 0, "passes_cpu_s": []}
    for _ in range(repeat):
        for name, fn in fns.items():
            reset = keyboard_caches_cleared if name.startswith("robustir typo.keyboard") and "kept" not in name else None
            qps, cpu_qps, changed = timed_pass(fn, items, reset)
            row = rows[name]
            row["queries_per_s_wall"] = round(max(row["queries_per_s_wall"], qps), 1)
            row["queries_per_cpu_s"] = round(max(row["queries_per_cpu_s"], cpu_qps), 1)
            row["changed"] = changed
            row["passes_cpu_s"].append(round(cpu_qps, 1))
    for r in rows.values():
        print(f"{pool_name:<14} {r['tool']:<40} {r['queries_per_s_wall']:>9.1f} q/s wall {r['queries_per_cpu_s']:>9.1f} q/CPU-s"
              f"  changed {r['changed']}/{len(items)}  (setup {r['setup_s']:.2f}s, first 20 {r['cold_20_s']:.2f}s)", flush=True)
    return list(rows.values())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--per-lang", action="store_true", help="also time each language's 200 questions as a pool")
    ap.add_argument("--tools", default="", help="comma-separated substrings: only the tools whose name contains one")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--dump-questions", type=Path, default=None,
                    help="write the two pools as JSON lists of texts (for perf/textattack_charswap.py) and exit")
    args = ap.parse_args()
    if args.dump_questions:
        args.dump_questions.mkdir(parents=True, exist_ok=True)
        for name, items in pools(args.data).items():
            (args.dump_questions / f"{name}.json").write_text(json.dumps([t for _, _, t in items], ensure_ascii=False), encoding="utf-8")
        return

    from robustir.attacks import use_resources

    use_resources(args.data / "resources")
    wanted = [w.strip() for w in args.tools.split(",") if w.strip()]
    tools = {n: m for n, m in TOOLS.items() if not wanted or any(w in n for w in wanted)}
    named = pools(args.data)
    if args.per_lang:
        named.update({lang: [it for it in named["mixed-5-langs"] if it[0] == lang] for lang in LANGS})
    results = []
    for pool_name, items in named.items():
        results += measure(pool_name, items, tools, args.repeat)
    import os

    print(f"load average: {os.getloadavg()}, CPUs: {os.cpu_count()}")
    for pool_name in pools_seen(results):
        rows = {r["tool"]: r["queries_per_cpu_s"] for r in results if r["pool"] == pool_name}
        passes = {r["tool"]: r["passes_cpu_s"] for r in results if r["pool"] == pool_name}
        base = rows.get("nlpaug KeyboardAug")
        if not base:
            continue
        ratios = [f"{rows[t] / base:.2f} ({label}; median of the {len(passes[t])} back-to-back pass ratios "
                  f"{paired_median(passes[t], passes['nlpaug KeyboardAug']):.2f})" for t, label in
                  (("robustir typo.keyboard", "caches emptied"), ("robustir typo.keyboard (caches kept)", "caches kept"))
                  if t in rows]
        print(f"{pool_name}: typo.keyboard / nlpaug KeyboardAug per CPU-second, best vs best = {', '.join(ratios)}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
