#!/usr/bin/env bash
# The suite's test command (README, .ci/run): set-up, unit tests, then every implemented table and figure
# at smoke scale into a scratch folder, printing reference beside reproduced.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
OPENBLAS_NUM_THREADS=1 swift test 2>&1 | tee /tmp/reproduce-unit-tests.log | grep -E "error|failed|Executed [0-9]+ tests" || true
grep -q "with 0 failures" <(grep "Executed" /tmp/reproduce-unit-tests.log | tail -1) || { echo "unit tests failed"; exit 1; }

scratch=$(mktemp -d)
echo "smoke-scale reproductions into $scratch"
swift run reproduce smoke --out "$scratch"
