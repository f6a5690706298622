"""Analyse many clips: in this process, or on a Dask cluster when one machine is not enough.

Each clip is one independent task writing into its own sub-folder; a clip that fails is reported
and the others still finish. Dask (``dask.distributed``) schedules the tasks: a local cluster for
``workers > 1``, or an existing scheduler by address (its workers need gait installed and the clips
and output folder on a shared filesystem).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gait.errors import GaitError
from gait.pipeline import AnalyseOptions, analyse_video


@dataclass(frozen=True)
class ClipOutcome:
    """What happened to one clip of a batch."""

    video: Path
    out_dir: Path
    ok: bool
    message: str  # a one-line summary, or the error's sentence


def output_dirs(videos: Iterable[Path], out_dir: Path) -> dict[Path, Path]:
    """One sub-folder per clip, named after its file; a repeated name gets a numeric suffix."""
    dirs: dict[Path, Path] = {}
    used: set[str] = set()
    for video in videos:
        name, n = video.stem, 1
        while name in used:
            n += 1
            name = f"{video.stem}-{n}"
        used.add(name)
        dirs[video] = out_dir / name
    return dirs


def analyse_one(video: Path, out_dir: Path, options: AnalyseOptions) -> ClipOutcome:
    """Analyse one clip; the project's errors become a failed outcome instead of an exception."""
    try:
        result = analyse_video(video, out_dir, options)
    except GaitError as exc:
        return ClipOutcome(video, out_dir, ok=False, message=str(exc))
    return ClipOutcome(video, out_dir, ok=True, message=result.headline)


def run_batch(
    videos: list[Path],
    out_dir: Path,
    options: AnalyseOptions,
    workers: int = 1,
    scheduler: str | None = None,
) -> Iterator[ClipOutcome]:
    """Yield each clip's outcome as it finishes (in finishing order when run on Dask)."""
    dirs = output_dirs(videos, out_dir)
    if workers <= 1 and scheduler is None:
        for video in videos:
            yield analyse_one(video, dirs[video], options)
        return
    yield from _run_on_dask(dirs, options, workers, scheduler)


def _run_on_dask(
    dirs: dict[Path, Path], options: AnalyseOptions, workers: int, scheduler: str | None
) -> Iterator[ClipOutcome]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise GaitError("Parallel batches need Dask: install it with `pip install 'gait[dask]'`.") from exc
    with contextlib.ExitStack() as stack:
        target = scheduler or stack.enter_context(
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        )
        client = stack.enter_context(Client(target))
        futures = {client.submit(analyse_one, v, d, options, pure=False): v for v, d in dirs.items()}
        for future in as_completed(futures):
            video = futures[future]
            if future.status == "error":  # a crash that is not one of gait's errors
                message = f"unexpected failure: {future.exception()!r}"
                yield ClipOutcome(video, dirs[video], ok=False, message=message)
            else:
                yield future.result()
