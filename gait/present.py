"""How numbers, sides and views are shown to people: shared by the findings, advice, video and report.

The lowest layer of the package (it imports nothing from gait), so every stage that writes a
number for a runner writes it the same way: the annotated video, ``report.html``, the finding
and advice sentences and the CLI all call :func:`format_value`.
"""

from __future__ import annotations

import math
from typing import Literal

#: The person's two sides, in the order of every (frames, 2) per-leg array.
SIDES: tuple[Literal["left"], Literal["right"]] = ("left", "right")
#: Colour of each side of the person (hex, RGB): the video's legs and the report's plots.
SIDE_COLOUR_HEX: dict[str, str] = {"left": "#1E88E5", "right": "#E8590C"}
#: Decimal places used when a value of this unit is written out.
UNIT_DIGITS: dict[str, int] = {"deg": 1, "steps/min": 0, "%": 0, "s": 2, "leg lengths": 2}


def format_number(value: float, unit: str) -> str:
    """The number alone, with the decimals used for ``unit`` (``-0.0`` is written ``0.0``)."""
    digits = UNIT_DIGITS.get(unit, 2)
    return f"{round(value, digits) + 0.0:.{digits}f}"


def format_value(value: float, unit: str) -> str:
    """A value with its unit for a sentence: ``6.1°``, ``164 steps/min``, ``0.18 leg lengths``."""
    if not math.isfinite(value):
        return "n/a"
    text = format_number(value, unit)
    return f"{text}°" if unit == "deg" else f"{text} {unit}".rstrip()


def format_short(value: float, unit: str) -> str:
    """A value for a table cell whose heading names the unit: ``6.1°``, ``0.18``; ``-`` when missing."""
    if not math.isfinite(value):
        return "-"
    text = format_number(value, unit)
    return f"{text}°" if unit == "deg" else text


def view_name(view: str) -> str:
    """A view code for people: ``"side_left"`` -> ``"side (running to the left)"``."""
    names = {"side_left": "side (running to the left)", "side_right": "side (running to the right)"}
    return names.get(view, view)
