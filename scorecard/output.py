"""Writing files so that a failure leaves what was there whole, with the modes the umask gives.

A file is written in full to a temporary file beside its target, flushed to disk (fsync of the
file, then of its folder, which works the same on every system, unlike a global sync), and only
then renamed over the target. A temporary file is made with mode 0666 less the umask, so the
output has the mode any new file of the user's would have (0644 under umask 022), and it holds a
lock on itself while it lives: a later run removes any temporary file of ours that nobody holds,
which is what a killed run leaves behind.

A whole scorecard (many files that must change together) is published by scorecard.publish,
which uses the same pieces.
"""

from __future__ import annotations

import os
import secrets
import sys
import typing as t
from pathlib import Path

from scorecard.problems import InvalidInput, Problem

TEMPORARY_SUFFIX = ".scorecard.tmp"

if sys.platform != "win32":  # POSIX
    import fcntl

    def try_lock(fd: int) -> bool:
        """Take an exclusive lock on an open file without waiting; False if someone holds it. The
        system drops the lock when the process ends, however it ends."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

else:  # pragma: no cover - Windows
    import msvcrt

    def try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True


def cannot_write(path: Path, error: OSError) -> InvalidInput:
    return InvalidInput([Problem(str(path), "", f"cannot be written: {error.strerror or error}", code="cannot-write")])


def fsync_folder(folder: Path) -> None:
    """Make a folder's new and renamed entries durable. Where a folder cannot be opened (Windows)
    the system keeps renames durable itself."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_new(path: Path, data: bytes) -> None:
    """Write data into a file that must not exist yet, with the umask's mode, and fsync it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def write_unflushed(path: Path, data: bytes) -> int:
    """Write data into a file that must not exist yet, with the umask's mode; return an open
    descriptor of it, for the caller to fsync and close (publish does that on other threads)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(os.dup(fd), "wb") as out:
            out.write(data)
    except BaseException:
        os.close(fd)
        raise
    return fd


def clear_stale_temporaries(folder: Path, name: str) -> int:
    """Remove the temporary files a killed run left for `name` in folder (no live run holds them)."""
    removed = 0
    for path in folder.glob(f".{name}.*{TEMPORARY_SUFFIX}"):
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            if try_lock(fd):
                path.unlink(missing_ok=True)
                removed += 1
        finally:
            os.close(fd)
    return removed


class Staging:
    """Files waiting to replace their targets under one folder: `stage` each, then `commit` (every
    one renamed into place) or `abort` (none). For a few files that belong together (a round's
    letters and its tracker); a whole scorecard goes through scorecard.publish instead."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.staged: list[tuple[Path, Path, int]] = []  # temporary, target, its open locked fd

    def stage(self, relative: str, data: bytes) -> None:
        target = self.folder / relative
        temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            clear_stale_temporaries(target.parent, target.name)
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except OSError as error:
            raise cannot_write(target, error) from None
        try_lock(fd)  # held until committed or aborted: this file is in use, not stale
        self.staged.append((temporary, target, fd))
        try:
            with os.fdopen(os.dup(fd), "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except OSError as error:
            raise cannot_write(target, error) from None

    def commit(self) -> list[Path]:
        try:
            for temporary, target, _ in self.staged:
                os.replace(temporary, target)
            for folder in {target.parent for _, target, _ in self.staged}:
                fsync_folder(folder)
        except OSError as error:
            self.abort()
            raise cannot_write(self.folder, error) from None
        done = [target for _, target, _ in self.staged]
        self._close()
        return done

    def abort(self) -> None:
        for temporary, _, _ in self.staged:
            temporary.unlink(missing_ok=True)
        self._close()

    def _close(self) -> None:
        for _, _, fd in self.staged:
            os.close(fd)
        self.staged = []


def write_all(folder: Path, files: t.Mapping[str, bytes] | t.Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write every file under folder, all or nothing; on an error raise InvalidInput naming the
    file. A mapping is written in name order; pairs are staged as they come."""
    staging = Staging(folder)
    try:
        for relative, data in sorted(files.items()) if isinstance(files, t.Mapping) else files:
            staging.stage(relative, data)
    except BaseException:
        staging.abort()
        raise
    return staging.commit()
