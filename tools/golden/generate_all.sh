#!/bin/sh
# Regenerates every fixture under fixtures/ (pytorch, safetensors, grad, onnx-node, onnx-official) and
# then re-checks them. Deterministic: a rerun reproduces every file byte for byte.
# Needs Debian's python3-torch (1.13) and python3-onnx (1.12) under /usr/bin/python3.
set -eu
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1 OMP_NUM_THREADS=1
$PY tools/golden/gen_pytorch.py
$PY tools/golden/gen_safetensors.py
$PY tools/golden/gen_grad.py
$PY tools/golden/gen_onnx_node.py
$PY tools/golden/gen_onnx_official.py
$PY tools/golden/verify_fixtures.py
