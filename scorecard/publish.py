"""Publishing a whole scorecard into --out: the previous one or the new one, never a mix.

What scorecard owns in --out are the names it writes (scorecard.json, scorecard.xlsx,
scorecard.csv, site/, organisations/, and a register's area CSV, named by the caller);
everything else there is the user's and is never touched.
A run:

1. takes the lock `--out/.scorecard.lock` (a second run into the same --out stops with exit 2;
   the system drops the lock of a run that dies, so a killed run never blocks the next);
2. finishes or clears what an interrupted run left (see below) and says so;
3. renders every file straight into `--out/.scorecard-publish/new/`, each written once and
   fsynced, so the site is never copied a second time;
4. writes a journal of the swap (`.scorecard-publish/journal.json`, fsynced), then, for each owned
   name, renames the previous entry aside into `.scorecard-publish/old/` and the new one into
   place: a handful of renames (site/ moves as one folder), whatever the number of pages;
5. deletes the journal and the previous scorecard, and the lock.

Killed before the journal exists, a run has changed nothing in --out, and the next run removes
its unfinished files. Killed after, the next run completes the swap from the journal before
doing anything else. SIGINT and SIGTERM are held off while the renames run (well under a
millisecond), so an interrupted run always ends in the previous scorecard or the new one.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import typing as t
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from scorecard.output import cannot_write, fsync_folder, try_lock, write_new, write_unflushed
from scorecard.problems import InvalidInput, Problem

OWNED = ("organisations", "scorecard.csv", "scorecard.json", "scorecard.xlsx", "site")
LOCK = ".scorecard.lock"
WORK = ".scorecard-publish"
JOURNAL = "journal.json"
FLUSHERS = 4  # fsync waits on the disk, not the processor: more threads than cores is fine
IN_FLIGHT = 256
OLD_TEMPORARIES = ".scorecard.*.tmp"  # what versions before the journal left beside the targets


class Busy(Exception):
    """Another run is publishing into the same --out."""


class Publication:
    """`stage` each file, then `commit`; on any failure `abort` leaves --out as it was."""

    def __init__(self, out: Path, notes: t.Callable[[str], None]) -> None:
        self.out = out
        self.work = out / WORK
        self.created_out = not os.path.lexists(out)
        self.staged: list[str] = []
        self._folders: set[Path] = set()
        self._lock: int | None = None
        # fsync of each file runs on other threads while the next files render: thousands of
        # fsyncs one after the other would add seconds (bench/RESULTS.md); at most IN_FLIGHT
        # files wait, so open descriptors stay few.
        self._flushers = ThreadPoolExecutor(FLUSHERS, thread_name_prefix="fsync")
        self._slots = threading.BoundedSemaphore(IN_FLIGHT)
        self._flushes: list[Future[None]] = []
        try:
            out.mkdir(parents=True, exist_ok=True)
            self._lock = _acquire(out)
        except OSError as error:
            self._remove_out_if_made()
            raise cannot_write(out, error) from None
        except BaseException:
            self._remove_out_if_made()
            raise
        try:
            for note in recover(out):
                notes(note)
            (self.work / "new").mkdir(parents=True)
        except OSError as error:
            self.abort()
            raise cannot_write(self.work, error) from None
        except BaseException:  # a SIGINT or SIGTERM (scorecard.interrupt) while the folder is made
            self.abort()
            raise

    def stage(self, relative: str, data: bytes) -> None:
        target = self.work / "new" / relative
        try:
            if target.parent not in self._folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(target.parent)
            fd = write_unflushed(target, data)
        except OSError as error:
            raise InvalidInput([Problem(str(self.out / relative), "", f"cannot be written: {error.strerror or error}", code="cannot-write")]) from None
        self.staged.append(relative)
        self._slots.acquire()
        self._flushes.append(self._flushers.submit(self._flush, fd))

    def _flush(self, fd: int) -> None:
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
            self._slots.release()

    def _flushed(self) -> None:
        """Wait for every file's fsync; raise the first error (a disk that failed late)."""
        self._flushers.shutdown(wait=True)
        for flush in self._flushes:
            flush.result()

    def commit(self, owned: t.Iterable[str] = ()) -> tuple[list[Path], list[str]]:
        """Swap the new scorecard in; return the files written and the owned names removed.
        `owned` adds names this run's formats may write besides OWNED (a register's area CSV)."""
        try:
            self._flushed()
            for folder in sorted(self._folders, key=lambda p: len(p.parts), reverse=True):
                fsync_folder(folder)
            fresh = sorted(os.listdir(self.work / "new"))
            retired = sorted(n for n in {*OWNED, *owned} - set(fresh) if os.path.lexists(self.out / n))
            journal = self.work / JOURNAL
            write_new(journal.with_suffix(".tmp"), json.dumps({"publish": fresh, "retire": retired}).encode())
            os.replace(journal.with_suffix(".tmp"), journal)
            fsync_folder(self.work)
        except OSError as error:
            self.abort()
            raise cannot_write(self.out, error) from None
        except BaseException:
            self.abort()
            raise
        # From here the journal decides: the swap is finished by this run or by the next one.
        # A SIGINT or SIGTERM now waits until the swap and the clearing up are done.
        _Held.holding = True
        try:
            _swap(self.out, fresh, retired)
            journal.unlink()
            published.append(self.out)
        except OSError as error:
            self._release()
            raise InvalidInput([Problem(str(self.out), "", f"could not be published whole ({error.strerror or error}); "
                                                            "the next run into it finishes the publication", code="cannot-write")]) from None
        finally:
            _Held.holding = False
        self._finish()
        _deliver_held_signal()
        return [self.out / r for r in self.staged], retired

    def abort(self) -> None:
        self._flushers.shutdown(wait=True)
        shutil.rmtree(self.work, ignore_errors=True)
        self._release()
        self._remove_out_if_made()

    def _finish(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            # Unlinked before it is closed: a run waiting on this file checks that the lock it
            # gets is still the file in --out (see _acquire).
            (self.out / LOCK).unlink(missing_ok=True)
            os.close(self._lock)
            self._lock = None

    def _remove_out_if_made(self) -> None:
        if self.created_out:
            shutil.rmtree(self.out, ignore_errors=True)


def publish(out: Path, files: t.Iterable[tuple[str, bytes]], notes: t.Callable[[str], None],
            owned: t.Iterable[str] = ()) -> tuple[list[Path], list[str]]:
    """Write every file into a new scorecard in out and swap it in whole; see the module text."""
    publication: Publication | None = None
    try:
        # Made inside the try: a signal that arrives as the constructor returns still clears up.
        publication = Publication(out, notes)
        for relative, data in files:
            publication.stage(relative, data)
    except BaseException:
        if publication is not None:
            publication.abort()
        raise
    return publication.commit(owned)


def _acquire(out: Path) -> int:
    path = out / LOCK
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        if not try_lock(fd):
            os.close(fd)
            raise Busy(str(out))
        try:  # the run before may have unlinked the file between our open and our lock
            current = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            current = False
        if current:
            return fd
        os.close(fd)


def recover(out: Path) -> list[str]:
    """Finish the swap an interrupted run began, or remove what it left unfinished."""
    notes: list[str] = []
    work = out / WORK
    journal = work / JOURNAL
    if journal.is_file():
        plan = json.loads(journal.read_text("utf-8"))
        _swap(out, plan["publish"], plan["retire"])
        notes.append(f"an earlier run was stopped while publishing into {out}; its scorecard is now in place whole")
    if os.path.lexists(work):
        shutil.rmtree(work)
        if not notes:
            notes.append(f"removed the unfinished files of an earlier run that was stopped before publishing into {out}")
    stale = list(out.glob(OLD_TEMPORARIES))
    for path in stale:
        path.unlink(missing_ok=True)
    if stale:
        notes.append(f"removed {len(stale)} temporary file{'s' if len(stale) != 1 else ''} an earlier run left in {out}")
    return notes


def _swap(out: Path, fresh: t.Sequence[str], retired: t.Sequence[str]) -> None:
    """Put each new entry in place of the previous one; safe to run again after a kill."""
    new, old = out / WORK / "new", out / WORK / "old"
    old.mkdir(exist_ok=True)
    for name in sorted({*fresh, *retired}):
        current, incoming, aside = out / name, new / name, old / name
        if name in fresh and not os.path.lexists(incoming):
            continue  # already in place
        if os.path.lexists(current):
            if os.path.lexists(incoming) and current.is_file() and not current.is_symlink() and incoming.is_file():
                os.replace(incoming, current)  # a file replaces a file in one step
                continue
            if os.path.lexists(aside):
                shutil.rmtree(aside) if aside.is_dir() and not aside.is_symlink() else aside.unlink()
            os.rename(current, aside)
        if os.path.lexists(incoming):
            os.rename(incoming, current)
    fsync_folder(out)


class _Held:
    signal: int | None = None
    holding = False


def _deliver_held_signal() -> None:
    pending, _Held.signal = _Held.signal, None
    if pending is not None:
        os.kill(os.getpid(), pending)


def hold_or_raise(signum: int, stop: t.Callable[[int], t.NoReturn]) -> None:
    """For the CLI's signal handler: during the swap remember the signal, otherwise stop now."""
    if _Held.holding:
        _Held.signal = signum
        return
    stop(signum)


# Where the last publication stands, for the one line an interrupted run prints.
published: list[Path] = []
