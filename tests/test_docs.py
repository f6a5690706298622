"""Facts the README states, checked against the code and the committed sample so they cannot drift.

Issue 21: the README still gave the sample as 360x640 at 30 fps after it was remade at 720x1280,
60 fps, and said ``toe_off_frame`` is -1 when not detectable where ``steps.csv`` leaves it empty.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gait.report.batch import COLUMNS, ENOUGH
from gait.report.data import steps_table
from gait.video import probe
from tests.analysed import make_analysis, make_track
from tests.conftest import SAMPLE_CLIP

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def one_line(text: str) -> str:
    return " ".join(text.split())


def paragraph_with(text: str, needle: str) -> str:
    """The paragraph (or list item) of ``text`` holding ``needle``, on one line."""
    for block in re.split(r"\n\s*\n|\n(?=- )", text):
        if needle in block:
            return one_line(block)
    raise AssertionError(f"nothing holds {needle!r}")


def sample_facts() -> dict[str, float]:
    info = probe(SAMPLE_CLIP)
    truth = json.loads(SAMPLE_CLIP.with_suffix(".truth.json").read_text(encoding="utf-8"))
    first, last = truth["standing_frames"]
    return {
        "width": info.width_px,
        "height": info.height_px,
        "fps": info.fps,
        "seconds": info.duration_s,
        "standing": (last - first) / info.fps,
    }


@pytest.mark.parametrize(
    "doc", [README, ROOT / "videos" / "README.md"], ids=lambda p: str(p.relative_to(ROOT))
)
def test_the_sample_is_described_as_it_is(doc: Path) -> None:
    """Failed before for README.md (it gave no size where it introduces the sample, and 360x640 at 30
    fps in the benchmark table as if it were the sample now)."""
    facts = sample_facts()
    text = doc.read_text(encoding="utf-8")
    about = paragraph_with(text, "synthetic runner")
    size = re.search(r"(\d+)x(\d+)", about)
    fps = re.search(r"(\d+) fps", about)
    seconds = re.search(r"(\d+) s (?:at|starting)", about)
    standing = re.search(r"(\d+) s of standing", about)
    assert size and fps and seconds and standing, (
        f"{doc.name} does not give the sample's size, fps, length: {about}"
    )
    assert (int(size[1]), int(size[2])) == (facts["width"], facts["height"])
    assert float(fps[1]) == facts["fps"] and float(seconds[1]) == facts["seconds"]
    assert float(standing[1]) == pytest.approx(facts["standing"], abs=0.5)
    for line in text.splitlines():  # anywhere else the sample is named with a frame size
        if "sample_run_rear" in line or "sample clip" in line:
            for w, h in re.findall(r"(\d{3,4})x(\d{3,4})", line):
                assert (int(w), int(h)) == (facts["width"], facts["height"]) or "earlier" in line, line


def test_steps_csv_columns_are_as_the_readme_says() -> None:
    """Failed before: the README said ``toe_off_frame`` is -1 when not detectable; steps.csv has it empty."""
    analysis = make_analysis(track=make_track("rear", duration_s=3.0))
    assert (analysis.steps.toe_off_frame == -1).all()  # a rear view: no toe-off
    header, rows = steps_table(analysis)
    doc = paragraph_with(README.read_text(encoding="utf-8"), "**`steps.csv`**")
    listed = re.findall(r"`([^`]+)`", doc.split("Columns:", 1)[1].split(", then", 1)[0])
    assert listed == header[: len(listed)], (listed, header)
    toe_off = header.index("toe_off_frame")
    assert {row[toe_off] for row in rows} == {""}
    said = re.search(r"`toe_off_frame` \(([^:)]+)", doc)
    assert said and said[1] == "empty", doc


def test_batch_csv_columns_are_as_the_readme_says() -> None:
    doc = paragraph_with(README.read_text(encoding="utf-8"), "- `batch.csv`")
    for name in ("path", "status", "reason", "view", "steps", "output folder", "cadence [steps/min]"):
        assert f"`{name}`" in doc and name in COLUMNS
    assert f"`{ENOUGH}`" in doc and all(
        f"{stem} {ENOUGH}" in COLUMNS for stem in ("cadence", "overstride left")
    )
    assert "`pelvic_drop_psis`" in doc and "pelvic_drop_psis left [deg]" in COLUMNS
