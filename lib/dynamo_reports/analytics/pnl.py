"""Trading-bot P&L (document 002): FIFO realized P&L, unrealized P&L, statistics, drawdown,
reconciliation against the bot's own figures, and limit breaches.

Pure functions over DataFrames and plain Python: no boto3, no I/O. All money is in the quote
currency (``quote_asset``, USDT by default) as floats; nothing is rounded here (rounding is for
display only).

The semantics (issue 3, "The P&L report"), and the choices made where it is open:

* **Trades.** A trade is an item with ``sk == "METADATA"`` and ``status == "FILLED"``.
  ``UPDATE#...`` rows are history: ignored, counted nowhere. CANCELLED / ERROR orders are
  counted in the *order outcomes* table (which also counts FILLED orders, so the reader sees
  every outcome side by side), never traded. Malformed items are findings and are left out of
  FIFO; they never raise and never vanish.
* **Duplicates.** Two FILLED items with the same ``(symbol, order_id)`` are one order (an
  exchange order id is unique per symbol): the earliest by ``created_at`` then ``pk`` is kept,
  each other copy is a ``duplicate_order_id`` finding.
* **Money of a fill.** ``quote_quantity`` is the amount of quote currency that changed hands
  (``price × quantity`` when missing); its per-unit value ``quote_quantity / quantity`` is the
  lot's unit cost (BUY) or unit proceeds (SELL).
* **FIFO** per symbol over the whole history up to ``end``: a SELL closes the oldest open BUY
  lots first, including BUYs from before any report window. A SELL never closes a later BUY
  (no short selling).
* **Realized P&L of a SELL** = proceeds of the matched quantity − cost of the matched quantity
  − the matched share of the SELL's fee − the matched share of each BUY lot's fee
  (proportional to the quantity taken from that lot).
* **Unmatched SELL quantity** (a SELL larger than the open lots) is never given a cost of zero:
  the unmatched part — its proceeds *and its share of the SELL's fee* — is left out of realized
  P&L entirely, reported in ``unmatched_quantity`` and the row has ``complete = False``. A SELL
  with nothing to match therefore has ``realized_pnl == 0.0`` (the P&L of an empty matched
  part), ``matched_quantity == 0`` and is not scored by :func:`trade_stats`.
* **Fees.** A fee in the quote asset counts as is. A fee in the symbol's *base* asset (BTC on
  BTCUSDT, as Binance charges a BUY without BNB) is valued at the trade's own unit price — the
  market rate at that moment, so it wins over a static ``fee_rates`` entry; the lot quantity
  stays the executed quantity. A fee in another asset X counts as ``fee × fee_rates[X]``.
  Otherwise the fee is not added to anything: the row is marked ``fee_unconverted`` and the
  amount is summed per asset (:func:`unconverted_fees`). A fee with no asset is unconverted
  under ``"(unknown)"``.
* **Statistics** are over SELLs with a matched quantity, in time order: wins are
  ``realized_pnl > 0``, losses ``< 0``, breakeven ``== 0``; ``win_rate = wins / (wins + losses
  + breakeven)``; ``profit_factor = Σ wins / |Σ losses|`` and ``None`` when there is no loss
  (it would be infinite, and JSON has no ∞); a breakeven SELL ends both streaks.
* **Drawdown** is measured on the realized equity curve ``starting_balance + cumulative
  realized P&L``: absolute (quote currency) and relative (percent of the running peak of that
  equity, the starting balance being the first peak).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from .. import codec
from ..exceptions import ParameterError
from ..systems import trading_keys
from .quality import Findings
from .quality import nonblank_text as _text

__all__ = [
    "FILL_COLUMNS", "OUTCOME_COLUMNS", "SELL_COLUMNS", "OPEN_LOT_COLUMNS", "UNREALIZED_COLUMNS",
    "CURVE_COLUMNS", "BOT_PNL_COLUMNS", "DAILY_COLUMNS", "DAILY_FIELDS", "DAILY_RECONCILIATION_COLUMNS",
    "BREACH_COLUMNS", "CHECKED_LIMITS", "MAX_PLAUSIBLE_QUANTITY", "MAX_PLAUSIBLE_PRICE", "BY_SYMBOL_COLUMNS",
    "BY_STRATEGY_COLUMNS",
    "prepare_trades", "convert_fees", "unconverted_fees", "select_window", "fifo_realized",
    "last_prices", "unrealized_pnl", "trade_stats", "equity_curve", "max_drawdown",
    "reconcile_bot_pnl", "daily_summary", "reconcile_daily", "usable_limits", "limit_breaches", "by_symbol",
    "by_strategy",
]

TABLE = "trades"
SIDES = ("BUY", "SELL")
OUTCOME_STATUSES = ("FILLED", "CANCELLED", "ERROR")
UNKNOWN_ASSET = "(unknown)"
MISSING = "(missing)"
NO_STRATEGY = "(none)"
_QTY_EPS = 1e-9  # relative: a lot (or a SELL) whose rest is below 1e-9 of its size is closed

#: Plausibility bounds (issue 11): a fill beyond them is a ``bad_quantity`` / ``bad_price`` finding
#: and stays out of FIFO, P&L, fees and volume. One order of the bot is ``amount`` (100 USDT by
#: default) of one symbol: 10^9 base units (a billion BTC, ETH or even a low-priced coin) or a
#: price above 10^9 USDT per unit cannot be a real fill; ``1E+120`` is typed data, not trading.
MAX_PLAUSIBLE_QUANTITY = 1e9
MAX_PLAUSIBLE_PRICE = 1e9

RULES = {
    "not_an_item": "an entry of the input is not an item (mapping)",
    "repeated_item": "the same key (pk, sk) was passed more than once: counted once",
    "unknown_sort_key": "sk is neither METADATA nor UPDATE#...: not a trade",
    "unknown_status": "status is not FILLED, CANCELLED or ERROR: not traded",
    "missing_symbol": "a FILLED trade without symbol: left out of FIFO",
    "foreign_quote_symbol": "a FILLED trade whose symbol is not quoted in the quote asset: left out of FIFO",
    "unknown_side": "a FILLED trade whose side is not BUY or SELL: left out of FIFO",
    "missing_quantity": "a FILLED trade without quantity: left out of FIFO",
    "bad_quantity": "a FILLED trade whose quantity is not a positive number: left out of FIFO",
    "missing_price": "a FILLED trade without price: left out of FIFO (unless recovered from quote_quantity)",
    "bad_price": "a FILLED trade whose price is not a positive number: left out of FIFO (unless recovered)",
    "bad_timestamp": "a FILLED trade whose created_at is missing or unreadable: left out of FIFO",
    "bad_quote_quantity": "quote_quantity not a positive number: price x quantity used instead",
    "missing_commission": "a FILLED trade without commission: fee counted as 0",
    "bad_commission": "commission not a non-negative number: fee counted as 0",
    "missing_commission_asset": "a fee without commission_asset: not converted",
    "bad_pnl": "the bot's pnl is not a number: treated as missing",
    "missing_order_id": "a FILLED trade without order_id: cannot be checked for duplicates",
    "duplicate_order_id": "another FILLED item has the same (symbol, order_id): counted once",
}

FILL_COLUMNS = [
    "trade_id", "order_id", "symbol", "side", "order_type", "quantity", "price", "quote_quantity",
    "commission", "commission_asset", "strategy", "created_at", "bot_pnl", "pk",
]
OUTCOME_COLUMNS = ["symbol", "status", "orders"]
SELL_COLUMNS = [
    "trade_id", "symbol", "created_at", "quantity", "matched_quantity", "unmatched_quantity",
    "proceeds", "cost", "fees", "realized_pnl", "complete", "fee_unconverted", "bot_pnl", "strategy",
    "order_id", "price",
]
OPEN_LOT_COLUMNS = [
    "trade_id", "symbol", "created_at", "quantity", "original_quantity", "unit_cost", "cost", "fees",
    "fee_unconverted", "strategy",
]
UNREALIZED_COLUMNS = ["symbol", "quantity", "cost", "fees", "mark", "mark_source", "value", "unrealized"]
CURVE_COLUMNS = ["time", "trade_id", "realized_pnl", "cumulative_pnl", "equity", "peak", "drawdown_abs",
                 "drawdown_pct"]
BOT_PNL_COLUMNS = ["trade_id", "symbol", "created_at", "realized_pnl", "bot_pnl", "difference", "complete",
                   "issue"]
DAILY_FIELDS = ("trades_count", "buy_count", "sell_count", "total_volume", "total_fees", "pnl_absolute")
DAILY_COUNT_FIELDS = ("trades_count", "buy_count", "sell_count")
DAILY_COLUMNS = ["date", *DAILY_FIELDS, "fees_unconverted"]
DAILY_RECONCILIATION_COLUMNS = ["date", "field", "computed", "reported", "difference", "issue"]
BREACH_COLUMNS = ["rule", "when", "key", "value", "limit"]
BY_SYMBOL_COLUMNS = ["symbol", "trade_count", "fill_count", "buy_count", "sell_count", "volume", "fees",
                     "realized_pnl", "unmatched_quantity"]
BY_STRATEGY_COLUMNS = ["strategy", "trade_count", "wins", "losses", "win_rate", "fees", "realized_pnl"]

_DTYPES: dict[str, str] = {
    "quantity": "float64", "price": "float64", "quote_quantity": "float64", "commission": "float64",
    "bot_pnl": "float64", "matched_quantity": "float64", "unmatched_quantity": "float64",
    "proceeds": "float64", "cost": "float64", "fees": "float64", "realized_pnl": "float64",
    "original_quantity": "float64", "unit_cost": "float64", "mark": "float64", "value": "float64",
    "unrealized": "float64", "cumulative_pnl": "float64", "equity": "float64", "peak": "float64",
    "drawdown_abs": "float64", "drawdown_pct": "float64", "difference": "float64",
    "total_volume": "float64", "total_fees": "float64", "pnl_absolute": "float64", "volume": "float64",
    "win_rate": "float64", "computed": "float64", "reported": "float64",
    "complete": "bool", "fee_unconverted": "bool",
    "orders": "int64", "trades_count": "int64", "buy_count": "int64", "sell_count": "int64",
    "fees_unconverted": "int64", "trade_count": "int64", "fill_count": "int64", "wins": "int64",
    "losses": "int64",
    "created_at": "datetime64[ns, UTC]", "time": "datetime64[ns, UTC]", "when": "datetime64[ns, UTC]",
}


def _frame(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """Rows -> DataFrame with exactly ``columns`` first (then any extra) and stable dtypes."""
    frame = pd.DataFrame(list(rows), columns=list(columns)) if rows else pd.DataFrame(columns=list(columns))
    for col in frame.columns:
        dtype = _DTYPES.get(col)
        if dtype is None:
            if frame.empty:
                frame[col] = frame[col].astype(object)
            continue
        if dtype.startswith("datetime"):
            frame[col] = pd.to_datetime(frame[col], utc=True).astype(dtype)
        else:
            frame[col] = frame[col].astype(dtype)
    return frame.reset_index(drop=True)


# -- small value helpers ---------------------------------------------------------------------------

def _number(value: Any) -> tuple[float | None, str]:
    """An item's number -> (float, "ok") | (None, "missing") | (None, "not a number").

    Strings are not numbers (a DynamoDB String in a Number attribute is a data error), as in
    :func:`dynamo_reports.codec.items_to_frame`.
    """
    if value is None:
        return None, "missing"
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None, "not a number"
    number = float(value)
    if not math.isfinite(number):
        return None, "not a number"
    return number, "ok"


def _order_key(value: Any) -> str | None:
    """An order id (Decimal from DynamoDB, int or str) -> a comparable string, or None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else str(value.normalize())
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).strip()
    return text or None


def _zone(timezone: Any) -> ZoneInfo:
    if isinstance(timezone, ZoneInfo):
        return timezone
    if not isinstance(timezone, str) or not timezone:
        raise ParameterError("timezone", f"must be an IANA time zone name like 'Europe/Paris', got {timezone!r}")
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ParameterError("timezone", f"unknown time zone {timezone!r}") from None


def _check_rates(fee_rates: Any) -> dict[str, float]:
    if fee_rates is None:
        return {}
    if not isinstance(fee_rates, Mapping):
        raise ParameterError("fee_rates", f"must be a mapping asset -> quote value, got {type(fee_rates).__name__}")
    rates: dict[str, float] = {}
    for asset, rate in fee_rates.items():
        number, _ = _number(rate)
        if not isinstance(asset, str) or not asset.strip() or number is None or number <= 0:
            raise ParameterError("fee_rates", f"needs positive numbers per asset name, got {asset!r}: {rate!r}")
        rates[asset.strip().upper()] = number
    return rates


def _check_quote(quote_asset: Any) -> str:
    if not isinstance(quote_asset, str) or not quote_asset.strip():
        raise ParameterError("quote_asset", f"must be an asset name like 'USDT', got {quote_asset!r}")
    return quote_asset.strip().upper()


def _base_asset(symbol: str, quote_asset: str) -> str | None:
    if symbol.endswith(quote_asset) and len(symbol) > len(quote_asset):
        return symbol[: -len(quote_asset)]
    return None


_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _bound(name: str, value: Any, timezone: str, *, upper: bool) -> tuple[pd.Timestamp, bool] | None:
    """A window bound -> (UTC instant, inclusive).

    A calendar day (``datetime.date`` or ``"YYYY-MM-DD"``) stands for the whole day in
    ``timezone``: as ``start`` its midnight (inclusive), as ``end`` the next midnight
    (exclusive). A datetime / Timestamp / ISO string is an instant, inclusive on both sides
    (naive means UTC).
    """
    if value is None:
        return None
    day: dt.date | None = None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    elif isinstance(value, str) and _DAY_RE.match(value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ParameterError(name, f"must be a real date, got {value!r}") from None
    if day is not None:
        if upper:
            day = day + dt.timedelta(days=1)
        midnight = pd.Timestamp(day).tz_localize(_zone(timezone), ambiguous=False, nonexistent="shift_forward")
        return midnight.tz_convert("UTC"), not upper
    ts = codec.parse_timestamp(value)
    if ts is None:
        raise ParameterError(name, f"must be a date 'YYYY-MM-DD' or a timestamp, got {value!r}")
    return ts, True


def _within(times: pd.Series, start: tuple[pd.Timestamp, bool] | None,
            end: tuple[pd.Timestamp, bool] | None) -> pd.Series:
    mask = pd.Series(True, index=times.index)
    if start is not None:
        mask &= times >= start[0]
    if end is not None:
        mask &= (times <= end[0]) if end[1] else (times < end[0])
    return mask


def _local_day(times: pd.Series, timezone: str) -> pd.Series:
    zone = _zone(timezone)
    if times.empty:
        return pd.Series([], index=times.index, dtype=object)
    return times.dt.tz_convert(zone).dt.strftime("%Y-%m-%d").astype(object)


# -- preparing the trades ----------------------------------------------------------------------------

def prepare_trades(items: Iterable[Any], findings: Findings, *, quote_asset: str = "USDT",
                   recover_price: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw ``trades`` items (Python form, as the repository reads them) -> ``(fills, outcomes)``.

    ``fills``: the FILLED ``METADATA`` items that can be traded (columns :data:`FILL_COLUMNS`),
    one per order, sorted by ``created_at`` then ``trade_id``. ``outcomes``: ``METADATA`` orders
    per ``(symbol, status)`` (columns :data:`OUTCOME_COLUMNS`): FILLED / CANCELLED / ERROR and
    any unknown status as written (``"(missing)"`` when absent); FILLED counts malformed fills
    too (they are findings) but each duplicated order once. Every item left out of ``fills`` for
    a data problem is a finding in ``findings`` (table ``trades``, key = ``pk``); ``UPDATE#``
    rows are history and ignored. ``quote_asset``: fills of symbols not quoted in it (P&L would
    not be in the quote currency) are findings, not fills.

    ``recover_price=True``: a fill whose price is missing or not positive, but whose quantity
    and ``quote_quantity`` are good, keeps ``price = quote_quantity / quantity`` and stays in
    FIFO (still a ``missing_price`` / ``bad_price`` finding, saying so). Off by default: such a
    fill is left out of FIFO, and later SELLs of its symbol may then find nothing to match.
    """
    quote_asset = _check_quote(quote_asset)
    if not isinstance(recover_price, bool):
        raise ParameterError("recover_price", f"must be True or False, got {recover_price!r}")
    for rule, description in RULES.items():
        findings.describe(rule, description)

    seen_keys: set[tuple[Any, Any]] = set()
    candidates: list[dict[str, Any]] = []
    outcome_rows: list[dict[str, Any]] = []

    for position, item in enumerate(items):
        if not isinstance(item, Mapping):
            findings.add("not_an_item", f"#{position}", f"{type(item).__name__} instead of an item", table=TABLE)
            continue
        pk, sk = item.get("pk"), item.get("sk")
        key = pk if pk is not None else f"#{position}"
        if trading_keys.is_update_sk(sk):
            continue  # status history of a trade, not a trade
        if (pk, sk) in seen_keys and pk is not None:
            findings.add("repeated_item", key, f"sk={sk!r} passed again", table=TABLE)
            continue
        seen_keys.add((pk, sk))
        if not trading_keys.is_trade_sk(sk):
            findings.add("unknown_sort_key", key, f"sk={sk!r}", table=TABLE)
            continue

        status = item.get("status")
        symbol = _text(item.get("symbol"))
        outcome = {"symbol": symbol or MISSING, "status": status if _text(status) else MISSING, "pk": pk}
        outcome_rows.append(outcome)
        if status not in OUTCOME_STATUSES:
            findings.add("unknown_status", key, f"status={status!r}", table=TABLE)
            continue
        if status != "FILLED":
            continue

        fill = _read_fill(item, key, symbol, quote_asset, findings, recover_price)
        if fill is not None:
            fill["_outcome"] = outcome
            candidates.append(fill)

    # one order id counts once: keep the earliest (created_at, then pk)
    candidates.sort(key=lambda f: (f["created_at"], str(f["pk"]), f["trade_id"]))
    kept: list[dict[str, Any]] = []
    first_of: dict[tuple[str, str], dict[str, Any]] = {}
    for fill in candidates:
        if fill["order_id"] is None:
            kept.append(fill)
            continue
        order = (fill["symbol"], fill["order_id"])
        if order in first_of:
            original = first_of[order]
            findings.add("duplicate_order_id", fill["pk"],
                         f"order {fill['order_id']} ({fill['symbol']}) already counted as trade {original['trade_id']}",
                         table=TABLE)
            outcome_rows.remove(fill["_outcome"])
            continue
        first_of[order] = fill
        kept.append(fill)
    for fill in kept:
        del fill["_outcome"]

    fills = _frame(kept, FILL_COLUMNS)
    if not fills.empty:
        fills = fills.sort_values(["created_at", "trade_id"], kind="stable").reset_index(drop=True)

    outcomes = pd.DataFrame(outcome_rows, columns=["symbol", "status", "pk"])
    if outcomes.empty:
        outcomes = _frame([], OUTCOME_COLUMNS)
    else:
        outcomes = (outcomes.groupby(["symbol", "status"], sort=True).size().rename("orders").reset_index())
        outcomes = _frame(outcomes.to_dict("records"), OUTCOME_COLUMNS)
    return fills, outcomes


def _read_fill(item: Mapping[str, Any], key: Any, symbol: str | None, quote_asset: str,
               findings: Findings, recover_price: bool = False) -> dict[str, Any] | None:
    """One FILLED METADATA item -> a fill row, or None (with a finding per problem)."""
    usable = True

    def problem(rule: str, detail: str) -> None:
        findings.add(rule, key, detail, table=TABLE)

    if symbol is None:
        problem("missing_symbol", f"symbol={item.get('symbol')!r}")
        usable = False
    elif _base_asset(symbol, quote_asset) is None:
        problem("foreign_quote_symbol", f"{symbol} is not quoted in {quote_asset}")
        usable = False
    side = item.get("side")
    if side not in SIDES:
        problem("unknown_side", f"side={side!r}")
        usable = False
    quantity, q_status = _number(item.get("quantity"))
    if q_status == "missing":
        problem("missing_quantity", "no quantity")
        usable = False
    elif quantity is None or quantity <= 0:
        problem("bad_quantity", f"quantity={item.get('quantity')!r}")
        usable = False
    elif quantity > MAX_PLAUSIBLE_QUANTITY:
        problem("bad_quantity", f"quantity={item.get('quantity')!r} is beyond the plausibility bound "
                                f"{MAX_PLAUSIBLE_QUANTITY:g}; left out of FIFO")
        quantity, usable = None, False
    price, p_status = _number(item.get("price"))
    if p_status == "ok" and price is not None and price > MAX_PLAUSIBLE_PRICE:
        problem("bad_price", f"price={item.get('price')!r} is beyond the plausibility bound "
                             f"{MAX_PLAUSIBLE_PRICE:g}; left out of FIFO")
        usable = False
    elif p_status != "ok" or price is None or price <= 0:
        rule, detail = ("missing_price", "no price") if p_status == "missing" else \
            ("bad_price", f"price={item.get('price')!r}")
        quote, _ = _number(item.get("quote_quantity"))
        if recover_price and quote is not None and quote > 0 and quantity is not None and quantity > 0:
            price = quote / quantity
            problem(rule, f"{detail}; price = quote_quantity / quantity = {price!r} used")
        else:
            problem(rule, f"{detail}; left out of FIFO")
            usable = False
    created = codec.parse_timestamp(item.get("created_at"))
    if created is None:
        raw = item.get("created_at")
        problem("bad_timestamp", "no created_at" if raw in (None, "") else f"created_at={raw!r} unreadable")
        usable = False
    if not usable:
        return None
    assert price is not None and quantity is not None  # usable: both read and positive

    quote_quantity, qq_status = _number(item.get("quote_quantity"))
    if qq_status == "missing":
        quote_quantity = price * quantity
    elif quote_quantity is None or quote_quantity <= 0:
        problem("bad_quote_quantity", f"quote_quantity={item.get('quote_quantity')!r}; price x quantity used")
        quote_quantity = price * quantity

    commission, c_status = _number(item.get("commission"))
    if c_status == "missing":
        problem("missing_commission", "no commission; fee counted as 0")
        commission = 0.0
    elif commission is None or commission < 0:
        problem("bad_commission", f"commission={item.get('commission')!r}; fee counted as 0")
        commission = 0.0
    asset = _text(item.get("commission_asset"))
    if asset is not None:
        asset = asset.upper()
    elif commission > 0:
        problem("missing_commission_asset", f"fee {commission} without asset; not converted")

    bot_pnl, pnl_status = _number(item.get("pnl"))
    if pnl_status == "not a number":
        problem("bad_pnl", f"pnl={item.get('pnl')!r}")

    order_id = _order_key(item.get("order_id"))
    if order_id is None:
        problem("missing_order_id", "no order_id")

    pk = item.get("pk")
    trade_id = _text(item.get("id"))
    if trade_id is None:
        from_key = trading_keys.trade_id_from_pk(pk)
        trade_id = from_key if from_key is not None else str(key)
    return {
        "trade_id": trade_id, "order_id": order_id, "symbol": symbol, "side": side,
        "order_type": _text(item.get("type")), "quantity": quantity, "price": price,
        "quote_quantity": quote_quantity, "commission": commission, "commission_asset": asset,
        "strategy": _text(item.get("strategy")), "created_at": created,
        "bot_pnl": math.nan if bot_pnl is None else bot_pnl, "pk": pk if pk is not None else str(key),
    }


# -- fees ---------------------------------------------------------------------------------------------

def convert_fees(fills: pd.DataFrame, *, fee_rates: Mapping[str, float] | None = None,
                 quote_asset: str = "USDT") -> pd.DataFrame:
    """A copy of ``fills`` with ``fee_quote`` (the fee in the quote asset, 0 when it cannot be
    converted), ``fee_unconverted`` (bool) and ``fee_source`` (quote | trade price | rate |
    unconverted | none). See the module docstring for the order of the rules."""
    rates = _check_rates(fee_rates)
    quote_asset = _check_quote(quote_asset)
    out = fills.copy()
    values, flags, sources = [], [], []
    for row in out.itertuples(index=False):
        fee = 0.0 if pd.isna(row.commission) else float(row.commission)
        asset = row.commission_asset if isinstance(row.commission_asset, str) else None
        value, unconverted, source = 0.0, False, "none"
        if fee == 0:
            pass
        elif asset == quote_asset:
            value, source = fee, "quote"
        elif asset is not None and asset == _base_asset(row.symbol, quote_asset):
            value, source = fee * row.quote_quantity / row.quantity, "trade price"
        elif asset is not None and asset in rates:
            value, source = fee * rates[asset], "rate"
        else:
            unconverted, source = True, "unconverted"
        values.append(value)
        flags.append(unconverted)
        sources.append(source)
    out["fee_quote"] = pd.Series(values, index=out.index, dtype="float64")
    out["fee_unconverted"] = pd.Series(flags, index=out.index, dtype="bool")
    out["fee_source"] = pd.Series(sources, index=out.index, dtype=object)
    return out


def unconverted_fees(fills: pd.DataFrame, *, fee_rates: Mapping[str, float] | None = None,
                     quote_asset: str = "USDT") -> dict[str, float]:
    """Fees that could not be converted, summed per asset (``{"BNB": 0.0123}``), for ``fills``."""
    converted = fills if "fee_unconverted" in fills else convert_fees(fills, fee_rates=fee_rates,
                                                                       quote_asset=quote_asset)
    out: dict[str, float] = {}
    for row in converted[converted["fee_unconverted"]].itertuples(index=False):
        asset = row.commission_asset if isinstance(row.commission_asset, str) else UNKNOWN_ASSET
        out[asset] = out.get(asset, 0.0) + float(row.commission)
    return dict(sorted(out.items()))


# -- windows ------------------------------------------------------------------------------------------

def select_window(frame: pd.DataFrame, start: Any = None, end: Any = None, *, timezone: str = "UTC",
                  column: str = "created_at") -> pd.DataFrame:
    """Rows of ``frame`` whose ``column`` is inside ``start..end``.

    Calendar days (``"YYYY-MM-DD"`` or ``datetime.date``) are whole days in ``timezone``, both
    inclusive; timestamps are inclusive instants. ``None`` leaves a side open.
    """
    lower = _bound("start", start, timezone, upper=False)
    upper = _bound("end", end, timezone, upper=True)
    if lower is not None and upper is not None and (lower[0] > upper[0] or (lower[0] == upper[0] and not upper[1])):
        raise ParameterError("start", f"{start!r} is after end {end!r}")
    if frame.empty:
        return frame.copy()
    return frame[_within(frame[column], lower, upper)].reset_index(drop=True)


# -- FIFO ---------------------------------------------------------------------------------------------

def fifo_realized(fills: pd.DataFrame, *, fee_rates: Mapping[str, float] | None = None,
                  quote_asset: str = "USDT", end: Any = None,
                  timezone: str = "UTC") -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """Match lots FIFO per symbol over ``fills`` up to ``end`` -> ``(sells, open_lots, unconverted_fees)``.

    ``fills`` is the whole history (from :func:`prepare_trades`), so a SELL may close BUYs from
    before any report window; select the window's SELLs afterwards (:func:`select_window`).
    ``end`` as in :func:`select_window` (a calendar day includes the whole day in ``timezone``).

    ``sells`` (:data:`SELL_COLUMNS`): per SELL, ``proceeds`` / ``cost`` / ``fees`` of the matched
    quantity and ``realized_pnl = proceeds − cost − fees``; ``complete`` is False when part of
    the SELL found no open lot (that part is in ``unmatched_quantity``, outside the P&L).
    ``fee_unconverted`` is True when the SELL's own fee or a matched BUY's fee could not be
    converted (and so is not in ``fees``). ``open_lots`` (:data:`OPEN_LOT_COLUMNS`): what
    remains of each BUY, its cost and the remaining share of its fee. ``unconverted_fees``:
    per asset, the fees of every processed fill that could not be converted.
    """
    upper = _bound("end", end, timezone, upper=True)
    priced = convert_fees(fills, fee_rates=fee_rates, quote_asset=quote_asset)
    if upper is not None and not priced.empty:
        priced = priced[_within(priced["created_at"], None, upper)]
    if not priced.empty:
        priced = priced.sort_values(["created_at", "trade_id"], kind="stable")

    books: dict[str, deque[dict[str, Any]]] = {}
    sells: list[dict[str, Any]] = []
    for fill in priced.itertuples(index=False):
        book = books.setdefault(fill.symbol, deque())
        unit_value = fill.quote_quantity / fill.quantity
        if fill.side == "BUY":
            book.append({
                "trade_id": fill.trade_id, "symbol": fill.symbol, "created_at": fill.created_at,
                "quantity": fill.quantity, "original_quantity": fill.quantity, "unit_cost": unit_value,
                "fee_quote": fill.fee_quote, "fee_unconverted": bool(fill.fee_unconverted),
                "strategy": fill.strategy,
            })
            continue
        wanted = fill.quantity
        matched = cost = buy_fees = 0.0
        unconverted = bool(fill.fee_unconverted)
        while book and wanted - matched > fill.quantity * _QTY_EPS:
            lot = book[0]
            take = min(lot["quantity"], wanted - matched)
            matched += take
            cost += take * lot["unit_cost"]
            buy_fees += lot["fee_quote"] * take / lot["original_quantity"]
            unconverted = unconverted or lot["fee_unconverted"]
            lot["quantity"] -= take
            if lot["quantity"] <= lot["original_quantity"] * _QTY_EPS:
                book.popleft()
        unmatched = wanted - matched
        if unmatched <= wanted * _QTY_EPS:
            matched, unmatched = wanted, 0.0
        share = matched / wanted
        proceeds = matched * unit_value
        fees = fill.fee_quote * share + buy_fees
        sells.append({
            "trade_id": fill.trade_id, "symbol": fill.symbol, "created_at": fill.created_at,
            "quantity": wanted, "matched_quantity": matched, "unmatched_quantity": unmatched,
            "proceeds": proceeds, "cost": cost, "fees": fees, "realized_pnl": proceeds - cost - fees,
            "complete": unmatched == 0.0, "fee_unconverted": unconverted, "bot_pnl": fill.bot_pnl,
            "strategy": fill.strategy, "order_id": fill.order_id, "price": fill.price,
        })

    lots = []
    for book in books.values():
        for lot in book:
            remaining = lot["quantity"]
            lots.append({
                "trade_id": lot["trade_id"], "symbol": lot["symbol"], "created_at": lot["created_at"],
                "quantity": remaining, "original_quantity": lot["original_quantity"],
                "unit_cost": lot["unit_cost"], "cost": remaining * lot["unit_cost"],
                "fees": lot["fee_quote"] * remaining / lot["original_quantity"],
                "fee_unconverted": lot["fee_unconverted"], "strategy": lot["strategy"],
            })
    open_lots = _frame(lots, OPEN_LOT_COLUMNS)
    if not open_lots.empty:
        open_lots = open_lots.sort_values(["symbol", "created_at", "trade_id"], kind="stable").reset_index(drop=True)
    return _frame(sells, SELL_COLUMNS), open_lots, unconverted_fees(priced)


# -- unrealized ---------------------------------------------------------------------------------------

def last_prices(fills: pd.DataFrame) -> dict[str, float]:
    """The price of the last fill (by time) per symbol."""
    if fills.empty:
        return {}
    ordered = fills.sort_values(["created_at", "trade_id"], kind="stable")
    return {str(symbol): float(price) for symbol, price in ordered.groupby("symbol", sort=True)["price"].last().items()}


def unrealized_pnl(open_lots: pd.DataFrame, mark_prices: Mapping[str, float] | None = None, *,
                   last_fill_prices: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Open lots valued at a mark price, per symbol (:data:`UNREALIZED_COLUMNS`).

    ``mark_prices`` (the report parameter) wins, labelled ``mark_source = "parameter"``; else
    ``last_fill_prices`` (:func:`last_prices`), labelled ``"last fill"``; a symbol with neither
    has ``mark_source = "missing"`` and NaN value. ``unrealized = value − cost − fees``, where
    ``fees`` is the open quantity's share of its BUYs' fees (as a SELL would be charged).
    """
    marks = dict(mark_prices or {})
    for symbol, price in marks.items():
        number, _ = _number(price)
        if number is None or number <= 0:
            raise ParameterError("mark_prices", f"needs a positive price per symbol, got {symbol!r}: {price!r}")
    fallback = dict(last_fill_prices or {})
    if open_lots.empty:
        return _frame([], UNREALIZED_COLUMNS)
    rows = []
    grouped = open_lots.groupby("symbol", sort=True)[["quantity", "cost", "fees"]].sum()
    for symbol, totals in grouped.iterrows():
        if symbol in marks:
            mark, source = float(marks[symbol]), "parameter"
        elif symbol in fallback:
            mark, source = float(fallback[symbol]), "last fill"
        else:
            mark, source = math.nan, "missing"
        value = totals["quantity"] * mark
        rows.append({"symbol": symbol, "quantity": totals["quantity"], "cost": totals["cost"],
                     "fees": totals["fees"], "mark": mark, "mark_source": source, "value": value,
                     "unrealized": value - totals["cost"] - totals["fees"]})
    return _frame(rows, UNREALIZED_COLUMNS)


# -- statistics ---------------------------------------------------------------------------------------

def _time_ordered(sells: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in ("created_at", "trade_id") if c in sells]
    return sells.sort_values(keys, kind="stable") if keys and not sells.empty else sells


def _scored(sells: pd.DataFrame) -> pd.DataFrame:
    """SELLs that have a realized P&L (some quantity matched), in time order."""
    ordered = _time_ordered(sells)
    if "matched_quantity" in ordered:
        ordered = ordered[ordered["matched_quantity"] > 0]
    return ordered


def _longest_run(flags: Iterable[bool]) -> int:
    best = run = 0
    for flag in flags:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


def trade_stats(sells_in_window: pd.DataFrame) -> dict[str, Any]:
    """Win/loss statistics over the window's SELLs that matched something (JSON-ready values).

    ``trade_count`` counts those SELLs; ``unmatched_sells`` the SELLs with nothing matched (not
    scored). Wins ``pnl > 0``, losses ``pnl < 0``, breakeven ``pnl == 0``;
    ``win_rate = wins / trade_count``; ``profit_factor = Σ wins / |Σ losses|``, ``None`` when
    there is no loss (infinite or undefined; JSON has no ∞). ``avg_loss`` and ``worst`` are
    negative numbers. Streaks are counted in time order; a breakeven SELL ends both.
    Values that cannot be computed (no trades) are ``None``.
    """
    scored = _scored(sells_in_window)
    pnl = [float(v) for v in scored["realized_pnl"]] if not scored.empty else []
    unmatched = 0
    if "matched_quantity" in sells_in_window and not sells_in_window.empty:
        unmatched = int((sells_in_window["matched_quantity"] <= 0).sum())
    wins = [p for p in pnl if p > 0]
    losses = [p for p in pnl if p < 0]
    total_loss = sum(losses)
    n = len(pnl)
    return {
        "trade_count": n,
        "unmatched_sells": unmatched,
        "wins": len(wins),
        "losses": len(losses),
        "breakeven": n - len(wins) - len(losses),
        "win_rate": len(wins) / n if n else None,
        "profit_factor": sum(wins) / abs(total_loss) if losses else None,
        "realized_pnl": float(sum(pnl)),
        "expectancy": sum(pnl) / n if n else None,
        "avg_win": sum(wins) / len(wins) if wins else None,
        "avg_loss": total_loss / len(losses) if losses else None,
        "best": max(pnl) if pnl else None,
        "worst": min(pnl) if pnl else None,
        "longest_win_streak": _longest_run(p > 0 for p in pnl),
        "longest_loss_streak": _longest_run(p < 0 for p in pnl),
    }


def equity_curve(sells_in_window: pd.DataFrame, starting_balance: float) -> pd.DataFrame:
    """The realized equity curve, one row per SELL in time order (:data:`CURVE_COLUMNS`).

    ``equity = starting_balance + cumulative realized P&L``; ``peak`` is the running maximum of
    that equity, starting at ``starting_balance``; ``drawdown_abs = peak − equity`` (quote
    currency) and ``drawdown_pct = 100 × drawdown_abs / peak`` — relative drawdown is against
    ``starting_balance + cumulative realized P&L`` at its peak (NaN while the peak is not
    positive).
    """
    balance, _ = _number(starting_balance)
    if balance is None:
        raise ParameterError("starting_balance", f"must be a number, got {starting_balance!r}")
    ordered = _time_ordered(sells_in_window)
    if ordered.empty:
        return _frame([], CURVE_COLUMNS)
    pnl = ordered["realized_pnl"].astype("float64").reset_index(drop=True)
    cumulative = pnl.cumsum()
    equity = balance + cumulative
    peak = equity.cummax().clip(lower=balance)
    drawdown = peak - equity
    pct = (100.0 * drawdown / peak).where(peak > 0)
    curve = pd.DataFrame({
        "time": ordered["created_at"].reset_index(drop=True) if "created_at" in ordered else pd.NaT,
        "trade_id": ordered["trade_id"].reset_index(drop=True) if "trade_id" in ordered else None,
        "realized_pnl": pnl, "cumulative_pnl": cumulative, "equity": equity, "peak": peak,
        "drawdown_abs": drawdown, "drawdown_pct": pct,
    })
    return _frame(curve.to_dict("records"), CURVE_COLUMNS)


def max_drawdown(curve: pd.DataFrame) -> tuple[float, float | None]:
    """``(largest drawdown_abs, largest drawdown_pct)`` of an :func:`equity_curve`;
    ``(0.0, 0.0)`` for an empty curve, pct ``None`` when it is undefined everywhere."""
    if curve.empty:
        return 0.0, 0.0
    pct = curve["drawdown_pct"].max()
    return float(curve["drawdown_abs"].max()), None if pd.isna(pct) else float(pct)


# -- reconciliation -----------------------------------------------------------------------------------

def reconcile_bot_pnl(sells: pd.DataFrame, tolerance: float = 0.01) -> pd.DataFrame:
    """SELLs whose recomputed ``realized_pnl`` differs from the bot's ``pnl`` by more than
    ``tolerance`` (issue ``"differs"``), and SELLs without the bot's pnl (``"missing bot pnl"``).
    ``difference = realized_pnl − bot_pnl``. Columns :data:`BOT_PNL_COLUMNS`."""
    tol, _ = _number(tolerance)
    if tol is None or tol < 0:
        raise ParameterError("tolerance", f"must be a non-negative number, got {tolerance!r}")
    rows = []
    for sell in _time_ordered(sells).itertuples(index=False):
        bot = sell.bot_pnl
        if pd.isna(bot):
            issue, difference = "missing bot pnl", math.nan
        else:
            difference = sell.realized_pnl - bot
            if abs(difference) <= tol:
                continue
            issue = "differs"
        rows.append({"trade_id": sell.trade_id, "symbol": sell.symbol, "created_at": sell.created_at,
                     "realized_pnl": sell.realized_pnl, "bot_pnl": bot, "difference": difference,
                     "complete": bool(sell.complete), "issue": issue})
    return _frame(rows, BOT_PNL_COLUMNS)


def daily_summary(fills: pd.DataFrame, sells: pd.DataFrame, *, fee_rates: Mapping[str, float] | None = None,
                  quote_asset: str = "USDT", timezone: str = "UTC") -> pd.DataFrame:
    """Per calendar day in ``timezone`` (``date`` as ``YYYY-MM-DD``): the figures of a
    ``reports`` DAILY item (:data:`DAILY_FIELDS`) recomputed from ``fills`` and ``sells``.

    ``trades_count`` / ``buy_count`` / ``sell_count`` count fills; ``total_volume`` is Σ
    ``quote_quantity``; ``total_fees`` the converted fees (unconverted ones excluded, counted in
    ``fees_unconverted``); ``pnl_absolute`` Σ realized P&L of the day's SELLs. Pass fills and
    sells of the same window: a day present in either appears.
    """
    priced = convert_fees(fills, fee_rates=fee_rates, quote_asset=quote_asset)
    _zone(timezone)
    days: dict[str, dict[str, Any]] = {}

    def day_row(day: str) -> dict[str, Any]:
        return days.setdefault(day, {"date": day, "trades_count": 0, "buy_count": 0, "sell_count": 0,
                                     "total_volume": 0.0, "total_fees": 0.0, "pnl_absolute": 0.0,
                                     "fees_unconverted": 0})

    if not priced.empty:
        priced = priced.assign(local_day=_local_day(priced["created_at"], timezone))
        for fill in priced.itertuples(index=False):
            row = day_row(fill.local_day)
            row["trades_count"] += 1
            row["buy_count" if fill.side == "BUY" else "sell_count"] += 1
            row["total_volume"] += fill.quote_quantity
            row["total_fees"] += fill.fee_quote
            row["fees_unconverted"] += int(fill.fee_unconverted)
    if not sells.empty:
        for day, pnl in zip(_local_day(sells["created_at"], timezone), sells["realized_pnl"], strict=True):
            day_row(day)["pnl_absolute"] += float(pnl)
    return _frame([days[d] for d in sorted(days)], DAILY_COLUMNS)


def reconcile_daily(daily: pd.DataFrame, report_items: Iterable[Mapping[str, Any]],
                    tolerance: float = 0.01) -> pd.DataFrame:
    """Compare :func:`daily_summary` with the ``reports`` table's DAILY items.

    One row (:data:`DAILY_RECONCILIATION_COLUMNS`) per ``(date, field)`` that differs — counts
    exactly, money by more than ``tolerance`` — or is missing / not a number in the report;
    one row with ``field = None`` per day present on one side only: a day with trades and no
    report (``"no daily report"``), a report claiming activity on a day without trades
    (``"report without trades"``; an all-zero report of a quiet day is consistent). A second
    report for the same date is ``"duplicate report"``.
    """
    tol, _ = _number(tolerance)
    if tol is None or tol < 0:
        raise ParameterError("tolerance", f"must be a non-negative number, got {tolerance!r}")
    reports = [dict(item) for item in report_items
               if isinstance(item, Mapping) and trading_keys.is_daily_sk(item.get("sk", trading_keys.DAILY_SK))]
    for item in reports:
        if not _text(item.get("date")):
            pk = item.get("pk")
            item["date"] = trading_keys.report_date_from_pk(pk)
    frame = codec.items_to_frame(reports, columns=("date", *DAILY_FIELDS), numbers=DAILY_FIELDS)
    invalid = frame.attrs.get("invalid_numbers", {})
    computed = {row["date"]: row for row in daily.to_dict("records")} if not daily.empty else {}

    rows: list[dict[str, Any]] = []

    def add(day: Any, field: str | None, mine: Any, theirs: Any, issue: str) -> None:
        diff = mine - theirs if field is not None and not (pd.isna(mine) or pd.isna(theirs)) else math.nan
        rows.append({"date": day, "field": field, "computed": mine, "reported": theirs, "difference": diff,
                     "issue": issue})

    seen: set[str] = set()
    for index, report in frame.iterrows():
        day = report["date"]
        if day in seen:
            add(day, None, math.nan, math.nan, "duplicate report")
            continue
        seen.add(day)
        mine = computed.get(day)
        if mine is None:
            claimed = [f for f in DAILY_FIELDS if not pd.isna(report[f]) and report[f] != 0]
            if claimed:
                add(day, None, math.nan, math.nan, "report without trades")
            continue
        for field in DAILY_FIELDS:
            theirs = report[field]
            if pd.isna(theirs):
                issue = "not a number in report" if index in invalid.get(field, []) else "missing in report"
                add(day, field, float(mine[field]), math.nan, issue)
                continue
            difference = float(mine[field]) - float(theirs)
            limit = 0.0 if field in DAILY_COUNT_FIELDS else tol
            if abs(difference) > limit + 1e-12:
                add(day, field, float(mine[field]), float(theirs), "mismatch")
    for day in sorted(set(computed) - seen):
        add(day, None, math.nan, math.nan, "no daily report")
    out = _frame(rows, DAILY_RECONCILIATION_COLUMNS)
    if not out.empty:
        out = out.sort_values("date", kind="stable").reset_index(drop=True)
    return out


# -- limits -------------------------------------------------------------------------------------------

#: the CONFIG#limits settings the report checks and draws
CHECKED_LIMITS = ("max_trades_per_day", "max_amount_per_trade", "cooldown_minutes")


def usable_limits(limits: Mapping[str, Any] | None, findings: Findings | None = None) -> dict[str, float]:
    """The ``CONFIG#limits`` values (:data:`CHECKED_LIMITS`) that are non-negative numbers, as floats.

    A missing limit is left out; one that is not a number (``"twelve"``, a String ``"12"``, NaN)
    or is negative is left out too and, with ``findings``, is a ``bad_limit`` finding — the
    report checks and draws only the limits listed here.
    """
    limits = dict(limits or {})
    if findings is not None:
        findings.describe("bad_limit", "a CONFIG#limits value is not a non-negative number: not checked")
    values: dict[str, float] = {}
    for name in CHECKED_LIMITS:
        number, status = _number(limits.get(name))
        if status == "not a number" or (number is not None and number < 0):
            if findings is not None:
                findings.add("bad_limit", trading_keys.config_pk("limits"), f"{name}={limits.get(name)!r}",
                             table="bot_config")
            continue
        if number is not None:
            values[name] = number
    return values


def limit_breaches(fills: pd.DataFrame, limits: Mapping[str, Any] | None, *, timezone: str = "UTC",
                   findings: Findings | None = None) -> pd.DataFrame:
    """Fills that broke the ``CONFIG#limits`` settings (:data:`BREACH_COLUMNS`).

    * ``max_trades_per_day``: a day (in ``timezone``) with more fills; ``when`` is the fill that
      went over, ``key`` the date, ``value`` the day's count.
    * ``max_amount_per_trade``: a fill whose ``quote_quantity`` is above it; ``key`` = trade id.
    * ``cooldown_minutes``: a fill less than that many minutes after the previous fill of the bot
      (all symbols, time order: the bot trades one symbol at a time); ``value`` = the gap.

    A missing limit is not checked; a limit that is not a number is a ``bad_limit`` finding
    (in ``findings`` when given) and is not checked either.
    """
    values = usable_limits(limits, findings)
    rows: list[dict[str, Any]] = []
    if fills.empty:
        return _frame(rows, BREACH_COLUMNS)
    ordered = fills.sort_values(["created_at", "trade_id"], kind="stable").reset_index(drop=True)

    if "max_trades_per_day" in values:
        limit = values["max_trades_per_day"]
        days = _local_day(ordered["created_at"], timezone)
        for day, group in ordered.groupby(days, sort=True):
            if len(group) > limit:
                crossing = group.iloc[math.floor(limit)]  # the first fill whose rank exceeds the limit
                rows.append({"rule": "max_trades_per_day", "when": crossing["created_at"], "key": day,
                             "value": float(len(group)), "limit": limit})
    if "max_amount_per_trade" in values:
        limit = values["max_amount_per_trade"]
        for fill in ordered[ordered["quote_quantity"] > limit].itertuples(index=False):
            rows.append({"rule": "max_amount_per_trade", "when": fill.created_at, "key": fill.trade_id,
                         "value": float(fill.quote_quantity), "limit": limit})
    if "cooldown_minutes" in values:
        limit = values["cooldown_minutes"]
        gaps = ordered["created_at"].diff().dt.total_seconds() / 60.0
        for position in ordered.index[gaps < limit]:
            fill = ordered.loc[position]
            rows.append({"rule": "cooldown_minutes", "when": fill["created_at"], "key": fill["trade_id"],
                         "value": float(gaps[position]), "limit": limit})
    out = _frame(rows, BREACH_COLUMNS)
    out["value"] = out["value"].astype("float64")
    out["limit"] = out["limit"].astype("float64")
    if not out.empty:
        out = out.sort_values(["when", "rule"], kind="stable").reset_index(drop=True)
    return out


# -- breakdowns ---------------------------------------------------------------------------------------

def by_symbol(sells: pd.DataFrame, fills: pd.DataFrame, *, fee_rates: Mapping[str, float] | None = None,
              quote_asset: str = "USDT") -> pd.DataFrame:
    """Per symbol (:data:`BY_SYMBOL_COLUMNS`): ``trade_count`` = SELLs with a realized P&L (as in
    :func:`trade_stats`), fill / buy / sell counts, ``volume`` (Σ quote_quantity), ``fees`` (the
    fills' converted fees), ``realized_pnl`` and ``unmatched_quantity`` of the SELLs."""
    priced = convert_fees(fills, fee_rates=fee_rates, quote_asset=quote_asset)
    symbols = sorted(set(priced["symbol"]) | set(sells["symbol"])) if not (priced.empty and sells.empty) else []
    scored = _scored(sells)
    rows = []
    for symbol in symbols:
        f = priced[priced["symbol"] == symbol]
        s = sells[sells["symbol"] == symbol]
        rows.append({
            "symbol": symbol, "trade_count": int((scored["symbol"] == symbol).sum()) if not scored.empty else 0,
            "fill_count": len(f), "buy_count": int((f["side"] == "BUY").sum()),
            "sell_count": int((f["side"] == "SELL").sum()), "volume": float(f["quote_quantity"].sum()),
            "fees": float(f["fee_quote"].sum()), "realized_pnl": float(s["realized_pnl"].sum()),
            "unmatched_quantity": float(s["unmatched_quantity"].sum()),
        })
    return _frame(rows, BY_SYMBOL_COLUMNS)


def by_strategy(sells: pd.DataFrame) -> pd.DataFrame:
    """Per strategy (``"(none)"`` when the SELL has none), over SELLs with a realized P&L
    (:data:`BY_STRATEGY_COLUMNS`): count, wins, losses, win rate, fees charged, realized P&L."""
    scored = _scored(sells)
    if scored.empty:
        return _frame([], BY_STRATEGY_COLUMNS)
    strategy = scored["strategy"].map(lambda v: v if isinstance(v, str) and v else NO_STRATEGY)
    rows = []
    for name, group in scored.groupby(strategy, sort=True):
        wins = int((group["realized_pnl"] > 0).sum())
        rows.append({"strategy": name, "trade_count": len(group), "wins": wins,
                     "losses": int((group["realized_pnl"] < 0).sum()), "win_rate": wins / len(group),
                     "fees": float(group["fees"].sum()), "realized_pnl": float(group["realized_pnl"].sum())})
    return _frame(rows, BY_STRATEGY_COLUMNS)
