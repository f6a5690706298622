"""A rigged body: the MakeHuman base mesh cut into rigid segments that linear blend skinning moves.

The rig's 163 bones are grouped into the eleven segments a running cycle moves (pelvis, trunk with
head, thighs, shanks, feet, upper arms, forearms with hands); each vertex's weight on a segment is
the sum of its weights on that segment's bones. Joint centres come from the mesh's ``joint-*``
cubes, after the body-shape targets are applied, so they follow the body's proportions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench import assets

SEGMENTS = (
    "pelvis",
    "trunk",
    "thigh.L",
    "thigh.R",
    "shank.L",
    "shank.R",
    "foot.L",
    "foot.R",
    "upperarm.L",
    "upperarm.R",
    "forearm.L",
    "forearm.R",
)
#: Bone-name prefixes of each limb segment (suffixed .L/.R); every other bone moves with the trunk.
LIMB_BONES = {
    "thigh": ("upperleg02",),
    "shank": ("lowerleg",),
    "foot": ("foot", "toe"),
    "upperarm": ("shoulder01", "upperarm"),
    "forearm": ("lowerarm", "wrist", "metacarpal", "finger"),
}
PELVIS_BONES = ("root", "pelvis.L", "pelvis.R", "spine05")

#: Posterior superior iliac spines from the mid-hip (x forward, |y|, z up), metres: the skin markers
#: of 2D pelvic-drop studies sit over them (typical adult pelvis, Bell et al. 1990 proportions).
PSIS_FROM_MID_HIP_M = np.array([-0.085, 0.045, 0.075])

#: Body shapes: (MakeHuman macro target, weight) blends, picked by the body seed.
SHAPES = (
    (),
    (("universal-female-young-averagemuscle-minweight", 1.0),),
    (("universal-male-young-maxmuscle-averageweight", 0.7),),
    (("universal-female-young-averagemuscle-maxweight", 0.6),),
    (("universal-male-young-minmuscle-minweight", 0.8),),
)
SKIN_RGB = (
    (0.87, 0.70, 0.58),
    (0.62, 0.45, 0.33),
    (0.36, 0.24, 0.17),
    (0.93, 0.78, 0.66),
    (0.75, 0.55, 0.42),
)
SHORTS_RGB = (
    (0.10, 0.12, 0.25),
    (0.05, 0.05, 0.05),
    (0.35, 0.08, 0.08),
    (0.15, 0.30, 0.20),
    (0.25, 0.25, 0.28),
)
TOP_RGB = ((0.85, 0.20, 0.15), (0.15, 0.45, 0.80), (0.90, 0.90, 0.92), (0.20, 0.65, 0.35), (0.95, 0.60, 0.10))
SHOE_RGB = (
    (0.95, 0.95, 0.95),
    (0.10, 0.10, 0.10),
    (0.20, 0.40, 0.90),
    (0.90, 0.30, 0.40),
    (0.60, 0.60, 0.60),
)
HAIR_RGB = (
    (0.08, 0.06, 0.05),
    (0.35, 0.22, 0.12),
    (0.70, 0.55, 0.30),
    (0.15, 0.10, 0.08),
    (0.45, 0.45, 0.45),
)


@dataclass(frozen=True)
class Body:
    """One body in its rest pose (world axes, metres).

    ``vertices`` (n, 3), ``normals`` (n, 3), ``faces`` (m, 3), ``colours`` (n, 3) RGB 0-1 and
    ``weights`` (n, len(SEGMENTS)) cover the ``body`` group only. ``joints`` holds the rest joint
    centres by name (``hip.L``, ``knee.L``, ``ankle.L``, ``heel.L``, ``ball.L``, ``toe.L``,
    ``shoulder.L``, ``elbow.L``, ``wrist.L``, ``psis.L``, both sides, plus ``spine``, ``neck``, ``head``).
    """

    vertices: np.ndarray
    normals: np.ndarray
    faces: np.ndarray
    colours: np.ndarray
    weights: np.ndarray
    joints: dict[str, np.ndarray]

    @property
    def thigh_m(self) -> float:
        return float(np.linalg.norm(self.joints["knee.L"] - self.joints["hip.L"]))

    @property
    def shank_m(self) -> float:
        return float(np.linalg.norm(self.joints["ankle.L"] - self.joints["knee.L"]))


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted vertex normals."""
    tri = vertices[faces]
    face_n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    normals = np.zeros_like(vertices)
    for k in range(3):
        for axis in range(3):
            normals[:, axis] += np.bincount(faces[:, k], face_n[:, axis], minlength=len(vertices))
    return normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)


def segments_of(bone: str, pelvis_share: float = 0.5) -> tuple[tuple[str, float], ...]:
    """The segments a rig bone's skin follows, with shares that add up to 1.

    ``pelvis_share``: how much of the buttocks (upperleg01) and waist (spine04) follow the pelvis.
    """
    side = bone[-1] if bone[-2:] in (".L", ".R") else ""
    if bone == "spine04":
        return (("pelvis", pelvis_share), ("trunk", 1 - pelvis_share))
    if bone.startswith("upperleg01"):
        return (("pelvis", pelvis_share), (f"thigh.{side}", 1 - pelvis_share))
    if bone in PELVIS_BONES:
        return (("pelvis", 1.0),)
    for segment, prefixes in LIMB_BONES.items():
        if side and bone.startswith(prefixes):
            return ((f"{segment}.{side}", 1.0),)
    return (("trunk", 1.0),)


def build_body(seed: int = 0, pelvis_share: float = 0.5) -> Body:
    """The body for ``seed``: a shape, skin tone and clothing colours, deterministic per seed.

    The buttocks (rig bone upperleg01) and the waist (spine04) follow the pelvis by
    ``pelvis_share`` and the thigh or trunk by the rest, so a pelvic drop tilts them as it does on a
    person, not only the hidden joint centres (0.5 by default; the bench reports the sensitivity).
    """
    root = assets.asset_root()
    mesh = assets.load_mesh(root)
    rng = np.random.default_rng(seed)
    verts = mesh.vertices.copy()
    for name, amount in SHAPES[seed % len(SHAPES)]:
        idx, delta = assets.load_target(root, name)
        verts[idx] += amount * delta
    verts[:, 2] -= mesh.joint_centre("ground", verts)[2]

    body_idx = mesh.groups["body"]
    remap = np.full(len(verts), -1)
    remap[body_idx] = np.arange(len(body_idx))
    faces = remap[mesh.body_faces].astype(np.int32)
    vertices = verts[body_idx]

    weights = np.zeros((len(verts), len(SEGMENTS)))
    for bone, (idx, w) in assets.load_weights(root).items():
        for segment, share in segments_of(bone, pelvis_share):
            np.add.at(weights[:, SEGMENTS.index(segment)], idx, share * w)
    weights = weights[body_idx]
    weights /= np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)

    joints = {"spine": mesh.joint_centre("spine-3", verts), "neck": mesh.joint_centre("neck", verts)}
    joints["head"] = mesh.joint_centre("head", verts)
    for s, m in (("L", "l"), ("R", "r")):
        for name, cube in (
            ("hip", "upper-leg"),
            ("knee", "knee"),
            ("ankle", "ankle"),
            ("shoulder", "shoulder"),
        ):
            joints[f"{name}.{s}"] = mesh.joint_centre(f"{m}-{cube}", verts)
        joints[f"elbow.{s}"] = mesh.joint_centre(f"{m}-elbow", verts)
        joints[f"wrist.{s}"] = mesh.joint_centre(f"{m}-hand", verts)
        foot = vertices[weights[:, SEGMENTS.index(f"foot.{s}")] > 0.5]
        ankle = joints[f"ankle.{s}"]
        heel_x, toe_x = foot[:, 0].min(), foot[:, 0].max()
        joints[f"heel.{s}"] = np.array([heel_x, ankle[1], 0.0])
        joints[f"toe.{s}"] = np.array([toe_x, ankle[1], 0.0])
        joints[f"ball.{s}"] = np.array([heel_x + 0.8 * (toe_x - heel_x), ankle[1], 0.0])

    mid_hip = (joints["hip.L"] + joints["hip.R"]) / 2
    for s, sign in (("L", 1.0), ("R", -1.0)):
        joints[f"psis.{s}"] = mid_hip + PSIS_FROM_MID_HIP_M * np.array([1.0, sign, 1.0])

    colours = dress(vertices, weights, joints, rng)
    return Body(vertices, vertex_normals(vertices, faces), faces, colours, weights, joints)


def dress(
    vertices: np.ndarray, weights: np.ndarray, joints: dict[str, np.ndarray], rng: np.random.Generator
) -> np.ndarray:
    """Vertex colours: skin, shorts to mid-thigh, a short-sleeved top, shoes and hair."""
    pick = lambda table: np.asarray(table[rng.integers(len(table))])  # noqa: E731
    skin, shorts, top, shoe, hair = (pick(t) for t in (SKIN_RGB, SHORTS_RGB, TOP_RGB, SHOE_RGB, HAIR_RGB))
    z = vertices[:, 2]
    seg = weights.argmax(axis=1)
    hip_z = joints["hip.L"][2]
    knee_z = joints["knee.L"][2]
    shoulder_z = joints["shoulder.L"][2]
    neck_z = joints["neck"][2]
    colours = np.tile(skin, (len(vertices), 1))
    is_leg = np.isin(seg, [SEGMENTS.index(s) for s in ("thigh.L", "thigh.R", "pelvis")])
    waist_z = hip_z + 0.55 * (shoulder_z - hip_z) * 0.35
    colours[(is_leg | (z < waist_z)) & (z > knee_z + 0.55 * (hip_z - knee_z))] = shorts
    is_trunk = seg == SEGMENTS.index("trunk")
    colours[is_trunk & (z >= waist_z) & (z < neck_z - 0.02)] = top
    upper_arm = np.isin(seg, [SEGMENTS.index("upperarm.L"), SEGMENTS.index("upperarm.R")])
    sleeve_z = shoulder_z - 0.12
    colours[upper_arm & (z > sleeve_z)] = top
    feet = np.isin(seg, [SEGMENTS.index("foot.L"), SEGMENTS.index("foot.R")])
    colours[feet | (z < joints["ankle.L"][2] + 0.025)] = shoe
    head = joints["head"]
    scalp = (z > head[2] + 0.02) & (vertices[:, 0] < head[0] + 0.06) & (seg == SEGMENTS.index("trunk"))
    colours[scalp | ((z > head[2] - 0.06) & (vertices[:, 0] < head[0] - 0.05) & (z > neck_z + 0.05))] = hair
    return colours


def rest_frame(long_axis: np.ndarray, ref_axis: np.ndarray) -> np.ndarray:
    """Orthonormal frame (columns) whose first axis is ``long_axis`` and second lies toward ``ref_axis``."""
    e1 = long_axis / np.linalg.norm(long_axis, axis=-1, keepdims=True)
    e2 = ref_axis - (ref_axis * e1).sum(-1, keepdims=True) * e1
    e2 /= np.linalg.norm(e2, axis=-1, keepdims=True)
    return np.stack([e1, e2, np.cross(e1, e2)], axis=-1)


def skin(body: Body, rotations: np.ndarray, translations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Posed vertices and normals from per-segment rigid transforms ``x' = R x + t``.

    ``rotations`` (len(SEGMENTS), 3, 3), ``translations`` (len(SEGMENTS), 3).
    """
    moved = np.einsum("sij,nj->sni", rotations, body.vertices) + translations[:, None, :]
    vertices = np.einsum("ns,sni->ni", body.weights, moved)
    normals = np.einsum("ns,sni->ni", body.weights, np.einsum("sij,nj->sni", rotations, body.normals))
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
    return vertices, normals
