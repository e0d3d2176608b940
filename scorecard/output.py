"""Writing outputs so that a failure leaves the previous scorecard whole.

Every file is first written in full to a temporary file beside its target (staged); only when
all of them are staged, and flushed to disk, are they renamed into place. A full disk, a
permission error or a kill while writing therefore changes nothing; the renames at the end are
each atomic and take microseconds. Staging file by file as the renderers produce them keeps
memory flat: no format's output has to be held whole.
"""

from __future__ import annotations

import os
import tempfile
import typing as t
from pathlib import Path

from scorecard.problems import InvalidInput, Problem


class Staging:
    """Temporary files waiting to replace their targets: `stage` each, then `commit` or `abort`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.staged: list[tuple[Path, Path]] = []

    def stage(self, relative: str, data: bytes) -> None:
        target = self.folder / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        except OSError as error:
            raise InvalidInput([Problem(str(target), "", f"cannot be written: {error.strerror or error}")]) from None
        self.staged.append((Path(temporary), target))
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
        except OSError as error:
            raise InvalidInput([Problem(str(target), "", f"cannot be written: {error.strerror or error}")]) from None

    def commit(self) -> list[Path]:
        # One flush of everything staged, instead of one per file (thousands of pages), before
        # any target is replaced: after a power cut, a target is the old file or the whole new one.
        os.sync()
        for temporary, target in self.staged:
            os.replace(temporary, target)
        done = [target for _, target in self.staged]
        self.staged = []
        return done

    def abort(self) -> None:
        for temporary, _ in self.staged:
            temporary.unlink(missing_ok=True)
        self.staged = []


def write_all(folder: Path, files: t.Mapping[str, bytes] | t.Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write every file under folder, all or nothing; on an error raise InvalidInput naming the
    file. A mapping is written in name order; pairs are staged as they come, so a renderer that
    yields its files one by one never has them all in memory."""
    staging = Staging(folder)
    try:
        for relative, data in sorted(files.items()) if isinstance(files, t.Mapping) else files:
            staging.stage(relative, data)
    except BaseException:
        staging.abort()
        raise
    return staging.commit()
