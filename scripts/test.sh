#!/usr/bin/env bash
# Run the whole test suite (real-data tests need ../shared/data; under CI=true its absence fails).
set -uo pipefail
cd "$(dirname "$0")/.."
. .venv/bin/activate
exec python -m pytest -q -p no:cacheprovider "$@"
