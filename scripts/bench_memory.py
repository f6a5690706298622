"""Peak memory of ``gait analyse`` against clip length: it must stay flat (figures, not assertions).

    python scripts/bench_memory.py [CLIP] [--minutes 1,10] [--keep DIR] [-- ANALYSE OPTIONS...]

Makes each length by looping CLIP (its packets copied, not re-encoded, timestamps shifted), runs
``gait analyse --no-cache`` on each in a child process, and prints the child's wall time and peak
resident memory (``wait4``'s ``ru_maxrss``). The target: 10 minutes within 20% of 1 minute and under
1 GB.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CLIP = ROOT.parent / "shared" / "videos" / "mhuang24_slow.mp4"


def looped(clip: Path, minutes: float, out: Path) -> Path:
    """``clip`` played over and over for ``minutes``, as an MP4 of the same packets."""
    with av.open(str(clip)) as source:
        stream = source.streams.video[0]
        packets = [p for p in source.demux(stream) if p.dts is not None]
        period = max(p.pts + (p.duration or 0) for p in packets) - min(p.pts for p in packets)
        seconds = float(period * stream.time_base)
        with av.open(str(out), "w") as target:
            copy = target.add_stream_from_template(stream)
            for loop in range(math.ceil(minutes * 60 / seconds)):
                for packet in packets:
                    packet.pts += period if loop else 0
                    packet.dts += period if loop else 0
                    packet.stream = copy
                    target.mux(packet)
    return out


def analyse_peak(clip: Path, out: Path, extra: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MB) of ``gait analyse`` on ``clip`` in a child process."""
    cli = "from gait.cli import app; app()"
    command = [sys.executable, "-c", cli, "analyse", str(clip), "--out", str(out), "--no-cache", *extra]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=ROOT)  # this checkout's gait
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"gait analyse failed on {clip.name} (exit {child.returncode})")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--minutes", default="1,10")
    parser.add_argument("--keep", type=Path, default=None, help="keep the looped clips in this folder")
    parser.add_argument("extra", nargs=argparse.REMAINDER, help="after --: more gait analyse options")
    args = parser.parse_args()
    extra = [a for a in args.extra if a != "--"]
    folder = Path(tempfile.mkdtemp(prefix="gait-memory-"))
    try:
        rows = []
        for minutes in (float(m) for m in args.minutes.split(",")):
            clip = looped(args.clip, minutes, (args.keep or folder) / f"{args.clip.stem}-{minutes:g}min.mp4")
            wall_s, peak_mb = analyse_peak(clip, folder / f"out-{minutes:g}", extra)
            rows.append((minutes, wall_s, peak_mb))
            print(f"{minutes:5g} min: {wall_s:7.1f} s, peak RSS {peak_mb:6.0f} MB", flush=True)
        base = rows[0][2]
        for minutes, _, peak_mb in rows[1:]:
            print(f"{minutes:g} min / {rows[0][0]:g} min peak RSS: {peak_mb / base:.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
