"""Shared by the 002, 003 and 004 repositories: date windows, argument checks, a repository base."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, overload

from boto3.dynamodb.conditions import ConditionBase, Key

from .. import codec, reads
from ..connection import Connection
from ..exceptions import ParameterError, TableNotFoundError

if TYPE_CHECKING:
    from .base import TableSpec

# -- date windows --------------------------------------------------------------------------------
#
# A window is a pair of *inclusive calendar days* (UTC). ``start``/``end`` accept a
# ``datetime.date``, a ``datetime`` (stands for its UTC calendar day; a naive one is taken as
# UTC) or a ``"YYYY-MM-DD"`` string; ``None`` leaves that side open where the method allows it.
#
# Sort keys holding ISO-8601 timestamps are compared by DynamoDB as strings (UTF-8 bytes). The
# obvious bounds ``"2025-03-01T00:00:00Z" .. "2025-03-31T23:59:59.999999Z"`` are WRONG: the
# documented format has no fractional seconds, and at the first differing character of
# ``"2025-03-31T23:59:59Z"`` vs ``"2025-03-31T23:59:59.999999Z"`` it is ``"Z"`` (0x5A) against
# ``"."`` (0x2E), so the item written at 23:59:59Z sorts AFTER the upper bound and is lost.
# Prefix bounds avoid every such trap: every timestamp of day D starts with ``"D"`` and is
# longer, so it sorts after ``"D"``; and every character of a timestamp sorts below U+FFFF
# (UTF-8 EF BF BF is above every ASCII byte), so it sorts before ``"D\uffff"``; the next day
# ``"D+1..."`` sorts after it. Hence ``between("2025-03-01", "2025-03-31\uffff")`` selects
# exactly the timestamps written on March 1..31, with or without fractional seconds, with ``Z``
# or without. A timestamp written with another offset (``+02:00``) is selected by the calendar
# day as written, not by its UTC day: key ranges cannot do better, and the repositories
# return the item rather than hiding it (reports parse it with codec.parse_timestamp).

PREFIX_END = "\uffff"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DATE_FORMS = "a datetime.date, a datetime or a 'YYYY-MM-DD' string"


@overload
def as_day(name: str, value: Any, *, required: Literal[True]) -> dt.date: ...
@overload
def as_day(name: str, value: Any, *, required: bool = False) -> dt.date | None: ...
def as_day(name: str, value: Any, *, required: bool = False) -> dt.date | None:
    """``value`` as a calendar day (UTC), or ParameterError naming ``name``."""
    if value is None:
        if required:
            raise ParameterError(name, f"is required ({_DATE_FORMS})")
        return None
    if isinstance(value, dt.datetime):  # before date: datetime is a date subclass
        try:
            if value.tzinfo is not None and value.utcoffset() is not None:
                value = value.astimezone(dt.UTC)
            return dt.date(value.year, value.month, value.day)
        except (ValueError, TypeError, OverflowError):  # pandas.NaT and friends
            raise ParameterError(name, f"must be a real date, got {value!r}") from None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if _DATE_RE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise ParameterError(name, f"must be a date written YYYY-MM-DD, got {value!r}")
    raise ParameterError(name, f"must be {_DATE_FORMS}, got {type(value).__name__}")


@overload
def day_window(start: Any, end: Any, *, required: Literal[True]) -> tuple[dt.date, dt.date]: ...
@overload
def day_window(start: Any, end: Any, *, required: bool = False) -> tuple[dt.date | None, dt.date | None]: ...
def day_window(start: Any, end: Any, *, required: bool = False) -> tuple[dt.date | None, dt.date | None]:
    """Validate a window of inclusive days; ``required`` makes both ends mandatory."""
    first = as_day("start", start, required=required)
    last = as_day("end", end, required=required)
    if first is not None and last is not None and first > last:
        raise ParameterError("end", f"{last.isoformat()} is before start {first.isoformat()}")
    return first, last


def days_of(first: dt.date, last: dt.date, *, max_days: int | None = None) -> list[dt.date]:
    """Every day from ``first`` to ``last`` inclusive."""
    count = (last - first).days + 1
    if max_days is not None and count > max_days:
        raise ParameterError(
            "end", f"the window {first.isoformat()}..{last.isoformat()} spans {count} days, "
                   f"more than max_days={max_days} (one Query per day); narrow it or raise max_days")
    return [first + dt.timedelta(days=i) for i in range(count)]


def as_month(name: str, value: Any) -> str:
    """``"YYYY-MM"`` from a ``"YYYY-MM"`` string, a date or a datetime."""
    if isinstance(value, str):
        if _MONTH_RE.match(value):
            return value
        raise ParameterError(name, f"must be a month written YYYY-MM, got {value!r}")
    if isinstance(value, (dt.date, dt.datetime)):
        return as_day(name, value, required=True).strftime("%Y-%m")
    raise ParameterError(name, f"must be a 'YYYY-MM' string or a date, got {type(value).__name__}")


def months_of(first: dt.date, last: dt.date) -> list[str]:
    """The ``YYYY-MM`` months a window of days touches, in order."""
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def prefix_range(attribute: str, first: dt.date | None, last: dt.date | None, *,
                 prefix: str = "") -> ConditionBase | None:
    """Sort-key condition selecting the strings ``prefix + <timestamp on first..last>``.

    Open ends stay inside ``prefix`` (``HISTORY#`` must not run into ``SETTINGS``); with no
    prefix and no bound at all there is no condition (``None``).
    """
    key = Key(attribute)
    low = prefix + first.isoformat() if first is not None else None
    high = prefix + last.isoformat() + PREFIX_END if last is not None else None
    if low is None and high is None:
        return key.begins_with(prefix) if prefix else None
    if prefix:
        return key.between(low if low is not None else prefix, high if high is not None else prefix + PREFIX_END)
    if low is not None and high is not None:
        return key.between(low, high)
    return key.gte(low) if low is not None else key.lte(high)


# -- argument checks shared by the builders and repositories ---------------------------------------

def check_text(name: str, value: Any, *, forbid: str = "") -> str:
    """A non-empty string without surrounding whitespace (and without ``forbid`` characters)."""
    if not isinstance(value, str) or not value or value != value.strip():
        raise ParameterError(name, f"must be a non-empty string without surrounding spaces, got {value!r}")
    bad = sorted({c for c in value if c in forbid})
    if bad:
        raise ParameterError(name, f"must not contain {' '.join(repr(c) for c in bad)}, got {value!r}")
    return value


def check_choice(name: str, value: Any, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(name, f"must be one of {', '.join(choices)}, got {value!r}")
    return value


def check_ids(name: str, values: Any, *, forbid: str = "") -> list[str]:
    """A list/tuple/set of ids, de-duplicated in order (a bare string is refused: it is iterable)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ParameterError(name, f"must be a list of ids, got {type(values).__name__}")
    out: dict[str, None] = {}
    for pos, value in enumerate(values):
        out.setdefault(check_text(f"{name}[{pos}]", value, forbid=forbid), None)
    return list(out)


def iso_timestamp(name: str, value: Any) -> str:
    """A timestamp for an item: ISO strings are kept as written, datetimes become ``...Z`` (UTC)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(dt.UTC)
        text = value.strftime("%Y-%m-%dT%H:%M:%S")
        if value.microsecond:
            text += f".{value.microsecond:06d}"
        return text + "Z"
    if isinstance(value, dt.date):
        return value.isoformat() + "T00:00:00Z"
    if isinstance(value, str) and len(value) >= 10 and _DATE_RE.match(value[:10]):
        try:
            dt.date.fromisoformat(value[:10])
            return value
        except ValueError:
            pass
    raise ParameterError(name, f"must be an ISO-8601 timestamp (YYYY-MM-DDTHH:MM:SSZ) or a datetime, got {value!r}")


def number(name: str, value: Any) -> Decimal | None:
    """A DynamoDB number (Decimal) from int/float/Decimal; ``None`` stays ``None`` (attribute omitted)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ParameterError(name, f"must be a number, got {value!r}")
    return codec.to_python(codec.to_wire(value))


def build_item(**attributes: Any) -> dict[str, Any]:
    """Drop ``None`` attributes and round-trip through the codec, so the item equals what
    :mod:`dynamo_reports.reads` returns after writing it (numbers as Decimal)."""
    return codec.item_to_python(codec.item_to_wire({k: v for k, v in attributes.items() if v is not None}))


def put_item(conn: Connection, spec: TableSpec, item: Mapping[str, Any]) -> None:
    """PutItem of one Python-form item into ``spec``'s table (demo dataset writer and tests)."""
    if not isinstance(conn, Connection):
        raise ParameterError("conn", f"must be a dynamo_reports Connection, got {type(conn).__name__}")
    missing = [k for k in spec.key_attributes() if k not in item]
    if missing:
        raise ParameterError("item", f"lacks the key attribute(s) {', '.join(missing)} of {spec.logical!r}")
    conn.call("PutItem", TableName=conn.table_name(spec.logical), Item=codec.item_to_wire(item))


class SystemRepository:
    """Base of the 002-004 repositories: physical names resolved once, errors name both names.

    Methods return Python-form items (dicts, numbers as Decimal) in key order; turn them into
    DataFrames with :func:`dynamo_reports.reads.to_frame` or the module's ``*_frame`` helpers.
    """

    TABLES: tuple[TableSpec, ...] = ()

    def __init__(self, conn: Connection) -> None:
        if not isinstance(conn, Connection):
            raise ParameterError("conn", f"must be a dynamo_reports Connection, got {type(conn).__name__}")
        self.conn = conn
        self.tables: dict[str, str] = {spec.logical: conn.table_name(spec.logical) for spec in self.TABLES}

    def _run(self, spec: TableSpec, read, *args: Any, **kwargs: Any):
        physical = self.tables[spec.logical]
        try:
            return read(self.conn, physical, *args, **kwargs)
        except TableNotFoundError as e:
            if e.logical == spec.logical:
                raise
            raise TableNotFoundError(spec.logical, physical) from e

    def _get(self, spec: TableSpec, key: Mapping[str, Any]) -> dict | None:
        return self._run(spec, reads.get_item, key)

    def _batch(self, spec: TableSpec, keys: list[dict[str, Any]], order_by: str) -> list[dict]:
        """BatchGetItem; result in the order of ``keys`` (missing ones skipped)."""
        if not keys:
            return []
        found = {item.get(order_by): item for item in self._run(spec, reads.batch_get, keys)}
        return [found[k[order_by]] for k in keys if k[order_by] in found]

    def _query(self, spec: TableSpec, condition: ConditionBase, index: str | None = None) -> list[dict]:
        if index is not None:
            spec.index(index)  # a typo here is a bug: fail loudly, before the network
        return self._run(spec, reads.query, condition, index=index)

    def _scan(self, spec: TableSpec, segments: int = 1) -> list[dict]:
        return self._run(spec, reads.read_table, segments=segments)


def _and(condition: ConditionBase, range_condition: ConditionBase | None) -> ConditionBase:
    return condition if range_condition is None else condition & range_condition


