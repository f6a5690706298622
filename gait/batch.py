"""Analyse many clips: in this process, or on a Dask cluster when one machine is not enough.

Each clip is one independent task writing into its own sub-folder; a clip that fails is reported
and the others still finish. Dask (``dask.distributed``) schedules the tasks: a local cluster for
``workers > 1``, or an existing scheduler by address (its workers need gait installed and the clips
and output folder on a shared filesystem). A clip given twice is analysed once. When the batch is
interrupted, clips still running publish nothing: each checks, just before publishing, that the
batch's hidden ``.gait-batch-*.running`` marker in the output folder is still there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gait.errors import GaitError
from gait.fsutil import check_output_dir, discard_partial, os_error_sentence
from gait.pipeline import AnalyseOptions, analyse_video

#: Message of a clip that was stopped because the batch was interrupted.
CANCELLED = "stopped: the batch was interrupted, nothing was written for this clip"


@dataclass(frozen=True)
class ClipOutcome:
    """What happened to one clip of a batch."""

    video: Path
    out_dir: Path
    ok: bool
    message: str  # a one-line summary, or the error's sentence


class BatchCancelled(GaitError):
    """The batch this clip belonged to was interrupted before the clip was published."""


def distinct_clips(videos: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The clips in order with repeats left out, and the repeats (same file, however the path is spelt)."""
    seen: set[object] = set()
    distinct, repeats = [], []
    for video in videos:
        try:
            stat = os.stat(video)
            identity: object = (stat.st_dev, stat.st_ino)
        except OSError:  # missing or unreadable: the analysis reports it; compare by path
            identity = os.path.abspath(video)
        if identity in seen:
            repeats.append(video)
        else:
            seen.add(identity)
            distinct.append(video)
    return distinct, repeats


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


def analyse_one(
    video: Path, out_dir: Path, options: AnalyseOptions, running: Path | None = None
) -> ClipOutcome:
    """Analyse one clip; the project's errors become a failed outcome instead of an exception.

    ``running``: the batch's marker file; when it is gone the batch was interrupted and nothing is published.
    """

    def still_wanted() -> None:
        if running is not None and not running.exists():
            raise BatchCancelled(CANCELLED)

    try:
        result = analyse_video(video, out_dir, options, before_publish=still_wanted)
    except GaitError as exc:
        return ClipOutcome(video, out_dir, ok=False, message=str(exc))
    except OSError as exc:  # the disk, not the clip: this clip fails, the others go on
        return ClipOutcome(video, out_dir, ok=False, message=os_error_sentence(exc))
    return ClipOutcome(video, out_dir, ok=True, message=result.headline)


def run_batch(
    videos: list[Path],
    out_dir: Path,
    options: AnalyseOptions,
    workers: int = 1,
    scheduler: str | None = None,
    verbose: bool = False,
) -> Generator[ClipOutcome, None, None]:
    """Yield each distinct clip's outcome as it finishes (in finishing order when run on Dask).

    Raises OutputError before any work when ``out_dir`` cannot be the output folder.
    """
    check_output_dir(out_dir)
    dirs = output_dirs(distinct_clips(videos)[0], out_dir)
    if workers <= 1 and scheduler is None:
        for video, clip_dir in dirs.items():
            yield analyse_one(video, clip_dir, options)
        return
    made_out_dir = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, marker = tempfile.mkstemp(prefix=".gait-batch-", suffix=".running", dir=out_dir)
    os.close(fd)
    try:
        yield from _run_on_dask(dirs, options, workers, scheduler, Path(marker), verbose)
    except BaseException:
        if scheduler is None:  # the local cluster is closed, its workers stopped mid-clip: tidy after them
            for clip_dir in dirs.values():
                discard_partial(clip_dir)
        raise
    finally:
        Path(marker).unlink(missing_ok=True)  # first thing on Ctrl-C: running clips publish nothing
        if made_out_dir:
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # only when empty: every clip failed or was stopped


def _run_on_dask(
    dirs: dict[Path, Path],
    options: AnalyseOptions,
    workers: int,
    scheduler: str | None,
    running: Path,
    verbose: bool,
) -> Iterator[ClipOutcome]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise GaitError("Parallel batches need Dask: install it with `pip install 'gait[dask]'`.") from exc
    with contextlib.ExitStack() as stack:
        target = scheduler or stack.enter_context(
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.INFO if verbose else logging.ERROR,
            )
        )
        client = stack.enter_context(Client(target))
        futures = {client.submit(analyse_one, v, d, options, running, pure=False): v for v, d in dirs.items()}
        try:
            for future in as_completed(futures):
                video = futures[future]
                if future.status == "error":  # a crash that is not one of gait's errors
                    message = f"unexpected failure: {future.exception()!r}"
                    yield ClipOutcome(video, dirs[video], ok=False, message=message)
                else:
                    yield future.result()
        except BaseException:  # Ctrl-C, or the caller stopped reading: stop what has not started
            running.unlink(missing_ok=True)
            client.cancel(list(futures))
            raise
