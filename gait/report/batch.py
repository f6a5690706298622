"""A batch's own summary: ``batch.csv`` (one row per input) and ``index.html`` linking every report.

The numbers are read from each clip's ``summary.json``, never measured again here.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from pathlib import Path
from typing import Any

from gait import __version__
from gait.present import format_short, view_name
from gait.report.data import write_text_atomic
from gait.report.html import environment
from gait.thresholds import UNVALIDATED

#: Per-side metrics a batch row carries: (summary.json key, column stem, unit).
ROW_METRICS = (
    ("pelvic_drop_markers_midstance_deg", "pelvic_drop_psis", "deg"),  # empty without stickers
    ("pelvic_drop_midstance_deg", "pelvic_drop", "deg"),
    ("hip_adduction_peak_deg", "hip_adduction", "deg"),
    ("femoral_adduction_peak_deg", "femoral_adduction", "deg"),
    ("overstride_leg_lengths", "overstride", "leg lengths"),
)
CADENCE_KEY = "cadence_steps_per_min"
#: Key of ``BatchRow.values`` naming the columns whose value rests on too few steps, with the text
#: index.html shows for them ("not enough steps (n)"; batch.csv keeps the number for programs).
TOO_FEW = "_too_few_steps"


#: Suffix of the batch.csv column after each value: ``yes`` when the value rests on enough steps
#: for a verdict, ``no`` when people are shown "not enough steps (n)" instead, empty with no value.
ENOUGH = "enough steps"


def _metric_columns() -> list[str]:
    cols = ["cadence [steps/min]", "cadence confidence", f"cadence {ENOUGH}"]
    for _key, stem, unit in ROW_METRICS:
        for side in ("left", "right"):
            cols += [f"{stem} {side} [{unit}]", f"{stem} {side} confidence", f"{stem} {side} {ENOUGH}"]
    return cols


#: Columns of batch.csv, in order.
COLUMNS = ["path", "status", "reason", "view", "steps", *_metric_columns(), "output folder"]


@dataclass(frozen=True)
class BatchRow:
    """One input of a batch: what happened to it, and its headline numbers (from its summary.json)."""

    path: str  # as given, bytes that are not UTF-8 shown as \\xe9
    status: str  # analysed, reused or failed
    reason: str  # why it failed, or which input it repeats
    folder: str  # the clip's folder, relative to the batch's output folder; "" when it failed
    values: dict[str, Any]  # column -> value (None when not measured)
    unvalidated: frozenset[str] = frozenset()  # columns whose metric has no validated verdict

    def cells(self) -> list[str]:
        fixed = {
            "path": self.path,
            "status": self.status,
            "reason": self.reason,
            "output folder": self.folder,
        }
        return [_cell(fixed[c]) if c in fixed else _cell(self.values.get(c)) for c in COLUMNS]


def row_values(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The batch columns of one clip, read from its summary.json (schema gait.summary/1)."""
    by_key = {(m["key"], m["side"]): m for m in summary.get("metrics", [])}
    few: dict[str, str] = {}  # column -> "not enough steps (n)", shown in index.html instead

    values: dict[str, Any] = {"view": summary["view"]["view"], "steps": summary["steps"]["total"]}

    def pick(key: str, side: str, column: str, stem: str) -> None:
        m = by_key.get((key, side))
        if not m or not m.get("measurable") or m.get("value") is None:
            values[column] = values[f"{stem} confidence"] = values[f"{stem} {ENOUGH}"] = None
            return
        enough = m.get("enough_steps") is not False
        if not enough:
            few[column] = m.get("shown") or f"not enough steps ({m.get('steps_used')})"
        values[column], values[f"{stem} confidence"] = m.get("value"), m.get("confidence")
        values[f"{stem} {ENOUGH}"] = "yes" if enough else "no"

    pick(CADENCE_KEY, "both", "cadence [steps/min]", "cadence")
    for key, stem, unit in ROW_METRICS:
        for side in ("left", "right"):
            pick(key, side, f"{stem} {side} [{unit}]", f"{stem} {side}")
    return values | {TOO_FEW: few}


def read_row_values(folder: Path) -> dict[str, Any]:
    """The batch columns of the clip analysed into ``folder``."""
    return row_values(json.loads((folder / "summary.json").read_text(encoding="utf-8")))


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) >= 1000 else f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def batch_csv_text(rows: Sequence[BatchRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(row.cells() for row in rows)
    return buffer.getvalue()


def write_batch_csv(path: Path, rows: Sequence[BatchRow]) -> Path:
    """``batch.csv``: one row per input, written atomically."""
    return write_text_atomic(path, batch_csv_text(rows))


#: Units as index.html's headings write them (the cells then carry the number alone, as
#: :func:`gait.present.format_short` writes it).
HEADING_UNIT = {"deg": "°", "steps/min": "steps/min", "leg lengths": "leg lengths"}
#: The per-side metrics index.html shows, by group of columns: (group, heading, column stems, unit).
#: The first stem with a value is shown: pelvic drop from the PSIS stickers, else from the pose
#: model's hip points (not validated, so shown marked). Hip adduction stays in batch.csv only.
INDEX_METRICS = (
    ("Rear or front view", "Pelvic drop", ("pelvic_drop_psis", "pelvic_drop"), "deg"),
    ("Rear or front view", "Femoral adduction", ("femoral_adduction",), "deg"),
    ("Side view", "Overstride", ("overstride",), "leg lengths"),
)
#: What a marked (hip-point) cell means, for its tooltip and the page's note.
HIP_POINTS_NOTE = "from the pose model's hip points (no PSIS stickers found): not validated, no verdict"
#: Keys of summary.json behind each batch.csv stem (to tell validated from not).
_KEY_OF_STEM = {stem: key for key, stem, _unit in ROW_METRICS}


@dataclass(frozen=True)
class IndexCell:
    """One cell of index.html: what it shows, what it sorts by and how it is marked."""

    text: str
    sort: str
    numeric: bool = True
    unvalidated: bool = False
    title: str = ""


def index_headings() -> list[tuple[str, str, str]]:
    """index.html's columns, in order: (group, heading, unit for the heading or "")."""
    heads = [("", "Clip", ""), ("", "Status", ""), ("", "View", ""), ("", "Steps", "")]
    heads.append(("", "Cadence", "steps/min"))
    for group, heading, _stems, unit in INDEX_METRICS:
        heads += [(group, f"{heading}, {side}", HEADING_UNIT[unit]) for side in ("left", "right")]
    return heads


def _number(value: Any) -> str:
    """A full-precision sort key for a number (empty for none)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return repr(float(value))


def _value_cell(row: BatchRow, stem: str, side: str | None, unit: str) -> IndexCell | None:
    """The cell of ``stem`` (a batch.csv column stem), or None when the clip has no value for it."""
    label = stem if side is None else f"{stem} {side}"
    column = f"{label} [{unit}]"
    value = row.values.get(column)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    few = row.values.get(TOO_FEW, {}).get(column)
    confidence = row.values.get(f"{label} confidence")
    title = f"{_cell(value)} {unit}" + (f", confidence {confidence:.2f}" if confidence is not None else "")
    if few:
        return IndexCell(few, "", title=f"{title}: too few steps for a verdict")
    return IndexCell(format_short(float(value), unit), _number(value), title=title)


def _common_folder(paths: Sequence[str]) -> str:
    """The folder every path lies under (with its trailing ``/``), or "" when they share none."""
    folders = [p.rsplit("/", 1)[0] for p in paths if "/" in p]
    if len(folders) < len(paths) or not folders:
        return ""
    try:
        common = os.path.commonpath(folders)
    except ValueError:  # absolute and relative paths mixed
        return ""
    return f"{common}/" if common not in ("", "/") else ""


def index_cells(row: BatchRow, under: str = "") -> list[IndexCell]:
    """The cells of ``row`` in index.html, in the order of :func:`index_headings`; the clip's path is
    shown without the folder ``under`` that every clip of the batch shares (its tooltip has it whole)."""
    name = row.path[len(under) :] if under and row.path.startswith(under) else row.path
    status = IndexCell(row.status, row.status, numeric=False, title=row.reason)
    view = row.values.get("view")
    steps = row.values.get("steps")
    cells = [
        IndexCell(name, name, numeric=False, title=row.path),
        status,
        IndexCell(view_name(view) if view else "", view or "", numeric=False),
        IndexCell("" if steps is None else str(steps), _number(steps)),
        _value_cell(row, "cadence", None, "steps/min") or IndexCell("", ""),
    ]
    for _group, _heading, stems, unit in INDEX_METRICS:
        for side in ("left", "right"):
            cell = IndexCell("", "")
            for stem in stems:
                found = _value_cell(row, stem, side, unit)
                if found is not None:
                    if stem == "pelvic_drop_psis":
                        found = dataclass_replace(found, title=f"{found.title}; from the PSIS stickers")
                    elif _KEY_OF_STEM[stem] in UNVALIDATED:
                        found = dataclass_replace(
                            found, unvalidated=True, title=f"{found.title}; {HIP_POINTS_NOTE}"
                        )
                    cell = found
                    break
            cells.append(cell)
    return cells


def render_index_html(rows: Sequence[BatchRow], title: str) -> str:
    """A self-contained page: one row per input, linking each report; any column sorts on a click.

    Named columns with units, values written as the reports write them, the view-specific columns
    grouped; batch.csv keeps every number and column for programs.
    """
    env = environment()
    headings = index_headings()
    groups: list[tuple[str, int]] = []
    for group, _heading, _unit in headings:
        if groups and groups[-1][0] == group:
            groups[-1] = (group, groups[-1][1] + 1)
        else:
            groups.append((group, 1))
    under = _common_folder([row.path for row in rows])
    table = [
        {
            "row": row,
            "cells": index_cells(row, under),
            "report": f"{_url(row.folder)}/report.html" if row.folder else None,
        }
        for row in rows
    ]
    counts = {s: sum(r.status == s for r in rows) for s in ("analysed", "reused", "failed")}
    return env.get_template("index.html.j2").render(
        title=title,
        headings=headings,
        groups=groups,
        table=table,
        counts=counts,
        under=under,
        version=__version__,
    )


def _url(folder: str) -> str:
    from urllib.parse import quote

    return quote(folder)


def write_index_html(path: Path, rows: Sequence[BatchRow], title: str) -> Path:
    """``index.html``: every input, linking every report, written atomically."""
    return write_text_atomic(path, render_index_html(rows, title))


def shown(path: Path) -> str:
    """A path as text any UTF-8 file can hold (bytes that are not UTF-8 as ``\\xe9``)."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")
