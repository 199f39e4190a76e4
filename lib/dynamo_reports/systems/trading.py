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

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from boto3.dynamodb.conditions import Key

from .. import codec
from ..exceptions import ParameterError
from . import trading_keys as keys
from .base import IndexSpec, TableSpec
from .common import (
    SystemRepository,
    _and,
    as_day,
    as_month,
    build_item,
    check_choice,
    check_text,
    day_window,
    days_of,
    iso_timestamp,
    months_of,
    number,
    prefix_range,
)

SYSTEM = "002"
TITLE = "Binance trading bot"

TRADES = TableSpec(
    logical="trades",
    system=SYSTEM,
    description="trades (sk=METADATA) and their status history (sk=UPDATE#...)",
    hash_key="pk",
    range_key="sk",
    indexes=(
        IndexSpec(keys.SYMBOL_DATE_INDEX, "gsi1pk", "gsi1sk", "ALL"),
        IndexSpec(keys.DATE_INDEX, "gsi2pk", "gsi2sk", "ALL"),
        IndexSpec(keys.STATUS_INDEX, "gsi3pk", "gsi3sk", "ALL"),
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
    indexes=(IndexSpec(keys.MONTH_INDEX, "gsi1pk", "gsi1sk", "ALL"),),
    ttl_attribute="ttl",
)

TABLES = (TRADES, BOT_CONFIG, REPORTS)


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
        raise ParameterError("symbol",
                             f"must be an upper-case alphanumeric trading pair like 'BTCUSDT', got {symbol!r}")
    return symbol


def check_trade_id(trade_id: Any) -> str:
    return check_text("trade_id", trade_id, forbid="# ")


is_trade = keys.is_trade


class TradingRepository(SystemRepository):
    """Every access pattern of the trading bot's three tables (document 002)."""

    TABLES = (TRADES, BOT_CONFIG, REPORTS)

    # -- trades ---------------------------------------------------------------------------------
    def trade(self, trade_id: str) -> dict | None:
        """The trade (its ``METADATA`` row), or ``None``. One GetItem."""
        trade_id = check_trade_id(trade_id)
        return self._get(TRADES, keys.trade_key(trade_id))

    def trade_history(self, trade_id: str) -> list[dict]:
        """The trade's ``UPDATE#{timestamp}`` rows, oldest first. One Query on the table."""
        trade_id = check_trade_id(trade_id)
        return self._query(TRADES, Key("pk").eq(keys.trade_pk(trade_id)) & Key("sk").begins_with(keys.UPDATE_PREFIX))

    def trades_by_symbol(self, symbol: str, start: Any = None, end: Any = None, *,
                         trades_only: bool = True) -> list[dict]:
        """Trades of ``symbol`` created on ``start..end`` (inclusive days; open when None). GSI1."""
        symbol = check_symbol(symbol)
        first, last = day_window(start, end)
        trades_only = _check_bool("trades_only", trades_only)
        items = self._query(TRADES, _and(Key("gsi1pk").eq(keys.symbol_pk(symbol)), prefix_range("gsi1sk", first, last)),
                            keys.SYMBOL_DATE_INDEX)
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
            items.extend(self._query(TRADES, Key("gsi2pk").eq(keys.date_pk(day.isoformat())), keys.DATE_INDEX))
        return [i for i in items if is_trade(i)] if trades_only else items

    def trades_by_status(self, status: str, start: Any = None, end: Any = None, *,
                         trades_only: bool = True) -> list[dict]:
        """Trades with ``status`` (FILLED, CANCELLED, ERROR) created on ``start..end``. GSI3."""
        status = check_choice("status", status, TRADE_STATUSES)
        first, last = day_window(start, end)
        trades_only = _check_bool("trades_only", trades_only)
        items = self._query(TRADES, _and(Key("gsi3pk").eq(keys.status_pk(status)), prefix_range("gsi3sk", first, last)),
                            keys.STATUS_INDEX)
        return [i for i in items if is_trade(i)] if trades_only else items

    # -- bot configuration ----------------------------------------------------------------------
    def bot_config(self) -> dict | None:
        """``CONFIG#bot`` / ``SETTINGS``. One GetItem."""
        return self._get(BOT_CONFIG, keys.config_key("bot"))

    def limits(self) -> dict | None:
        """``CONFIG#limits`` / ``SETTINGS``. One GetItem."""
        return self._get(BOT_CONFIG, keys.config_key("limits"))

    def config_history(self, start: Any = None, end: Any = None, *, config_type: str = "bot") -> list[dict]:
        """``CONFIG#{config_type}`` / ``HISTORY#{ts}`` rows with ts on ``start..end``, oldest first."""
        config_type = check_choice("config_type", config_type, CONFIG_TYPES)
        first, last = day_window(start, end)
        return self._query(BOT_CONFIG, Key("pk").eq(keys.config_pk(config_type))
                           & prefix_range("sk", first, last, prefix=keys.HISTORY_PREFIX))

    # -- daily reports --------------------------------------------------------------------------
    def daily_report(self, date: Any) -> dict | None:
        """``REPORT#{date}`` / ``DAILY``, or ``None``. One GetItem."""
        day = as_day("date", date, required=True)
        return self._get(REPORTS, keys.report_key(day.isoformat()))

    def daily_reports_by_month(self, month: Any) -> list[dict]:
        """The daily reports of ``month`` (``"YYYY-MM"``), by date. One ``gsi1-month`` Query."""
        month = as_month("month", month)
        return self._query(REPORTS, Key("gsi1pk").eq(keys.month_pk(month)), keys.MONTH_INDEX)

    def daily_reports(self, start: Any, end: Any) -> list[dict]:
        """Daily reports dated ``start..end`` (inclusive): one ``gsi1-month`` Query per month."""
        first, last = day_window(start, end, required=True)
        items: list[dict] = []
        for month in months_of(first, last):
            items.extend(self._query(REPORTS, Key("gsi1pk").eq(keys.month_pk(month))
                                     & prefix_range("gsi1sk", first, last), keys.MONTH_INDEX))
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
        **keys.trade_key(trade_id), id=trade_id,
        order_id=number("order_id", order_id), client_order_id=client_order_id,
        symbol=symbol, side=side, type=order_type, status=status,
        quantity=number("quantity", quantity), price=number("price", price),
        quote_quantity=number("quote_quantity", quote_quantity), commission=number("commission", commission),
        commission_asset=commission_asset, strategy=strategy, indicators=indicators,
        pnl=number("pnl", pnl), pnl_percent=number("pnl_percent", pnl_percent),
        related_trade_id=related_trade_id, created_at=created,
        updated_at=iso_timestamp("updated_at", updated_at) if updated_at is not None else created,
        **keys.trade_index_keys(symbol, status, created),
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
        gsi = keys.trade_index_keys(check_text("symbol", symbol, forbid="#"), status, when)
    return build_item(**keys.update_key(trade_id, when), id=trade_id, status=status, symbol=symbol,
                      updated_at=when, **gsi, **extra)


def bot_config_item(*, enabled: bool = False, strategy: str = "rsi", symbol: str = "BTCUSDT", amount: Any = 100,
                    rsi_period: int = 14, rsi_oversold: Any = 30, rsi_overbought: Any = 70, ma_short: int = 50,
                    ma_long: int = 200, last_execution: Any = None, last_signal: str = "HOLD",
                    created_at: Any = "2024-12-07T00:00:00Z", updated_at: Any = None, **extra: Any) -> dict[str, Any]:
    """``CONFIG#bot`` / ``SETTINGS`` with the document's defaults."""
    created = iso_timestamp("created_at", created_at)
    return build_item(
        **keys.config_key("bot"), enabled=_check_bool("enabled", enabled), strategy=strategy, symbol=symbol,
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
        **keys.config_key("limits"), max_trades_per_day=number("max_trades_per_day", max_trades_per_day),
        max_amount_per_trade=number("max_amount_per_trade", max_amount_per_trade),
        cooldown_minutes=number("cooldown_minutes", cooldown_minutes),
        max_drawdown_percent=number("max_drawdown_percent", max_drawdown_percent), **extra,
    )


def config_history_item(*, at: Any, config_type: str = "bot", **attributes: Any) -> dict[str, Any]:
    """A ``CONFIG#{config_type}`` / ``HISTORY#{at}`` row (the settings as they were at ``at``)."""
    config_type = check_choice("config_type", config_type, CONFIG_TYPES)
    when = iso_timestamp("at", at)
    return build_item(**keys.config_history_key(config_type, when), changed_at=when, **attributes)


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
    return build_item(**keys.report_key(day.isoformat()), date=day.isoformat(), status=status,
                      created_at=created, ttl=ttl, **keys.report_index_keys(day.isoformat()), **metrics)
