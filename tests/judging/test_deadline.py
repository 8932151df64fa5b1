"""The review window: 7 calendar days after the payout's KST date, closing 23:59:59 KST, compared as instants."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pipeline.judging.deadline import deadline, format_left, is_passed, is_soon, time_left
from pipeline.model import KST
from pipeline.profile import Profile

BEIJING = timezone(timedelta(hours=8))
PROFILE = Profile.load()
PAID = datetime(2026, 3, 12, 10, 30, tzinfo=KST)


def test_closes_on_the_seventh_day_at_235959_kst():
    """GIVEN a payout on 2026-03-12 KST WHEN the deadline is computed THEN it is 2026-03-19 23:59:59+09:00."""
    assert deadline(PAID, PROFILE).isoformat() == "2026-03-19T23:59:59+09:00"


def test_payout_at_0030_kst_counts_from_its_kst_date():
    """GIVEN a payout at 00:30 KST on 03-13 (23:30 on 03-12 in Beijing) THEN the window closes 03-20 23:59:59 KST."""
    in_beijing = datetime(2026, 3, 12, 23, 30, tzinfo=BEIJING)
    assert deadline(in_beijing, PROFILE) == datetime(2026, 3, 20, 23, 59, 59, tzinfo=KST)
    assert deadline(in_beijing.astimezone(timezone.utc), PROFILE) == deadline(in_beijing, PROFILE)


@pytest.mark.parametrize("now,passed,soon", [
    (datetime(2026, 3, 19, 23, 59, 0, tzinfo=KST), False, True),        # last minute: open, soon
    (datetime(2026, 3, 19, 23, 59, 59, tzinfo=KST), False, True),       # the closing second itself: open
    (datetime(2026, 3, 20, 0, 0, 30, tzinfo=KST), True, False),         # next day: closed
    (datetime(2026, 3, 19, 23, 30, tzinfo=BEIJING), True, False),       # 23:30 Beijing = 00:30 KST next day
    (datetime(2026, 3, 19, 22, 30, tzinfo=BEIJING), False, True),       # 22:30 Beijing = 23:30 KST: open
    (datetime(2026, 3, 18, 23, 59, 59, tzinfo=KST), False, False),      # exactly 24 h left: not "under"
    (datetime(2026, 3, 19, 0, 0, 0, tzinfo=KST), False, True),
])
def test_passed_and_soon_compare_instants(now, passed, soon):
    """GIVEN a 'now' in KST or Beijing time WHEN the time left is judged THEN only the instant matters."""
    left = time_left(PAID, now, PROFILE)
    assert (is_passed(left), is_soon(left, PROFILE)) == (passed, soon)


def test_a_naive_now_is_refused():
    """GIVEN a 'now' without an offset THEN time_left refuses it (it would be wrong by an hour in Beijing)."""
    with pytest.raises(ValueError):
        time_left(PAID, datetime(2026, 3, 15, 12, 0), PROFILE)


def test_profile_without_window_has_no_deadline():
    """GIVEN the Stripe profile (due date set per dispute) THEN no deadline is computed."""
    stripe = Profile.load("stripe")
    assert deadline(PAID, stripe) is None and time_left(PAID, PAID, stripe) is None


def test_format_left_reads_both_ways():
    """GIVEN time left or overdue THEN the wording says which, to the minute."""
    assert format_left(timedelta(days=2, hours=3, minutes=4)) == "2 days 3 h 4 min left"
    assert format_left(timedelta(seconds=59)) == "59 s left"
    assert format_left(timedelta(seconds=-30)) == "closed 30 s ago"
