#!/usr/bin/env bash
# The project venv. torch first, pinned to the CPU build this machine carries,
# so that nothing later pulls a CUDA build.
set -euo pipefail
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q "torch==2.13.0"
.venv/bin/pip install -q -e ".[dev,train,ray]"
