"""Stages that overlap: a producer runs in its own thread, a bounded queue ahead of its consumer.

Decoding, pose inference, drawing and encoding spend their time in native code that releases
Python's lock (FFmpeg, OpenCV, MediaPipe, libx264), so a stage that runs in its own thread overlaps
with the next one. Each queue holds at most :data:`QUEUE_DEPTH` items: a fast producer waits for
its consumer (backpressure), and full-resolution frames in flight stay a few tens of MB whatever
the clip's length.

``$GAIT_THREADS`` sets the threads gait keeps busy (default: the cores this process may use);
``GAIT_THREADS=1`` runs every stage one after the other on the calling thread, as a reference
that the overlapped path must match exactly.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TypeVar

from gait.errors import InputError

T = TypeVar("T")
U = TypeVar("U")

#: Items a stage may run ahead of its consumer.
QUEUE_DEPTH = 4
#: How often (s) a producer waiting on a full queue looks whether its consumer has gone.
_POLL_S = 0.05
#: Marks the end of a stage's items (with the error that ended it, if any).
_END = object()


def cpu_budget() -> int:
    """Threads gait may keep busy: ``$GAIT_THREADS``, else the cores this process may run on."""
    setting = os.environ.get("GAIT_THREADS", "").strip()
    if setting:
        if not setting.isdigit() or int(setting) < 1:
            raise InputError(f"GAIT_THREADS must be a whole number of threads (1 or more), not {setting!r}.")
        return int(setting)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def prefetch(items: Iterable[T], depth: int = QUEUE_DEPTH) -> Generator[T, None, None]:
    """Yield ``items``, produced by a thread at most ``depth`` items ahead (see :func:`stage`)."""
    return stage(_itself, items, depth)


def stage(work: Callable[[T], U], items: Iterable[T], depth: int = QUEUE_DEPTH) -> Generator[U, None, None]:
    """Yield ``work(item)`` for each of ``items``, computed by a thread at most ``depth`` items ahead.

    An error in the thread is raised here, in the consumer, after the results before it. When the
    consumer stops early (``close()``, an error, Ctrl-C), the thread is told to stop, closes
    ``items`` (a generator's ``finally`` blocks run: files and captures are released) and is joined
    before this generator returns: no thread outlives its stage. With one thread in the budget
    (:func:`cpu_budget`) the work is done on the calling thread instead.

    Examples
    --------
    >>> with contextlib.closing(stage(draw, iter_frames(path))) as drawn:  # doctest: +SKIP
    ...     for bgr in drawn:
    ...         writer.write(bgr)
    """
    iterator = iter(items)
    if cpu_budget() <= 1:
        try:
            for item in iterator:
                yield work(item)
        finally:
            _close(iterator)
        return
    handover: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(result: object, error: BaseException | None = None) -> bool:
        while not stop.is_set():
            try:
                handover.put((result, error), timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in iterator:
                if not put(work(item)):
                    return
            put(_END)
        except BaseException as error:  # handed to the consumer, which raises it
            put(_END, error)
        finally:
            _close(iterator)

    thread = threading.Thread(target=produce, name=f"gait-{getattr(work, '__name__', 'stage')}", daemon=True)
    thread.start()
    try:
        while True:
            result, error = handover.get()
            if result is _END:
                if error is not None:
                    raise error
                return
            yield result  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


def _itself(item: T) -> T:
    return item


def _close(iterator: Iterator[object]) -> None:
    close = getattr(iterator, "close", None)
    if close is not None:
        close()
