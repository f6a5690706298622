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
from pathlib import Path
from typing import Any

from gait import __version__
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


def _metric_columns() -> list[str]:
    cols = ["cadence [steps/min]", "cadence confidence"]
    for _key, stem, unit in ROW_METRICS:
        for side in ("left", "right"):
            cols += [f"{stem} {side} [{unit}]", f"{stem} {side} confidence"]
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

    def pick(key: str, side: str, column: str) -> tuple[Any, Any]:
        m = by_key.get((key, side))
        if not m or not m.get("measurable"):
            return None, None
        if m.get("enough_steps") is False and m.get("shown"):
            few[column] = m["shown"]
        return m.get("value"), m.get("confidence")

    values: dict[str, Any] = {"view": summary["view"]["view"], "steps": summary["steps"]["total"]}
    column = "cadence [steps/min]"
    values[column], values["cadence confidence"] = pick(CADENCE_KEY, "both", column)
    for key, stem, unit in ROW_METRICS:
        for side in ("left", "right"):
            column = f"{stem} {side} [{unit}]"
            values[column], values[f"{stem} {side} confidence"] = pick(key, side, column)
    return values | {TOO_FEW: few}


def unvalidated_columns() -> frozenset[str]:
    """Columns of metrics the bench has not validated (shown, but with no verdict)."""
    return frozenset(
        f"{stem} {side} [{unit}]"
        for key, stem, unit in ROW_METRICS
        if key in UNVALIDATED
        for side in ("left", "right")
    )


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


def render_index_html(rows: Sequence[BatchRow], title: str) -> str:
    """A self-contained page: one row per input, linking each report; any column sorts on a click."""
    env = environment()
    unvalidated = unvalidated_columns()
    table = [
        {
            "row": row,
            "cells": [
                {
                    "column": c,
                    "text": row.values.get(TOO_FEW, {}).get(c, text),
                    "sort": _sort_key(c, text),
                    "unvalidated": c in unvalidated,
                }
                for c, text in zip(COLUMNS, row.cells(), strict=True)
            ],
            "report": f"{_url(row.folder)}/report.html" if row.folder else None,
        }
        for row in rows
    ]
    counts = {s: sum(r.status == s for r in rows) for s in ("analysed", "reused", "failed")}
    return env.get_template("index.html.j2").render(
        title=title,
        columns=COLUMNS,
        unvalidated=unvalidated,
        table=table,
        counts=counts,
        version=__version__,
    )


def _sort_key(column: str, text: str) -> str:
    return text if column in ("path", "status", "reason", "view", "output folder") else text or ""


def _url(folder: str) -> str:
    from urllib.parse import quote

    return quote(folder)


def write_index_html(path: Path, rows: Sequence[BatchRow], title: str) -> Path:
    """``index.html``: every input, linking every report, written atomically."""
    return write_text_atomic(path, render_index_html(rows, title))


def shown(path: Path) -> str:
    """A path as text any UTF-8 file can hold (bytes that are not UTF-8 as ``\\xe9``)."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")
