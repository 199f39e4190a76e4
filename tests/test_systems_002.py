"""002 trading bot: TradingRepository over HTTP against the embedded DynamoDB (moto server).

Moto keeps its tables per process, so other test modules may have written to the same tables:
every test uses its own symbol / trade ids and its own far-future year ``Y`` so that the
date partitions (DATE#, MONTH#, STATUS# windows) hold only this test's items.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dynamo_reports import codec
from dynamo_reports.connection import Connection
from dynamo_reports.exceptions import ParameterError, TableNotFoundError
from dynamo_reports.systems import trading
from dynamo_reports.systems.common import PREFIX_END
from dynamo_reports.systems.trading import (
    BOT_CONFIG,
    REPORTS,
    TRADES,
    TradingRepository,
    bot_config_item,
    config_history_item,
    daily_report_item,
    limits_item,
    trade_item,
    trade_update_item,
)
from shared import ops, serial, unique_id, write

UTC = dt.UTC


@pytest.fixture
def repo(conn):
    return TradingRepository(conn)


def uid() -> str:
    return unique_id("trade-")


def symbol() -> str:
    return f"X{serial():08X}USDT"


def trade(sym, created, status="FILLED", side="BUY", **kw):
    return trade_item(trade_id=uid(), symbol=sym, side=side, status=status, created_at=created,
                      order_id=serial(), quantity=0.001, price=42500.0, quote_quantity=42.5,
                      commission=0.0425, commission_asset="USDT", strategy="rsi", indicators={"rsi": 28.5}, **kw)


@pytest.fixture(scope="module")
def march(dynamo, client, _years):
    """Trades of symbol S around March of year Y, and one of another symbol S2; written once for
    the module (the tests that use them only read).

    t5  Y-02-28T23:59:59Z      ERROR      start-1: outside March
    t1  Y-03-01T00:00:00Z      FILLED     first instant of start: inside
    u1  Y-03-01T00:00:05Z      UPDATE# row of t1 carrying gsi keys: indexed, but not a trade
    o1  Y-03-10T10:00:00Z      FILLED     other symbol S2
    t2  Y-03-15T12:00:00.250Z  FILLED     fractional seconds: inside
    t3  Y-03-31T23:59:59Z      CANCELLED  last second of end: inside (the trap of "...59.999999Z")
    t4  Y-04-01T00:00:00Z      FILLED     first instant of end+1: outside
    u2  Y-03-01T00:00:10Z      UPDATE# row of t1 WITHOUT gsi keys (only in the table)
    """
    conn, year = Connection(dynamo.settings, client=client), next(_years)
    S, S2 = symbol(), symbol()
    t5 = trade(S, f"{year}-02-28T23:59:59Z", "ERROR")
    t1 = trade(S, f"{year}-03-01T00:00:00Z")
    t2 = trade(S, f"{year}-03-15T12:00:00.250Z", side="SELL", pnl=15.5, pnl_percent=1.65)
    t3 = trade(S, f"{year}-03-31T23:59:59Z", "CANCELLED")
    t4 = trade(S, f"{year}-04-01T00:00:00Z")
    o1 = trade(S2, f"{year}-03-10T10:00:00Z")
    u1 = trade_update_item(trade_id=t1["id"], at=f"{year}-03-01T00:00:05Z", status="FILLED", symbol=S,
                           with_gsi_keys=True)
    u2 = trade_update_item(trade_id=t1["id"], at=f"{year}-03-01T00:00:10Z", status="FILLED")
    write(conn, TRADES, t5, t1, t2, t3, t4, o1, u1, u2)
    return dict(S=S, S2=S2, t1=t1, t2=t2, t3=t3, t4=t4, t5=t5, o1=o1, u1=u1, u2=u2, Y=year)


# -- builders -----------------------------------------------------------------------------------

def test_trade_item_has_every_gsi_key():
    item = trade_item(trade_id="550e8400-e29b-41d4-a716-446655440000", symbol="BTCUSDT", side="BUY",
                      status="FILLED", created_at="2024-12-06T10:30:15Z", price=42500.00, quantity=0.001)
    assert item["pk"] == "TRADE#550e8400-e29b-41d4-a716-446655440000"
    assert item["sk"] == "METADATA"
    assert item["id"] == "550e8400-e29b-41d4-a716-446655440000"
    assert (item["gsi1pk"], item["gsi1sk"]) == ("SYMBOL#BTCUSDT", "2024-12-06T10:30:15Z")
    assert (item["gsi2pk"], item["gsi2sk"]) == ("DATE#2024-12-06", "2024-12-06T10:30:15Z")
    assert (item["gsi3pk"], item["gsi3sk"]) == ("STATUS#FILLED", "2024-12-06T10:30:15Z")
    assert item["type"] == "MARKET" and item["updated_at"] == item["created_at"]
    assert str(item["quantity"]) == "0.001"  # float -> Decimal via its repr, never binary noise
    assert "pnl" not in item  # None attributes are omitted (a missing price stays missing)


def test_trade_item_accepts_datetime():
    item = trade_item(trade_id="a", symbol="ETHUSDT", side="SELL", status="FILLED",
                      created_at=dt.datetime(2025, 3, 1, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    assert item["created_at"] == "2025-03-01T10:00:00Z"  # converted to UTC, Z suffix
    assert item["gsi2pk"] == "DATE#2025-03-01"


def test_daily_report_item_ttl_is_created_plus_90_days():
    item = daily_report_item(date="2025-03-01", trades_count=3, pnl_absolute=1.5)
    # created_at defaults to midnight after the day: 2025-03-02T00:00:00Z
    # = 1735689600 (2025-01-01) + 60 days * 86400 = 1740873600; + 90 * 86400 = 1748649600
    assert item["created_at"] == "2025-03-02T00:00:00Z"
    assert item["ttl"] == 1748649600
    assert (item["pk"], item["sk"]) == ("REPORT#2025-03-01", "DAILY")
    assert (item["gsi1pk"], item["gsi1sk"]) == ("MONTH#2025-03", "2025-03-01")
    explicit = daily_report_item(date="2025-03-01", created_at="2025-03-01T23:00:00Z")
    # 1740873600 - 3600 + 7776000
    assert explicit["ttl"] == 1748646000


# -- trades ---------------------------------------------------------------------------------------

def test_trades_by_symbol_window_inclusive_and_no_update_rows(conn, repo, march):
    Y, m = march["Y"], march
    mark = conn.meter.mark()
    got = repo.trades_by_symbol(m["S"], f"{Y}-03-01", f"{Y}-03-31")
    # inside: t1 (00:00:00Z on start), t2, t3 (23:59:59Z on end); u1 is indexed but not a trade;
    # t5 (day before) and t4 (00:00:00Z on end+1) outside; o1 is another symbol.
    assert got == [m["t1"], m["t2"], m["t3"]]
    assert ops(conn, mark) == [("Query", "gsi1-symbol-date")]


def test_trades_by_symbol_open_ends_and_history_rows_on_request(repo, march):
    Y, m = march["Y"], march
    assert repo.trades_by_symbol(m["S"]) == [m["t5"], m["t1"], m["t2"], m["t3"], m["t4"]]
    assert repo.trades_by_symbol(m["S"], start=f"{Y}-03-31") == [m["t3"], m["t4"]]
    assert repo.trades_by_symbol(m["S"], end=f"{Y}-03-01") == [m["t5"], m["t1"]]
    # trades_only=False also returns the UPDATE# row that carries gsi keys (u1, at 00:00:05Z), never u2
    assert repo.trades_by_symbol(m["S"], f"{Y}-03-01", f"{Y}-03-01", trades_only=False) == [m["t1"], m["u1"]]


def test_trades_by_symbol_accepts_dates_and_datetimes(repo, march):
    Y, m = march["Y"], march
    expected = [m["t1"], m["t2"], m["t3"]]
    assert repo.trades_by_symbol(m["S"], dt.date(Y, 3, 1), dt.date(Y, 3, 31)) == expected
    # a datetime stands for its UTC calendar day: 22:00 on the 31st -> the whole 31st
    assert repo.trades_by_symbol(m["S"], dt.datetime(Y, 3, 1, 15, 0),
                                 dt.datetime(Y, 3, 31, 22, 0, tzinfo=UTC)) == expected
    # 01:00+02:00 on April 1st is 23:00Z on March 31st
    plus2 = dt.timezone(dt.timedelta(hours=2))
    assert repo.trades_by_symbol(m["S"], f"{Y}-03-01", dt.datetime(Y, 4, 1, 1, 0, tzinfo=plus2)) == expected
    assert repo.trades_by_symbol(m["S"], pd.Timestamp(f"{Y}-03-01"), pd.Timestamp(f"{Y}-03-31")) == expected


def test_trades_by_date_range_one_query_per_day(conn, repo, march):
    Y, m = march["Y"], march
    mark = conn.meter.mark()
    got = repo.trades_by_date_range(f"{Y}-03-01", f"{Y}-03-31")
    # by day, then time: t1 (03-01), o1 (03-10, other symbol: all symbols count), t2 (03-15), t3 (03-31)
    assert got == [m["t1"], m["o1"], m["t2"], m["t3"]]
    assert ops(conn, mark) == [("Query", "gsi2-date")] * 31  # March has 31 days; never a Scan
    assert repo.trades_by_date_range(f"{Y}-02-28", f"{Y}-02-28") == [m["t5"]]
    assert repo.trades_by_date_range(f"{Y}-03-01", f"{Y}-03-01", trades_only=False) == [m["t1"], m["u1"]]


def test_trades_by_status_window(conn, repo, march):
    Y, m = march["Y"], march
    mark = conn.meter.mark()
    # FILLED in March: t1, o1 (other symbol), t2; t4 is April; u1 (FILLED, indexed) is not a trade
    assert repo.trades_by_status("FILLED", f"{Y}-03-01", f"{Y}-03-31") == [m["t1"], m["o1"], m["t2"]]
    assert repo.trades_by_status("CANCELLED", f"{Y}-03-01", f"{Y}-03-31") == [m["t3"]]
    assert repo.trades_by_status("ERROR", f"{Y}-03-01", f"{Y}-03-31") == []
    assert repo.trades_by_status("ERROR", f"{Y}-02-01", f"{Y}-02-28") == [m["t5"]]
    assert repo.trades_by_status("FILLED", f"{Y}-03-01", f"{Y}-03-01", trades_only=False) == [m["t1"], m["u1"]]
    assert {op for op in ops(conn, mark)} == {("Query", "gsi3-status")}


def test_trade_and_its_history(conn, repo, march):
    m = march
    mark = conn.meter.mark()
    assert repo.trade(m["t1"]["id"]) == m["t1"]
    assert repo.trade(uid()) is None
    # both UPDATE# rows, oldest first, whether or not they carry gsi keys; not the METADATA row
    assert repo.trade_history(m["t1"]["id"]) == [m["u1"], m["u2"]]
    assert repo.trade_history(m["t2"]["id"]) == []
    assert ops(conn, mark) == [("GetItem", None), ("GetItem", None), ("Query", None), ("Query", None)]


def test_trades_frame_types(repo, march):
    frame = trading.trades_frame(repo.trades_by_symbol(march["S"]))
    assert list(frame.columns[: len(trading.TRADE_COLUMNS)]) == list(trading.TRADE_COLUMNS)
    assert str(frame["created_at"].dtype) == "datetime64[ns, UTC]"
    assert frame["price"].dtype == float and frame["price"].tolist() == [42500.0] * 5
    assert frame["indicators"].iloc[0] == {"rsi": 28.5}
    empty = trading.trades_frame([])
    assert list(empty.columns) == list(trading.TRADE_COLUMNS) and empty.empty


# -- bot config ---------------------------------------------------------------------------------------

def test_bot_config_limits_and_history(conn, repo, year):
    Y = year
    cfg = bot_config_item(enabled=True, strategy="combined", amount=250)
    lim = limits_item(max_trades_per_day=20)
    h1 = config_history_item(at=f"{Y}-03-01T00:00:00Z", strategy="rsi")
    h2 = config_history_item(at=f"{Y}-03-31T23:59:59Z", strategy="ma")
    h3 = config_history_item(at=f"{Y}-04-01T00:00:00Z", strategy="combined")
    hl = config_history_item(at=f"{Y}-03-15T00:00:00Z", config_type="limits", max_trades_per_day=30)
    write(conn, BOT_CONFIG, cfg, lim, h1, h2, h3, hl)

    mark = conn.meter.mark()
    assert repo.bot_config() == cfg
    assert repo.bot_config()["rsi_period"] == 14  # the document's default
    assert repo.limits() == lim
    assert ops(conn, mark) == [("GetItem", None)] * 3

    mark = conn.meter.mark()
    # March of Y: h1 (first instant) and h2 (last second); h3 is April 1st; hl is CONFIG#limits
    assert repo.config_history(f"{Y}-03-01", f"{Y}-03-31") == [h1, h2]
    assert repo.config_history(f"{Y}-03-01", f"{Y}-03-31", config_type="limits") == [hl]
    # an open end stays inside HISTORY#: the SETTINGS row never comes back
    later = repo.config_history(start=f"{Y}-03-31")
    assert all(i["sk"].startswith("HISTORY#") for i in later)
    assert [i for i in later if i["sk"].startswith(f"HISTORY#{Y}-")] == [h2, h3]
    everything = repo.config_history()
    assert all(i["sk"].startswith("HISTORY#") for i in everything) and h1 in everything and h3 in everything
    assert {op for op in ops(conn, mark)} == {("Query", None)}


# -- daily reports ------------------------------------------------------------------------------------

def test_daily_reports_by_month_and_window(conn, repo, year):
    Y = year
    r0228 = daily_report_item(date=f"{Y}-02-28", trades_count=1)
    r0301 = daily_report_item(date=f"{Y}-03-01", trades_count=2, balances={"USDT": 100.5, "BTC": 0.01})
    r0331 = daily_report_item(date=f"{Y}-03-31", trades_count=3)
    r0401 = daily_report_item(date=f"{Y}-04-01", trades_count=4)
    write(conn, REPORTS, r0228, r0301, r0331, r0401)

    mark = conn.meter.mark()
    assert repo.daily_report(f"{Y}-03-01") == r0301
    assert repo.daily_report(dt.date(Y, 3, 2)) is None
    assert ops(conn, mark) == [("GetItem", None)] * 2

    mark = conn.meter.mark()
    assert repo.daily_reports_by_month(f"{Y}-03") == [r0301, r0331]
    assert repo.daily_reports_by_month(dt.date(Y, 2, 10)) == [r0228]
    assert ops(conn, mark) == [("Query", "gsi1-month")] * 2

    mark = conn.meter.mark()
    # Feb 28 .. Mar 1: two months queried, one report each side of the month boundary
    assert repo.daily_reports(f"{Y}-02-28", f"{Y}-03-01") == [r0228, r0301]
    assert ops(conn, mark) == [("Query", "gsi1-month")] * 2
    # Mar 2 .. Apr 1: r0301 is before the window; r0331 and r0401 inside
    assert repo.daily_reports(f"{Y}-03-02", f"{Y}-04-01") == [r0331, r0401]
    assert repo.daily_reports(f"{Y}-01-01", f"{Y}-12-31") == [r0228, r0301, r0331, r0401]
    assert trading.daily_reports_frame([r0301])["trades_count"].tolist() == [2.0]


# -- bad arguments: ParameterError before any request ------------------------------------------------

@pytest.mark.parametrize(
    "method, args, kwargs, parameter",
    [
        ("trades_by_symbol", ("btcusdt",), {}, "symbol"),
        ("trades_by_symbol", ("BTC-USDT",), {}, "symbol"),
        ("trades_by_symbol", (42,), {}, "symbol"),
        ("trades_by_symbol", ("BTCUSDT", "2025/03/01"), {}, "start"),
        ("trades_by_symbol", ("BTCUSDT", "2025-02-30"), {}, "start"),
        ("trades_by_symbol", ("BTCUSDT", "2025-03-01T00:00:00Z"), {}, "start"),
        ("trades_by_symbol", ("BTCUSDT", None, 20250301), {}, "end"),
        ("trades_by_symbol", ("BTCUSDT", "2025-03-31", "2025-03-01"), {}, "end"),
        ("trades_by_symbol", ("BTCUSDT",), {"trades_only": "yes"}, "trades_only"),
        ("trades_by_date_range", (None, "2025-03-01"), {}, "start"),
        ("trades_by_date_range", ("2025-03-01", None), {}, "end"),
        ("trades_by_date_range", ("2025-03-02", "2025-03-01"), {}, "end"),
        ("trades_by_date_range", ("2025-01-01", "2025-12-31"), {"max_days": 100}, "end"),
        ("trades_by_date_range", ("2025-01-01", "2025-01-02"), {"max_days": 0}, "max_days"),
        ("trades_by_status", ("filled",), {}, "status"),
        ("trades_by_status", ("PARTIALLY_FILLED",), {}, "status"),
        ("trades_by_status", ("FILLED", "yesterday"), {}, "start"),
        ("trade", ("",), {}, "trade_id"),
        ("trade", ("TRADE#abc",), {}, "trade_id"),
        ("trade", (None,), {}, "trade_id"),
        ("trade_history", (" abc",), {}, "trade_id"),
        ("config_history", (), {"config_type": "strategy"}, "config_type"),
        ("config_history", ("2025-03-31", "2025-03-01"), {}, "end"),
        ("daily_report", ("20250301",), {}, "date"),
        ("daily_report", (None,), {}, "date"),
        ("daily_reports_by_month", ("2025-13",), {}, "month"),
        ("daily_reports_by_month", ("2025-3",), {}, "month"),
        ("daily_reports", ("2025-03-01",), {"end": None}, "end"),
    ],
)
def test_bad_arguments_raise_before_any_request(conn, repo, method, args, kwargs, parameter):
    mark = conn.meter.mark()
    with pytest.raises(ParameterError) as info:
        getattr(repo, method)(*args, **kwargs)
    assert info.value.parameter == parameter
    assert conn.meter.since(mark) == []


def test_repository_needs_a_connection():
    with pytest.raises(ParameterError) as info:
        TradingRepository("http://localhost:8000")
    assert info.value.parameter == "conn"


def test_missing_table_names_logical_and_physical(dynamo, client):
    conn = Connection(dynamo.settings.with_(tables={"trades": "no-such-trades-table"}), client=client)
    with pytest.raises(TableNotFoundError) as info:
        TradingRepository(conn).trades_by_symbol("BTCUSDT")
    assert (info.value.logical, info.value.physical) == ("trades", "no-such-trades-table")
    assert "no-such-trades-table" in str(info.value) and "trades" in str(info.value)


def test_prefix_bounds_never_lose_the_last_second():
    """The trap the prefix bounds avoid, stated on plain strings (DynamoDB compares bytes)."""
    naive_high = "2025-03-31T23:59:59.999999Z"
    assert "2025-03-31T23:59:59Z" > naive_high  # 'Z' > '.': the naive bound would drop it
    high = "2025-03-31" + PREFIX_END
    for inside in ("2025-03-31T23:59:59Z", "2025-03-31T23:59:59.999999Z", "2025-03-31T23:59:59+00:00"):
        assert "2025-03-01" <= inside <= high
        assert inside.encode() <= high.encode()
    assert "2025-04-01T00:00:00Z" > high and b"2025-04-01T00:00:00Z" > high.encode()
    assert codec.to_wire(high) == {"S": high}
