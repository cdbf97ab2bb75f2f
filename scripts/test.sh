#!/usr/bin/env bash
# The suite's test command (README, .ci/run): set-up, unit tests, then every implemented table and figure
# at smoke scale into a scratch folder, printing reference beside reproduced. Logs and scratch files live in
# one temporary folder, removed at the end (kept, and named, when something fails).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d "${TMPDIR:-/tmp}/reproduce-test.XXXXXX")
trap 'status=$?; if [ $status -eq 0 ]; then rm -rf "$scratch"; else echo "test: failed (exit $status); logs kept in $scratch"; fi' EXIT

bash scripts/setup.sh chromium

echo "test: building the unit tests"
swift build --build-tests
echo "test: unit tests (one BLAS thread; about 1 minute); full log: $scratch/unit-tests.log"
if OPENBLAS_NUM_THREADS=1 swift test >"$scratch/unit-tests.log" 2>&1; then unit=0; else unit=$?; fi
grep -E "error:|failed \(|Executed [0-9]+ tests" "$scratch/unit-tests.log" | grep -v "^\s*$" | tail -n 20 || true
if [ $unit -ne 0 ] || ! grep "Executed" "$scratch/unit-tests.log" | tail -n 1 | grep -q "with 0 failures"; then
  echo "test: unit tests failed (exit $unit)"; exit 1
fi

echo "test: every implemented table and figure at smoke scale, into $scratch/smoke (about 4 minutes)"
OPENBLAS_NUM_THREADS=1 swift run --skip-build reproduce smoke --out "$scratch/smoke"
echo "test: the HTML report of the smoke files, rendered in headless Chromium"
swift run --skip-build reproduce report --out "$scratch/smoke" --scale smoke --check

# The cluster path against a real single-node Slurm cluster on localhost (it starts daemons, so it needs root).
if [ "$(id -u)" -eq 0 ]; then bash scripts/slurm-test.sh
else echo "test: slurm-test SKIPPED: it needs root to start munged, slurmctld and slurmd (run: sudo bash scripts/slurm-test.sh)"; fi
