"""The one place that chains the stages: video -> PoseTrack -> Analysis -> outputs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from gait import stream
from gait.advice import AdviceItem, build_advice
from gait.analysis import Analysis
from gait.engine import analyse_track
from gait.errors import AnalysisError, InputError
from gait.fsutil import staged_output
from gait.markers import MarkerTrack, find_markers, resting_tilt_of
from gait.metrics.pelvis import block_check
from gait.options import NEEDS, AnalyseOptions
from gait.pose import DEFAULT_MAX_SIDE_PX, camera_tilt, person_box, pose_track
from gait.render import Annotator
from gait.report import write_reports
from gait.track import PoseTrack
from gait.video import Frame, VideoInfo, frames_at, iter_frames_sized
from gait.video_out import H264Writer, output_size, to_yuv420
from gait.views import classify_view, resolve_view

#: The annotated video's longer side at most (px; ``--max-height`` caps it further): the size the pose
#: model read the frames at. A 1080x1920 video costs 2.3 times as much to draw and encode as a
#: 720x1280 one, more than pose inference itself on a 2-core machine.
VIDEO_MAX_SIDE_PX = DEFAULT_MAX_SIDE_PX
#: Name of the annotated video (and its slow-motion copy) in the output folder.
ANNOTATED_VIDEO = "annotated.mp4"
SLOW_VIDEO = "annotated_slow.mp4"
#: Every file ``gait analyse`` writes into (or, when not made this time, removes from) the output folder.
OUTPUT_FILES = (ANNOTATED_VIDEO, SLOW_VIDEO, "report.html", "summary.json", "steps.csv")


@dataclass(frozen=True)
class AnalyseResult:
    """The analysis of one clip and the files written for it."""

    analysis: Analysis
    info: VideoInfo
    paths: dict[str, Path]
    from_cache: bool
    advice: tuple[AdviceItem, ...] = ()

    @property
    def headline(self) -> str:
        a = self.analysis
        return (
            f"{self.info.name}: {a.view.view} view ({a.view.confidence:.0%}), {a.steps.n} steps,"
            f" {len(a.findings)} finding(s)"
        )


def analyse_video(
    video: Path,
    out_dir: Path,
    options: AnalyseOptions,
    on_frame: Callable[[int], None] | None = None,
    before_publish: Callable[[], None] | None = None,
) -> AnalyseResult:
    """Pose, tilt, metrics and advice for one clip; write its outputs into ``out_dir``.

    ``out_dir`` is checked and locked before any work. Outputs are built in a hidden staging folder
    inside it and moved in only when all succeeded, so a failure leaves no half-written file; videos
    of an earlier run that this run did not make (``--no-video``, no ``--slow``) are removed.
    ``before_publish`` may raise to call the publishing off (an interrupted batch).
    """
    video, out_dir = Path(video), Path(out_dir)
    with staged_output(out_dir, (video,), OUTPUT_FILES, before_publish) as staged:
        result = pose_track(
            video,
            options.model,
            options.cache_dir,
            on_frame=on_frame,
            symmetric=options.symmetric,
            backend=options.backend,
            person=options.person,
            view=options.view,
        )
        tilt = camera_tilt(video, result.track)
        track = result.track.retimed(options.slowed_by)  # the clock it was filmed by (--slowed-by)
        analysis = analyse_track(
            track,
            view=resolve_view(options.view, track),
            tilt_deg=tilt.tilt_deg if tilt else None,
            tilt_uncertainty_deg=tilt.uncertainty_deg if tilt else None,
            pitch_deg=tilt.pitch_deg if tilt else None,
            markers=psis_markers(video, result.info, track, options),
        )
        require_measurable(analysis, options.need)
        advice = build_advice(analysis.findings, analysis.metrics, options.symptoms)
        still = annotated_outputs(video, result.info, analysis, staged.folder, options)
        write_reports(
            staged.folder,
            analysis,
            advice,
            clip=result.info,
            video_file=ANNOTATED_VIDEO if options.write_video else None,
            still_bgr=still,
            symptoms=options.symptoms,
        )
    return AnalyseResult(analysis, result.info, staged.published, result.from_cache, tuple(advice))


def psis_markers(
    video: Path, info: VideoInfo, track: PoseTrack, options: AnalyseOptions
) -> MarkerTrack | None:
    """The PSIS stickers of a rear view (a pass over the frames), None when not looked for: another
    view, or ``--markers none``. With ``--markers psis`` a clip without them is an InputError."""
    rear = (options.view or classify_view(track).view) == "rear"
    if options.markers == "none" or not rear:
        return None
    markers = find_markers(video, info, track, options.marker_colour)
    if options.static is not None and markers.usable:
        still = pose_track(options.static, options.model, options.cache_dir, backend=options.backend)
        tilt = resting_tilt_of(options.static, still.info, still.track, markers.hue_deg)
        if options.static_block_mm is None:
            markers = replace(markers, resting_from=options.static.name, resting_tilt=tilt)
        else:
            check = block_check(markers.standing_tilt_deg(), tilt, options.static_block_mm)
            markers = replace(markers, block_check=check)
    if options.markers == "psis" and markers.too_small:
        raise InputError(
            f"The PSIS stickers in {video.name} are only {markers.diameter_px:.0f} px across, too small to "
            "measure: film from 3 m, or at a higher resolution."
        )
    if options.markers == "psis" and not markers.usable:
        colour = f" {options.marker_colour}" if options.marker_colour else ""
        raise InputError(
            f"No pair of{colour} PSIS stickers was found on the runner's low back in {video.name}: check "
            "they are in view and saturated in colour, name it with --marker-colour, or use --markers auto."
        )
    return markers


def require_measurable(analysis: Analysis, needs: tuple[str, ...]) -> None:
    """Raise AnalysisError, naming the reason and the fix, when a needed measurement has no value."""
    for need in needs:
        summary = analysis.metric(NEEDS[need], "both")
        if summary is None or not summary.measurable:
            reason = summary.reason if summary else "not computed"
            raise AnalysisError(f"This clip cannot give {need.replace('-', ' ')} ({reason}).")


def annotated_outputs(
    video: Path, info: VideoInfo, analysis: Analysis, folder: Path, options: AnalyseOptions
) -> np.ndarray | None:
    """Write the annotated video(s) into ``folder``; return the annotated still of the worst step.

    A second decoding pass over the clip: drawing needs the whole clip's events and medians. Frames
    are decoded at the video's size and drawn on there (the drawing scales with the frame), so
    neither drawing nor encoding pays for pixels the video does not keep. Decoding, drawing (with
    the conversion to the encoder's YUV) and encoding (on this thread) overlap (:mod:`gait.stream`).
    """
    assert analysis.track is not None
    worst = analysis.worst_step
    if not options.write_video:
        track = analysis.track
        annotator = Annotator(analysis, track, blur_faces=options.blur_faces)
        frames = frames_at(video, [worst.frame]) if worst else []
        if not frames:
            return None
        index, bgr = frames[0].index, frames[0].bgr
        return crop_to_runner(
            annotator.annotate(bgr, index), track, index, annotator.label_boxes(index, bgr.shape)
        )
    size_px = output_size((info.width_px, info.height_px), options.max_height_px, VIDEO_MAX_SIDE_PX)
    track = scaled_track(analysis.track, size_px)
    annotator = Annotator(analysis, track, blur_faces=options.blur_faces)
    annotate = annotator.annotate

    def draw(frame: Frame) -> tuple[int, np.ndarray, np.ndarray]:  # on the drawing thread
        bgr = annotate(frame.bgr, frame.index)
        return frame.index, bgr, to_yuv420(bgr)

    still = None
    with contextlib.ExitStack() as stack:
        writers = [stack.enter_context(H264Writer(folder / ANNOTATED_VIDEO, info.fps, size_px))]
        if options.slow > 1:
            writers.append(
                stack.enter_context(H264Writer(folder / SLOW_VIDEO, info.fps / options.slow, size_px))
            )
        decoded = stack.enter_context(
            contextlib.closing(stream.prefetch(iter_frames_sized(video, info, size_px)))
        )
        drawn = stack.enter_context(contextlib.closing(stream.stage(draw, decoded)))
        for index, bgr, yuv420 in drawn:  # encoded here, on this thread
            if worst and index == worst.frame:
                still = crop_to_runner(bgr, track, index, annotator.label_boxes(index, bgr.shape))
            for writer in writers:
                writer.write_yuv420(yuv420)
    return still


def scaled_track(track: PoseTrack, size_px: tuple[int, int]) -> PoseTrack:
    """The track's landmarks in frames of ``size_px`` (width, height) instead of its own size."""
    if tuple(size_px) == tuple(track.frame_size_px):
        return track
    scale = np.asarray(size_px, np.float32) / np.asarray(track.frame_size_px, np.float32)
    return track.replace(xy_px=track.xy_px * scale, frame_size_px=tuple(size_px))


def crop_to_runner(
    bgr: np.ndarray, track: PoseTrack, index: int, keep: Sequence[tuple[int, int, int, int]] = ()
) -> np.ndarray:
    """The part of a frame around the runner (a copy), so the report's still shows the body, not the scenery.

    The box is the runner's, widened by a third, and at least half the frame's height (the drawing is
    sized for the whole frame, so zooming further would blow it up), grown to hold the ``keep`` boxes
    (labels drawn beside the body, never cut), within the frame.
    """
    if not track.person_found[index]:
        return bgr.copy()
    height, width = bgr.shape[:2]
    x0, y0, x1, y1 = person_box(track, index, margin=0.33)
    grow = max(0, height // 2 - (y1 - y0)) / 2
    y0, y1 = int(y0 - grow), int(y1 + grow)
    x_mid, half_w = (x0 + x1) / 2, max(x1 - x0, (y1 - y0) * 0.5) / 2
    x0, x1 = int(x_mid - half_w), int(x_mid + half_w)
    for kx0, ky0, kx1, ky1 in keep:
        x0, y0, x1, y1 = min(x0, kx0), min(y0, ky0), max(x1, kx1), max(y1, ky1)
    return bgr[max(y0, 0) : min(y1, height), max(x0, 0) : min(x1, width)].copy()
