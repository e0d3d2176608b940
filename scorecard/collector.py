"""Pausing Python's cycle collector around work that makes many objects and no cycles.

Loading a round and scoring it each make millions of small objects and keep most of them; the
garbage they make is freed by reference counting as usual (loading leaves under 1 kB of cycles
a file, even for broken files; scoring none). Left on, the cyclic collector walks every object
kept so far again and again: a third of the time of loading or scoring 10,000 bodies.
"""

from __future__ import annotations

import contextlib
import gc
import typing as t


@contextlib.contextmanager
def paused() -> t.Iterator[None]:
    """The collector off for the block, then as it was. At the end what survived goes straight
    to the oldest generation (gc.freeze then gc.unfreeze, documented to do just that), so the
    collector coming back does not walk it all at once either (another 15% when loading); only
    a full collection will. That step is skipped if the caller has frozen objects of its own
    (unfreeze would let them go too), and a collector the caller turned off is left alone."""
    if not gc.isenabled():  # the caller manages the collector
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()
