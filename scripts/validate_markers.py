"""Validate gait's PSIS-marker measures on a hold-out grid; writes docs/validation-markers.json and
the marker tables of docs/validation.md.

Needs the synth extra (``.venv/bin/pip install -e '.[synth]'``); renders into build/bench-markers/.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.validate_markers import main

if __name__ == "__main__":
    main()
