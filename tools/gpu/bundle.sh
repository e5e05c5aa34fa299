#!/bin/bash
# Packs what a GPU device run needs into DEST (git-ignored; name it in the device tool's `carry`):
# a stripped node binary, libvulkan.so.1, node_modules.tar.xz holding the built @deeprnn packages
# (@deeprnn/backend-webgpu included) and only the runtime files of their dependencies (linux-x64
# binaries, Node bundles of tfjs), the bench scripts and tools/bench/torch_bench.py (PyTorch rows).
# The device machine has a GPU and its Vulkan driver but no Node.js and no network (../shared/gpu/GPU.md).
# usage: npm run build && bash tools/gpu/bundle.sh .gpu        (then: bash .gpu/device-run.sh on the device)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd); DEST=$(mkdir -p "$1" && cd "$1" && pwd)
STAGE=$(mktemp -d); trap 'rm -rf "$STAGE"' EXIT
N="$STAGE/node_modules"; S="$ROOT/node_modules"; mkdir -p "$N" "$DEST/bin" "$DEST/lib"
copy() { for p in "$@"; do mkdir -p "$N/$(dirname "$p")"; cp -a "$S/$p" "$N/$p"; done; }
for p in tfjs:tf tfjs-core:tf-core tfjs-backend-cpu:tf-backend-cpu tfjs-backend-wasm:tf-backend-wasm tfjs-backend-webgpu:tf-backend-webgpu \
         tfjs-layers:tf-layers tfjs-converter:tf-converter tfjs-data:tf-data tfjs-backend-webgl:tf-backend-webgl; do
  copy "@tensorflow/${p%%:*}/package.json" "@tensorflow/${p%%:*}/dist/${p##*:}.node.js"
done
for f in "$S"/@tensorflow/tfjs-backend-wasm/dist/*.wasm; do copy "@tensorflow/tfjs-backend-wasm/dist/$(basename "$f")"; done
copy onnxruntime-node/package.json onnxruntime-node/dist onnxruntime-node/bin/napi-v6/linux/x64 onnxruntime-common
copy webgpu/package.json webgpu/index.js webgpu/dist/linux-x64/dawn.node
copy long seedrandom node-fetch whatwg-url tr46 webidl-conversions string_decoder safe-buffer debug ms onnx-proto protobufjs @protobufjs
for d in "$ROOT"/packages/*/; do
  [ -d "$d/dist" ] || { echo "bundle.sh: $d has no dist: run npm run build first" >&2; exit 1; }
  name=$(node -p "require('$d/package.json').name"); mkdir -p "$N/$name"; cp -a "$d/package.json" "$d/dist" "$N/$name/"
done
find "$N" \( -name '*.map' -o -name '*.d.ts' -o -name '*.md' \) -delete
tar -C "$STAGE" -cf - node_modules | xz -T2 -6 > "$DEST/node_modules.tar.xz"
cp "$(command -v node)" "$STAGE/node"; strip "$STAGE/node"; xz -T2 -6 -c "$STAGE/node" > "$DEST/bin/node.xz"
( cd "$STAGE" && apt-get download -qq libvulkan1 && dpkg -x libvulkan1_*.deb x && cp -L x/usr/lib/x86_64-linux-gnu/libvulkan.so.1 "$DEST/lib/" )
cp "$ROOT"/tools/gpu/device-run.sh "$ROOT"/tools/gpu/*.mjs "$ROOT/tools/bench/torch_bench.py" "$DEST/"
du -sh "$DEST"/*
# The device tool carries at most 64 MiB in all: the tracked tree, this bundle and .cache/gl (glvnd .debs).
total=$(du -sk "$DEST" | cut -f1); tree=$(cd "$ROOT" && git ls-files -z | du -ck --files0-from=- | tail -1 | cut -f1)
echo "bundle: $((total / 1024)) MiB + tracked tree $((tree / 1024)) MiB (the device tool carries 64 MiB in all)"
[ $((total + tree)) -lt $((60 * 1024)) ] || { echo "bundle.sh: bundle + tree = $(((total + tree) / 1024)) MiB: over the carry budget" >&2; exit 1; }
