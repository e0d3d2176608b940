"""Statutory deadlines: the twentieth working day following receipt, with bank holidays of
every part of the UK (from the `holidays` package), one-off days and substitute days."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings, strategies as st

from scorecard.rounds.deadlines import due_date, holidays_in, is_working_day, working_days_after

D = dt.date


@pytest.mark.parametrize(
    "received, due, why",
    [
        # No holiday in September 2026: 20 weekdays after Tuesday 1 September.
        (D(2026, 9, 1), D(2026, 9, 29), "plain month"),
        # Good Friday 18 April, Easter Monday 21 April and May Day 5 May 2025 are skipped.
        (D(2025, 4, 10), D(2025, 5, 13), "Easter"),
        # 26 and 27 December 2022 (substitutes for a Sunday Christmas), 2 January 2023 (New
        # Year's Day observed) and 3 January (Scotland's 2 January holiday, moved): England
        # alone would make it 18 January.
        (D(2022, 12, 16), D(2023, 1, 19), "Christmas and New Year, Scottish substitute"),
        # St Patrick's Day (Northern Ireland) on Tuesday 17 March 2026, then Easter.
        (D(2026, 3, 16), D(2026, 4, 16), "St Patrick's Day"),
        # The spring bank holiday moved to Thursday 2 June 2022 and the Platinum Jubilee on 3 June.
        (D(2022, 6, 1), D(2022, 7, 1), "Platinum Jubilee"),
        # The state funeral of Queen Elizabeth II, Monday 19 September 2022.
        (D(2022, 9, 16), D(2022, 10, 17), "state funeral"),
        # May Day 1 May, the coronation 8 May and the spring bank holiday 29 May 2023.
        (D(2023, 4, 28), D(2023, 5, 31), "coronation"),
        # Received on a Saturday: day one is Monday 7 September, the twentieth Friday 2 October.
        (D(2026, 9, 5), D(2026, 10, 2), "Saturday receipt"),
        # A Monday receipt does not count itself: day one is Tuesday, a working day later.
        (D(2026, 9, 7), D(2026, 10, 5), "receipt day not counted"),
    ],
)
def test_due_dates(received, due, why):
    assert due_date(received) == due, why


@pytest.mark.parametrize(
    "day, what",
    [
        (D(2023, 12, 25), "Christmas Day"),
        (D(2024, 3, 29), "Good Friday"),
        (D(2023, 1, 3), "Scotland's 2 January, moved to Tuesday"),
        (D(2027, 1, 4), "Scotland's 2 January 2027 (a Saturday), moved to Monday"),
        (D(2027, 12, 28), "Boxing Day 2027 (a Sunday), moved to Tuesday"),
        (D(2024, 3, 18), "St Patrick's Day 2024 (a Sunday), moved to Monday"),
        (D(2025, 7, 14), "Battle of the Boyne 2025 (a Saturday), moved to Monday"),
        (D(2025, 12, 1), "St Andrew's Day 2025 (a Sunday), moved to Monday"),
        (D(2026, 8, 3), "Scotland's summer bank holiday"),
        (D(2022, 6, 3), "Platinum Jubilee"),
        (D(2022, 9, 19), "state funeral"),
        (D(2023, 5, 8), "coronation"),
    ],
)
def test_days_off_anywhere_in_the_uk_are_not_working_days(day, what):
    assert day.weekday() < 5, "the test means a weekday"
    assert not is_working_day(day), what
    assert day in holidays_in(day.year)


def test_ordinary_days_are_working_days():
    assert is_working_day(D(2026, 9, 1))
    assert is_working_day(D(2022, 1, 5))
    assert not is_working_day(D(2026, 9, 5))  # a Saturday
    assert not is_working_day(D(2026, 9, 6))  # a Sunday


def test_overdue_is_counted_in_working_days():
    due = D(2026, 9, 29)
    assert working_days_after(due, due) == 0
    assert working_days_after(due, D(2026, 9, 28)) == 0
    assert working_days_after(due, D(2026, 9, 30)) == 1
    assert working_days_after(due, D(2026, 10, 3)) == 3  # a Saturday adds nothing
    assert working_days_after(due, D(2026, 10, 15)) == 12
    # Across Christmas 2026: 25 and 28 December (Boxing Day moved) and 1 January are not counted.
    assert working_days_after(D(2026, 12, 23), D(2027, 1, 5)) == 5  # 24, 29, 30, 31 Dec and 5 Jan


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2035, 12, 31)))
def test_the_due_date_is_the_twentieth_working_day_whatever_the_receipt(received):
    due = due_date(received)
    assert is_working_day(due)
    assert working_days_after(received, due) == 20
    assert working_days_after(received, due - dt.timedelta(days=1)) == 19
    # Four weeks of weekdays, less the weekend when the receipt falls on one; holidays add up to two weeks.
    assert dt.timedelta(days=26 if received.weekday() >= 5 else 28) <= due - received <= dt.timedelta(days=42)
