"""Writing outputs so that a failure leaves the previous scorecard whole.

Every file is first written in full to a temporary file beside its target and flushed to disk;
only when all of them are written are they renamed into place. A full disk, a permission error or
a kill while writing therefore changes nothing; the renames at the end are each atomic and take
microseconds.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from scorecard.problems import InvalidInput, Problem


def _write_temporary(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace one file atomically."""
    os.replace(_write_temporary(path, data), path)


def write_all(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file under folder, all or nothing; on an error raise InvalidInput naming the file."""
    staged: list[tuple[Path, Path]] = []
    try:
        for relative, data in sorted(files.items()):
            target = folder / relative
            try:
                staged.append((_write_temporary(target, data), target))
            except OSError as error:
                raise InvalidInput([Problem(str(target), "", f"cannot be written: {error.strerror or error}")]) from None
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
    return [target for _, target in staged]
