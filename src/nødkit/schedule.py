"""Dates and hours computed from content rules: one computation for every document.

The poster's maintenance dates and (later) the iCalendar file both come from
`maintenance_dates`, so they can never disagree.
"""

from __future__ import annotations

import datetime as dt

from dateutil.rrule import rrulestr

from .content.models import Hours, Maintenance


def maintenance_dates(rule: Maintenance, as_of: dt.date, count: int) -> list[dt.date]:
    """The next `count` days the rule names, on or after `as_of`."""
    start = dt.datetime.combine(as_of, dt.time(0, 0))
    recurrence = rrulestr(rule.rrule, dtstart=start)
    out: list[dt.date] = []
    for when in recurrence:
        out.append(when.date())
        if len(out) == count:
            break
    return out


def group_hours(hours: list[Hours]) -> list[tuple[tuple[int, ...], dt.time, dt.time]]:
    """Merge entries with the same times and order them by first weekday.

    [mon-thu 08-15, fri 08-14] stays two groups; [mon 7-15:30, tue-fri 7-15:30] becomes one.
    """
    by_times: dict[tuple[dt.time, dt.time], set[int]] = {}
    for h in hours:
        by_times.setdefault((h.open, h.close), set()).update(h.days)
    groups = [(tuple(sorted(days)), o, c) for (o, c), days in by_times.items()]
    return sorted(groups, key=lambda g: g[0][0])
