"""Writing outputs atomically: each file goes to a temporary file in the same folder and is renamed
into place, so an error or a kill part-way leaves the previous file whole."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from scorecard.problems import InvalidInput, Problem


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_all(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file under folder; on a write error raise InvalidInput naming the file."""
    written: list[Path] = []
    for relative, data in sorted(files.items()):
        target = folder / relative
        try:
            write_atomic(target, data)
        except OSError as error:
            raise InvalidInput([Problem(str(target), "", f"cannot be written: {error.strerror or error}")]) from None
        written.append(target)
    return written
