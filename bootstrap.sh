#!/usr/bin/env bash
# Set up govsim in ./.venv with a Python 3.12 or newer (Mesa 3.5 needs it).
#   ./bootstrap.sh        the package and its command `govsim`
#   ./bootstrap.sh test   the same plus what the test suite needs (pytest, dask, playwright, ruff)
#   ./bootstrap.sh analysis   the same plus discover/robustness/search (EMA Workbench, scikit-learn, pymoo)
#   ./bootstrap.sh dask   the same plus Dask, for --scheduler
# Set PYTHON=/path/to/python3.12 to choose the interpreter.
set -euo pipefail
cd "$(dirname "$0")"

extras=""
case "${1:-}" in
  "") ;;
  test | analysis | dask) extras="[$1]" ;;
  *) echo "bootstrap: unknown extra '$1' (allowed: test, analysis, dask)" >&2; exit 2 ;;
esac

ok() { "$@" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  local c v
  for c in "${PYTHON:-}" python3.13 python3.12 python3 python; do
    [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && ok "$c" && { echo "$c"; return; }
  done
  # pyenv installs whose shims are not on the global version (e.g. global 3.11).
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])' | sort -rV); do
      c="$(pyenv root)/versions/$v/bin/python"
      [ -x "$c" ] && ok "$c" && { echo "$c"; return; }
    done
  fi
  return 1
}

if [ ! -x .venv/bin/python ] || ! ok .venv/bin/python; then
  py=$(find_python) || {
    echo "bootstrap: govsim needs Python 3.12 or newer and none was found." >&2
    echo "  Install one (e.g. 'pyenv install 3.12', or your system's python3.12 package)," >&2
    echo "  or point PYTHON at it: PYTHON=/path/to/python3.12 ./bootstrap.sh" >&2
    exit 2
  }
  echo "bootstrap: creating .venv with $($py --version 2>&1) ($py)"
  rm -rf .venv
  "$py" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi

echo "bootstrap: installing govsim${extras} into .venv"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}" 2>&1 \
  | grep -v -e "^WARNING: Location" -e "is ignored: it is neither" || true
.venv/bin/python -c "import sim" || { echo "bootstrap: install failed" >&2; exit 1; }
