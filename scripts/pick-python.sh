#!/usr/bin/env bash
# Prints the Python that `make setup` builds the venv with: torch 2.4.0 (the libtorch that tch
# 0.17 accepts) has wheels for Python 3.8 to 3.12 only. The one asked for ($1, `make setup
# PYTHON=...`, python3 by default) when its version has wheels; else, when it was not asked for
# by name, the newest of python3.12 ... python3.9 on PATH, else a Python 3.12 that uv fetches (when
# uv is installed); else an error that names what works.
# Usage: scripts/pick-python.sh [python] [asked]   ("asked": the learner named it, so no
# substitute is taken for it)
set -euo pipefail
wanted="${1:-python3}"
asked="${2:-}"

# "3.11" for a Python interpreter, nothing when it does not run.
version_of() {
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true
}

# Whether torch 2.4.0 has a wheel for Python $1 (a "3.N" version).
has_torch_wheels() {
  local minor="${1#3.}"
  [[ "$1" == 3.* && "$minor" =~ ^[0-9]+$ ]] && ((minor >= 8 && minor <= 12))
}

if ! command -v "$wanted" >/dev/null 2>&1; then
  version=""
else
  version="$(version_of "$wanted")"
fi
if [[ -n "$version" ]] && has_torch_wheels "$version"; then
  echo "$wanted"
  exit 0
fi
if [[ -z "$asked" ]]; then
  for candidate in python3.12 python3.11 python3.10 python3.9; do
    if command -v "$candidate" >/dev/null 2>&1 && has_torch_wheels "$(version_of "$candidate")"; then
      echo "note: $wanted is Python ${version:-missing}; torch 2.4.0 needs 3.8-3.12, so the venv uses $candidate" >&2
      echo "$candidate"
      exit 0
    fi
  done
  # uv fetches a Python of its own where the machine reaches the internet (python-build-standalone).
  if command -v uv >/dev/null 2>&1; then
    echo "note: $wanted is Python ${version:-missing} and no python3.12 ... python3.9 is on PATH; asking uv for Python 3.12" >&2
    if uv python install 3.12 >&2 && fetched="$(uv python find 3.12)" && [[ -n "$fetched" ]] &&
      has_torch_wheels "$(version_of "$fetched")"; then
      echo "$fetched"
      exit 0
    fi
    echo "note: uv could not give a Python 3.12" >&2
  fi
fi
{
  if [[ -z "$version" ]]; then
    echo "error: $wanted was not found (or does not run)."
  else
    echo "error: $wanted is Python $version, and torch 2.4.0 (the libtorch this course's tch 0.17 needs) has wheels for Python 3.8 to 3.12 only."
  fi
  echo "Install one of Python 3.9-3.12 (for example: brew install python@3.12, apt install python3.12, or uv python install 3.12)"
  echo "and run: make setup PYTHON=python3.12   (or the path of that interpreter)"
} >&2
exit 1
