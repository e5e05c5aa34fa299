#!/bin/bash
# Runs on the device machine from the repo root: unpacks the bundle (see bundle.sh) and runs the GPU bench.
set -uo pipefail
B=$(cd "$(dirname "$0")" && pwd); W=/tmp/deeprnn-gpu; mkdir -p "$W/bin"
xz -dc "$B/bin/node.xz" > "$W/bin/node" && chmod +x "$W/bin/node"
tar -C "$W" -xJf "$B/node_modules.tar.xz" && cp "$B/gpu-bench.mjs" "$W/"
ICD=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)
ICD=${ICD:-${VK_DRIVER_FILES:-}}   # no NVIDIA driver: keep the caller's (lavapipe, to try the bundle)
export VK_DRIVER_FILES="$ICD" VK_ICD_FILENAMES="$ICD" LD_LIBRARY_PATH="$B/lib:${LD_LIBRARY_PATH:-}"
echo "ICD: $ICD"; nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"

cd "$W" && "$W/bin/node" gpu-bench.mjs "$@"
