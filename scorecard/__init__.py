"""scorecard: score public bodies against a policy framework rubric.

Vocabulary used throughout: a *rubric* holds *sections* of *criteria*; an *evidence record* answers
them for one *organisation* in one *round*; the *engine* turns rubric, records and *register* into a
*Scorecard* of percents, *bands*, *flags* and *categories*.

The Python API (scorecard.api, documented in the README under "Python API"):

    import scorecard
    round_ = scorecard.load_round(scorecard.bundled_round())
    card = scorecard.score(round_)
    scorecard.write(card, round_.rubric, "out/")

Bad input raises InvalidInput, whose `.problems` lists every problem found.
"""

from __future__ import annotations

import typing as t

__version__ = "0.1.0"

# After __version__, which the modules below may read.
from scorecard.api import (
    FORMATS,
    LoadedRound,
    NotComparable,
    OutputBusy,
    RoundFiles,
    RubricNotFound,
    bundled_round,
    check_comparable,
    compare_rounds,
    list_round,
    load_round,
    load_rubric,
    score,
    write,
)
from scorecard.problems import InvalidInput, Problem
from scorecard.render import DEFAULT_FORMATS

if t.TYPE_CHECKING:
    from scorecard.result import Scorecard
    from scorecard.rubric import LoadedRubric

__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "InvalidInput",
    "LoadedRound",
    "LoadedRubric",
    "NotComparable",
    "OutputBusy",
    "Problem",
    "RoundFiles",
    "RubricNotFound",
    "Scorecard",
    "__version__",
    "bundled_round",
    "check_comparable",
    "compare_rounds",
    "list_round",
    "load_round",
    "load_rubric",
    "score",
    "write",
]


def __getattr__(name: str) -> t.Any:
    # The two model types load pydantic and the rubric's models: only when asked for, so that
    # `import scorecard` (and `scorecard --help`) stays quick.
    if name == "Scorecard":
        from scorecard.result import Scorecard

        return Scorecard
    if name == "LoadedRubric":
        from scorecard.rubric import LoadedRubric

        return LoadedRubric
    raise AttributeError(f"module 'scorecard' has no attribute {name!r}")
