#!/usr/bin/env bash
# The main job on the embedded default data (mldr-sample: 13 languages, written for robustir).
# 1. attack every query with two typo families, 2. score two offline retrievers clean vs attacked
# (encoding each corpus once), with paired t-tests and Holm-Bonferroni correction.
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
out="${ROBUSTIR_DEMO_OUT:-demo-output}"
robustir datasets show mldr-sample
robustir attack --dataset mldr-sample --lang all --seed 0 \
  --attack 'typo.keyboard(rate=0.3)' --attack 'typo.char(rate=0.3)' --out "$out/attacked"
robustir score --model muse-v3 --model bm25 --dataset mldr-sample --lang all \
  --attacked "$out/attacked" --metrics ndcg@10,mrr@10 --summary --out "$out/report.json"
echo "attacked sets: $out/attacked; report with every language cell: robustir report $out/report.json"
