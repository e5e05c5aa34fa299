#!/bin/bash
# Prepares everything a device task carries for the GPU bench, on a machine with network, after
# `npm ci && npm run build`: the bundle in .cache/gpu (bundle.sh) and the glvnd/Vulkan loader .debs the
# NVIDIA Vulkan ICD needs in .cache/gl (the device machine lacks them). Both folders are git-ignored
# (.cache/). Then ONE device command runs the whole table (tools/gpu/README.md):
#   carry [".cache/gpu", ".cache/gl"]
#   for f in .cache/gl/*.deb; do dpkg -x $f /; done; ldconfig; bash .cache/gpu/device-run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd); cd "$ROOT"
bash tools/gpu/bundle.sh .cache/gpu
rm -rf .cache/gl; mkdir -p .cache/gl
(cd .cache/gl && apt-get download -qq libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
ls .cache/gl/*.deb >/dev/null || { echo "prepare.sh: apt-get download fetched no .deb into .cache/gl" >&2; exit 1; }
du -sh .cache/gpu .cache/gl
total=$(du -sck .cache/gpu .cache/gl | tail -1 | cut -f1); tree=$(git ls-files -z | du -ck --files0-from=- | tail -1 | cut -f1)
echo "carried: $(((total + tree) / 1024)) MiB of the device tool's 64 MiB (tracked tree included)"
[ $((total + tree)) -lt $((62 * 1024)) ] || { echo "prepare.sh: over the 64 MiB the device tool carries" >&2; exit 1; }
