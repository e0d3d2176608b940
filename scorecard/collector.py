"""The cycle collector paused while a round loads and while the API scores it: the only code in
the package that touches it (the command line's entry aside), used at those two edges only
(evidence.load_round, api.score).

Loading a round makes millions of small objects, keeps most of them and makes no cycles (what it
throws away, even from a broken file, reference counting frees at once). Left on, Python's cyclic
collector walks every object kept so far again and again as their number grows, which makes
loading a large round markedly slower (bench/RESULTS.md has the measurement), and scoring it
too. The engine itself does not pause it: scoring is pure and leaves the process as it found it.
"""

from __future__ import annotations

import contextlib
import gc
import typing as t


@contextlib.contextmanager
def paused() -> t.Iterator[None]:
    """The collector off for the block, then exactly as the caller had it: on again only if it was
    on, and the caller's freeze count unchanged. Cycles made in the block are not lost: the next
    full collection frees them.

    Coming back on, the collector would first walk everything the block made, young as it all
    is, and walk it again as it ages. So what survived goes straight to the oldest generation
    (gc.freeze then gc.unfreeze, documented to do just that), leaving the freeze count at zero as
    it found it; when the caller holds frozen objects of its own that step is skipped, as
    unfreezing would let them go too."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
