"""The cycle collector paused while a round loads: the one place the package touches it.

Loading a round makes millions of small objects, keeps most of them and makes no cycles (what it
throws away, even from a broken file, reference counting frees at once). Left on, Python's cyclic
collector walks every object kept so far again and again as their number grows, which makes
loading a large round markedly slower (bench/RESULTS.md has the measurement). The engine does not
pause it: scoring is pure and leaves the process as it found it.
"""

from __future__ import annotations

import contextlib
import gc
import typing as t


@contextlib.contextmanager
def paused() -> t.Iterator[None]:
    """The collector off for the block, then exactly as the caller had it: on again only if it was
    on, and objects the caller froze left frozen (nothing here freezes or unfreezes). Cycles made
    in the block are not lost: the next collection frees them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
