"""Render a synthetic running clip with exact ground truth (the known-answer bench).

Needs the synth extra: ``.venv/bin/pip install -e '.[synth]'``. Example::

    python scripts/synth.py --view rear --cpd-left 6 --cpd-right 2 --seconds 6 --fps 60 --out /tmp/rear.mp4
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synth import main

if __name__ == "__main__":
    main()
