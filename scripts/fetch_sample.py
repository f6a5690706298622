"""Extract the sample clip gait ships, from the BSD-3-licensed sports2d wheel on PyPI.

``videos/sample_walk_side.mp4`` is ``Sports2D/Demo/demo.mp4`` from sports2d 0.8.34 (a woman walking
past a static camera, side view). It is committed, so this script only documents and reproduces it:

    python scripts/fetch_sample.py [--wheels DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "sports2d==0.8.34"
MEMBER = "Sports2D/Demo/demo.mp4"
SHA256 = "d9a66417185647b112304b57093f0c180f37a768e6a14daca75ca541f3b78039"
DEST = Path(__file__).resolve().parent.parent / "videos" / "sample_walk_side.mp4"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, help="folder holding an already downloaded sports2d wheel")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.wheels or Path(tmp)
        if not args.wheels:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, WHEEL], check=True
            )
        (wheel,) = folder.glob("sports2d-0.8.34-*.whl")
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read(MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        sys.exit(f"{MEMBER} in the wheel has sha256 {digest}, expected {SHA256}: not writing it.")
    DEST.parent.mkdir(exist_ok=True)
    DEST.write_bytes(data)
    print(f"{DEST}: {len(data)} bytes, sha256 {digest}")


if __name__ == "__main__":
    main()
