#!/usr/bin/env bash
# A new user's first minutes, as CI checks them: clone this checkout's last commit into a fresh folder
# and run the README's first command there exactly as written (setup without the dev extras, then the
# sample). Fails if it exits non-zero or prints a traceback. With --lowest, pip installs the lowest
# versions pyproject.toml allows (scripts/lowest-versions.txt, through PIP_CONSTRAINT) instead of the
# newest. Usage: bash scripts/check_install.sh [--lowest]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
command=$(python3 - <<'PY'
import re, pathlib
section = pathlib.Path("README.md").read_text().split("## Two commands", 1)[1]
print(re.search(r"```bash\n(.+?)\n```", section, re.S).group(1))
PY
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/gait"
if [ "${1:-}" = "--lowest" ]; then
    export PIP_CONSTRAINT="$repo/scripts/lowest-versions.txt"
fi
echo "check_install: in a fresh clone${PIP_CONSTRAINT:+ with the lowest versions}: $command"
set +e
(cd "$work/gait" && bash -c "$command") >"$work/log" 2>&1
status=$?
set -e
cat "$work/log"
if [ "$status" -ne 0 ]; then
    echo "check_install: the README's first command failed (exit $status)" >&2
    exit 1
fi
if grep -q "Traceback" "$work/log"; then
    echo "check_install: the README's first command printed a traceback" >&2
    exit 1
fi
if [ -n "${PIP_CONSTRAINT:-}" ]; then
    "$work/gait/.venv/bin/python" -m pip freeze 2>/dev/null | grep -i -F -f <(sed -n 's/==.*//p' "$PIP_CONSTRAINT")
fi
echo "check_install: ok"
