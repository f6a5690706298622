"""Contact sheets used to label initial contacts by hand (tests/data/NOTES.md).

One row per landing: frames ``centre - before`` to ``centre + after`` cropped around the front
foot (its heel/toe landmarks at the centre frame, pose model "full"), enlarged, with a grid every
``grid`` full-resolution pixels and the frame number burned in. Run from the repository root::

    .venv/bin/python tests/data/contact_sheet.py ../shared/videos/mhuang24_IMG_5396.mp4 "[95, 116]" \
        out/sheet --before 4 --after 3 --size 300x160 --scale 0.75 --grid 20 --box 780,1240
    .venv/bin/python tests/data/contact_sheet.py \
        ../shared/videos/movup_treadmill_run_side_tiktok_overlay.mp4 "[151, 161]" out/sheet \
        --before 3 --after 2 --size 190x130 --scale 1.0 --grid 10 --rows 7
    .venv/bin/python tests/data/contact_sheet.py ../shared/videos/sinankiliclar_run_rear_snow_receding.mp4 \
        "[11, 22]" out/sheet --before 4 --after 3 --size 140x90 --scale 2.0 --grid 10 --rows 6 --both-feet

``--both-feet`` (rear and front views) centres the crop on both feet instead of the front one;
``--cache-dir`` reads the pose from gait's cache (``gait.cache.default_cache_dir()`` by default).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from gait.cache import default_cache_dir
from gait.landmarks import HEELS, TOES
from gait.pose import pose_track
from gait.video import iter_frames


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("clip", type=Path)
    ap.add_argument("centres", help="JSON list of frames, one row each")
    ap.add_argument("prefix", help="output PNGs are PREFIX_00.png, PREFIX_01.png, ...")
    ap.add_argument("--before", type=int, default=4)
    ap.add_argument("--after", type=int, default=3)
    ap.add_argument("--size", default="300x160", help="crop WxH in full-resolution pixels")
    ap.add_argument("--scale", type=float, default=0.75)
    ap.add_argument("--grid", type=int, default=20)
    ap.add_argument("--rows", type=int, default=6, help="rows per sheet")
    ap.add_argument("--box", help="fixed crop X0,Y0 (full resolution) instead of following the foot")
    ap.add_argument("--both-feet", action="store_true", help="centre the crop on both feet (frontal views)")
    ap.add_argument("--cache-dir", type=Path, default=default_cache_dir(), help="gait's pose cache")
    args = ap.parse_args()
    centres = [int(c) for c in json.loads(args.centres)]
    w, h = (int(v) for v in args.size.split("x"))
    xy = pose_track(args.clip, "full", cache_dir=args.cache_dir).track.xy_px.astype(float)
    wanted = {i for c in centres for i in range(c - args.before, c + args.after + 1)}
    frames = {f.index: f.bgr for f in iter_frames(args.clip) if f.index in wanted}
    height, width = next(iter(frames.values())).shape[:2]
    rows = []
    for c in centres:
        foot = xy[c, np.r_[HEELS, TOES]]
        x0 = int(np.clip(np.nanmax(foot[:, 0]) - 0.6 * w, 0, width - w))
        if args.both_feet:
            x0 = int(np.clip(np.nanmean(foot[:, 0]) - 0.5 * w, 0, width - w))
        y0 = int(np.clip(np.nanmax(foot[:, 1]) - 0.75 * h, 0, height - h))
        if args.box:
            x0, y0 = (int(v) for v in args.box.split(","))
        tiles = []
        for i in range(c - args.before, c + args.after + 1):
            crop = frames.get(i, np.zeros((height, width, 3), np.uint8))[y0 : y0 + h, x0 : x0 + w]
            tile = cv2.resize(crop, None, fx=args.scale, fy=args.scale, interpolation=cv2.INTER_CUBIC)
            for gx in range(0, w, args.grid):
                cv2.line(
                    tile, (int(gx * args.scale), 0), (int(gx * args.scale), tile.shape[0]), (0, 140, 0), 1
                )
            for gy in range(0, h, args.grid):
                cv2.line(
                    tile, (0, int(gy * args.scale)), (tile.shape[1], int(gy * args.scale)), (0, 140, 0), 1
                )
            cv2.putText(tile, str(i), (3, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 3)
            cv2.putText(tile, str(i), (3, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 255, 255), 1)
            tiles.append(cv2.copyMakeBorder(tile, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=(255, 255, 255)))
        rows.append(np.hstack(tiles))
    for k in range(0, len(rows), args.rows):
        cv2.imwrite(f"{args.prefix}_{k // args.rows:02d}.png", np.vstack(rows[k : k + args.rows]))


if __name__ == "__main__":
    main()
