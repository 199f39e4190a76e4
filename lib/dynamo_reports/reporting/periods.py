"""Report periods: relative names (``last-7-days``) resolved to an inclusive date window.

A period is resolved against *today in the report's time zone*: a run at 23:30 UTC on
2026-03-15 with ``timezone="Pacific/Auckland"`` sees 2026-03-16 as today, so its
``yesterday`` is 2026-03-15. Dates in a :class:`Window` are local calendar dates, both ends
inclusive; :meth:`Window.bounds_utc` turns them into the half-open UTC interval that
timestamp filters need (local midnight of ``start`` .. local midnight after ``end``), with
daylight-saving transitions handled by :mod:`zoneinfo`.

Periods: ``yesterday``, ``last-7-days`` (the 7 full days ending yesterday),
``last-30-days``, ``month-to-date`` (1st of this month .. today), ``previous-month``,
``YYYY-MM`` (that calendar month) and ``all`` (open on both ends).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..exceptions import ParameterError

__all__ = [
    "PERIODS",
    "Window",
    "get_zone",
    "parse_date",
    "resolve_period",
    "today_in",
    "window_from_dates",
]

#: The named periods (``YYYY-MM`` is accepted as well).
PERIODS = ("yesterday", "last-7-days", "last-30-days", "month-to-date", "previous-month", "all")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Window:
    """An inclusive window of local calendar dates; ``None`` means open on that side."""

    start: date | None
    end: date | None
    label: str
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ParameterError("start", f"{self.start} is after end {self.end}")

    @property
    def is_open(self) -> bool:
        return self.start is None and self.end is None

    def bounds_utc(self) -> tuple[datetime | None, datetime | None]:
        """``(start inclusive, end exclusive)`` as aware UTC datetimes (``None`` = open).

        Computed from local midnights in :attr:`timezone`: ``start`` at 00:00 local, and
        00:00 local of the day after ``end``.
        """
        zone = get_zone(self.timezone)

        def midnight_utc(day: date) -> datetime:
            return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)

        lo = midnight_utc(self.start) if self.start is not None else None
        hi = midnight_utc(self.end + timedelta(days=1)) if self.end is not None else None
        return lo, hi

    def contains(self, day: date) -> bool:
        """True if the local calendar date ``day`` is inside the window."""
        if self.start is not None and day < self.start:
            return False
        if self.end is not None and day > self.end:
            return False
        return True

    def to_dict(self) -> dict[str, str | None]:
        """JSON-ready form: ISO dates (or ``None``), label and time zone."""
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "label": self.label,
            "timezone": self.timezone,
        }

    def as_parameters(self) -> dict[str, str]:
        """The notebook parameters ``start`` / ``end`` / ``period`` / ``timezone`` for this window."""
        return {
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "period": self.label,
            "timezone": self.timezone,
        }


def get_zone(timezone: str) -> ZoneInfo:
    """The :class:`ZoneInfo` for an IANA name; unknown names raise ``ParameterError('timezone')``."""
    if not isinstance(timezone, str) or not timezone.strip():
        raise ParameterError("timezone", "must be an IANA time zone name such as 'UTC' or 'Europe/Paris'")
    try:
        return ZoneInfo(timezone.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ParameterError(
            "timezone", f"unknown time zone {timezone!r} (use an IANA name such as 'Europe/Paris')"
        ) from None


def today_in(timezone: str = "UTC", *, now: datetime | None = None) -> date:
    """Today's date in ``timezone`` (``now`` defaults to the current instant; naive = UTC)."""
    zone = get_zone(timezone)
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(zone).date()


def parse_date(value: str, parameter: str) -> date:
    """Parse a strict ``YYYY-MM-DD`` date, or raise ``ParameterError(parameter)``."""
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or not _DATE_RE.match(text):
        raise ParameterError(parameter, f"{value!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ParameterError(parameter, f"{value!r} is not a valid calendar date") from None


def _month_window(year: int, month: int) -> tuple[date, date]:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1), date(year, month, last)


def resolve_period(
    period: str,
    *,
    timezone: str = "UTC",
    today: date | None = None,
    now: datetime | None = None,
) -> Window:
    """Resolve a named period to a :class:`Window`.

    ``today`` (a local date) wins over ``now`` (an instant, converted to ``timezone``); with
    neither, today is taken from the clock in ``timezone``.
    """
    zone_name = timezone.strip() if isinstance(timezone, str) else timezone
    get_zone(zone_name)  # validate even when ``today`` is given
    if not isinstance(period, str) or not period.strip():
        raise ParameterError("period", "is empty; use " + _period_help())
    name = period.strip().lower()
    if today is None:
        today = today_in(zone_name, now=now)

    if name == "all":
        return Window(None, None, "all", zone_name)
    if name == "yesterday":
        day = today - timedelta(days=1)
        return Window(day, day, name, zone_name)
    if name == "last-7-days":
        return Window(today - timedelta(days=7), today - timedelta(days=1), name, zone_name)
    if name == "last-30-days":
        return Window(today - timedelta(days=30), today - timedelta(days=1), name, zone_name)
    if name == "month-to-date":
        return Window(today.replace(day=1), today, name, zone_name)
    if name == "previous-month":
        last_of_previous = today.replace(day=1) - timedelta(days=1)
        start, end = _month_window(last_of_previous.year, last_of_previous.month)
        return Window(start, end, name, zone_name)
    match = _MONTH_RE.match(name)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or year < 1:
            raise ParameterError("period", f"{period!r} is not a valid month (YYYY-MM)")
        start, end = _month_window(year, month)
        return Window(start, end, name, zone_name)
    raise ParameterError("period", f"unknown period {period!r}; use " + _period_help())


def _period_help() -> str:
    return "yesterday, last-7-days, last-30-days, month-to-date, previous-month, YYYY-MM or all"


def window_from_dates(
    start: str | date | None,
    end: str | date | None,
    timezone: str = "UTC",
    *,
    label: str | None = None,
) -> Window:
    """A window from explicit ``YYYY-MM-DD`` bounds (``None`` / ``""`` = open on that side).

    Raises ``ParameterError`` naming ``start`` or ``end`` for a malformed date, ``start``
    when it falls after ``end``, and ``timezone`` for an unknown zone.
    """
    zone_name = timezone.strip() if isinstance(timezone, str) else timezone
    get_zone(zone_name)

    def as_date(value: str | date | None, parameter: str) -> date | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            raise ParameterError(parameter, f"{value!r} is a datetime; give a date (YYYY-MM-DD)")
        if isinstance(value, date):
            return value
        return parse_date(value, parameter)

    lo, hi = as_date(start, "start"), as_date(end, "end")
    if lo is not None and hi is not None and lo > hi:
        raise ParameterError("start", f"{lo} is after end {hi}")
    if label is None:
        label = "all" if lo is None and hi is None else f"{lo or ''}..{hi or ''}"
    return Window(lo, hi, label, zone_name)
