"""Measure gait against the known-answer bench and write docs/validation-*.{md,svg,json,jpg}.

Needs the synth extra (``.venv/bin/pip install -e '.[synth]'``); renders into build/bench/.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.validate import main

if __name__ == "__main__":
    main()
