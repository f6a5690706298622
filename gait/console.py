"""What the ``gait`` commands show in the terminal: progress bars, the metric tables, and the logging
and native-library noise they keep off the user's screen. No command logic."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from gait.analysis import Analysis
from gait.errors import GaitError
from gait.present import format_number

if TYPE_CHECKING:
    from gait.batch import ClipOutcome
    from gait.known_answer import KnownAnswer

console = Console(stderr=True)


@contextlib.contextmanager
def frame_progress(video: Path) -> Iterator[Callable[[int], None]]:
    """A progress bar over the clip's frames with frames/s and ETA; yields the per-frame callback."""
    from gait.video import probe

    total = probe(video).n_frames
    columns = (
        TextColumn("[bold]pose[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[fps]} frames/s"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(video.name, total=total, fps="  -")
        yield frame_counter(progress, task, video.name, "")


def frame_counter(progress: Progress, task: TaskID, name: str, unit: str) -> Callable[[int], None]:
    """The per-frame callback that advances ``task`` with frames/s; a frame index lower than the last
    one starts a second pass (the mirror image, gait.pose.pose_track) on a fresh bar."""
    last = -1

    def advance(index: int) -> None:
        nonlocal last
        if index < last:
            progress.reset(task, description=f"{name} (mirror image)")
        last = index
        progress.advance(task)
        speed = next((t.speed for t in progress.tasks if t.id == task), None)
        progress.update(task, fps=f"{speed:5.1f}{unit}" if speed else "  -")

    return advance


def metrics_table(analysis: Analysis) -> Table:
    """The measured values: median, spread, steps, confidence and verdict, with each metric's unit; a
    metric's label once over its sides, and a rule between metrics, so it stays short at 80 columns."""
    title = f"{analysis.view.view} view ({analysis.view.confidence:.0%} sure)"
    table = Table(title=title, title_justify="left")
    for column in ("metric [unit]", "side", "median", "IQR", "steps", "confidence", "verdict"):
        justify = "left" if column in ("metric [unit]", "side", "verdict") else "right"
        table.add_column(escape(column), justify=justify)  # type: ignore[arg-type]
    shown = [m for m in analysis.metrics if m.measurable]
    for i, m in enumerate(shown):
        first = i == 0 or shown[i - 1].key != m.key
        last = i + 1 == len(shown) or shown[i + 1].key != m.key
        table.add_row(
            escape(f"{m.label} [{m.unit}]") if first else "",
            m.side,
            m.shown(short=True),
            format_number(m.iqr, m.unit) if m.enough_steps else "-",
            str(m.n_steps),
            f"{m.confidence:.0%}",
            analysis.verdict(m),
            end_section=last,
        )
    return table


def known_answer_table(rows: list[KnownAnswer]) -> Table:
    """Measured beside true, for a synthetic clip that carries its truth file."""
    table = Table(title="known answer (synthetic clip): measured vs true", title_justify="left")
    for column in ("metric [unit]", "side", "measured", "true", "error"):
        table.add_column(escape(column), justify="left" if column in ("metric [unit]", "side") else "right")
    for r in rows:
        table.add_row(
            escape(f"{r.label} [{r.unit}]"), r.side, f"{r.measured:.2f}", f"{r.true:.2f}", f"{r.error:+.2f}"
        )
    return table


def not_measurable_lines(analysis: Analysis) -> list[str]:
    """One line per reason a metric has no value in this clip, naming the metrics it covers."""
    by_reason: dict[str, list[str]] = {}
    for m in analysis.metrics:
        if not m.measurable and m.label not in by_reason.setdefault(m.reason, []):
            by_reason[m.reason].append(m.label)
    return [f"{', '.join(labels)}: {reason}" for reason, labels in by_reason.items()]


class BatchDisplay:
    """One rich display for a batch: clips done and failed with ETA, and the current clip's frames/s."""

    def __init__(self, progress: Progress, n_clips: int, per_clip: bool) -> None:
        self.progress, self.per_clip = progress, per_clip
        self.batch = progress.add_task("clips", total=n_clips, failed=0, fps="")
        self.clip: TaskID | None = None
        self.failed = 0

    def clip_started(self, video: Path) -> Callable[[int], None] | None:
        """Show ``video`` as the current clip; return its per-frame callback."""
        from gait.report.batch import shown
        from gait.video import probe

        if not self.per_clip:
            return None
        if self.clip is not None:
            self.progress.remove_task(self.clip)
        try:
            total = probe(video).n_frames
        except GaitError:
            total = None
        self.clip = self.progress.add_task(shown(Path(video.name)), total=total, failed=None, fps="  -")
        return frame_counter(self.progress, self.clip, shown(Path(video.name)), " frames/s")

    def clip_done(self, outcome: ClipOutcome) -> None:
        self.failed += not outcome.ok
        self.progress.update(self.batch, advance=1, failed=self.failed)
        if self.clip is not None:
            self.progress.remove_task(self.clip)
            self.clip = None

    def stop(self) -> None:
        self.progress.stop()


class _FailedColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        failed = task.fields.get("failed")
        if failed is None:
            return Text(task.fields.get("fps", ""))
        return Text(f"{failed} failed", style="red" if failed else "dim")


@contextlib.contextmanager
def batch_progress(n_clips: int, per_clip: bool) -> Iterator[BatchDisplay]:
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _FailedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        yield BatchDisplay(progress, n_clips, per_clip)


def _num(value: float | None, signed: bool = False) -> str:
    return "-" if value is None else f"{value:+.3g}" if signed else f"{value:.3g}"


class ConsoleHandler(logging.Handler):
    """gait's warnings as ``warning: ...`` lines on the console."""

    def emit(self, record: logging.LogRecord) -> None:
        level = "warning" if record.levelno >= logging.WARNING else "info"
        console.print(f"[yellow]{level}:[/] {escape(record.getMessage())}")


def silence_stderr() -> None:
    """Send everything still to come on stderr, Python's and the libraries', to /dev/null."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (kept open until the process ends)


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Send what native libraries (MediaPipe, FFmpeg, Dask's workers) write straight to the process's
    stderr to /dev/null, while Python's ``sys.stderr`` (gait's messages, any traceback) still reaches
    the terminal. Does nothing when ``sys.stderr`` is not a real file (tests)."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved, python_stderr = os.dup(fd), sys.stderr
    sys.stderr = open(  # noqa: SIM115 (closed below)
        saved, "w", buffering=1, encoding=python_stderr.encoding, errors="backslashreplace", closefd=False
    )
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, fd)
        sys.stderr.close()
        os.close(saved)
        sys.stderr = python_stderr


# ---------------------------------------------------------------------------------------------
# Help text


def _quiet_flags(params: list[Any]) -> list[Any]:
    """``params`` with no type shown after a switch (``--no-video``, ``--help``): it takes no value."""
    for param in params:
        if isinstance(param, TyperOption) and param.is_bool_flag and param.metavar is None:
            param.metavar = ""
    return params


class GaitCommand(TyperCommand):
    """A command whose help reads like the README: ``Usage: gait analyse [OPTIONS] VIDEO``, and a
    switch without a type after it. Typer 0.29 writes ``{video}`` and ``--no-video <bool>`` there."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _quiet_flags(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or (param.name or "").upper()
                name = name if param.required else f"[{name}]"
                pieces.append(f"{name}..." if param.nargs != 1 else name)
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


class GaitGroup(TyperGroup):
    """The ``gait`` and ``gait cache`` groups, their switches shown as :class:`GaitCommand` shows them;
    a SIGTERM or SIGHUP (a service manager stopping gait, a closed terminal) ends a run as Ctrl-C
    does, nothing published and the staging removed, with the exit code 128 + the signal's number."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _quiet_flags(super().get_params(ctx))

    def main(self, *args: Any, **kwargs: Any) -> Any:
        received: list[int] = []
        with _signals_as_interrupt(received):
            try:
                return super().main(*args, **kwargs)
            except SystemExit:
                if received:
                    raise SystemExit(128 + received[0]) from None
                raise


class Terminated(KeyboardInterrupt):
    """A SIGTERM or SIGHUP, raised where Ctrl-C would be, so every clean-up path runs."""


@contextlib.contextmanager
def _signals_as_interrupt(received: list[int]) -> Iterator[None]:
    """While the command runs, SIGTERM and SIGHUP raise :class:`Terminated` (main thread only)."""

    def stop(signum: int, _frame: object) -> None:
        received.append(signum)
        raise Terminated(signum)

    previous = {}
    try:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            previous[sig] = signal.signal(sig, stop)
    except ValueError:  # not the main thread: leave the signals as they are
        pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
