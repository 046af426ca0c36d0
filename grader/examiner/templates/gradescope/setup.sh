#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
# Built by `learn grade bundle`: the course (without solutions/ or exercises/) is in
# /autograder/source; this installs it into /autograder/venv, with torch from the index
# given to `learn grade bundle --torch-index` (PyTorch's CPU wheel index: no CUDA).
set -euo pipefail
cd /autograder/source

PYTHON=""
for candidate in python3.13 python3.12 python3.11; do
  if command -v "$candidate" >/dev/null 2>&1; then PYTHON="$candidate"; break; fi
done
# The image's package lists are empty or stale until updated: install nothing before.
apt-get update -qq
if [ -z "$PYTHON" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    python3.11 python3.11-venv
  PYTHON=python3.11
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${PYTHON}-venv" >/dev/null 2>&1 || true

"$PYTHON" -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet --upgrade pip
# torch at the version constraints.txt pins; without an index, pip takes its default
# build for Linux, the one with CUDA (gigabytes, and no GPU to use it here).
index={{TORCH_INDEX}}
/autograder/venv/bin/pip install --quiet -c constraints.txt \
  ${index:+--extra-index-url "$index"} ".[torch]"
/autograder/venv/bin/learn --version
