"""Skin markers over the PSIS (round matte stickers), distractors and a covering shirt flap.

The two stickers sit on the posterior skin surface at each PSIS joint's height and width: along a
backward ray at the PSIS's (y, z) from inside the pelvis (the bench's PSIS point can lie just
outside a thin body's skin), the outermost skin over a set of standing and running poses (the skin
there follows the pelvis only partly, so it moves a few millimetres), plus ``CLEARANCE_M``, facing along the
skin's outward normal there. They are rigid with the pelvis (the right one the left one's mirror
image, so the pair's line is parallel to the true PSIS line), or with a pelvis whose frontal drop
is scaled by ``1 - lag`` (soft tissue). ``offset_mm`` raises the left one along the pelvis's up axis
(a placement error that a standing trial measures). Clothing is tight, so a sticker is drawn on top
of whatever the skin wears.

Distractors for a detector, in the marker colour: ``shoe`` paints the shoes' heel counters, ``logo``
puts one disc of the same size on the shirt between the shoulder blades. ``cover_s`` windows hang a
shirt-coloured flap over the upper half of the runner's right sticker.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.body import SEGMENTS, Body, skin
from bench.motion import Pose
from bench.trial import Trial

#: Named sticker colours (RGB 0-1): saturated, far from skin, shorts and floor.
COLOURS = {
    "green": (0.10, 0.85, 0.25),
    "magenta": (0.90, 0.10, 0.75),
    "orange": (1.00, 0.45, 0.05),
    "blue": (0.10, 0.35, 0.95),
    "yellow": (0.95, 0.90, 0.10),
}
DISTRACTORS = ("none", "shoe", "logo", "both")
#: Sticker centre outside the outermost skin (m): a sticker's thickness, and no z-fighting.
CLEARANCE_M = 0.0015
#: The flap hangs this far outside the sticker (m).
FLAP_CLEARANCE_M = 0.004
DISC_SIDES = 24


@dataclass(frozen=True)
class MarkerSpec:
    """The stickers and distractors of one clip (``kind`` "none": nothing is drawn)."""

    kind: str = "none"  # "psis" or "none"
    colour_rgb: tuple[float, float, float] = COLOURS["green"]
    diameter_mm: float = 22.0
    lag: float = 0.0  # soft tissue: the markers see (1 - lag) of the pelvis's frontal drop
    offset_mm: float = 0.0  # left sticker this much higher than the right, along the pelvis's up axis
    distractor: str = "none"
    cover_s: tuple[tuple[float, float], ...] = ()  # clip-time windows of the flap over the right sticker

    def __post_init__(self) -> None:
        if self.kind not in ("none", "psis"):
            raise ValueError(f"unknown marker kind {self.kind!r}")
        if self.distractor not in DISTRACTORS:
            raise ValueError(f"unknown distractor {self.distractor!r}")
        if not 0.0 <= self.lag < 1.0:
            raise ValueError("marker lag is a fraction in [0, 1)")

    @property
    def on(self) -> bool:
        return self.kind != "none"

    def covered(self, t: np.ndarray) -> np.ndarray:
        """Per clip time: is the flap over the right sticker."""
        t = np.asarray(t, float)
        out = np.zeros(t.shape, bool)
        for start, end in self.cover_s:
            out |= (t >= start) & (t < end)
        return out


def parse_colour(text: str) -> tuple[float, float, float]:
    """A colour name of :data:`COLOURS` or ``R,G,B`` in 0-1."""
    if text in COLOURS:
        return COLOURS[text]
    parts = [float(p) for p in text.split(",")]
    if len(parts) != 3 or not all(0.0 <= p <= 1.0 for p in parts):
        raise ValueError(f"a colour is one of {sorted(COLOURS)} or R,G,B in 0-1, not {text!r}")
    return parts[0], parts[1], parts[2]


def parse_windows(items: list[str]) -> tuple[tuple[float, float], ...]:
    """``["2.5:2.8", "4:4.3,5:5.2"]`` -> ((2.5, 2.8), (4.0, 4.3), (5.0, 5.2))."""
    out = []
    for item in items:
        for part in item.split(","):
            start, _, end = part.partition(":")
            if float(end) <= float(start):
                raise ValueError(f"a window START:END needs END > START, not {part!r}")
            out.append((float(start), float(end)))
    return tuple(out)


def ray_hits(
    vertices: np.ndarray, faces: np.ndarray, origin: np.ndarray, direction: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Distances along the ray of every triangle it crosses (Moller-Trumbore), and those triangles."""
    tri = vertices[faces]
    e1, e2 = tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]
    p = np.cross(direction, e2)
    det = (e1 * p).sum(1)
    ok = np.abs(det) > 1e-12
    inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
    s = origin - tri[:, 0]
    u = (s * p).sum(1) * inv
    q = np.cross(s, e1)
    v = (q * direction).sum(1) * inv
    dist = (e2 * q).sum(1) * inv
    hit = ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (dist > 0)
    return dist[hit], np.flatnonzero(hit)


def outer_surface(
    body: Body, poses: list[Pose], segment: str, origin_rest: np.ndarray, direction: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The outermost skin along a ray from ``origin_rest`` over ``poses``, in ``segment``'s rest frame.

    Each pose's skinned mesh is carried back into the segment's rest frame (the inverse of its
    rigid transform), so the point found, posed rigidly with that segment, is never under the skin
    in any of the poses. Returns the point and the unit outward normal there (rest frame).
    """
    k = SEGMENTS.index(segment)
    best_dist, best_normal = -np.inf, direction
    for pose in poses:
        for i in range(len(pose.rotations)):
            vertices, _ = skin(body, pose.rotations[i], pose.translations[i])
            rot, trans = pose.rotations[i, k], pose.translations[i, k]
            rest = (vertices - trans) @ rot  # R^T (x - t), row-wise
            dist, faces = ray_hits(rest, body.faces, origin_rest, direction)
            if len(dist) and dist.max() > best_dist:
                j = int(dist.argmax())
                tri = rest[body.faces[faces[j]]]
                normal = np.cross(tri[1] - tri[0], tri[2] - tri[0])
                normal /= np.linalg.norm(normal)
                best_dist, best_normal = float(dist[j]), normal * np.sign(normal @ direction)
    if not np.isfinite(best_dist):
        raise ValueError(f"no skin along the ray from {origin_rest} ({segment})")
    return origin_rest + best_dist * direction, best_normal


def disc(centre: np.ndarray, normal: np.ndarray, across: np.ndarray, diameter_m: float) -> np.ndarray:
    """A flat disc as a triangle fan (DISC_SIDES triangles, (3 * DISC_SIDES, 3) vertices)."""
    u = across - (across @ normal) * normal
    u /= np.linalg.norm(u)
    v = np.cross(normal, u)
    a = 2 * np.pi * np.arange(DISC_SIDES + 1) / DISC_SIDES
    rim = centre + diameter_m / 2 * (np.cos(a)[:, None] * u + np.sin(a)[:, None] * v)
    return np.stack([np.broadcast_to(centre, (DISC_SIDES, 3)), rim[:-1], rim[1:]], 1).reshape(-1, 3)


def quad(corner: np.ndarray, side_a: np.ndarray, side_b: np.ndarray) -> np.ndarray:
    """Two triangles spanning ``corner + [0, 1] side_a + [0, 1] side_b`` ((6, 3) vertices)."""
    c = [corner, corner + side_a, corner + side_a + side_b, corner + side_b]
    return np.array([c[0], c[1], c[2], c[0], c[2], c[3]])


@dataclass(frozen=True)
class Piece:
    """Rigid flat geometry riding one segment: rest vertices (m, 3), one rest normal, one colour."""

    segment: str
    vertices: np.ndarray
    normal: np.ndarray
    colour: np.ndarray
    lagging: bool = False  # posed with the lagging pelvis (stickers and their flap)


class MarkerRig:
    """The stickers and distractors for one body and trial, in rest geometry, posed per frame."""

    def __init__(self, body: Body, trial: Trial, spec: MarkerSpec) -> None:
        self.spec, self.trial = spec, trial
        j = body.joints
        cycle = trial.cycle
        samples = [cycle.standing_pose(1), cycle.pose(np.linspace(0.0, cycle.stride_s, 12, endpoint=False))]
        back = np.array([-1.0, 0.0, 0.0])
        mid_hip = cycle.mid_hip_rest
        mirror = np.array([1.0, -1.0, 1.0])
        colour = np.asarray(spec.colour_rgb, float)
        diameter_m = spec.diameter_mm / 1000
        self.pieces: list[Piece] = []
        self.flap: Piece | None = None
        self.rest_centres: dict[str, np.ndarray] = {}
        self.behind_psis_m: float | None = None
        if spec.on:
            inside = np.array([mid_hip[0], 0.0, 0.0])
            at = {s: inside + j[f"psis.{s}"] * np.array([0.0, 1.0, 1.0]) for s in ("L", "R")}
            hit_l, n_l = outer_surface(body, samples, "pelvis", at["L"], back)
            hit_r, n_r = outer_surface(body, samples, "pelvis", at["R"], back)
            # One sticker's geometry and its mirror image: the pair is symmetric about the mid-hip.
            hit_r_m = mid_hip + (hit_r - mid_hip) * mirror
            hit = hit_l if hit_l[0] <= hit_r_m[0] else hit_r_m  # the more posterior skin of the two
            normal = n_l + n_r * mirror
            normal /= np.linalg.norm(normal)
            left = hit + CLEARANCE_M * normal
            right = mid_hip + (left - mid_hip) * mirror
            left = left + np.array([0.0, 0.0, spec.offset_mm / 1000])
            self.rest_centres = {"psis_marker.L": left, "psis_marker.R": right}
            self.behind_psis_m = float(j["psis.R"][0] - right[0])
            across = np.array([0.0, 1.0, 0.0])
            for c, nrm in ((left, normal), (right, normal * mirror)):
                self.pieces.append(
                    Piece("pelvis", disc(c, nrm, across, diameter_m), nrm, colour, lagging=True)
                )
            if spec.cover_s:
                up = np.array([0.0, 0.0, 1.0])
                n_right = normal * mirror
                side = np.cross(n_right, up)
                side /= np.linalg.norm(side)
                up_in_plane = np.cross(side, n_right)
                up_in_plane *= np.sign(up_in_plane[2])
                corner = right + FLAP_CLEARANCE_M * n_right - 0.8 * diameter_m * side
                flap = quad(corner, 1.6 * diameter_m * side, 0.9 * diameter_m * up_in_plane)
                self.flap = Piece("pelvis", flap, n_right, self.shirt_colour(body, samples), lagging=True)
        if spec.distractor in ("logo", "both"):
            origin = np.array([j["spine"][0], 0.0, j["shoulder.L"][2] - 0.12])
            hit, normal = outer_surface(body, samples, "trunk", origin, back)
            centre = hit + CLEARANCE_M * normal
            self.pieces.append(
                Piece("trunk", disc(centre, normal, np.array([0.0, 1.0, 0.0]), diameter_m), normal, colour)
            )

    @staticmethod
    def shirt_colour(body: Body, samples: list[Pose]) -> np.ndarray:
        """The top's colour: the skin's colour on the upper back (the shirt there)."""
        j = body.joints
        target = np.array([j["spine"][0] - 0.2, 0.0, j["shoulder.L"][2] - 0.12])
        behind = body.vertices[:, 0] < j["spine"][0]
        idx = np.flatnonzero(behind)[np.linalg.norm(body.vertices[behind] - target, axis=1).argmin()]
        return np.asarray(body.colours[idx], float)

    def dress(self, body: Body) -> Body:
        """``body`` with the shoe distractor painted on (unchanged without one)."""
        if self.spec.distractor not in ("shoe", "both"):
            return body
        colours = body.colours.copy()
        v = body.vertices
        for s in ("L", "R"):
            foot = body.weights[:, SEGMENTS.index(f"foot.{s}")] > 0.5
            heel_x, heel_y = body.joints[f"heel.{s}"][:2]
            counter = (  # a heel-counter patch about 4 cm wide and 4 cm high, as a logo or a reflector
                foot
                & (v[:, 0] < heel_x + 0.04)
                & (np.abs(v[:, 1] - heel_y) < 0.02)
                & (v[:, 2] > 0.02)
                & (v[:, 2] < 0.06)
            )
            colours[counter] = self.spec.colour_rgb
        return dataclasses.replace(body, colours=colours)

    def pelvis_transforms(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The markers' pelvis (lagging if asked): rotations (n, 3, 3), translations (n, 3)."""
        pose = self.trial.pose(t, drop_scale=1.0 - self.spec.lag)
        k = SEGMENTS.index("pelvis")
        return pose.rotations[:, k], pose.translations[:, k]

    def centres(self, t: np.ndarray) -> dict[str, np.ndarray]:
        """World sticker centres (n, 3) by joint name (``psis_marker.L``); empty without markers."""
        if not self.rest_centres:
            return {}
        rot, trans = self.pelvis_transforms(t)
        return {k: np.einsum("nij,j->ni", rot, c) + trans for k, c in self.rest_centres.items()}

    def geometry(self, pose: Pose, marker_pelvis: tuple[np.ndarray, np.ndarray], t: float) -> np.ndarray:
        """Posed pieces for one frame as (m, 9) rows of position, normal, colour (may be empty).

        ``pose``: that frame's body pose (one frame); ``marker_pelvis``: the markers' pelvis
        rotation (3, 3) and translation (3,) for that frame.
        """
        pieces = list(self.pieces)
        if self.flap is not None and self.spec.covered(np.array([t]))[0]:
            pieces.append(self.flap)
        rows = []
        for piece in pieces:
            if piece.lagging:
                rot, trans = marker_pelvis
            else:
                k = SEGMENTS.index(piece.segment)
                rot, trans = pose.rotations[0, k], pose.translations[0, k]
            m = len(piece.vertices)
            rows.append(
                np.hstack(
                    [
                        piece.vertices @ rot.T + trans,
                        np.tile(rot @ piece.normal, (m, 1)),
                        np.tile(piece.colour, (m, 1)),
                    ]
                )
            )
        return np.vstack(rows) if rows else np.zeros((0, 9))

    @property
    def max_vertices(self) -> int:
        return sum(len(p.vertices) for p in self.pieces) + (len(self.flap.vertices) if self.flap else 0)

    def truth_spec(self) -> dict[str, Any]:
        """The ``spec.marker`` block of the truth file."""
        s = self.spec
        sep = None
        if self.rest_centres:
            d = self.rest_centres["psis_marker.L"] - self.rest_centres["psis_marker.R"]
            sep = float(abs(d[1]) * 1000)
        return {
            "kind": s.kind,
            "colour_rgb": list(s.colour_rgb),
            "diameter_mm": s.diameter_mm,
            "lag": s.lag,
            "offset_mm": s.offset_mm,
            "distractor": s.distractor,
            "cover_s": [list(w) for w in s.cover_s],
            "separation_mm": sep,  # left-right distance between the sticker centres at rest
            # how far behind the bench's PSIS point the right sticker sits (< 0: the point is outside
            # a thin body's skin; the stickers are always on the skin at the PSIS's height and width)
            "behind_psis_mm": None if self.behind_psis_m is None else self.behind_psis_m * 1000,
        }
