"""Analyse many clips: in this process, or on a Dask cluster when one machine is not enough.

Inputs are files, folders (searched recursively for video files) or glob patterns. Each distinct
clip (by content) is one independent task writing into its own sub-folder, named after the file
plus a short hash of its content, so two ``run.mp4`` from different folders never collide and no
name can point outside the output folder. A clip that fails is reported and the others still
finish. A folder whose outputs are complete for this clip's content and these settings (its
``.gait-done.json`` says so, and every file it lists is there at its recorded size) is reused
without decoding the clip, so a batch that was stopped picks up where it was.

Dask (``dask.distributed``) schedules the tasks: a local cluster for ``workers > 1``, or an
existing scheduler by address (its workers need gait installed and the clips and output folder on
a shared filesystem). When the batch is interrupted, clips still running publish nothing: each
checks, just before publishing, that the batch's hidden ``.gait-batch-*.running`` marker in the
output folder is still there.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import logging
import os
import tempfile
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gait.cluster import analyse_on_worker, check_scheduler_address, scheduler_timeout_s, worker_env
from gait.errors import GaitError, InputError, OutputError
from gait.fsutil import (
    MANIFEST,
    atomic_path,
    check_output_dir,
    discard_partial,
    locked_output_dir,
    os_error_sentence,
    published_hashes,
    sha256_file,
    staged_files,
)
from gait.pipeline import ANNOTATED_VIDEO, SLOW_VIDEO, AnalyseOptions, analyse_video
from gait.report.batch import BatchRow, read_row_values, write_batch_csv, write_index_html

#: Message of a clip that was stopped because the batch was interrupted.
CANCELLED = "stopped: the batch was interrupted, nothing was written for this clip"
#: File extensions (any case) a folder given to a batch is searched for.
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mts", ".m2ts", ".3gp", ".mpg"})
#: Written into a clip's folder after its outputs were published: what they were made from.
DONE_MARKER = ".gait-done.json"
#: Hex digits of the content hash in a clip folder's name, and the most characters kept of its stem.
HASH_CHARS, STEM_CHARS = 10, 60
#: Files every complete clip folder has (the annotated video too unless --no-video).
ALWAYS_WRITTEN = ("summary.json", "steps.csv", "report.html")
#: Characters that make a pattern a glob rather than a file name.
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class ClipOutcome:
    """What happened to one clip of a batch."""

    video: Path
    out_dir: Path
    ok: bool
    message: str  # a one-line summary, or the error's sentence
    reused: bool = False  # complete outputs from an earlier run were kept; nothing was decoded


@dataclass(frozen=True)
class BatchItem:
    """One distinct clip of a batch and the folder its outputs go to."""

    video: Path
    digest: str | None  # sha256 of the content; None when the file cannot be read
    out_dir: Path


@dataclass(frozen=True)
class BatchPlan:
    """The clips of a batch: every input in order, and the distinct ones to analyse."""

    inputs: list[Path]
    items: list[BatchItem]
    repeats: dict[Path, Path] = field(default_factory=dict)  # a repeated input -> the input it repeats

    def item_of(self, video: Path) -> BatchItem:
        original = self.repeats.get(video, video)
        return next(item for item in self.items if item.video == original)


class BatchCancelled(GaitError):
    """The batch this clip belonged to was interrupted before the clip was published."""


def expand_inputs(inputs: Iterable[Path | str]) -> list[Path]:
    """Files, folders (searched recursively) and glob patterns -> the clip paths, in the order given.

    A folder yields its video files (by extension, any case) in sorted order, hidden files and
    folders left out. A path that exists is taken as it is, whatever its extension (the analysis
    judges it); a path that does not exist and has no glob characters is kept so its row can say
    so. Raises InputError for a pattern that matches nothing or a folder without video files.
    """
    paths: list[Path] = []
    for entry in inputs:
        path = Path(entry)
        if path.is_dir():
            found = _videos_in(path)
            if not found:
                raise InputError(
                    f"{_shown(path)} holds no video files ({', '.join(sorted(VIDEO_SUFFIXES))}):"
                    " give the folder your clips are in."
                )
            paths.extend(found)
        elif path.exists() or not (_GLOB_CHARS & set(str(entry))):
            paths.append(path)
        else:
            matches = sorted(glob.glob(os.fspath(entry), recursive=True))
            found = [p for m in matches for p in (_videos_in(Path(m)) if Path(m).is_dir() else [Path(m)])]
            if not found:
                raise InputError(f"{_shown(path)} matches no file: check the pattern, or quote it.")
            paths.extend(found)
    return paths


def _videos_in(folder: Path) -> list[Path]:
    """The video files below ``folder``, hidden ones and gait's own output folders left out: a batch
    run into a folder inside its input must not take its annotated videos for new clips (issue 22)."""
    found = []
    for root, dirs, files in os.walk(folder):
        if MANIFEST in files or DONE_MARKER in files:  # a folder gait wrote (a clip's, a batch's, ...)
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [
            Path(root) / f
            for f in sorted(files)
            if not f.startswith(".") and os.path.splitext(f)[1].lower() in VIDEO_SUFFIXES
        ]
    return found


def _shown(path: Path) -> str:
    """A path as text any UTF-8 file can hold (bytes that are not UTF-8 as ``\\xe9``)."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def content_digest(video: Path) -> str | None:
    """Hex sha256 of a clip's bytes, or None when it cannot be read (the analysis says why)."""
    try:
        return sha256_file(video) if Path(video).is_file() else None
    except OSError:
        return None


def clip_folder_name(video: Path, digest: str | None) -> str:
    """A readable, safe folder name: the file's stem (letters, digits, ``-_.`` kept) and a content hash.

    Without content (a missing file) the hash is of the path. The name never starts with a dot,
    never holds a separator, and so always stays inside the output folder.
    """
    stem = unicodedata.normalize("NFC", _shown(Path(os.path.splitext(video.name)[0])))
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem).strip("._")
    tag = digest or "p" + hashlib.sha256(os.fsencode(os.path.abspath(video))).hexdigest()
    return f"{safe[:STEM_CHARS] or 'clip'}-{tag[:HASH_CHARS]}"


def plan_batch(inputs: Iterable[Path | str], out_dir: Path) -> BatchPlan:
    """Expand the inputs, hash each clip's content, and give each distinct clip its folder.

    A clip given twice, however its path is spelt, or two files with the same content, are analysed
    once; the repeats are in ``repeats``.
    """
    paths = expand_inputs(inputs)
    items: dict[str, BatchItem] = {}  # by folder name
    by_identity: dict[str, Path] = {}  # content digest, or the absolute path of a file not read
    repeats: dict[Path, Path] = {}
    for video in paths:
        digest = content_digest(video)
        identity = digest or "path:" + os.path.abspath(video)
        if identity in by_identity:
            repeats[video] = by_identity[identity]
            continue
        by_identity[identity] = video
        name = clip_folder_name(video, digest)
        while name in items:  # two files named alike whose hashes share their first digits
            name += "_"
        items[name] = BatchItem(video, digest, Path(out_dir) / name)
    return BatchPlan(paths, list(items.values()), repeats)


def settings_of(options: AnalyseOptions) -> dict[str, object]:
    """The settings a clip folder's outputs depend on (the cache folder is not one of them)."""
    from gait.models import resolve_model

    settings = asdict(options)
    settings.pop("cache_dir")
    try:
        settings["model_sha256"] = resolve_model(options.model).sha256
    except GaitError:
        settings["model_sha256"] = None  # each clip fails with the model's own sentence
    return json.loads(json.dumps(settings, default=str))


def expected_files(options: AnalyseOptions) -> tuple[str, ...]:
    """The files a complete clip folder holds for these options."""
    videos = (ANNOTATED_VIDEO,) * options.write_video + (SLOW_VIDEO,) * (
        options.write_video and options.slow > 1
    )
    return ALWAYS_WRITTEN + videos


def is_complete(item: BatchItem, options: AnalyseOptions, settings: dict[str, object]) -> bool:
    """True when ``item``'s folder holds complete outputs of this content with these settings.

    Reads the folder's marker and checks each listed file is there with its recorded content hash
    (a size alone let a summary.json overwritten with garbage of the same size pass, issue 22); the
    clip itself is not opened beyond the hash already taken.
    """
    if item.digest is None:
        return False
    try:
        marker = json.loads((item.out_dir / DONE_MARKER).read_text(encoding="utf-8"))
        files = marker["files"]
        return (
            marker.get("sha256") == item.digest
            and marker.get("settings") == settings
            and set(files) == set(expected_files(options))
            and all(sha256_file(item.out_dir / name) == digest for name, digest in files.items())
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def mark_complete(item: BatchItem, options: AnalyseOptions, settings: dict[str, object]) -> None:
    """Record, after publishing, what ``item``'s outputs were made from (atomically), with each
    output's hash as publishing recorded it in the folder's manifest."""
    hashes = published_hashes(item.out_dir)
    files = {name: hashes.get(name) or sha256_file(item.out_dir / name) for name in expected_files(options)}
    text = json.dumps({"sha256": item.digest, "settings": settings, "files": files}, indent=1)
    with atomic_path(item.out_dir / DONE_MARKER) as tmp:
        tmp.write_text(text, encoding="utf-8")


def analyse_one(
    video: Path,
    out_dir: Path,
    options: AnalyseOptions,
    running: Path | None = None,
    on_frame: Callable[[int], None] | None = None,
    digest: str | None = None,
    settings: dict[str, object] | None = None,
) -> ClipOutcome:
    """Analyse one clip; the project's errors become a failed outcome instead of an exception.

    ``running``: the batch's marker file; when it is gone the batch was interrupted and nothing is
    published. With ``digest`` and ``settings`` the folder's completion marker is removed first and
    written again once the outputs are published, so a run killed in between is redone next time.
    """

    def still_wanted() -> None:
        if running is not None and not running.exists():
            raise BatchCancelled(CANCELLED)

    item = BatchItem(video, digest, out_dir)
    try:
        if settings is not None:
            (out_dir / DONE_MARKER).unlink(missing_ok=True)
        result = analyse_video(video, out_dir, options, on_frame=on_frame, before_publish=still_wanted)
        if settings is not None and digest is not None:
            mark_complete(item, options, settings)
    except GaitError as exc:
        return ClipOutcome(video, out_dir, ok=False, message=str(exc))
    except OSError as exc:
        return ClipOutcome(video, out_dir, ok=False, message=os_error_sentence(exc))
    return ClipOutcome(video, out_dir, ok=True, message=result.headline)


def run_batch(
    videos: Sequence[Path] | BatchPlan,
    out_dir: Path,
    options: AnalyseOptions,
    workers: int = 1,
    scheduler: str | None = None,
    verbose: bool = False,
    force: bool = False,
    on_clip: Callable[[Path], Callable[[int], None] | None] | None = None,
) -> Generator[ClipOutcome, None, None]:
    """Yield each distinct clip's outcome as it finishes (in finishing order when run on Dask).

    Clips whose folder is already complete come first, as ``reused`` outcomes, unless ``force``.
    ``on_clip(video)``, in this process only, may return a per-frame callback for that clip.
    Raises OutputError before any work when ``out_dir`` cannot be the output folder.
    """
    check_output_dir(out_dir)
    if scheduler is not None:
        check_scheduler_address(scheduler)
    plan = videos if isinstance(videos, BatchPlan) else plan_batch(videos, out_dir)
    settings = settings_of(options)
    todo = []
    for item in plan.items:
        if not force and is_complete(item, options, settings):
            yield ClipOutcome(item.video, item.out_dir, ok=True, message="complete outputs kept", reused=True)
        else:
            todo.append(item)
    if workers <= 1 and scheduler is None:
        for item in todo:
            on_frame = on_clip(item.video) if on_clip else None
            yield _tidy(analyse_one(item.video, item.out_dir, options, None, on_frame, item.digest, settings))
        return
    made_out_dir = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, marker = tempfile.mkstemp(prefix=".gait-batch-", suffix=".running", dir=out_dir)
    os.close(fd)
    try:
        for outcome in _run_on_dask(todo, options, settings, workers, scheduler, Path(marker), verbose):
            yield _tidy(outcome)
    except BaseException:
        if scheduler is None:  # the local cluster is closed, its workers stopped mid-clip: tidy after them
            for item in todo:
                discard_partial(item.out_dir)
        raise
    finally:
        Path(marker).unlink(missing_ok=True)  # first thing on Ctrl-C: running clips publish nothing
        if made_out_dir:
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # only when empty: every clip failed or was stopped


def _tidy(outcome: ClipOutcome) -> ClipOutcome:
    """A failed clip leaves no folder behind (an earlier run's complete outputs stay)."""
    if not outcome.ok:
        with contextlib.suppress(OSError):
            outcome.out_dir.rmdir()  # only when empty
    return outcome


def _run_on_dask(
    items: list[BatchItem],
    options: AnalyseOptions,
    settings: dict[str, object],
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
                env=worker_env(workers),
            )
        )
        timeout_s = scheduler_timeout_s()
        try:
            client = stack.enter_context(Client(target, timeout=timeout_s))
        except (OSError, TimeoutError) as exc:
            raise GaitError(
                f"Cannot reach the Dask scheduler at {scheduler} within {timeout_s:g} s: start it"
                " (`dask scheduler`) or check the address."
            ) from exc
        futures = {
            client.submit(
                analyse_on_worker,
                verbose,
                i.video,
                i.out_dir,
                options,
                running,
                None,
                i.digest,
                settings,
                pure=False,
            ): i
            for i in items
        }
        try:
            for future in as_completed(futures):
                item = futures[future]
                if future.status == "error":  # a crash that is not one of gait's errors
                    message = f"unexpected failure: {future.exception()!r}"
                    yield ClipOutcome(item.video, item.out_dir, ok=False, message=message)
                else:
                    yield future.result()
        except BaseException:  # Ctrl-C, or the caller stopped reading: stop what has not started
            running.unlink(missing_ok=True)
            client.cancel(list(futures))
            raise


#: The batch's own files at the top of its output folder.
BATCH_CSV, INDEX_HTML = "batch.csv", "index.html"
BATCH_FILES = (BATCH_CSV, INDEX_HTML)


@dataclass(frozen=True)
class BatchResult:
    """A finished batch: one row per input (as in batch.csv) and the distinct clips' outcomes."""

    out_dir: Path
    rows: list[BatchRow]
    outcomes: list[ClipOutcome]

    @property
    def failed(self) -> list[ClipOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def exit_code(self) -> int:
        """0 when every clip has its outputs, 1 when some failed."""
        return 1 if self.failed else 0


def analyse_batch(
    inputs: Iterable[Path | str] | BatchPlan,
    out_dir: Path,
    options: AnalyseOptions | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    force: bool = False,
    verbose: bool = False,
    on_outcome: Callable[[ClipOutcome], None] | None = None,
    on_clip: Callable[[Path], Callable[[int], None] | None] | None = None,
) -> BatchResult:
    """Analyse every clip of ``inputs`` into its own folder of ``out_dir``; write batch.csv and index.html.

    The output folder is locked for the batch (a second batch into it is refused at once); clips
    already complete are reused unless ``force``. ``on_outcome`` hears of each clip as it finishes.
    Raises InputError or OutputError, before any work, for inputs or an output folder that cannot
    be used. When interrupted, no batch.csv is written and a folder this call made is removed if
    it is empty.
    """
    out_dir = Path(out_dir)
    options = options or AnalyseOptions()
    check_output_dir(out_dir, names=BATCH_FILES)
    plan = inputs if isinstance(inputs, BatchPlan) else plan_batch(inputs, out_dir)
    made = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"Cannot create {out_dir} ({exc.strerror}): choose an --out folder you can write to."
        ) from exc
    outcomes: list[ClipOutcome] = []
    try:
        with locked_output_dir(out_dir):
            _remove_stale_batch_files(out_dir)
            runs = run_batch(plan, out_dir, options, workers, scheduler, verbose, force, on_clip)
            with contextlib.closing(runs):
                for outcome in runs:
                    outcomes.append(outcome)
                    if on_outcome is not None:
                        on_outcome(outcome)
            rows = batch_rows(plan, outcomes, out_dir)
            with staged_files(out_dir, names=BATCH_FILES) as staged:
                write_batch_csv(staged.folder / BATCH_CSV, rows)
                write_index_html(staged.folder / INDEX_HTML, rows, f"gait batch: {_shown(out_dir)}")
    except BaseException:
        if made:
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # only when empty
        raise
    return BatchResult(out_dir, rows, outcomes)


def _remove_stale_batch_files(out_dir: Path) -> None:
    """Temporary files and markers a killed batch left at the top of ``out_dir`` (we hold its lock)."""
    for pattern in (".gait-batch-*.running", ".gait-*.part.*"):
        for path in out_dir.glob(pattern):
            with contextlib.suppress(OSError):
                path.unlink()


def batch_rows(plan: BatchPlan, outcomes: Sequence[ClipOutcome], out_dir: Path) -> list[BatchRow]:
    """One row per input, in the order given; numbers from each clip's summary.json."""
    by_video = {o.video: o for o in outcomes}
    rows = []
    for video in plan.inputs:
        item = plan.item_of(video)
        outcome = by_video.get(item.video)
        if outcome is None:
            continue
        repeat = plan.repeats.get(video)
        same = f"same clip as {_shown(repeat)}" if repeat is not None else ""
        if outcome.ok:
            status = "reused" if outcome.reused else "analysed"
            try:
                values = read_row_values(item.out_dir)
            except (OSError, ValueError, KeyError) as exc:
                status, values = "failed", {}
                same = f"its summary.json cannot be read ({exc})"
            folder = os.path.relpath(item.out_dir, out_dir) if status != "failed" else ""
            rows.append(BatchRow(_shown(video), status, same, _shown(Path(folder)) if folder else "", values))
        else:
            reason = f"{same}: {outcome.message}" if same else outcome.message
            rows.append(BatchRow(_shown(video), "failed", reason, "", {}))
    return rows
