#!/usr/bin/env bash
# Create .venv with everything robustir and its tests need (CPU only).
# torch is installed first and pinned: an unpinned torch pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
# Headless Chromium for the leaderboard page tests (Debian packages; root only, once).
# OpenThesaurus (Debian's mythes-de), which synonym(revision=v3) uses for German; the reference
# layout in ../shared/data lacks it. A failed install does not stop the setup; the tests that
# need one then skip, and fail under CI=true.
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  want=""
  [ -x /usr/bin/chromium ] || want="chromium chromium-driver"
  [ -f /usr/share/mythes/th_de_DE_v2.dat ] || want="$want mythes-de"
  if [ -n "$want" ]; then
    apt-get update -q && apt-get install -y -q $want || echo "setup: apt-get install $want failed; continuing" >&2
  fi
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q "torch==2.13.0"
printf 'torch==2.13.0\n' > .venv/constraints.txt
python -m pip install -q -c .venv/constraints.txt -e ".[all]"
# TextAttack's transformations (textattack.* attacks): without its declared dependencies, which
# would replace transformers 5 (see docs/ecosystem.md for how robustir imports it).
python -m pip install -q --no-deps "textattack==0.3.11"
