"""What a batch needs of Dask beyond running clips: a scheduler address checked before any work, how
long to wait for it, each local worker's share of the cores, and the task a worker runs (with the
client's log levels, which a worker's own process does not inherit)."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from gait.errors import InputError
from gait.logs import set_verbose

if TYPE_CHECKING:
    from gait.batch import ClipOutcome

#: How long a batch waits for a Dask scheduler it was given before it says it cannot reach it, unless
#: the environment variable of that name sets another number of seconds.
SCHEDULER_TIMEOUT_S, TIMEOUT_ENV = 10.0, "GAIT_SCHEDULER_TIMEOUT_S"
#: A scheduler address: a Dask protocol, a host and a port.
SCHEDULER_ADDRESS = re.compile(r"^(tcp|tls|ws|wss)://[^\s/:]+:\d{1,5}$")


def check_scheduler_address(address: str) -> None:
    """InputError, before any work, for an address a Dask scheduler cannot have (``--scheduler``), or a
    timeout that is not a number of seconds."""
    if not SCHEDULER_ADDRESS.match(address):
        raise InputError(
            f"{address!r} is not a Dask scheduler address: give one like tcp://192.168.1.20:8786."
        )
    scheduler_timeout_s()


def scheduler_timeout_s() -> float:
    """Seconds to wait for a scheduler: ``$GAIT_SCHEDULER_TIMEOUT_S`` or the default; InputError if bad."""
    text = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        seconds = float(text) if text else SCHEDULER_TIMEOUT_S
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < 3600:
        raise InputError(f"{TIMEOUT_ENV}={text!r} is not a number of seconds: give one like 10.")
    return seconds


def worker_env(workers: int) -> dict[str, str]:
    """Thread limits per local worker, so ``workers`` pose models share the cores, not fight over them."""
    threads = str(max(1, (os.cpu_count() or 1) // max(1, workers)))
    names = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS")
    return dict.fromkeys(names, threads)


def analyse_on_worker(verbose: bool, *args: Any) -> ClipOutcome:
    """``gait.batch.analyse_one(*args)`` on a Dask worker with the log levels ``--verbose`` asked for:
    a worker is its own process (on a cluster, its own machine), which the client's settings do not
    reach."""
    from gait.batch import analyse_one

    set_verbose(verbose)
    return analyse_one(*args)
