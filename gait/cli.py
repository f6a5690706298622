"""The ``gait`` command line. Catches the project's errors and turns them into messages and exit codes."""

from __future__ import annotations

import atexit
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast, get_args

import typer
from rich.markup import escape
from rich.table import Table

# Only light modules here: a command imports what it needs (pose, video, reports) when it runs, so
# ``gait --help``, ``gait cache clear`` and ``gait compare`` on output folders start in a moment.
from gait import cache
from gait.advice import SYMPTOMS, headline, parse_symptoms
from gait.analysis import View
from gait.cli_options import (
    Backend,
    BackendOpt,
    CacheDirOpt,
    MarkerColourOpt,
    MarkersOpt,
    ModelOpt,
    NoCacheOpt,
    OutOpt,
    PersonOpt,
    SlowedByOpt,
    SymmetricOpt,
    ViewOpt,
    check_markers,
)
from gait.console import (
    ConsoleHandler,
    GaitCommand,
    GaitGroup,
    _num,
    batch_progress,
    console,
    frame_progress,
    known_answer_table,
    metrics_table,
    not_measurable_lines,
    quiet_native_stderr,
    silence_stderr,
)
from gait.errors import GaitError
from gait.fsutil import check_output_dir, os_error_sentence
from gait.logs import set_verbose, verbose_logs
from gait.options import NEEDS, SIDE, AnalyseOptions, ForcedView
from gait.pose.person import describe as describe_person

if TYPE_CHECKING:
    from gait.batch import ClipOutcome

#: Views a user may force with --view: ``side`` leaves the running direction to gait.
VIEWS: tuple[str, ...] = (*(v for v in get_args(View) if v != "oblique"), SIDE)
#: Bounds of --slow (a 10x copy of a 30 s clip is already five minutes) and of --max-height.
SLOW_MAX, MIN_HEIGHT_PX = 10, 144
#: Advice kinds the analyse command lists by title (the warning-sign list and notes stay in the report).
ADVICE_LISTED = frozenset({"action", "exercise", "form", "load", "general"})


app = typer.Typer(
    cls=GaitGroup, add_completion=False, no_args_is_help=True, help="Video gait analysis for runners."
)


def cache_folder(no_cache: bool, cache_dir: Path | None) -> Path | None:
    """The pose cache folder to use, or None when caching is off."""
    return None if no_cache else (cache_dir or cache.default_cache_dir())


def fail(exc: GaitError | OSError) -> typer.Exit:
    """Print the error's one sentence and return the exit to raise."""
    message = os_error_sentence(exc) if isinstance(exc, OSError) else str(exc)
    console.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code=2)


@app.command(cls=GaitCommand)
def pose(
    video: Annotated[Path, typer.Argument(help="The clip to analyse.")],
    out: OutOpt = Path("out"),
    model: ModelOpt = "full",
    backend: BackendOpt = Backend.mediapipe,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    symmetric: SymmetricOpt = None,
    person: PersonOpt = None,
) -> None:
    """Extract pose landmarks from VIDEO into OUT/<name>.pose.npz and a tidy CSV."""
    from gait.pose import pose_track, write_track

    started = time.perf_counter()
    try:
        check_output_dir(out, inputs=[video], names=[f"{video.stem}.pose.npz", f"{video.stem}.pose.csv"])
        with frame_progress(video) as on_frame:
            result = pose_track(
                video,
                model,
                cache_dir=cache_folder(no_cache, cache_dir),
                on_frame=on_frame,
                symmetric=symmetric,
                backend=backend.value,
                person=person,
            )
        npz, csv = write_track(result.track, out, video.stem)
    except (GaitError, OSError) as exc:
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
    console.print(escape(describe_person(track.meta.get("person"))))


@app.command(cls=GaitCommand)
def analyse(
    video: Annotated[Path, typer.Argument(help="The clip to analyse.")],
    out: OutOpt = Path("out"),
    model: ModelOpt = "full",
    backend: BackendOpt = Backend.mediapipe,
    view: ViewOpt = None,
    symptoms: Annotated[str, typer.Option(help="Comma-separated: " + ", ".join(SYMPTOMS) + "; none.")] = "",
    slow: Annotated[
        int,
        typer.Option(min=0, max=SLOW_MAX, help="Also write a slow-motion copy, N times slower (0: none)."),
    ] = 0,
    slowed_by: SlowedByOpt = 1.0,
    blur_faces: Annotated[bool, typer.Option("--blur-faces", help="Blur the head in the video.")] = False,
    no_video: Annotated[bool, typer.Option("--no-video", help="Skip the annotated video.")] = False,
    max_height: Annotated[
        int | None, typer.Option(min=MIN_HEIGHT_PX, help="Cap the annotated video's height, pixels.")
    ] = None,
    need: Annotated[
        str,
        typer.Option(help="Fail unless these can be measured, comma-separated: " + ", ".join(NEEDS) + "."),
    ] = "",
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    symmetric: SymmetricOpt = None,
    person: PersonOpt = None,
    markers: MarkersOpt = "auto",
    marker_colour: MarkerColourOpt = None,
    static: Annotated[
        Path | None,
        typer.Option(
            "--static",
            help="A clip of standing still, filmed from the same place: the stickers' resting tilt.",
        ),
    ] = None,
    static_block_mm: Annotated[
        float | None,
        typer.Option(
            min=1.0,
            max=60.0,
            help="The --static clip stands on a block this high under one foot: check the set-up instead.",
        ),
    ] = None,
) -> None:
    """Measure VIDEO and write the annotated video, summary.json, steps.csv and report.html into OUT."""
    from gait import pipeline
    from gait.known_answer import known_answers, load_truth

    if view is not None and view not in VIEWS:
        raise typer.BadParameter(
            f"{view!r} is not a view; choose from {', '.join(VIEWS)}.", param_hint="--view"
        )
    try:
        symptom_codes = tuple(sorted(parse_symptoms(s for s in symptoms.split(",") if s.strip())))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--symptoms") from exc
    if static_block_mm is not None and static is None:
        raise typer.BadParameter(
            "give the clip of standing on the block with --static.", param_hint="--static-block-mm"
        )
    needs = tuple(n.strip() for n in need.split(",") if n.strip())
    if unknown := [n for n in needs if n not in NEEDS]:
        raise typer.BadParameter(
            f"{', '.join(unknown)}: choose from {', '.join(NEEDS)}.", param_hint="--need"
        )
    try:
        options = AnalyseOptions(
            model=model,
            backend=backend.value,
            view=cast(ForcedView, view),
            symptoms=symptom_codes,
            slow=slow,
            blur_faces=blur_faces,
            write_video=not no_video,
            max_height_px=max_height,
            cache_dir=cache_folder(no_cache, cache_dir),
            need=needs,
            symmetric=symmetric,
            slowed_by=slowed_by,
            person=person,
            markers=check_markers(markers, marker_colour),
            marker_colour=marker_colour,
            static=static,
            static_block_mm=static_block_mm,
        )
        with frame_progress(video) as on_frame:
            result = pipeline.analyse_video(video, out, options, on_frame=on_frame)
    except (GaitError, OSError) as exc:
        raise fail(exc) from exc
    console.print(escape(describe_person(result.analysis.person)))
    console.print(metrics_table(result.analysis))
    if (truth := load_truth(video)) is not None:
        console.print(known_answer_table(known_answers(result.analysis, truth)))
    for finding in result.analysis.findings:
        console.print(f"[yellow]finding:[/] {escape(finding.message)}")
    for line in not_measurable_lines(result.analysis):
        console.print(f"[dim]not measured:[/] {escape(line)}")
    for note in result.analysis.quality_notes:
        console.print(f"[dim]note:[/] {escape(note)}")
    a = result.analysis
    console.print(f"[bold]{escape(headline(result.advice, a.findings, a.metrics, a.view.view).title)}[/]")
    for item in result.advice:
        if item.kind in ADVICE_LISTED and item.id != "not_a_diagnosis":
            console.print(f"[cyan]advice:[/] {escape(item.title)}")
    console.print(escape(f"{result.headline}\nreport: {result.paths['report']}"))


@app.command(cls=GaitCommand)
def batch(
    inputs: Annotated[
        list[str],
        typer.Argument(metavar="INPUT", help="Clips, folders (searched recursively) or glob patterns."),
    ],
    out: OutOpt = Path("out"),
    model: ModelOpt = "full",
    backend: BackendOpt = Backend.mediapipe,
    workers: Annotated[int, typer.Option(min=1, help="Clips analysed at once on a local Dask cluster.")] = 1,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of an existing Dask scheduler, e.g. tcp://host:8786.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Analyse every clip again, even those whose outputs are complete.")
    ] = False,
    no_video: Annotated[bool, typer.Option("--no-video", help="Skip the annotated videos.")] = False,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    person: PersonOpt = None,
    symmetric: SymmetricOpt = None,
    slowed_by: SlowedByOpt = 1.0,
    markers: MarkersOpt = "auto",
    marker_colour: MarkerColourOpt = None,
) -> None:
    """Analyse many clips, one sub-folder of OUT each, plus OUT/batch.csv and OUT/index.html.

    Exit code 0 when every clip was analysed, 1 when some failed (listed at the end), 2 for a bad
    command line. A rerun keeps the clips whose outputs are complete; --force redoes them.
    """
    from gait.batch import BATCH_CSV, analyse_batch, plan_batch
    from gait.report.batch import shown

    options = AnalyseOptions(
        model=model,
        backend=backend.value,
        write_video=not no_video,
        cache_dir=cache_folder(no_cache, cache_dir),
        person=person,
        symmetric=symmetric,
        slowed_by=slowed_by,
        markers=check_markers(markers, marker_colour),
        marker_colour=marker_colour,
    )
    try:
        plan = plan_batch(inputs, out)
    except (GaitError, OSError) as exc:
        raise fail(exc) from exc
    for repeat, original in plan.repeats.items():
        same_file = os.path.abspath(repeat) == os.path.abspath(original) or _same_file(repeat, original)
        what = "is given more than once" if same_file else f"has the same content as {shown(original)}"
        console.print(f"[dim]note:[/] {escape(shown(repeat))} {escape(what)}: analysed once.")
    counts = {"analysed": 0, "reused": 0, "failed": 0}
    with batch_progress(len(plan.items), per_clip=workers <= 1 and scheduler is None) as display:

        def on_outcome(outcome: ClipOutcome) -> None:
            kind = "reused" if outcome.reused else "analysed" if outcome.ok else "failed"
            counts[kind] += 1
            display.clip_done(outcome)
            if not outcome.reused:
                mark = "[green]ok[/]" if outcome.ok else "[bold red]failed[/]"
                console.print(f"{mark} {escape(shown(outcome.video))}: {escape(outcome.message)}")

        try:
            result = analyse_batch(
                plan,
                out,
                options,
                workers=workers,
                scheduler=scheduler,
                force=force,
                verbose=verbose_logs(),
                on_outcome=on_outcome,
                on_clip=display.clip_started,
            )
        except (GaitError, OSError) as exc:
            raise fail(exc) from exc
        except KeyboardInterrupt:
            display.stop()
            done = counts["analysed"] + counts["reused"]
            console.print(
                escape(
                    f"Interrupted: {done} of {len(plan.items)} clips reported analysed into {out};"
                    " clips still running wrote nothing; no batch.csv was written."
                )
            )
            if not verbose_logs():
                atexit.register(silence_stderr)  # runs before Dask's own exit hooks complain of the stop
            raise typer.Exit(code=130) from None
    n_ok = counts["analysed"] + counts["reused"]
    reused = f" ({counts['reused']} reused from an earlier run)" if counts["reused"] else ""
    console.print(
        escape(f"{n_ok} of {len(plan.items)} clips analysed into {out}{reused}; see {out / BATCH_CSV}")
    )
    if result.failed:
        console.print(f"[bold red]{len(result.failed)} failed:[/]")
        for outcome in result.failed:
            console.print(f"  {escape(shown(outcome.video))}: {escape(outcome.message)}")
    raise typer.Exit(code=result.exit_code)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


@app.command(cls=GaitCommand)
def compare(
    before: Annotated[Path, typer.Argument(help="The first visit: a clip, or a folder gait analysed.")],
    after: Annotated[Path, typer.Argument(help="The second visit: a clip, or a folder gait analysed.")],
    out: OutOpt = Path("out"),
    model: ModelOpt = "full",
    no_video: Annotated[bool, typer.Option("--no-video", help="Skip the annotated videos of clips.")] = False,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Compare two visits per metric and side against the detectable difference.

    Writes OUT/compare.json and OUT/compare.html (clips are analysed first into OUT/before and OUT/after).
    """
    from gait.comparison import compare as compare_visits

    options = AnalyseOptions(
        model=model, write_video=not no_video, cache_dir=cache_folder(no_cache, cache_dir)
    )
    try:
        result = compare_visits(before, after, out, options)
    except (GaitError, OSError) as exc:
        raise fail(exc) from exc
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if all(m.verdict == "not comparable" for m in result.metrics):  # one line, as on the page
        console.print(escape(result.summary))
        console.print(escape(f"compare: {out / 'compare.html'}, {out / 'compare.json'}"))
        return
    table = Table(title="before -> after", title_justify="left")
    for column in ("metric [unit]", "side", "before", "after", "change", "detectable", "verdict"):
        table.add_column(
            escape(column), justify="left" if column in ("metric [unit]", "side", "verdict") else "right"
        )
    for m in result.metrics:
        table.add_row(
            escape(f"{m.label} [{m.unit}]"),
            m.side,
            _num(m.before),
            _num(m.after),
            _num(m.change, signed=True),
            _num(m.detectable_difference),
            escape(m.verdict + (f" ({m.reason})" if m.verdict == "not comparable" else "")),
        )
    console.print(table)
    console.print(escape(result.summary))
    console.print(escape(f"compare: {out / 'compare.html'}, {out / 'compare.json'}"))


cache_app = typer.Typer(cls=GaitGroup, no_args_is_help=True, help="The cache of pose tracks.")
app.add_typer(cache_app, name="cache")


@cache_app.command("clear", cls=GaitCommand)
def cache_clear(cache_dir: CacheDirOpt = None) -> None:
    """Delete every cached pose track (the next analysis of each clip runs pose inference again)."""
    folder = cache_dir or cache.default_cache_dir()
    try:
        files, n_bytes = cache.clear(folder)
    except OSError as exc:
        raise fail(exc) from exc
    console.print(escape(f"Removed {files} cached pose track file(s), {n_bytes / 1e6:.1f} MB, from {folder}"))


@app.callback()
def main(
    ctx: typer.Context,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show every log line, the libraries' included.")
    ] = False,
) -> None:
    """gait turns a phone video of a run into measurements and advice."""
    ctx.call_on_close(set_verbose(verbose))
    handler = ConsoleHandler()
    gait_log = logging.getLogger("gait")
    gait_log.addHandler(handler)
    gait_log.propagate = False
    ctx.call_on_close(lambda: gait_log.removeHandler(handler))
    if not verbose:
        ctx.with_resource(quiet_native_stderr())
