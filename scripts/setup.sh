#!/usr/bin/env bash
# Set up gait on a fresh machine: a virtual environment in .venv with gait installed (editable, so the
# committed models/ and videos/ folders are found). With --dev: the test and lint tools too, and Debian's
# headless Chromium for the report tests (installed only when running as root with apt-get available).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "--dev" ]; then
    .venv/bin/python -m pip install -q -e ".[dev]"
    if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
            || echo "setup: could not install chromium; the browser tests will be skipped" >&2
    fi
else
    .venv/bin/python -m pip install -q -e .
fi
.venv/bin/gait --help >/dev/null
echo "setup: gait is ready in .venv ($(.venv/bin/python -c 'import gait; print(gait.__version__)'))"
