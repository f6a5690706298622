"""The ``gait`` command line. Catches the project's errors and turns them into messages and exit codes."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from gait import pipeline
from gait.cache import default_cache_dir
from gait.errors import GaitError
from gait.video import probe

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
    console.print(f"[bold red]error:[/] {exc}")
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
        f"{video.name}: {track.n_frames} frames, person in {found} ({100 * found / track.n_frames:.0f}%),"
        f" {track.fps:.2f} fps clip, model {track.model}, {source} -> {npz}, {csv}"
    )


@app.callback()
def main() -> None:
    """gait turns a phone video of a run into measurements and advice."""
