"""Headless OpenGL rendering (moderngl on Mesa's EGL, software llvmpipe when no GPU).

One runner on a treadmill in a tiled room: Lambert shading with a key light, a fill from the
camera side and ambient; 4x multisampling. The projection is the :class:`bench.camera.Camera`
pinhole itself (computed in the vertex shader), so a rendered joint and its projected truth
agree to floating-point precision.
"""

from __future__ import annotations

import moderngl
import numpy as np

from bench.body import Body
from bench.camera import VIEW_AZIMUTH_DEG, Camera

VERTEX_SHADER = """
#version 330
uniform mat3 world_to_cam;
uniform vec3 centre;
uniform vec4 intrinsics;  // focal, cx, cy, unused
uniform vec2 size;
in vec3 position;
in vec3 normal;
in vec3 colour;
out vec3 v_world;
out vec3 v_normal;
out vec3 v_colour;
void main() {
    vec3 c = world_to_cam * (position - centre);
    float near = 0.05, far = 60.0;
    float u = intrinsics.x * c.x + intrinsics.y * c.z;
    float v = intrinsics.x * c.y + intrinsics.z * c.z;
    gl_Position = vec4(2.0 * u / size.x - c.z, c.z - 2.0 * v / size.y,
                       (far + near) / (far - near) * c.z - 2.0 * far * near / (far - near), c.z);
    v_world = position;
    v_normal = normal;
    v_colour = colour;
}
"""

FRAGMENT_SHADER = """
#version 330
uniform vec3 centre;
uniform int kind;        // 0 body, 1 floor, 2 wall
uniform float belt_offset;
in vec3 v_world;
in vec3 v_normal;
in vec3 v_colour;
out vec4 frag;
float line(float x, float period, float width) {
    float d = abs(fract(x / period + 0.5) - 0.5) * period;
    return 1.0 - smoothstep(0.5 * width, width, d);
}
void main() {
    vec3 base = v_colour;
    if (kind == 1) {
        bool belt = abs(v_world.y) < 0.28 && abs(v_world.x) < 0.9;
        bool deck = abs(v_world.y) < 0.40 && abs(v_world.x) < 1.05;
        float grid = max(line(v_world.x, 0.5, 0.012), line(v_world.y, 0.5, 0.012));
        base = vec3(0.62, 0.60, 0.57) * (1.0 - 0.35 * grid);
        if (deck) base = vec3(0.35, 0.36, 0.38);
        if (belt) base = vec3(0.13, 0.13, 0.14) + 0.06 * line(v_world.x + belt_offset, 0.35, 0.02);
    } else if (kind == 2) {
        float tile = max(line(v_world.x + v_world.y, 0.6, 0.012), line(v_world.z, 0.6, 0.012));
        base = vec3(0.80, 0.82, 0.78) * (1.0 - 0.25 * tile);
        if (v_world.z < 0.12) base = vec3(0.30, 0.28, 0.26);
    }
    vec3 n = normalize(v_normal);
    vec3 key = normalize(vec3(0.4, 0.5, 1.0));
    vec3 to_cam = normalize(centre - v_world);
    float diffuse = 0.62 * max(dot(n, key), 0.0) + 0.30 * max(dot(n, to_cam), 0.0);
    frag = vec4(base * (0.28 + diffuse), 1.0);
}
"""


def room(camera: Camera) -> tuple[np.ndarray, np.ndarray]:
    """Floor and back-wall quads (positions, normals) for this camera's view."""
    az = np.radians(VIEW_AZIMUTH_DEG[camera.view])
    toward_cam = np.array([np.cos(az), np.sin(az), 0.0])
    across = np.array([-np.sin(az), np.cos(az), 0.0])
    far = 12.0
    floor = np.array(
        [[-far, -far, 0], [far, -far, 0], [far, far, 0], [-far, -far, 0], [far, far, 0], [-far, far, 0]],
        float,
    )
    wall_base = -2.6 * toward_cam
    corners = [
        wall_base + a * across * 8 + np.array([0, 0, z]) for a, z in ((-1, 0), (1, 0), (1, 4), (-1, 4))
    ]
    wall = np.array([corners[i] for i in (0, 1, 2, 0, 2, 3)])
    normals = [np.tile([0.0, 0.0, 1.0], (6, 1)), np.tile(toward_cam, (6, 1))]
    return np.concatenate([floor, wall]), np.concatenate(normals)


class Renderer:
    """Renders one body, posed per frame, seen by one camera.

    ``extra_vertices``: room for flat pieces drawn after the body each frame (stickers, a logo, a
    flap; :mod:`bench.markers`), shaded like the body, pulled a little toward the camera in depth.
    """

    def __init__(self, body: Body, camera: Camera, extra_vertices: int = 0) -> None:
        self.camera = camera
        self.ctx = moderngl.create_standalone_context(backend="egl")
        self.ctx.enable(moderngl.DEPTH_TEST)
        self.prog = self.ctx.program(vertex_shader=VERTEX_SHADER, fragment_shader=FRAGMENT_SHADER)
        rot, centre = camera.extrinsics()
        self.prog["world_to_cam"].write(rot.T.astype("f4").tobytes())  # GLSL is column-major
        self.prog["centre"].value = tuple(centre)
        self.prog["intrinsics"].value = (camera.focal_px, camera.width_px / 2, camera.height_px / 2, 0.0)
        self.prog["size"].value = (camera.width_px, camera.height_px)
        size = (camera.width_px, camera.height_px)
        self.fbo = self.ctx.framebuffer(
            color_attachments=[self.ctx.renderbuffer(size, samples=4)],
            depth_attachment=self.ctx.depth_renderbuffer(size, samples=4),
        )
        self.resolved = self.ctx.framebuffer(color_attachments=[self.ctx.renderbuffer(size)])
        n = len(body.vertices)
        self.positions = self.ctx.buffer(reserve=n * 12)
        self.normals = self.ctx.buffer(reserve=n * 12)
        colours = self.ctx.buffer(body.colours.astype("f4").tobytes())
        faces = self.ctx.buffer(body.faces.astype("i4").tobytes())
        self.body_vao = self.ctx.vertex_array(
            self.prog,
            [(self.positions, "3f", "position"), (self.normals, "3f", "normal"), (colours, "3f", "colour")],
            index_buffer=faces,
        )
        self.extra = self.ctx.buffer(reserve=max(extra_vertices, 1) * 36)
        self.extra_vao = self.ctx.vertex_array(
            self.prog, [(self.extra, "3f 3f 3f", "position", "normal", "colour")]
        )
        room_pos, room_normals = room(camera)
        room_data = np.hstack([room_pos, room_normals, np.ones_like(room_pos)]).astype("f4")
        self.room_vao = self.ctx.vertex_array(
            self.prog, [(self.ctx.buffer(room_data.tobytes()), "3f 3f 3f", "position", "normal", "colour")]
        )

    def render(
        self,
        vertices: np.ndarray,
        normals: np.ndarray,
        belt_offset_m: float = 0.0,
        extra: np.ndarray | None = None,
    ) -> np.ndarray:
        """One (height, width, 3) uint8 BGR frame; ``extra``: (m, 9) position, normal, colour rows."""
        self.positions.write(vertices.astype("f4").tobytes())
        self.normals.write(normals.astype("f4").tobytes())
        self.fbo.use()
        self.ctx.clear(0.85, 0.87, 0.9, depth=1.0)
        self.prog["belt_offset"].value = belt_offset_m
        self.prog["kind"].value = 1
        self.room_vao.render(vertices=6)
        self.prog["kind"].value = 2
        self.room_vao.render(vertices=6, first=6)
        self.prog["kind"].value = 0
        self.body_vao.render()
        if extra is not None and len(extra):
            self.extra.write(extra.astype("f4").tobytes())
            self.ctx.polygon_offset = (-1.0, -4.0)  # ahead of the skin it lies on: no z-fighting
            self.extra_vao.render(vertices=len(extra))
            self.ctx.polygon_offset = (0.0, 0.0)
        self.ctx.copy_framebuffer(self.resolved, self.fbo)
        raw = self.resolved.read(components=3)
        rgb = np.frombuffer(raw, np.uint8).reshape(self.camera.height_px, self.camera.width_px, 3)
        bgr = rgb[::-1, ::-1, ::-1] if self.camera.mirror else rgb[::-1, :, ::-1]
        return np.ascontiguousarray(bgr)

    def close(self) -> None:
        self.ctx.release()
