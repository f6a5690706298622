"""Which log lines reach the user: ``--verbose`` shows every one, the libraries' included; otherwise
gait's warnings only. One process-wide setting, like the logging levels it sets: the CLI sets it for its
command, a batch's Dask worker for each clip it runs (a worker is its own process, often its own
machine). Not kept in click's context: typer carries its own click since 0.29."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator

#: Libraries whose Python log lines ``--verbose`` shows and gait otherwise keeps to errors.
LIBRARY_LOGGERS = ("distributed", "dask", "absl")

_verbose = False


def verbose_logs() -> bool:
    """True when ``--verbose`` was given to the running command."""
    return _verbose


def set_verbose(verbose: bool) -> Callable[[], None]:
    """Record ``--verbose`` and set gait's and the libraries' log levels to match, in this process.
    Returns the function that puts the flag back as it was."""
    global _verbose
    before, _verbose = _verbose, verbose
    logging.getLogger("gait").setLevel(logging.DEBUG if verbose else logging.WARNING)
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.ERROR)

    def restore() -> None:
        global _verbose
        _verbose = before

    return restore


@contextlib.contextmanager
def quiet_native_chatter() -> Iterator[None]:
    """Silence what a native library (MediaPipe/LiteRT's start-up lines) writes straight to file
    descriptor 2, unless ``--verbose`` asked to see it."""
    if _verbose:
        yield
        return
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
