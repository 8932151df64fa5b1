"""The review window: when it closes, and how long is left.

The window closes at `window_closes_at` on the `window_days`-th calendar day after the payout's date *in the
window's zone* (KST for Coupang). Everything is compared as instants, so a payout or a `--now` written in
Beijing time or UTC gives the same answer as one written in KST: sellers in China miss the deadline by
counting days in their own zone, and evpack must not make the same mistake.

A profile whose platform sets the due date per case (window_days = 0, e.g. Stripe's `due_by`) has no
computable deadline: `deadline` returns None and the deadline rules do not apply.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from pipeline.errors import ProfileError
from pipeline.profile import Profile


def deadline(paid_out_at: datetime, profile: Profile) -> datetime | None:
    """The last instant the review can be requested, in the window's zone; None if the profile has no window."""
    days = int(profile.limit("window_days"))
    if days <= 0:
        return None
    if paid_out_at.tzinfo is None:
        raise ValueError("paid_out_at must be timezone-aware (the manifest stage reads a bare time as KST)")
    zone = window_zone(profile)
    closes = closing_time(profile)
    payout_day = paid_out_at.astimezone(zone).date()
    return datetime.combine(payout_day + timedelta(days=days), closes, tzinfo=zone)


def time_left(paid_out_at: datetime, now: datetime, profile: Profile) -> timedelta | None:
    """Time from `now` until the window closes (negative once it has closed); None if the profile has no window."""
    closes = deadline(paid_out_at, profile)
    if closes is None:
        return None
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware: a bare time is ambiguous by an hour between KST and Beijing")
    return closes - now


def is_passed(left: timedelta) -> bool:
    """Closed once now is after the closing instant; at the closing second itself the window is still open."""
    return left < timedelta(0)


def is_soon(left: timedelta, profile: Profile) -> bool:
    """Open, with less than `deadline_soon_hours` left."""
    return not is_passed(left) and left < timedelta(hours=float(profile.limit("deadline_soon_hours")))


def window_zone(profile: Profile) -> ZoneInfo:
    name = profile.limit("window_zone")
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        raise ProfileError(f"Rules profile {profile.path}: window_zone {name!r} is not an IANA time zone.",
                           "use a name such as Asia/Seoul.") from None


def closing_time(profile: Profile) -> time:
    value = profile.limit("window_closes_at")
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise ProfileError(f"Rules profile {profile.path}: window_closes_at {value!r} is not a time of day.",
                           'write it like "23:59:59".') from None


def format_left(left: timedelta) -> str:
    """'2 days 3 h 4 min left' / 'closed 5 h 1 min ago', to the minute (seconds only under a minute), in English."""
    from pipeline.i18n import format_left as localized  # lazily: i18n loads babel catalogs
    return localized(left, "en")
