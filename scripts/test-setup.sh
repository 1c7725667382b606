#!/usr/bin/env bash
# What the test suite needs beyond `pnpm install`, installed from Debian's packages where missing:
# - chromium: the demo's end-to-end suite and the browser tests run in headless Chromium
#   (never a downloaded browser: see shared/DESIGN.md);
# - dataset-fashion-mnist: the real Fashion-MNIST IDX files the VAE reproduction test trains on;
# - redis-server: the sweep tests start their own Redis on a loopback port (BullMQ queue).
# `pnpm test` runs this first, so the README's test command passes on a fresh machine by itself.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "test-setup: missing ${need[*]} and apt-get is unavailable: install them (Chromium at /usr/bin/chromium)" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "test-setup: installing ${need[*]} needs root: run 'apt-get install -y ${need[*]}' as root" >&2
    exit 1
  fi
fi
echo "test-setup: installing ${need[*]} from Debian (once)" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
