"""SIGINT and SIGTERM: stop cleanly, say so in one line, exit 130 or 143 (128 + the signal).

The handler raises `Interrupted`, a BaseException, so every `except BaseException` that clears up
(the publication's unfinished files, its lock) runs on the way out, and nothing treats it as an
error in the input. During the few renames that swap a scorecard in, the signal waits
(scorecard.publish), so a stopped run leaves the previous scorecard or the new one.
"""

from __future__ import annotations

import signal
import sys
import typing as t

from scorecard import publish


class Interrupted(BaseException):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int) -> t.NoReturn:
    raise Interrupted(signum)


def _handler(signum: int, frame: object) -> None:
    publish.hold_or_raise(signum, _stop)


def run(main: t.Callable[[], object]) -> None:
    for number in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)):
        if number is not None:
            signal.signal(number, _handler)
    try:
        main()
    except Interrupted as stopped:
        name = signal.Signals(stopped.signum).name
        if publish.published:
            done = f"the new scorecard was already published in {publish.published[-1]}"
        else:
            done = "nothing was written; any previous scorecard is as it was"
        sys.stderr.write(f"scorecard: stopped by {name}; {done}.\n")
        sys.exit(128 + stopped.signum)
