#!/usr/bin/env bash
# The main job on the embedded default data (mldr-sample, 13 languages).
set -euo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
robustir datasets show mldr-sample
