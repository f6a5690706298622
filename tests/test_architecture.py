"""The package's shape: imports run one way along the stages, and no module grows past about 500 lines.

The stage order is the one in docs/architecture.md. A new module must be placed in :data:`LAYERS`
(the failure says so): that is where its author decides which stage it belongs to.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

GAIT = Path(__file__).resolve().parents[1] / "gait"

#: Stages from the bottom up; a module may import modules of its own stage or an earlier one.
#: A name ending in ".*" covers a package and everything in it.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "gait.errors",
        "gait.present",
        "gait.fsutil",
        "gait.thresholds",
        "gait.config",
        "gait.stream",
        "gait.logs",
    ),
    ("gait", "gait.track", "gait.analysis", "gait.options", "gait.models", "gait.cache"),
    ("gait.video", "gait.video_out", "gait.markers"),
    ("gait.landmarks", "gait.gather"),
    ("gait.views",),  # the pose stage decides the mirror reading by the view
    ("gait.pose.*",),  # one home: the estimator interface, both backends, the mirror, person, tilt, cuts
    ("gait.signal",),
    ("gait.events",),
    ("gait.metrics.*",),
    ("gait.findings",),
    ("gait.summary", "gait.notes", "gait.engine"),
    ("gait.advice.*", "gait.known_answer"),
    ("gait.render.*",),
    ("gait.report.*",),
    ("gait.pipeline",),
    ("gait.comparison", "gait.report.compare"),  # two visits: runs the pipeline, then its own page
    ("gait.batch", "gait.cluster"),
    ("gait.console",),  # what the commands show in the terminal
    ("gait.cli_options", "gait.cli", "gait.__main__"),
)
#: Files allowed past the size limit, each with the reason (keep this list short).
LONG_FILES: dict[str, str] = {}
MAX_LINES = 520


def module_name(path: Path) -> str:
    parts = path.relative_to(GAIT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def rank(module: str) -> int | None:
    """The stage of ``module``: a stage naming it exactly, else one whose ``package.*`` covers it."""
    for i, stage in enumerate(LAYERS):
        if module in stage:
            return i
    for i, stage in enumerate(LAYERS):
        for name in stage:
            if name.endswith(".*") and (module == name[:-2] or module.startswith(name[:-1])):
                return i
    return None


def gait_imports(path: Path) -> set[str]:
    """Every gait module ``path`` imports, at any depth of the file (function-level imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "gait"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "gait":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                is_module = (GAIT.parent / Path(*sub.split("."))).with_suffix(".py").exists() or (
                    GAIT.parent / Path(*sub.split(".")) / "__init__.py"
                ).exists()
                found.add(sub if is_module else node.module)
    return found


SOURCES = sorted(GAIT.rglob("*.py"))


def test_every_module_has_a_stage() -> None:
    unplaced = [module_name(p) for p in SOURCES if rank(module_name(p)) is None]
    assert not unplaced, f"add these modules to LAYERS in {Path(__file__).name}: {unplaced}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_no_module_imports_a_later_stage(path: Path) -> None:
    mine = rank(module_name(path))
    if mine is None:
        pytest.skip("not placed (see test_every_module_has_a_stage)")
    later = sorted(m for m in gait_imports(path) if (r := rank(m)) is not None and r > mine)
    assert not later, f"{module_name(path)} (stage {mine}) imports later stages: {later}"


def test_the_rule_catches_a_backward_import() -> None:
    """The checker itself: an events module importing the metrics would be refused."""
    assert rank("gait.events") is not None and rank("gait.metrics.hip") is not None
    assert rank("gait.metrics.hip") > rank("gait.events")  # type: ignore[operator]
    assert rank("gait.render.frontal") < rank("gait.report.html")  # type: ignore[operator]


def test_no_file_is_over_about_500_lines() -> None:
    long = {
        str(p.relative_to(GAIT)): n
        for p in SOURCES
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert set(long) <= set(LONG_FILES), f"split these: {long}"


#: The packages only the pose stage may import.
POSE_ONLY = ("mediapipe", "onnxruntime")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_only_the_pose_stage_imports_the_pose_runtimes(path: Path) -> None:
    """Issue 23: nothing outside gait/pose/ knows which backend ran."""
    if module_name(path).startswith("gait.pose"):
        return
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    assert not found & set(POSE_ONLY), f"{module_name(path)} imports {sorted(found & set(POSE_ONLY))}"
