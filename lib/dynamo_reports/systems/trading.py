"""002 — Binance trading bot: ``{project}-{env}-trades``, ``-bot-config``, ``-reports``.

Document: shared/seeds/002_20b0d3baadce3cdc.txt (Terraform module). ``trades``:
``pk=TRADE#{uuid}``; ``sk=METADATA`` is the trade, ``sk=UPDATE#{timestamp}`` rows are its
status history (not trades). GSIs ``gsi1-symbol-date`` (``SYMBOL#{s}`` / ISO time),
``gsi2-date`` (``DATE#{YYYY-MM-DD}`` / ISO time), ``gsi3-status`` (``STATUS#{s}`` / ISO time).
``bot-config``: ``CONFIG#bot`` and ``CONFIG#limits`` with ``sk=SETTINGS``, ``HISTORY#{ts}`` rows.
``reports``: ``REPORT#{date}``/``DAILY``, GSI ``gsi1-month`` (``MONTH#YYYY-MM`` / date), TTL
attribute ``ttl`` (90 days).
"""

from __future__ import annotations

from .base import IndexSpec, TableSpec

SYSTEM = "002"
TITLE = "Binance trading bot"

TRADES = TableSpec(
    logical="trades",
    system=SYSTEM,
    description="trades (sk=METADATA) and their status history (sk=UPDATE#...)",
    hash_key="pk",
    range_key="sk",
    indexes=(
        IndexSpec("gsi1-symbol-date", "gsi1pk", "gsi1sk", "ALL"),
        IndexSpec("gsi2-date", "gsi2pk", "gsi2sk", "ALL"),
        IndexSpec("gsi3-status", "gsi3pk", "gsi3sk", "ALL"),
    ),
)

BOT_CONFIG = TableSpec(
    logical="bot_config",
    system=SYSTEM,
    description="bot configuration CONFIG#bot / CONFIG#limits (SETTINGS) and HISTORY# rows",
    hash_key="pk",
    range_key="sk",
)

REPORTS = TableSpec(
    logical="reports",
    system=SYSTEM,
    description="daily reports REPORT#{date}/DAILY, 90-day TTL",
    hash_key="pk",
    range_key="sk",
    indexes=(IndexSpec("gsi1-month", "gsi1pk", "gsi1sk", "ALL"),),
    ttl_attribute="ttl",
)

TABLES = (TRADES, BOT_CONFIG, REPORTS)


# =============================================================================================
# Shared by the 002, 003 and 004 repositories: date windows and a repository base.
# (Kept here because base.py belongs to another module owner; candidates for systems/base.py.)
# =============================================================================================

import datetime as dt  # noqa: E402  (appended below the table specs on purpose)
import re  # noqa: E402
from decimal import Decimal  # noqa: E402
from typing import Any, Iterable, Mapping, Sequence  # noqa: E402

from boto3.dynamodb.conditions import ConditionBase, Key  # noqa: E402

from .. import codec, reads  # noqa: E402
from ..connection import Connection  # noqa: E402
from ..exceptions import ParameterError, TableNotFoundError  # noqa: E402

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


def as_day(name: str, value: Any, *, required: bool = False) -> dt.date | None:
    """``value`` as a calendar day (UTC), or ParameterError naming ``name``."""
    if value is None:
        if required:
            raise ParameterError(name, f"is required ({_DATE_FORMS})")
        return None
    if isinstance(value, dt.datetime):  # before date: datetime is a date subclass
        try:
            if value.tzinfo is not None and value.utcoffset() is not None:
                value = value.astimezone(dt.timezone.utc)
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
        return as_day(name, value).strftime("%Y-%m")
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
            value = value.astimezone(dt.timezone.utc)
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
        return self._run(spec, reads.scan, allow_full_scan=True, segments=segments)


def _and(condition: ConditionBase, range_condition: ConditionBase | None) -> ConditionBase:
    return condition if range_condition is None else condition & range_condition


# =============================================================================================
# 002 repository
# =============================================================================================
#
# Assumptions where the document is silent (DESIGN.md, "Data model"):
# * Only ``sk == "METADATA"`` rows are trades. ``UPDATE#{timestamp}`` rows are a trade's status
#   history; if the bot copies the gsi keys onto them, the GSIs index them too, so the trade
#   queries drop them unless asked ``trades_only=False``. (Filtered client-side: a
#   FilterExpression would not save read units, and the meter stays exact.)
# * ``gsi2pk = DATE#{first 10 characters of created_at}`` (the day as written).
# * ``trade_id`` is the bare uuid (``pk`` is ``TRADE#{trade_id}``).
# * ``CONFIG#{type}``: ``bot`` and ``limits`` are the documented types.

TRADE_STATUSES = ("FILLED", "CANCELLED", "ERROR")
TRADE_SIDES = ("BUY", "SELL")
ORDER_TYPES = ("MARKET", "LIMIT")
CONFIG_TYPES = ("bot", "limits")
REPORT_STATUSES = ("sent", "pending", "failed")
REPORT_TTL_DAYS = 90
MAX_WINDOW_DAYS = 1000  # trades_by_date_range: one Query per day; a guard against typos (year 2205)

_SYMBOL_RE = re.compile(r"^[A-Z0-9]{2,32}$")

TRADE_COLUMNS = (
    "id", "order_id", "client_order_id", "symbol", "side", "type", "status", "quantity", "price",
    "quote_quantity", "commission", "commission_asset", "strategy", "indicators", "pnl", "pnl_percent",
    "related_trade_id", "created_at", "updated_at",
)
TRADE_NUMBERS = ("order_id", "quantity", "price", "quote_quantity", "commission", "pnl", "pnl_percent")
TRADE_TIMESTAMPS = ("created_at", "updated_at")
REPORT_COLUMNS = (
    "date", "trades_count", "buy_count", "sell_count", "pnl_absolute", "pnl_percent", "total_volume",
    "total_fees", "total_balance_usdt", "balances", "telegram_message_id", "status", "created_at", "ttl",
)
REPORT_NUMBERS = ("trades_count", "buy_count", "sell_count", "pnl_absolute", "pnl_percent", "total_volume",
                  "total_fees", "total_balance_usdt", "telegram_message_id", "ttl")


def check_symbol(symbol: Any) -> str:
    if not isinstance(symbol, str) or not _SYMBOL_RE.match(symbol):
        raise ParameterError("symbol", f"must be an upper-case alphanumeric trading pair like 'BTCUSDT', got {symbol!r}")
    return symbol


def check_trade_id(trade_id: Any) -> str:
    return check_text("trade_id", trade_id, forbid="# ")


def is_trade(item: Mapping[str, Any]) -> bool:
    """A trade row (``sk == "METADATA"``), not an ``UPDATE#`` history row."""
    return item.get("sk") == "METADATA"


class TradingRepository(SystemRepository):
    """Every access pattern of the trading bot's three tables (document 002)."""

    TABLES = (TRADES, BOT_CONFIG, REPORTS)

    # -- trades ---------------------------------------------------------------------------------
    def trade(self, trade_id: str) -> dict | None:
        """The trade (its ``METADATA`` row), or ``None``. One GetItem."""
        trade_id = check_trade_id(trade_id)
        return self._get(TRADES, {"pk": f"TRADE#{trade_id}", "sk": "METADATA"})

    def trade_history(self, trade_id: str) -> list[dict]:
        """The trade's ``UPDATE#{timestamp}`` rows, oldest first. One Query on the table."""
        trade_id = check_trade_id(trade_id)
        return self._query(TRADES, Key("pk").eq(f"TRADE#{trade_id}") & Key("sk").begins_with("UPDATE#"))

    def trades_by_symbol(self, symbol: str, start: Any = None, end: Any = None, *,
                         trades_only: bool = True) -> list[dict]:
        """Trades of ``symbol`` created on ``start..end`` (inclusive days; open when None). GSI1."""
        symbol = check_symbol(symbol)
        first, last = day_window(start, end)
        trades_only = _check_bool("trades_only", trades_only)
        items = self._query(TRADES, _and(Key("gsi1pk").eq(f"SYMBOL#{symbol}"), prefix_range("gsi1sk", first, last)),
                            "gsi1-symbol-date")
        return [i for i in items if is_trade(i)] if trades_only else items

    def trades_by_date_range(self, start: Any, end: Any, *, trades_only: bool = True,
                             max_days: int = MAX_WINDOW_DAYS) -> list[dict]:
        """Trades of every day ``start..end`` (inclusive): one GSI2 Query per day, no scan."""
        first, last = day_window(start, end, required=True)
        trades_only = _check_bool("trades_only", trades_only)
        if isinstance(max_days, bool) or not isinstance(max_days, int) or max_days < 1:
            raise ParameterError("max_days", f"must be a positive integer, got {max_days!r}")
        items: list[dict] = []
        for day in days_of(first, last, max_days=max_days):
            items.extend(self._query(TRADES, Key("gsi2pk").eq(f"DATE#{day.isoformat()}"), "gsi2-date"))
        return [i for i in items if is_trade(i)] if trades_only else items

    def trades_by_status(self, status: str, start: Any = None, end: Any = None, *,
                         trades_only: bool = True) -> list[dict]:
        """Trades with ``status`` (FILLED, CANCELLED, ERROR) created on ``start..end``. GSI3."""
        status = check_choice("status", status, TRADE_STATUSES)
        first, last = day_window(start, end)
        trades_only = _check_bool("trades_only", trades_only)
        items = self._query(TRADES, _and(Key("gsi3pk").eq(f"STATUS#{status}"), prefix_range("gsi3sk", first, last)),
                            "gsi3-status")
        return [i for i in items if is_trade(i)] if trades_only else items

    # -- bot configuration ----------------------------------------------------------------------
    def bot_config(self) -> dict | None:
        """``CONFIG#bot`` / ``SETTINGS``. One GetItem."""
        return self._get(BOT_CONFIG, {"pk": "CONFIG#bot", "sk": "SETTINGS"})

    def limits(self) -> dict | None:
        """``CONFIG#limits`` / ``SETTINGS``. One GetItem."""
        return self._get(BOT_CONFIG, {"pk": "CONFIG#limits", "sk": "SETTINGS"})

    def config_history(self, start: Any = None, end: Any = None, *, config_type: str = "bot") -> list[dict]:
        """``CONFIG#{config_type}`` / ``HISTORY#{ts}`` rows with ts on ``start..end``, oldest first."""
        config_type = check_choice("config_type", config_type, CONFIG_TYPES)
        first, last = day_window(start, end)
        return self._query(BOT_CONFIG, Key("pk").eq(f"CONFIG#{config_type}")
                           & prefix_range("sk", first, last, prefix="HISTORY#"))

    # -- daily reports --------------------------------------------------------------------------
    def daily_report(self, date: Any) -> dict | None:
        """``REPORT#{date}`` / ``DAILY``, or ``None``. One GetItem."""
        day = as_day("date", date, required=True)
        return self._get(REPORTS, {"pk": f"REPORT#{day.isoformat()}", "sk": "DAILY"})

    def daily_reports_by_month(self, month: Any) -> list[dict]:
        """The daily reports of ``month`` (``"YYYY-MM"``), by date. One ``gsi1-month`` Query."""
        month = as_month("month", month)
        return self._query(REPORTS, Key("gsi1pk").eq(f"MONTH#{month}"), "gsi1-month")

    def daily_reports(self, start: Any, end: Any) -> list[dict]:
        """Daily reports dated ``start..end`` (inclusive): one ``gsi1-month`` Query per month."""
        first, last = day_window(start, end, required=True)
        items: list[dict] = []
        for month in months_of(first, last):
            items.extend(self._query(REPORTS, Key("gsi1pk").eq(f"MONTH#{month}")
                                     & prefix_range("gsi1sk", first, last), "gsi1-month"))
        return items


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ParameterError(name, f"must be True or False, got {value!r}")
    return value


# -- frames ------------------------------------------------------------------------------------

def trades_frame(items: Iterable[Mapping[str, Any]], *, exact: bool = False):
    """Trade items -> DataFrame with the documented columns (present even when empty)."""
    return codec.items_to_frame(items, columns=TRADE_COLUMNS, timestamps=TRADE_TIMESTAMPS,
                                numbers=TRADE_NUMBERS, exact=exact)


def daily_reports_frame(items: Iterable[Mapping[str, Any]], *, exact: bool = False):
    """Daily report items -> DataFrame with the documented columns."""
    return codec.items_to_frame(items, columns=REPORT_COLUMNS, timestamps=("created_at",),
                                numbers=REPORT_NUMBERS, exact=exact)


# -- item builders (demo dataset writer, tests) ---------------------------------------------------
#
# Builders check what they need to compute keys; they do not police enumerations (side,
# status...), so the demo dataset can plant anomalies. ``None`` attributes are omitted.

def trade_item(*, trade_id: str, symbol: str, side: str, status: str, created_at: Any,
               order_type: str = "MARKET", order_id: int | None = None, client_order_id: str | None = None,
               quantity: Any = None, price: Any = None, quote_quantity: Any = None, commission: Any = None,
               commission_asset: str | None = None, strategy: str | None = None,
               indicators: Mapping[str, Any] | None = None, pnl: Any = None, pnl_percent: Any = None,
               related_trade_id: str | None = None, updated_at: Any = None, **extra: Any) -> dict[str, Any]:
    """A trade's ``METADATA`` item with all three GSI key pairs (``order_type`` is the ``type`` attribute)."""
    trade_id = check_trade_id(trade_id)
    check_text("symbol", symbol, forbid="#")
    check_text("status", status, forbid="#")
    created = iso_timestamp("created_at", created_at)
    return build_item(
        pk=f"TRADE#{trade_id}", sk="METADATA", id=trade_id,
        order_id=number("order_id", order_id), client_order_id=client_order_id,
        symbol=symbol, side=side, type=order_type, status=status,
        quantity=number("quantity", quantity), price=number("price", price),
        quote_quantity=number("quote_quantity", quote_quantity), commission=number("commission", commission),
        commission_asset=commission_asset, strategy=strategy, indicators=indicators,
        pnl=number("pnl", pnl), pnl_percent=number("pnl_percent", pnl_percent),
        related_trade_id=related_trade_id, created_at=created,
        updated_at=iso_timestamp("updated_at", updated_at) if updated_at is not None else created,
        gsi1pk=f"SYMBOL#{symbol}", gsi1sk=created,
        gsi2pk=f"DATE#{created[:10]}", gsi2sk=created,
        gsi3pk=f"STATUS#{status}", gsi3sk=created,
        **extra,
    )


def trade_update_item(*, trade_id: str, at: Any, status: str, symbol: str | None = None,
                      with_gsi_keys: bool = False, **extra: Any) -> dict[str, Any]:
    """An ``UPDATE#{at}`` history row. ``with_gsi_keys=True`` copies the gsi keys onto it (needs
    ``symbol``), as some writers do: the GSIs then index it, and the trade queries must skip it."""
    trade_id = check_trade_id(trade_id)
    when = iso_timestamp("at", at)
    check_text("status", status, forbid="#")
    gsi: dict[str, Any] = {}
    if with_gsi_keys:
        check_text("symbol", symbol, forbid="#")
        gsi = dict(gsi1pk=f"SYMBOL#{symbol}", gsi1sk=when, gsi2pk=f"DATE#{when[:10]}", gsi2sk=when,
                   gsi3pk=f"STATUS#{status}", gsi3sk=when)
    return build_item(pk=f"TRADE#{trade_id}", sk=f"UPDATE#{when}", id=trade_id, status=status, symbol=symbol,
                      updated_at=when, **gsi, **extra)


def bot_config_item(*, enabled: bool = False, strategy: str = "rsi", symbol: str = "BTCUSDT", amount: Any = 100,
                    rsi_period: int = 14, rsi_oversold: Any = 30, rsi_overbought: Any = 70, ma_short: int = 50,
                    ma_long: int = 200, last_execution: Any = None, last_signal: str = "HOLD",
                    created_at: Any = "2024-12-07T00:00:00Z", updated_at: Any = None, **extra: Any) -> dict[str, Any]:
    """``CONFIG#bot`` / ``SETTINGS`` with the document's defaults."""
    created = iso_timestamp("created_at", created_at)
    return build_item(
        pk="CONFIG#bot", sk="SETTINGS", enabled=_check_bool("enabled", enabled), strategy=strategy, symbol=symbol,
        amount=number("amount", amount), rsi_period=number("rsi_period", rsi_period),
        rsi_oversold=number("rsi_oversold", rsi_oversold), rsi_overbought=number("rsi_overbought", rsi_overbought),
        ma_short=number("ma_short", ma_short), ma_long=number("ma_long", ma_long),
        last_execution=iso_timestamp("last_execution", last_execution) if last_execution is not None else None,
        last_signal=last_signal, created_at=created,
        updated_at=iso_timestamp("updated_at", updated_at) if updated_at is not None else created, **extra,
    )


def limits_item(*, max_trades_per_day: int = 50, max_amount_per_trade: Any = 1000, cooldown_minutes: int = 5,
                max_drawdown_percent: Any = 10, **extra: Any) -> dict[str, Any]:
    """``CONFIG#limits`` / ``SETTINGS`` with the document's defaults."""
    return build_item(
        pk="CONFIG#limits", sk="SETTINGS", max_trades_per_day=number("max_trades_per_day", max_trades_per_day),
        max_amount_per_trade=number("max_amount_per_trade", max_amount_per_trade),
        cooldown_minutes=number("cooldown_minutes", cooldown_minutes),
        max_drawdown_percent=number("max_drawdown_percent", max_drawdown_percent), **extra,
    )


def config_history_item(*, at: Any, config_type: str = "bot", **attributes: Any) -> dict[str, Any]:
    """A ``CONFIG#{config_type}`` / ``HISTORY#{at}`` row (the settings as they were at ``at``)."""
    config_type = check_choice("config_type", config_type, CONFIG_TYPES)
    when = iso_timestamp("at", at)
    return build_item(pk=f"CONFIG#{config_type}", sk=f"HISTORY#{when}", changed_at=when, **attributes)


def daily_report_item(*, date: Any, created_at: Any = None, status: str = "sent", **metrics: Any) -> dict[str, Any]:
    """``REPORT#{date}`` / ``DAILY`` with ``gsi1pk = MONTH#YYYY-MM``, ``gsi1sk = date`` and
    ``ttl`` = ``created_at`` + 90 days in epoch seconds. ``created_at`` defaults to midnight
    UTC after the reported day (a daily report is written once its day has closed)."""
    day = as_day("date", date, required=True)
    created = iso_timestamp("created_at", created_at if created_at is not None else day + dt.timedelta(days=1))
    parsed = codec.parse_timestamp(created)
    if parsed is None:
        raise ParameterError("created_at", f"must be a readable timestamp, got {created!r}")
    ttl = int(parsed.timestamp()) + REPORT_TTL_DAYS * 86400
    return build_item(pk=f"REPORT#{day.isoformat()}", sk="DAILY", date=day.isoformat(), status=status,
                      created_at=created, ttl=ttl, gsi1pk=f"MONTH#{day.strftime('%Y-%m')}", gsi1sk=day.isoformat(),
                      **metrics)
