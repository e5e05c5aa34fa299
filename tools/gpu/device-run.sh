#!/bin/bash
# Runs on the device machine from the repo root: unpacks the bundle (see bundle.sh) and runs the GPU
# bench (gpu-bench.mjs: every forward and training table in one run). Arguments go to gpu-bench.mjs.
# Without an NVIDIA Vulkan driver it keeps the caller's VK_DRIVER_FILES (lavapipe: a rehearsal).
# The device tool returns only the last 12,000 characters of output, so the whole log is also written
# to $OUT/gpu-bench.txt (to the work folder when $OUT is unset).
set -uo pipefail
B=$(cd "$(dirname "$0")" && pwd); W=${GPU_BENCH_WORKDIR:-/tmp/deeprnn-gpu}; rm -rf "$W/node_modules"; mkdir -p "$W/bin"
LOG=${OUT:-$W}/gpu-bench.txt

main() {
  local t0=$SECONDS
  xz -dc "$B/bin/node.xz" > "$W/bin/node" && chmod +x "$W/bin/node" || return 1
  tar -C "$W" -xJf "$B/node_modules.tar.xz" && cp "$B"/*.mjs "$B/torch_bench.py" "$W/" || return 1
  echo "unpacked in $((SECONDS - t0)) s"
  ICD=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)
  ICD=${ICD:-${VK_DRIVER_FILES:-}}   # no NVIDIA driver: keep the caller's (lavapipe, to try the bundle)
  export VK_DRIVER_FILES="$ICD" VK_ICD_FILENAMES="$ICD" LD_LIBRARY_PATH="$B/lib:${LD_LIBRARY_PATH:-}"
  echo "ICD: $ICD"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
  # PyTorch rows: the first python with torch (the device's python3 has a CUDA build).
  local p
  for p in ${GPU_BENCH_PYTHON:-} python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import torch' 2>/dev/null; then export GPU_BENCH_PYTHON=$p; break; fi
  done
  echo "python for torch: ${GPU_BENCH_PYTHON:-none found} $(${GPU_BENCH_PYTHON:-false} -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>/dev/null)"
  (cd "$W" && "$W/bin/node" gpu-bench.mjs "$@")
}

main "$@" 2>&1 | tee "$LOG"; rc=${PIPESTATUS[0]}
echo "full log: $LOG (exit $rc)"; exit "$rc"
