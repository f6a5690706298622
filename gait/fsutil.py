"""File helpers: content hashes, atomic output files, and the one way gait validates, locks and
publishes an output folder (nothing half-written under a final name, no input overwritten)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gait.errors import OutputError

log = logging.getLogger(__name__)

#: Hidden folder, inside the output folder, where a run builds its files before publishing them.
STAGING_PREFIX, STAGING_SUFFIX = ".gait-staging-", ".partial"
#: Temporary files of :func:`atomic_path` are ``.gait-XXXXXXXX.part.SUFFIX`` beside their target.
TEMP_PREFIX = ".gait-"
#: Written at publish into every output folder: the name and sha256 of each file gait put there, so a
#: later run replaces or removes only files it can prove it wrote; anything else is left alone.
MANIFEST, MANIFEST_SCHEMA = ".gait-manifest.json", "gait.manifest/1"


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a uniquely named temporary path beside ``path``; rename it to ``path`` if the block succeeds.

    On any exception the temporary file is removed and ``path`` is left as it was. Two processes
    writing the same ``path`` at once each write their own temporary file; the last rename wins.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A short name of fixed length, whatever the target's: a legal 255-byte name must still fit.
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".part" + path.suffix[:8], dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    try:
        tmp.chmod(0o666 & ~umask)  # mkstemp makes 0600; give the file the permissions a plain open() would
        yield tmp
        tmp.replace(path)
    except OSError as exc:
        if exc.filename is None or os.fsdecode(exc.filename) == str(tmp):  # a write: name the file meant
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    finally:
        tmp.unlink(missing_ok=True)


def sha256_file(path: Path | str, chunk_bytes: int = 1 << 20) -> str:
    """Hex sha256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


def os_error_sentence(exc: OSError) -> str:
    """One sentence for a failure of the disk rather than of the clip (full, removed, permissions)."""
    where = ""
    if exc.filename:
        path = Path(os.fsdecode(exc.filename))
        if path.parent.name.startswith(STAGING_PREFIX):  # an output being built: name where it goes
            path = path.parent.parent / path.name
        where = f" {path}"
    return f"Cannot read or write{where} ({exc.strerror or exc}): check the disk space and permissions."


def check_output_dir(path: Path, inputs: Iterable[Path] = (), names: Iterable[str] = ()) -> None:
    """Raise OutputError now, before any work, if ``path`` cannot become the output folder.

    ``names`` are the files a run writes (or removes) in ``path``; an input file that is one of
    them would be overwritten or deleted, so that is refused, and so is any file of those names
    that the folder's manifest does not prove gait wrote (a user's file, or one changed since).
    """
    path = Path(path)
    try:
        if path.exists() and not path.is_dir():
            raise OutputError(f"{path} is a file, not a folder: give --out a folder name.")
        ancestor = next((p for p in (path, *path.parents) if p.exists()), Path("."))
        if not ancestor.is_dir():
            raise OutputError(f"{ancestor} is a file, so {path} cannot be made: give --out a folder name.")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise OutputError(f"Cannot write into {ancestor}: choose an --out folder you can write to.")
        for name in names:
            target = path / name
            for source in inputs:
                if target.exists() and Path(source).exists() and os.path.samefile(target, source):
                    raise OutputError(
                        f"{Path(source).name} sits where gait writes its {name}: move the clip out of"
                        f" {path} or choose another --out folder."
                    )
        foreign = unproven(path, names)
        if foreign:
            more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
            raise OutputError(
                f"{path / foreign[0]}{more} was not written by gait, or changed since, and a run would"
                " replace it: move it out of the way or choose another --out folder."
            )
    except OSError as exc:
        raise OutputError(
            f"Cannot use {path} as the output folder ({exc.strerror}): choose another --out."
        ) from exc


@dataclass
class Staging:
    """A run's hidden staging folder inside ``out_dir``; ``published`` holds the final paths by stem."""

    folder: Path
    out_dir: Path
    published: dict[str, Path] = field(default_factory=dict)


@contextlib.contextmanager
def staged_output(
    out_dir: Path,
    inputs: Iterable[Path] = (),
    names: Iterable[str] = (),
    before_publish: Callable[[], None] | None = None,
) -> Iterator[Staging]:
    """Check, create and lock ``out_dir``; yield an empty staging folder inside it; publish on success.

    Publishing moves every staged file into ``out_dir`` (each by an atomic rename) and removes the
    files of ``names`` this run did not make, so no stale output sits beside new ones; it replaces or
    removes only files the folder's manifest proves gait wrote (:func:`check_output_dir`). On any
    exception (``before_publish`` may raise one to call the publishing off) nothing is published,
    the staging folder is removed, and so are the folders this call created. Another run holding
    the lock on the same folder makes this raise OutputError at once; staging folders that a killed
    run left behind are removed.
    """
    out_dir, inputs, names = Path(out_dir), list(inputs), list(names)
    check_output_dir(out_dir, inputs, names)
    created = _make_dirs(out_dir)
    try:
        with _locked(out_dir):
            _remove_stale_staging(out_dir)
            with staged_files(out_dir, inputs, names, before_publish) as staging:
                yield staging
    except BaseException:
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: never remove what another run or the user put there
        raise


@contextlib.contextmanager
def staged_files(
    out_dir: Path,
    inputs: Iterable[Path] = (),
    names: Iterable[str] = (),
    before_publish: Callable[[], None] | None = None,
) -> Iterator[Staging]:
    """The staging and publishing of :func:`staged_output` in a folder whose lock the caller holds."""
    out_dir, inputs, names = Path(out_dir), list(inputs), list(names)
    folder = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=STAGING_SUFFIX, dir=out_dir))
    staging = Staging(folder, out_dir)
    try:
        yield staging
        if before_publish is not None:
            before_publish()
        staging.published = _publish(folder, out_dir, names, inputs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def published_hashes(out_dir: Path) -> dict[str, str]:
    """The sha256 of each file the manifest of ``out_dir`` records gait published there last."""
    return {name: digests[-1] for name, digests in _read_manifest(Path(out_dir)).items() if digests}


def unproven(out_dir: Path, names: Iterable[str]) -> list[str]:
    """Those of ``names`` present in ``out_dir`` that its manifest does not prove gait wrote."""
    out_dir = Path(out_dir)
    manifest = None
    foreign = []
    for name in names:
        path = out_dir / name
        if not path.exists() and not path.is_symlink():
            continue
        if manifest is None:
            manifest = _read_manifest(out_dir)
        proven = path.is_file() and not path.is_symlink() and sha256_file(path) in manifest.get(name, ())
        if not proven:
            foreign.append(name)
    return foreign


def _read_manifest(out_dir: Path) -> dict[str, list[str]]:
    """Name -> accepted sha256s from ``out_dir``'s manifest; empty (nothing proven) if absent or damaged."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"] if data.get("schema") == MANIFEST_SCHEMA else {}
        return {str(k): [str(d) for d in v] for k, v in files.items() if isinstance(v, list)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _write_manifest(out_dir: Path, files: dict[str, list[str]]) -> None:
    text = json.dumps({"schema": MANIFEST_SCHEMA, "files": dict(sorted(files.items()))}, indent=1)
    with atomic_path(out_dir / MANIFEST) as tmp:
        tmp.write_text(text + "\n", encoding="utf-8")


@contextlib.contextmanager
def locked_output_dir(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir``'s lock (it must exist) and remove staging folders killed runs left in it.

    For a caller that writes files of its own there (a batch's summary) while runs lock their own
    sub-folders. Another run holding the lock makes this raise OutputError at once.
    """
    with _locked(Path(out_dir)):
        _remove_stale_staging(Path(out_dir))
        yield


def discard_partial(out_dir: Path) -> None:
    """Remove the staging folders of killed runs in ``out_dir``, and ``out_dir`` itself if that empties it.

    Only for a caller that knows no run is still writing there (a batch whose workers were stopped).
    """
    with contextlib.suppress(OSError):
        _remove_stale_staging(Path(out_dir))
        Path(out_dir).rmdir()  # only when empty


def _make_dirs(path: Path) -> list[Path]:
    """Create ``path`` and its missing parents; return the folders this call created, outermost first."""
    missing = [p for p in (path, *path.parents) if not p.exists()][::-1]
    created = []
    try:
        for folder in missing:
            with contextlib.suppress(FileExistsError):
                folder.mkdir()
                created.append(folder)
    except OSError as exc:
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise OutputError(
            f"Cannot create {path} ({exc.strerror}): choose an --out folder you can write to."
        ) from exc
    return created


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (flock on the folder itself: no lock file left behind)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                raise OutputError(
                    f"Another gait run is writing into {folder}:"
                    " wait for it to finish or choose another --out folder."
                ) from exc
            log.debug("No lock on %s (%s): going on without one.", folder, exc)  # e.g. some network disks
        yield
    finally:
        os.close(fd)  # releases the lock


def _remove_stale_staging(out_dir: Path) -> None:
    """Remove staging folders left by runs that were killed (we hold the folder's lock, so none is live)."""
    for folder in out_dir.glob(f"{STAGING_PREFIX}*{STAGING_SUFFIX}"):
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def _publish(staging: Path, out_dir: Path, names: list[str], inputs: list[Path]) -> dict[str, Path]:
    """Move the staged files in and remove the listed ones not made; the manifest is written first
    accepting both the old and the new content of each name, then again with the new only, so a run
    killed in between still leaves every file provably gait's."""
    staged = sorted(staging.iterdir())
    removed = [name for name in names if not (staging / name).exists()]
    check_output_dir(out_dir, inputs, sorted({*removed, *(p.name for p in staged)}))  # checked again now
    old = _read_manifest(out_dir)
    new = {p.name: sha256_file(p) for p in staged}
    _write_manifest(out_dir, {**old, **{n: [*old.get(n, ()), d] for n, d in new.items()}})
    for name in removed:
        (out_dir / name).unlink(missing_ok=True)
    paths = {}
    for path in staged:
        target = out_dir / path.name
        path.replace(target)
        paths[path.stem] = target
    kept = {n: d for n, d in old.items() if n not in removed and (out_dir / n).is_file()}
    _write_manifest(out_dir, {**kept, **{n: [d] for n, d in new.items()}})
    return paths
