"""scorecard: score public bodies against a policy framework rubric.

Vocabulary used throughout: a *rubric* holds *sections* of *criteria*; an *evidence record* answers
them for one *organisation* in one *round*; the *engine* turns rubric, records and *register* into a
*Scorecard* of percents, *bands*, *flags* and *categories*.
"""

from __future__ import annotations

__version__ = "0.1.0"
