#!/usr/bin/env bash
# Remake the committed known-answer clips (needs: pip install -e '.[synth]'). Each clip's truth file is
# written beside it. Short on purpose: CI runs the pose model on every one of them.
set -euo pipefail
cd "$(dirname "$0")/../../.."
S=".venv/bin/python scripts/synth.py --seconds 4"
D=tests/data/bench
$S --view rear --cpd-left 6 --cpd-right 2 --hip-adduction-left 14 --hip-adduction-right 10 --fps 60 --body 2 --out $D/rear_cpd6-2_60fps.mp4
$S --view rear --cpd-left 6 --cpd-right 2 --hip-adduction-left 14 --hip-adduction-right 10 --fps 60 --body 2 --mirror --out $D/rear_cpd6-2_60fps_mirror.mp4
$S --view rear --cpd-left 3 --cpd-right 3 --camera-roll 3 --fps 30 --body 4 --out $D/rear_roll3_30fps.mp4
$S --view front --cpd-left 5 --cpd-right 3 --cadence 165 --fps 30 --body 3 --out $D/front_cpd5-3_30fps.mp4
$S --view side_right --overstride 0.25 --fps 60 --body 1 --out $D/side_right_os0.25_60fps.mp4
$S --view side_left --overstride 0.10 --cadence 160 --fps 30 --body 3 --out $D/side_left_os0.10_30fps.mp4
# PSIS stickers after a 2 s standing trial (issue 20): plain, and with a placement offset, camera
# roll, marker-coloured decoys (heel counters, a logo on the back) and a shirt flap over one sticker.
$S --view rear --seconds 6 --standing 2 --markers psis --cpd-left 6 --cpd-right 2 --hip-adduction-left 14 \
    --hip-adduction-right 10 --fps 60 --body 2 --out $D/rear_markers_cpd6-2_60fps.mp4
$S --view rear --seconds 6 --standing 2 --markers psis --marker-offset 5 --camera-roll 3 --cpd-left 4 \
    --cpd-right 4 --fps 30 --body 4 --distractor both --cover-s 3.4:3.7 --out $D/rear_markers_offset5_30fps.mp4
# The README's sample: an asymmetric runner seen from behind with PSIS stickers (magenta: the shirt of
# body 1 is green) and a 2 s standing trial, long enough for verdicts on both sides.
.venv/bin/python scripts/synth.py --view rear --seconds 10 --standing 2 --fps 60 --cpd-left 7 --cpd-right 3 \
    --hip-adduction-left 15 --hip-adduction-right 10 --body 1 --markers psis --marker-colour magenta \
    --out videos/sample_run_rear.mp4
