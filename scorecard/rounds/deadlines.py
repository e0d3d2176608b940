"""Statutory deadlines: the twentieth working day following the date of receipt.

A working day is any day but a Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday
in *any* part of the United Kingdom (so a day that is a bank holiday only in one nation is not a
working day anywhere). The bank holidays come from the `holidays` package (the union of its
United Kingdom subdivisions), not from a table of our own: one-off days (a jubilee, a state
funeral, a coronation) and substitute days are kept there by people who follow the
proclamations. The day of receipt does not count, even if it is a working day; it may itself be
a non-working day, and day one is the first working day after it.
"""

from __future__ import annotations

import datetime as dt
import functools

WORKING_DAYS_TO_REPLY = 20
_ONE_DAY = dt.timedelta(days=1)


@functools.lru_cache(maxsize=64)
def holidays_in(year: int) -> dict[dt.date, str]:
    """Every non-weekend day off in `year`, in any part of the UK, with its name(s)."""
    import holidays  # imported here: it takes a while and most commands never need it

    found: dict[dt.date, set[str]] = {}
    for subdivision in holidays.UnitedKingdom.subdivisions:
        # holidays leaves its country classes' __init__ unannotated.
        for day, name in holidays.UnitedKingdom(subdiv=subdivision, years=year).items():  # type: ignore[no-untyped-call]
            found.setdefault(day, set()).update(part.strip() for part in name.split(";"))
    return {day: "; ".join(sorted(names)) for day, names in sorted(found.items())}


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in holidays_in(day.year)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The `count`th working day following `start` (start itself never counts)."""
    day = start
    remaining = count
    while remaining:
        day += _ONE_DAY
        if is_working_day(day):
            remaining -= 1
    return day


def due_date(received: dt.date, working_days: int = WORKING_DAYS_TO_REPLY) -> dt.date:
    """The last day on which a reply is in time, for a request received on `received`."""
    return add_working_days(received, working_days)


def working_days_after(start: dt.date, end: dt.date) -> int:
    """How many working days follow `start` up to and including `end` (0 if end <= start):
    a reply due on `start` and still missing on `end` is this many working days late."""
    count = 0
    day = start
    while day < end:
        day += _ONE_DAY
        if is_working_day(day):
            count += 1
    return count
