"""Planned downtime as an iCalendar file per plan, for staff and leaders to import.

The dates come from `schedule.maintenance_dates`, the same computation the posters print,
so the calendar and the wall can never disagree. The file is deterministic: UIDs are
derived from plan and date, and DTSTAMP is the build's as-of date, not the clock.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from .content.load import Content
from .content.models import Plan
from .i18n import Words
from .schedule import maintenance_dates

WINDOWS = 12


def plan_calendar(content: Content, plan: Plan, as_of: dt.date, count: int = WINDOWS) -> bytes | None:
    """The next `count` maintenance windows of a plan, or None if it has no maintenance rule."""
    rule = plan.maintenance
    if rule is None:
        return None
    org = content.organisation
    lang = org.default_language
    words = Words(lang, org.region)
    _ = words.gettext
    zone = ZoneInfo(org.timezone)
    note = rule.note.get(lang) or next(iter(rule.note.values()))
    title = plan.title.get(lang) or next(iter(plan.title.values()))

    cal = Calendar()
    cal.add("prodid", "-//nødkit//planned downtime//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("{system}: planned downtime").format(system=plan.system))
    cal.add("x-wr-timezone", org.timezone)
    stamp = dt.datetime.combine(as_of, dt.time(0, 0), tzinfo=dt.timezone.utc)
    longest = rule.duration_hours[1] if rule.duration_hours else None
    for day in maintenance_dates(rule, as_of, count):
        event = Event()
        event.add("uid", f"{plan.id}-{day.isoformat()}@nodkit")
        event.add("dtstamp", stamp)
        event.add("summary", _("{system}: planned downtime").format(system=plan.system))
        event.add("description", f"{note}\n\n{title}")
        event.add("transp", "TRANSPARENT")  # informs; does not block anyone's calendar
        if rule.start is not None:
            start = dt.datetime.combine(day, rule.start, tzinfo=zone)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(hours=longest or 1))
        else:
            # the plan gives a part of the day but no clock time: an all-day entry, no invented hour
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
        cal.add_component(event)
    if rule.start is not None:
        cal.add_missing_timezones()
    return cal.to_ical()
