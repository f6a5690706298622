"""Commands that need no pose model start without loading its libraries (measured: ``gait --help``
went from 7 s of imports to under 1 s on the 2-core machine)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    "mediapipe",
    "scipy",
    "onnxruntime",
    "gait.pipeline",
    "gait.pose.mediapipe_backend",
    "gait.pose.onnx_backend",
)


@pytest.mark.parametrize("modules", ["gait.cli", "gait.cli, gait.comparison, gait.options"])
def test_light_commands_do_not_import_the_pose_model(modules: str) -> None:
    code = f"import sys, {modules}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.split() == []
