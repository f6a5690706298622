"""Every third-party module gait's code imports is declared in pyproject.toml for the install it runs
in: a module-level import of ``gait/`` by the runtime dependencies, an import inside a function by the
runtime or an extra, and ``bench/``, ``scripts/`` and ``tests/`` by the runtime or any extra. A module
that only arrives as someone else's dependency (click, carried by typer until 0.29 and by dask still) is
the failure this catches: the README's first command broke that way on a fresh machine (issue 19).

``test_an_undeclared_import_is_caught`` shows the check failing on the import that broke it.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
#: One-off developer tools that run in a throwaway venv their docstring describes, never in gait's.
THROWAWAY_VENV = {"scripts/convert_onnx.py": {"tensorflow", "onnx", "tf2onnx"}}


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(extras: bool) -> set[str]:
    """Distribution names pyproject.toml declares: the runtime ones, and with ``extras`` every extra's."""
    specs = list(PYPROJECT["project"]["dependencies"])
    if extras:
        specs += [s for group in PYPROJECT["project"]["optional-dependencies"].values() for s in group]
    return {normalised(Requirement(s).name) for s in specs}


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str  # the top-level name, e.g. "cv2"
    eager: bool  # at module level (not inside a function, not under TYPE_CHECKING)


def imports(path: Path) -> Iterator[Import]:
    """The absolute imports of one file, each marked eager or lazy."""
    tree = ast.parse(path.read_text(), filename=str(path))

    def walk(node: ast.AST, eager: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            lazy_here = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) or (
                isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
            )
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(path, child.lineno, alias.name.split(".")[0], eager)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                yield Import(path, child.lineno, child.module.split(".")[0], eager)
            yield from walk(child, eager and not lazy_here)

    yield from walk(tree, True)


def distributions(module: str) -> set[str]:
    """The installed distributions that provide ``module`` (its own name when none is installed)."""
    found = packages_distributions().get(module)
    return {normalised(d) for d in found} if found else {normalised(module)}


def undeclared(files: list[Path], own: set[str], eager_needs_runtime: bool) -> list[str]:
    """One line per third-party import in ``files`` that pyproject.toml does not declare."""
    runtime, anywhere = declared(extras=False), declared(extras=True)
    problems = []
    for path in files:
        for imp in imports(path):
            if imp.module in sys.stdlib_module_names or imp.module in own or imp.module == "__future__":
                continue
            if imp.module in THROWAWAY_VENV.get(path.relative_to(ROOT).as_posix(), ()):
                continue
            allowed = runtime if imp.eager and eager_needs_runtime else anywhere
            if not distributions(imp.module) & allowed:
                where = "the runtime dependencies" if allowed is runtime else "the dependencies or an extra"
                problems.append(f"{path.relative_to(ROOT)}:{imp.line}: {imp.module} is not in {where}")
    return problems


def test_gait_imports_only_what_pyproject_declares() -> None:
    files = sorted((ROOT / "gait").rglob("*.py"))
    assert len(files) > 30
    assert undeclared(files, {"gait"}, eager_needs_runtime=True) == []


def test_bench_scripts_and_tests_import_only_what_pyproject_declares() -> None:
    files = [p for folder in ("bench", "scripts", "tests") for p in sorted((ROOT / folder).rglob("*.py"))]
    assert undeclared(files, {"gait", "bench", "tests", "scripts"}, eager_needs_runtime=False) == []


def test_an_undeclared_import_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check fails on console.py as it was before issue 19 (``import click`` at module level), and
    on an extra's library imported at module level, which a runtime-only install would not have."""
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    (tmp_path / "console.py").write_text(
        "import logging\nimport click\nfrom rich.console import Console\n\n\n"
        "def later():\n    from dask.distributed import Client\n"
    )
    (tmp_path / "batch.py").write_text("from dask.distributed import Client\n")
    assert undeclared([tmp_path / "console.py"], {"gait"}, eager_needs_runtime=True) == [
        "console.py:2: click is not in the runtime dependencies"
    ]
    assert undeclared([tmp_path / "batch.py"], {"gait"}, eager_needs_runtime=True) == [
        "batch.py:1: dask is not in the runtime dependencies"
    ]
    assert undeclared([tmp_path / "batch.py"], {"gait"}, eager_needs_runtime=False) == []


def test_imports_under_type_checking_and_in_functions_are_lazy(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\nimport numpy\nif TYPE_CHECKING:\n    import dask\n"
        "def f():\n    import moderngl\n"
    )
    assert {(i.module, i.eager) for i in imports(source)} == {
        ("typing", True),
        ("numpy", True),
        ("dask", False),
        ("moderngl", False),
    }


def test_every_runtime_dependency_has_an_upper_bound_and_a_pinned_lowest_version() -> None:
    """The lowest versions CI installs (scripts/check_install.sh --lowest) are the lower bounds'."""
    pins = {}
    for line in (ROOT / "scripts" / "lowest-versions.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[normalised(name)] = Version(version)
    runtime = [Requirement(s) for s in PYPROJECT["project"]["dependencies"]]
    assert set(pins) == {normalised(r.name) for r in runtime}
    for req in runtime:
        lower = [Version(s.version) for s in req.specifier if s.operator == ">="]
        assert lower and any(s.operator == "<" for s in req.specifier), f"{req} needs both bounds"
        pin = pins[normalised(req.name)]
        assert pin in req.specifier, f"{req.name}=={pin} is outside {req.specifier}"
        assert pin.release[: len(lower[0].release)] == lower[0].release, (
            f"{req.name}=={pin} is not the lowest"
        )
