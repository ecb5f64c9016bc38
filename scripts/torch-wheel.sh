#!/usr/bin/env bash
# Prints which torch 2.4.0 wheel `make setup` installs, "cpu" or "pypi":
#   cpu   PyTorch's CPU-only wheel (download.pytorch.org/whl/cpu): Linux x86-64 with no NVIDIA
#         driver, where PyPI's wheel would bring about 5 GB of CUDA libraries never used.
#   pypi  PyPI's wheel: Linux x86-64 with an NVIDIA driver (CUDA 12.1 inside), Linux aarch64
#         (CPU only), macOS on Apple silicon (CPU and Apple's GPU, MPS).
# A decision from what the caller found, so that a test can give any machine:
# Usage: scripts/torch-wheel.sh <uname -s> <uname -m> <nvidia driver: yes|no> [asked: cpu|pypi|""]
set -euo pipefail
os="${1:?uname -s}"
arch="${2:?uname -m}"
nvidia="${3:?yes or no}"
asked="${4:-}"

case "$asked" in
  cpu | pypi)
    echo "$asked"
    exit 0
    ;;
  "") ;;
  *)
    echo "error: TORCH_WHEEL=$asked: give cpu (PyTorch's CPU-only wheel) or pypi (PyPI's, with CUDA on Linux x86-64)" >&2
    exit 1
    ;;
esac

case "$os/$arch" in
  Linux/x86_64 | Linux/amd64)
    if [[ "$nvidia" == yes ]]; then echo pypi; else echo cpu; fi
    ;;
  Linux/aarch64 | Linux/arm64 | Darwin/arm64)
    echo pypi
    ;;
  Darwin/x86_64)
    echo "error: torch 2.4.0 has no wheel for Intel Macs (PyTorch stopped them at 2.2). Use an Apple silicon Mac, Linux, or WSL2 on Windows" >&2
    exit 1
    ;;
  *)
    echo "note: $os/$arch is not a platform the course was checked on; trying PyPI's torch wheel" >&2
    echo pypi
    ;;
esac
