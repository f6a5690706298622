"""The known-answer bench: rendered runners with exact ground truth, measured through gait.

Not part of the runtime package: it needs the ``synth`` extra (moderngl) and the CC0 MakeHuman
assets fetched from a pinned PyPI wheel (:mod:`bench.assets`).

Data flows one way: assets -> body (rest mesh, segments) -> motion (per-frame segment poses and
event times) -> camera (projection) -> render (pixels) and truth (gait's definitions applied to
the projected true joint centres) -> synth (clip + truth file) -> validate (gait vs truth).
"""
