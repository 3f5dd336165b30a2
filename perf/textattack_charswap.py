"""TextAttack's CharSwapAugmenter on the same questions as attacks_throughput.py.

TextAttack 0.3.11 needs transformers<5, which cannot live beside sentence-transformers 6 in the
project venv, so it runs in a throwaway venv (what was done on 2026-11-25):

    python3 -m venv /tmp/ta-venv
    /tmp/ta-venv/bin/pip install --no-deps textattack
    /tmp/ta-venv/bin/pip install torch==2.13.0 "transformers<5" numpy scipy pandas tqdm nltk \\
        more-itertools lru-dict word2number num2words terminaltables editdistance lemminflect \\
        datasets jieba pinyin OpenHowNet language_tool_python click filelock flair Levenshtein bert-score
    # (a plain `pip install textattack` spent 14 minutes in dependency backtracking and was stopped)
    # TextAttack's recipes load NLTK's English stopwords at import; nltk.download cannot reach
    # GitHub here, so NLTK_DATA points at a folder holding robustir's English list as
    # corpora/stopwords/english (it only affects which words CharSwap skips).
    python perf/attacks_throughput.py --dump-questions /tmp/pools
    NLTK_DATA=/tmp/nltk_data /tmp/ta-venv/bin/python perf/textattack_charswap.py /tmp/pools/english.json

Same protocol as attacks_throughput.py: 20-query warm-up, best of 3 runs, one process.
"""
import json
import sys
import time


def main() -> None:
    items = json.load(open(sys.argv[1], encoding="utf-8"))
    from textattack.augmentation import CharSwapAugmenter

    aug = CharSwapAugmenter(pct_words_to_swap=0.1, transformations_per_example=1)
    for t in items[:20]:
        aug.augment(t)
    best = best_cpu = 0.0
    changed = 0
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        outs = [(aug.augment(t) or [t])[0] for t in items]
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        best, best_cpu = max(best, len(items) / dt), max(best_cpu, len(items) / dc)
        changed = sum(o != t for o, t in zip(outs, items))
    print(json.dumps({"tool": "TextAttack CharSwapAugmenter", "queries": len(items), "queries_per_s_wall": round(best, 1),
                      "queries_per_cpu_s": round(best_cpu, 1), "changed": changed}))


if __name__ == "__main__":
    main()
