"""The ``gait`` command line. Catches the project's errors and turns them into messages and exit codes."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, cast, get_args

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from gait import pipeline
from gait.advice import SYMPTOMS, headline, parse_symptoms
from gait.analysis import Analysis, View
from gait.batch import run_batch
from gait.cache import default_cache_dir
from gait.errors import GaitError
from gait.fsutil import check_output_dir
from gait.pipeline import NEEDS, AnalyseOptions
from gait.thresholds import MIN_STEPS_FOR_VERDICT
from gait.video import probe

#: Views a user may force with --view.
VIEWS = tuple(v for v in get_args(View) if v != "oblique")
#: Advice kinds the analyse command lists by title (the warning-sign list and notes stay in the report).
ADVICE_LISTED = frozenset({"action", "exercise", "form", "load", "general"})

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Video gait analysis for runners.")
console = Console(stderr=True)

ModelOpt = Annotated[
    str,
    typer.Option(
        "--model", "-m", help="Pose model: 'full' (faster), 'heavy' (more accurate) or a .task path."
    ),
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder for the outputs.")]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Run pose inference even if a cached track exists.")
]


@contextlib.contextmanager
def frame_progress(video: Path) -> Iterator[Callable[[int], None]]:
    """A progress bar over the clip's frames with frames/s and ETA; yields the per-frame callback."""
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

        def advance(_index: int) -> None:
            progress.advance(task)
            speed = progress.tasks[task].speed
            progress.update(task, fps=f"{speed:5.1f}" if speed else "  -")

        yield advance


def fail(exc: GaitError) -> typer.Exit:
    """Print the error's one sentence and return the exit to raise."""
    console.print(f"[bold red]error:[/] {escape(str(exc))}")
    return typer.Exit(code=2)


@app.command()
def pose(
    video: Annotated[Path, typer.Argument(help="The clip to analyse.")],
    out: OutOpt = Path("out"),
    model: ModelOpt = "full",
    no_cache: NoCacheOpt = False,
) -> None:
    """Extract pose landmarks from VIDEO into OUT/<name>.pose.npz and a tidy CSV."""
    started = time.perf_counter()
    try:
        check_output_dir(out)
        with frame_progress(video) as on_frame:
            result = pipeline.pose_track(
                video, model, cache_dir=None if no_cache else default_cache_dir(), on_frame=on_frame
            )
        npz, csv = pipeline.write_track(result.track, out, video.stem)
    except GaitError as exc:
        raise fail(exc) from exc
    track = result.track
    elapsed_s = time.perf_counter() - started
    found = int(track.person_found.sum())
    source = "cache" if result.from_cache else f"{track.n_frames / elapsed_s:.1f} frames/s"
    console.print(
        escape(
            f"{video.name}: {track.n_frames} frames, person in {found} ({100 * found / track.n_frames:.0f}%),"
            f" {track.fps:.2f} fps clip, model {track.model}, {source} -> {npz}, {csv}"
        )
    )


ViewOpt = Annotated[
    str | None,
    typer.Option(
        "--view", help="Force the camera view: rear, front, side_left, side_right (default: detect)."
    ),
]


def metrics_table(analysis: Analysis) -> Table:
    """The measured values: median, spread, steps, confidence and verdict, with each metric's unit."""
    title = f"{analysis.view.view} view ({analysis.view.confidence:.0%} sure)"
    table = Table(title=title, title_justify="left")
    for column in ("metric [unit]", "side", "median", "IQR", "steps", "confidence", "verdict"):
        justify = "left" if column in ("metric [unit]", "side", "verdict") else "right"
        table.add_column(escape(column), justify=justify)  # type: ignore[arg-type]
    for m in analysis.metrics:
        if m.measurable:
            few = m.n_steps < MIN_STEPS_FOR_VERDICT
            verdict = m.band or (f"no verdict (<{MIN_STEPS_FOR_VERDICT} steps)" if few else "-")
            table.add_row(
                escape(f"{m.label} [{m.unit}]"),
                m.side,
                f"{m.median:.2f}",
                f"{m.iqr:.2f}",
                str(m.n_steps),
                f"{m.confidence:.0%}",
                verdict,
            )
    return table


def not_measurable_lines(analysis: Analysis) -> list[str]:
    """One line per reason a metric has no value in this clip, naming the metrics it covers."""
    by_reason: dict[str, list[str]] = {}
    for m in analysis.metrics:
        if not m.measurable and m.label not in by_reason.setdefault(m.reason, []):
            by_reason[m.reason].append(m.label)
    return [f"{', '.join(labels)}: {reason}" for reason, labels in by_reason.items()]


@app.command()
def analyse(
    video: Annotated[Path, typer.Argument(help="The clip to analyse.")],
    out: OutOpt = Path("out"),
    model: ModelOpt = "full",
    view: ViewOpt = None,
    symptoms: Annotated[str, typer.Option(help="Comma-separated: " + ", ".join(SYMPTOMS) + "; none.")] = "",
    slow: Annotated[int, typer.Option(help="Also write a slow-motion copy, N times slower (0: none).")] = 0,
    blur_faces: Annotated[bool, typer.Option("--blur-faces", help="Blur the head in the video.")] = False,
    no_video: Annotated[bool, typer.Option("--no-video", help="Skip the annotated video.")] = False,
    max_height: Annotated[int | None, typer.Option(help="Cap the annotated video's height, pixels.")] = None,
    need: Annotated[
        str,
        typer.Option(help="Fail unless these can be measured, comma-separated: " + ", ".join(NEEDS) + "."),
    ] = "",
    no_cache: NoCacheOpt = False,
) -> None:
    """Measure VIDEO and write the annotated video, summary.json, steps.csv and report.html into OUT."""
    if view is not None and view not in VIEWS:
        raise typer.BadParameter(
            f"{view!r} is not a view; choose from {', '.join(VIEWS)}.", param_hint="--view"
        )
    try:
        symptom_codes = tuple(sorted(parse_symptoms(s for s in symptoms.split(",") if s.strip())))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--symptoms") from exc
    needs = tuple(n.strip() for n in need.split(",") if n.strip())
    if unknown := [n for n in needs if n not in NEEDS]:
        raise typer.BadParameter(
            f"{', '.join(unknown)}: choose from {', '.join(NEEDS)}.", param_hint="--need"
        )
    try:
        options = AnalyseOptions(
            model=model,
            view=cast(View, view),
            symptoms=symptom_codes,
            slow=slow,
            blur_faces=blur_faces,
            write_video=not no_video,
            max_height_px=max_height,
            cache_dir=None if no_cache else default_cache_dir(),
            need=needs,
        )
        with frame_progress(video) as on_frame:
            result = pipeline.analyse_video(video, out, options, on_frame=on_frame)
    except GaitError as exc:
        raise fail(exc) from exc
    console.print(metrics_table(result.analysis))
    for finding in result.analysis.findings:
        console.print(f"[yellow]finding:[/] {escape(finding.message)}")
    for line in not_measurable_lines(result.analysis):
        console.print(f"[dim]not measured:[/] {escape(line)}")
    for note in result.analysis.quality_notes:
        console.print(f"[dim]note:[/] {escape(note)}")
    console.print(f"[bold]{escape(headline(result.advice, result.analysis.findings).title)}[/]")
    for item in result.advice:
        if item.kind in ADVICE_LISTED and item.id != "not_a_diagnosis":
            console.print(f"[cyan]advice:[/] {escape(item.title)}")
    console.print(escape(f"{result.headline}\nreport: {result.paths['report']}"))


@app.command()
def batch(
    videos: Annotated[list[Path], typer.Argument(help="Clips to analyse.")],
    out: OutOpt = Path("out"),
    model: ModelOpt = "full",
    workers: Annotated[int, typer.Option(help="Clips analysed at once on a local Dask cluster.")] = 1,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of an existing Dask scheduler, e.g. tcp://host:8786.")
    ] = None,
    no_video: Annotated[bool, typer.Option("--no-video", help="Skip the annotated videos.")] = False,
    no_cache: NoCacheOpt = False,
) -> None:
    """Analyse many clips, one sub-folder of OUT each; the others finish when one fails."""
    options = AnalyseOptions(
        model=model, write_video=not no_video, cache_dir=None if no_cache else default_cache_dir()
    )
    failed = 0
    try:
        for outcome in run_batch(videos, out, options, workers=workers, scheduler=scheduler):
            failed += not outcome.ok
            mark = "[green]ok[/]" if outcome.ok else "[bold red]failed[/]"
            console.print(f"{mark} {escape(outcome.video.name)}: {escape(outcome.message)}")
    except GaitError as exc:
        raise fail(exc) from exc
    console.print(escape(f"{len(videos) - failed} of {len(videos)} clips analysed into {out}"))
    if failed:
        raise typer.Exit(code=2)


@app.callback()
def main() -> None:
    """gait turns a phone video of a run into measurements and advice."""
