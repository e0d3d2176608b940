"""Where the bundled rubrics, registers, evidence rounds and templates live.

In a wheel they are package data under `scorecard/_data/`; in a source checkout (and an editable
install) they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DATA = Path(__file__).resolve().parent / "_data"
_CHECKOUT = Path(__file__).resolve().parent.parent


def data_dir(name: str) -> Path:
    """The bundled folder `name` (rubrics, evidence or templates)."""
    packaged = _PACKAGE_DATA / name
    if packaged.is_dir():
        return packaged
    return _CHECKOUT / name
