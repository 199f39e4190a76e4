"""P&L analytics (issue 3) on hand-made trades; every expected number is worked out by hand
in the comments, never pasted from the code's output."""

from __future__ import annotations

import math
import zlib
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynamo_reports.analytics.pnl import (
    BREACH_COLUMNS,
    BY_STRATEGY_COLUMNS,
    BY_SYMBOL_COLUMNS,
    CURVE_COLUMNS,
    DAILY_COLUMNS,
    DAILY_RECONCILIATION_COLUMNS,
    FILL_COLUMNS,
    MAX_PLAUSIBLE_PRICE,
    MAX_PLAUSIBLE_QUANTITY,
    OPEN_LOT_COLUMNS,
    OUTCOME_COLUMNS,
    SELL_COLUMNS,
    UNREALIZED_COLUMNS,
    by_strategy,
    by_symbol,
    convert_fees,
    daily_summary,
    equity_curve,
    fifo_realized,
    last_prices,
    limit_breaches,
    max_drawdown,
    prepare_trades,
    reconcile_bot_pnl,
    reconcile_daily,
    select_window,
    trade_stats,
    unconverted_fees,
    unrealized_pnl,
    usable_limits,
)
from dynamo_reports.analytics.quality import Findings
from dynamo_reports.exceptions import ParameterError

approx = pytest.approx


def D(value) -> Decimal:
    return Decimal(str(value))


def trade(tid, side, qty, price, at, *, symbol="BTCUSDT", status="FILLED", fee=0, fee_asset="USDT",
          order_id=None, quote="auto", pnl=None, strategy="rsi", sk="METADATA"):
    """A trades item in Python form, as the repository returns it (Decimal numbers, ISO strings)."""
    item = {
        "pk": f"TRADE#{tid}", "sk": sk, "id": tid,
        "order_id": D(order_id if order_id is not None else zlib.crc32(tid.encode())),
        "client_order_id": f"c-{tid}", "symbol": symbol, "side": side, "type": "MARKET", "status": status,
        "quantity": D(qty) if qty is not None else None, "price": D(price) if price is not None else None,
        "commission": D(fee) if fee is not None else None, "commission_asset": fee_asset, "strategy": strategy,
        "indicators": {"rsi": D("28.5")}, "created_at": at, "updated_at": at,
        "gsi1pk": f"SYMBOL#{symbol}", "gsi1sk": at, "gsi2pk": f"DATE#{str(at)[:10]}", "gsi2sk": at,
        "gsi3pk": f"STATUS#{status}", "gsi3sk": at,
    }
    if quote == "auto" and qty is not None and price is not None:
        item["quote_quantity"] = D(qty) * D(price)
    elif quote not in ("auto", None):
        item["quote_quantity"] = D(quote)
    if pnl is not None:
        item["pnl"] = D(pnl)
    return {k: v for k, v in item.items() if v is not None}


def prepared(items, **kwargs):
    findings = Findings()
    fills, outcomes = prepare_trades(items, findings, **kwargs)
    return fills, outcomes, findings


def row_of(frame, trade_id):
    rows = frame[frame["trade_id"] == trade_id]
    assert len(rows) == 1, f"{trade_id}: {len(rows)} rows"
    return rows.iloc[0]


# -- FIFO ----------------------------------------------------------------------------------------------

def test_partial_fills_across_several_lots():
    fills, _, findings = prepared([
        trade("b1", "BUY", 1.0, 100, "2025-03-01T10:00:00Z", fee=0.1),
        trade("b2", "BUY", 1.0, 110, "2025-03-01T11:00:00Z", fee=0.11),
        trade("s1", "SELL", 1.5, 120, "2025-03-01T12:00:00Z", fee=0.18),
    ])
    assert findings.total == 0
    sells, lots, unconverted = fifo_realized(fills)
    s1 = row_of(sells, "s1")
    # cost = 1.0 x 100 + 0.5 x 110 = 155; proceeds = 1.5 x 120 = 180
    assert s1["cost"] == approx(155.0)
    assert s1["proceeds"] == approx(180.0)
    # fees = SELL 0.18 + BUY shares 0.1 x 1.0/1.0 + 0.11 x 0.5/1.0 = 0.18 + 0.155 = 0.335
    assert s1["fees"] == approx(0.335)
    # pnl = 180 - 155 - 0.18 - 0.155 = 24.665
    assert s1["realized_pnl"] == approx(24.665)
    assert s1["matched_quantity"] == approx(1.5) and s1["unmatched_quantity"] == 0.0
    assert bool(s1["complete"]) and not bool(s1["fee_unconverted"])
    # open: what remains of b2 = 0.5 @ 110 -> cost 55, remaining fee share 0.11 x 0.5 = 0.055
    assert list(lots["trade_id"]) == ["b2"]
    b2 = lots.iloc[0]
    assert b2["quantity"] == approx(0.5) and b2["unit_cost"] == approx(110.0)
    assert b2["cost"] == approx(55.0) and b2["fees"] == approx(0.055)
    assert unconverted == {}
    assert list(sells.columns[: len(SELL_COLUMNS)]) == SELL_COLUMNS

    # unrealized at a mark of 130 (parameter): value 0.5 x 130 = 65; 65 - 55 - 0.055 = 9.945
    un = unrealized_pnl(lots, {"BTCUSDT": 130.0}, last_fill_prices=last_prices(fills))
    assert un.iloc[0]["value"] == approx(65.0) and un.iloc[0]["unrealized"] == approx(9.945)
    assert un.iloc[0]["mark_source"] == "parameter"
    # default mark = last fill price (s1 at 120): 0.5 x 120 = 60; 60 - 55 - 0.055 = 4.945
    assert last_prices(fills) == {"BTCUSDT": 120.0}
    un = unrealized_pnl(lots, None, last_fill_prices=last_prices(fills))
    assert un.iloc[0]["unrealized"] == approx(4.945) and un.iloc[0]["mark_source"] == "last fill"
    # no mark at all: labelled, not guessed
    un = unrealized_pnl(lots, {})
    assert un.iloc[0]["mark_source"] == "missing" and math.isnan(un.iloc[0]["unrealized"])


def test_fifo_is_per_symbol_and_uses_quote_quantity_as_the_money():
    fills, _, _ = prepared([
        # 2 BTC for 201 USDT (the average price written as 100): unit cost 201 / 2 = 100.5
        trade("b1", "BUY", 2, 100, "2025-03-01T10:00:00Z", quote=201),
        trade("e1", "BUY", 1, 3000, "2025-03-01T10:30:00Z", symbol="ETHUSDT"),
        # sells 1 ETH @ 3100: only the ETH lot, pnl 3100 - 3000 = 100
        trade("e2", "SELL", 1, 3100, "2025-03-01T11:00:00Z", symbol="ETHUSDT"),
        # sells 1 BTC @ 110: 110 - 100.5 = 9.5
        trade("b2", "SELL", 1, 110, "2025-03-01T12:00:00Z"),
    ])
    sells, lots, _ = fifo_realized(fills)
    assert row_of(sells, "e2")["realized_pnl"] == approx(100.0)
    assert row_of(sells, "b2")["realized_pnl"] == approx(9.5)
    assert list(lots["symbol"]) == ["BTCUSDT"] and lots.iloc[0]["quantity"] == approx(1.0)


def test_a_buy_before_the_window_closed_by_a_sell_inside_it():
    fills, _, _ = prepared([
        trade("b1", "BUY", 2, 100, "2025-02-27T09:00:00Z"),
        trade("s0", "SELL", 1, 90, "2025-02-28T09:00:00Z"),   # before the window: 90 - 100 = -10
        trade("s1", "SELL", 1, 105, "2025-03-02T09:00:00Z"),  # inside: closes b1's second unit: +5
        trade("s2", "SELL", 1, 120, "2025-04-02T09:00:00Z"),  # after the window
    ])
    sells, lots, _ = fifo_realized(fills, end="2025-03-31")
    # s2 is after `end`: not processed at all; b1 is fully closed by s0 and s1
    assert list(sells["trade_id"]) == ["s0", "s1"] and lots.empty
    window = select_window(sells, "2025-03-01", "2025-03-31")
    assert list(window["trade_id"]) == ["s1"]
    assert window.iloc[0]["cost"] == approx(100.0) and window.iloc[0]["realized_pnl"] == approx(5.0)
    stats = trade_stats(window)
    assert stats["trade_count"] == 1 and stats["realized_pnl"] == approx(5.0)

    # end as a day: only s0; what remains of b1 is 1 @ 100
    sells, lots, _ = fifo_realized(fills, end="2025-02-28")
    assert list(sells["trade_id"]) == ["s0"] and row_of(sells, "s0")["realized_pnl"] == approx(-10.0)
    assert lots.iloc[0]["quantity"] == approx(1.0) and lots.iloc[0]["cost"] == approx(100.0)
    # end as an instant is inclusive: 09:00:00 exactly keeps s0
    sells, _, _ = fifo_realized(fills, end=pd.Timestamp("2025-02-28T09:00:00Z"))
    assert list(sells["trade_id"]) == ["s0"]


def test_window_days_follow_the_timezone():
    fills, _, _ = prepared([
        trade("b1", "BUY", 1, 100, "2025-02-20T09:00:00Z"),
        # 23:30 UTC on Feb 28 is 00:30 on March 1 in Paris (UTC+1 in winter)
        trade("s1", "SELL", 1, 101, "2025-02-28T23:30:00Z"),
    ])
    sells, _, _ = fifo_realized(fills)
    assert select_window(sells, "2025-03-01", "2025-03-31").empty
    assert list(select_window(sells, "2025-03-01", "2025-03-31", timezone="Europe/Paris")["trade_id"]) == ["s1"]
    # ... and `end` as a day in Paris time ends at 23:00 UTC: s1 is not processed
    sells, lots, _ = fifo_realized(fills, end="2025-02-28", timezone="Europe/Paris")
    assert sells.empty and lots.iloc[0]["quantity"] == approx(1.0)
    with pytest.raises(ParameterError) as err:
        select_window(sells, "2025-03-02", "2025-03-01")
    assert err.value.parameter == "start"


def test_fees_in_usdt_and_in_bnb():
    items = [
        trade("b1", "BUY", 1, 100, "2025-03-01T10:00:00Z", fee=0.0001, fee_asset="BNB"),
        trade("s1", "SELL", 1, 110, "2025-03-01T11:00:00Z", fee=0.11, fee_asset="USDT"),
    ]
    fills, _, _ = prepared(items)
    # with a rate of 600 USDT/BNB: BUY fee 0.0001 x 600 = 0.06 USDT
    # pnl = 110 - 100 - 0.11 - 0.06 = 9.83
    sells, _, unconverted = fifo_realized(fills, fee_rates={"BNB": 600.0})
    s1 = row_of(sells, "s1")
    assert s1["fees"] == approx(0.17) and s1["realized_pnl"] == approx(9.83)
    assert not bool(s1["fee_unconverted"]) and unconverted == {}
    # without a rate the BNB fee is added to nothing: pnl = 110 - 100 - 0.11 = 9.89, flagged, reported
    sells, _, unconverted = fifo_realized(fills)
    s1 = row_of(sells, "s1")
    assert s1["fees"] == approx(0.11) and s1["realized_pnl"] == approx(9.89)
    assert bool(s1["fee_unconverted"])
    assert unconverted == {"BNB": approx(0.0001)}


def test_sell_fee_in_bnb_without_rate_and_open_lot_fee_flag():
    fills, _, _ = prepared([
        trade("b1", "BUY", 2, 100, "2025-03-01T10:00:00Z", fee=0.0002, fee_asset="BNB"),
        trade("s1", "SELL", 1, 110, "2025-03-01T11:00:00Z", fee=0.0001, fee_asset="BNB"),
    ])
    sells, lots, unconverted = fifo_realized(fills)
    # no fee converted: pnl = 110 - 100 = 10
    assert row_of(sells, "s1")["realized_pnl"] == approx(10.0) and bool(row_of(sells, "s1")["fee_unconverted"])
    # unconverted = 0.0002 (BUY, all of it) + 0.0001 (SELL) = 0.0003 BNB
    assert unconverted == {"BNB": approx(0.0003)}
    assert bool(lots.iloc[0]["fee_unconverted"]) and lots.iloc[0]["fees"] == 0.0
    # the window helper gives the same per-asset sums for any subset of fills
    assert unconverted_fees(fills.iloc[[1]]) == {"BNB": approx(0.0001)}


def test_fee_in_the_base_asset_is_valued_at_the_trades_own_price():
    fills, _, _ = prepared([
        # Binance charges a BUY in the base asset: 0.001 BTC at this trade's 100 USDT/BTC = 0.1 USDT
        trade("b1", "BUY", 1, 100, "2025-03-01T10:00:00Z", fee=0.001, fee_asset="BTC"),
        trade("s1", "SELL", 1, 120, "2025-03-01T11:00:00Z", fee=0.12, fee_asset="USDT"),
    ])
    priced = convert_fees(fills, fee_rates={"BTC": 1.0})  # the trade's own price wins over a static rate
    assert list(priced["fee_source"]) == ["trade price", "quote"]
    assert priced.iloc[0]["fee_quote"] == approx(0.1)
    sells, _, unconverted = fifo_realized(fills)
    # pnl = 120 - 100 - 0.12 - 0.1 = 19.78
    assert row_of(sells, "s1")["realized_pnl"] == approx(19.78) and unconverted == {}


def test_a_sell_with_nothing_to_match():
    fills, _, _ = prepared([
        trade("s0", "SELL", 0.5, 100, "2025-03-01T09:00:00Z", fee=0.05),
        trade("b1", "BUY", 1, 100, "2025-03-01T10:00:00Z"),
        trade("s1", "SELL", 1.5, 120, "2025-03-01T11:00:00Z", fee=0.18),
    ])
    sells, lots, _ = fifo_realized(fills)
    # s0: no open lot (b1 comes later; a SELL never closes a later BUY). Choice: the unmatched
    # part is left out of realized P&L entirely (its proceeds AND its share of the SELL fee),
    # never given a cost of zero -> matched 0, pnl 0.0, flagged.
    s0 = row_of(sells, "s0")
    assert s0["matched_quantity"] == 0.0 and s0["unmatched_quantity"] == approx(0.5)
    assert s0["proceeds"] == 0.0 and s0["cost"] == 0.0 and s0["fees"] == 0.0 and s0["realized_pnl"] == 0.0
    assert not bool(s0["complete"])
    # s1: 1.0 of 1.5 matched. proceeds 1.0 x 120 = 120; cost 100; SELL fee share 0.18 x 1/1.5 = 0.12
    # pnl = 120 - 100 - 0.12 = 19.88; unmatched 0.5
    s1 = row_of(sells, "s1")
    assert s1["matched_quantity"] == approx(1.0) and s1["unmatched_quantity"] == approx(0.5)
    assert s1["proceeds"] == approx(120.0) and s1["fees"] == approx(0.12)
    assert s1["realized_pnl"] == approx(19.88) and not bool(s1["complete"])
    assert lots.empty
    # stats score only SELLs that matched something
    stats = trade_stats(sells)
    assert stats["trade_count"] == 1 and stats["unmatched_sells"] == 1 and stats["wins"] == 1


def test_a_duplicated_order_id_counts_once_and_is_a_finding():
    first = trade("b1", "BUY", 1, 100, "2025-03-01T10:00:00Z", order_id=777)
    copy = trade("b1-copy", "BUY", 1, 100, "2025-03-01T10:00:05Z", order_id=777)
    other_symbol = trade("e1", "BUY", 1, 3000, "2025-03-01T10:00:06Z", order_id=777, symbol="ETHUSDT")
    sell = trade("s1", "SELL", 2, 110, "2025-03-01T11:00:00Z")
    # the copy comes first in the input: the earliest by created_at is kept anyway
    fills, outcomes, findings = prepared([copy, sell, first, other_symbol])
    assert list(fills["trade_id"]) == ["b1", "e1", "s1"]  # order ids are unique per symbol
    assert findings.counts()["duplicate_order_id"] == 1
    dup = findings.to_frame().query("rule == 'duplicate_order_id'").iloc[0]
    assert dup["key"] == "TRADE#b1-copy" and "b1" in dup["detail"]
    # counted once in the outcomes too: BTCUSDT FILLED = b1 + s1
    filled = outcomes.set_index(["symbol", "status"])["orders"]
    assert filled[("BTCUSDT", "FILLED")] == 2
    # and in FIFO: s1 sells 2 but only 1 was bought -> 1 unmatched; pnl 110 - 100 = 10
    sells, _, _ = fifo_realized(fills)
    assert row_of(sells, "s1")["unmatched_quantity"] == approx(1.0)
    assert row_of(sells, "s1")["realized_pnl"] == approx(10.0)


def test_the_same_item_passed_twice_is_counted_once():
    item = trade("b1", "BUY", 1, 100, "2025-03-01T10:00:00Z")
    fills, _, findings = prepared([item, dict(item)])
    assert len(fills) == 1 and findings.counts()["repeated_item"] == 1


# -- what is (not) a trade -----------------------------------------------------------------------------

def test_update_rows_and_cancelled_or_error_orders_are_never_trades():
    items = [
        trade("b1", "BUY", 1, 100, "2025-03-01T10:00:00Z"),
        # its status history, with the gsi keys and numbers copied on: still not a trade
        trade("b1", "BUY", 1, 100, "2025-03-01T10:00:01Z", sk="UPDATE#2025-03-01T10:00:01Z"),
        trade("c1", "SELL", 1, 120, "2025-03-01T11:00:00Z", status="CANCELLED"),
        trade("x1", "BUY", 1, 100, "2025-03-01T12:00:00Z", status="ERROR"),
        trade("x2", "BUY", 1, 100, "2025-03-01T12:00:00Z", status="ERROR", symbol="ETHUSDT"),
        trade("n1", "BUY", 1, 100, "2025-03-01T13:00:00Z", status="NEW"),
    ]
    fills, outcomes, findings = prepared(items)
    assert list(fills["trade_id"]) == ["b1"]
    assert list(outcomes.columns) == OUTCOME_COLUMNS
    assert {(r.symbol, r.status): r.orders for r in outcomes.itertuples()} == {
        ("BTCUSDT", "CANCELLED"): 1, ("BTCUSDT", "ERROR"): 1, ("BTCUSDT", "FILLED"): 1,
        ("BTCUSDT", "NEW"): 1, ("ETHUSDT", "ERROR"): 1,
    }
    # the unknown status is a finding; UPDATE#, CANCELLED and ERROR are not problems
    assert {r: n for r, n in findings.counts().items() if n} == {"unknown_status": 1}
    daily = daily_summary(fills, fifo_realized(fills)[0])
    assert daily.iloc[0]["trades_count"] == 1


def test_malformed_items_are_findings_not_exceptions():
    good = trade("ok", "BUY", 1, 100, "2025-03-01T10:00:00Z")
    items = [
        good,
        trade("p0", "BUY", 1, None, "2025-03-01T10:01:00Z"),            # missing_price
        {**trade("p1", "BUY", 1, 100, "2025-03-01T10:02:00Z"), "price": "abc"},   # bad_price
        trade("p2", "BUY", 1, -5, "2025-03-01T10:03:00Z"),              # bad_price (<= 0)
        trade("q0", "BUY", None, 100, "2025-03-01T10:04:00Z"),          # missing_quantity
        trade("q1", "BUY", 0, 100, "2025-03-01T10:05:00Z"),             # bad_quantity
        trade("d0", "HOLD", 1, 100, "2025-03-01T10:06:00Z"),            # unknown_side
        trade("t0", "BUY", 1, 100, "yesterday"),                        # bad_timestamp
        {k: v for k, v in trade("y0", "BUY", 1, 100, "2025-03-01T10:07:00Z").items() if k != "symbol"},
        trade("f0", "BUY", 1, 100, "2025-03-01T10:08:00Z", symbol="ETHBTC"),  # foreign_quote_symbol
        "not an item",
        {**trade("w0", "SELL", 1, 100, "2025-03-01T10:09:00Z"), "pnl": "lots"},  # kept, bad_pnl
        trade("w1", "BUY", 1, 100, "2025-03-01T10:10:00Z", fee=None),          # kept, missing_commission
        trade("w2", "BUY", 1, 100, "2025-03-01T10:11:00Z", fee=0.1, fee_asset=None),  # kept, unconverted
        {**trade("w3", "BUY", 1, 100, "2025-03-01T10:12:00Z"), "quote_quantity": "x"},  # kept, 1 x 100 used
    ]
    fills, _, findings = prepared(items)
    counts = {r: n for r, n in findings.counts().items() if n}
    assert counts == {
        "missing_price": 1, "bad_price": 2, "missing_quantity": 1, "bad_quantity": 1, "unknown_side": 1,
        "bad_timestamp": 1, "missing_symbol": 1, "foreign_quote_symbol": 1, "not_an_item": 1, "bad_pnl": 1,
        "missing_commission": 1, "missing_commission_asset": 1, "bad_quote_quantity": 1,
    }
    assert set(fills["trade_id"]) == {"ok", "w0", "w1", "w2", "w3"}
    assert row_of(fills, "w3")["quote_quantity"] == approx(100.0)
    assert math.isnan(row_of(fills, "w0")["bot_pnl"])
    # the fee with no asset is not converted and is reported under "(unknown)"
    _, _, unconverted = fifo_realized(fills)
    assert unconverted == {"(unknown)": approx(0.1)}
    # every finding names its item
    assert "TRADE#p0" in set(findings.to_frame()["key"])


def test_a_missing_price_can_be_recovered_from_quote_quantity_on_request():
    items = [
        trade("b1", "BUY", 2, None, "2025-03-01T10:00:00Z", quote=210),  # no price; 210 USDT for 2
        trade("s1", "SELL", 1, 120, "2025-03-01T11:00:00Z"),
    ]
    # default: left out of FIFO, so s1 has nothing to match
    fills, _, findings = prepared(items)
    assert list(fills["trade_id"]) == ["s1"] and findings.counts()["missing_price"] == 1
    # recover_price: price = 210 / 2 = 105, still a finding; s1 pnl = 120 - 105 = 15
    fills, _, findings = prepared(items, recover_price=True)
    assert row_of(fills, "b1")["price"] == approx(105.0) and findings.counts()["missing_price"] == 1
    assert "quote_quantity / quantity" in findings.to_frame().iloc[0]["detail"]
    assert row_of(fifo_realized(fills)[0], "s1")["realized_pnl"] == approx(15.0)
    # nothing to recover from: still left out
    no_quote = trade("b2", "BUY", 2, None, "2025-03-01T10:00:00Z", quote=None)
    fills, _, _ = prepared([no_quote], recover_price=True)
    assert fills.empty


def test_fills_columns_order_and_derived_quote_quantity():
    fills, _, _ = prepared([
        trade("z", "BUY", 0.5, 100, "2025-03-01T10:00:00Z", quote=None),  # quote = 0.5 x 100 = 50
        trade("a", "BUY", 1, 100, "2025-03-01T10:00:00Z"),
        trade("m", "BUY", 1, 100, "2025-03-01T11:00:00+01:00"),  # = 10:00Z too
        trade("e", "BUY", 1, 100, "2025-03-01T09:00:00Z"),
    ])
    assert list(fills.columns[: len(FILL_COLUMNS)]) == FILL_COLUMNS
    assert list(fills["trade_id"]) == ["e", "a", "m", "z"]  # created_at, then trade_id
    assert str(fills["created_at"].dtype) == "datetime64[ns, UTC]"
    assert row_of(fills, "z")["quote_quantity"] == approx(50.0)
    assert row_of(fills, "a")["order_id"] == str(zlib.crc32(b"a"))


def test_empty_input_gives_empty_frames_with_the_right_columns():
    fills, outcomes, findings = prepared([])
    assert list(fills.columns) == FILL_COLUMNS and fills.empty
    assert list(outcomes.columns) == OUTCOME_COLUMNS and outcomes.empty
    assert findings.total == 0 and set(findings.counts().values()) == {0}  # rules listed with 0
    sells, lots, unconverted = fifo_realized(fills, fee_rates={"BNB": 600})
    assert list(sells.columns) == SELL_COLUMNS and list(lots.columns) == OPEN_LOT_COLUMNS and unconverted == {}
    assert str(sells["created_at"].dtype) == "datetime64[ns, UTC]"
    assert list(unrealized_pnl(lots, {"BTCUSDT": 1.0}).columns) == UNREALIZED_COLUMNS
    assert last_prices(fills) == {}
    stats = trade_stats(sells)
    assert stats["trade_count"] == 0 and stats["wins"] == 0 and stats["realized_pnl"] == 0
    assert stats["longest_win_streak"] == 0 and stats["longest_loss_streak"] == 0
    for key in ("win_rate", "profit_factor", "expectancy", "avg_win", "avg_loss", "best", "worst"):
        assert stats[key] is None
    curve = equity_curve(sells, 100)
    assert list(curve.columns) == CURVE_COLUMNS and max_drawdown(curve) == (0.0, 0.0)
    assert list(reconcile_bot_pnl(sells).columns) == ["trade_id", "symbol", "created_at", "realized_pnl",
                                                      "bot_pnl", "difference", "complete", "issue"]
    daily = daily_summary(fills, sells)
    assert list(daily.columns) == DAILY_COLUMNS and daily.empty
    assert list(reconcile_daily(daily, []).columns) == DAILY_RECONCILIATION_COLUMNS
    assert list(limit_breaches(fills, {"max_trades_per_day": 1}).columns) == BREACH_COLUMNS
    assert list(by_symbol(sells, fills).columns) == BY_SYMBOL_COLUMNS
    assert list(by_strategy(sells).columns) == BY_STRATEGY_COLUMNS
    assert select_window(sells, "2025-03-01", "2025-03-31").empty


# -- statistics and drawdown ---------------------------------------------------------------------------

def pnl_sequence(values, start="2025-03-01T00:00:00Z"):
    t0 = pd.Timestamp(start)
    return pd.DataFrame({
        "trade_id": [f"s{i}" for i in range(len(values))],
        "created_at": [t0 + pd.Timedelta(hours=i) for i in range(len(values))],
        "realized_pnl": [float(v) for v in values],
        "matched_quantity": [1.0] * len(values),
    })


def test_trade_stats_on_a_hand_sequence():
    # +10, -5, +3, +2, -1, -4, given out of order: stats follow time
    sells = pnl_sequence([10, -5, 3, 2, -1, -4]).iloc[[3, 0, 5, 1, 4, 2]]
    stats = trade_stats(sells)
    assert stats["trade_count"] == 6 and stats["wins"] == 3 and stats["losses"] == 3
    assert stats["win_rate"] == approx(3 / 6)
    # Σ wins = 10 + 3 + 2 = 15; |Σ losses| = 5 + 1 + 4 = 10; 15 / 10 = 1.5
    assert stats["profit_factor"] == approx(1.5)
    # (15 - 10) / 6 = 5/6
    assert stats["expectancy"] == approx(5 / 6) and stats["realized_pnl"] == approx(5.0)
    assert stats["avg_win"] == approx(5.0) and stats["avg_loss"] == approx(-10 / 3)
    assert stats["best"] == 10.0 and stats["worst"] == -5.0
    # wins in a row: +3, +2 -> 2; losses in a row: -1, -4 -> 2
    assert stats["longest_win_streak"] == 2 and stats["longest_loss_streak"] == 2


def test_breakeven_and_no_loss():
    stats = trade_stats(pnl_sequence([1, 0, 1, 2]))
    # a breakeven ends the streak: +1 | 0 | +1, +2 -> 2; win rate 3 / 4
    assert stats["longest_win_streak"] == 2 and stats["breakeven"] == 1 and stats["win_rate"] == approx(0.75)
    assert stats["profit_factor"] is None and stats["avg_loss"] is None  # no loss: ∞ is not JSON


def test_equity_curve_and_max_drawdown():
    curve = equity_curve(pnl_sequence([10, -5, 3, 2, -1, -4]), starting_balance=100)
    # equity 110, 105, 108, 110, 109, 105; peak 110 throughout
    assert list(curve["equity"]) == approx([110, 105, 108, 110, 109, 105])
    assert list(curve["peak"]) == approx([110] * 6)
    # drawdown 0, 5, 2, 0, 1, 5
    assert list(curve["drawdown_abs"]) == approx([0, 5, 2, 0, 1, 5])
    # largest: 5 USDT, 5 / 110 = 4.5454...%
    dd_abs, dd_pct = max_drawdown(curve)
    assert dd_abs == approx(5.0) and dd_pct == approx(100 * 5 / 110)

    # a first trade that loses: the starting balance is the first peak: 100 -> 95 = 5 USDT, 5%
    curve = equity_curve(pnl_sequence([-5, 2]), starting_balance=100)
    assert list(curve["drawdown_abs"]) == approx([5, 3])
    assert max_drawdown(curve) == (approx(5.0), approx(5.0))
    with pytest.raises(ParameterError):
        equity_curve(pnl_sequence([1]), starting_balance="lots")


# -- reconciliation ------------------------------------------------------------------------------------

def test_reconcile_bot_pnl():
    fills, _, _ = prepared([
        trade("b1", "BUY", 3, 100, "2025-03-01T10:00:00Z"),
        trade("s1", "SELL", 1, 110, "2025-03-01T11:00:00Z", pnl=10.005),  # ours 10: within 0.01
        trade("s2", "SELL", 1, 110, "2025-03-01T12:00:00Z", pnl=9.5),     # ours 10: off by 0.5
        trade("s3", "SELL", 1, 110, "2025-03-01T13:00:00Z"),              # the bot wrote no pnl
    ])
    sells, _, _ = fifo_realized(fills)
    diffs = reconcile_bot_pnl(sells, tolerance=0.01)
    assert list(diffs["trade_id"]) == ["s2", "s3"]
    assert list(diffs["issue"]) == ["differs", "missing bot pnl"]
    assert diffs.iloc[0]["difference"] == approx(0.5)  # 10 - 9.5


def daily_report(date, **fields):
    return {"pk": f"REPORT#{date}", "sk": "DAILY", "date": date, "status": "sent",
            **{k: (D(v) if isinstance(v, (int, float)) else v) for k, v in fields.items()}}


def test_daily_summary_and_reconcile_daily():
    fills, _, _ = prepared([
        trade("b1", "BUY", 1, 100, "2025-03-01T10:00:00Z", fee=0.1),
        trade("s1", "SELL", 1, 110, "2025-03-01T11:00:00Z", fee=0.0002, fee_asset="BNB"),
        trade("b2", "BUY", 0.5, 100, "2025-03-02T10:00:00Z", fee=0.05),
        trade("s2", "SELL", 0.5, 100, "2025-03-05T10:00:00Z", fee=0.0001, fee_asset="XYZ"),
    ])
    sells, _, _ = fifo_realized(fills, fee_rates={"BNB": 600})
    daily = daily_summary(fills, sells, fee_rates={"BNB": 600})
    by_day = daily.set_index("date")
    # 03-01: 2 fills (1 buy, 1 sell); volume 100 + 110 = 210; fees 0.1 + 0.0002 x 600 = 0.22;
    #        pnl = 110 - 100 - 0.12 - 0.1 = 9.78
    d1 = by_day.loc["2025-03-01"]
    assert (d1["trades_count"], d1["buy_count"], d1["sell_count"]) == (2, 1, 1)
    assert d1["total_volume"] == approx(210.0) and d1["total_fees"] == approx(0.22)
    assert d1["pnl_absolute"] == approx(9.78)
    # 03-02: one buy of 50, fee 0.05, no sell
    d2 = by_day.loc["2025-03-02"]
    assert (d2["trades_count"], d2["sell_count"], d2["total_volume"], d2["pnl_absolute"]) == (1, 0, approx(50.0), 0)
    # 03-05: the XYZ fee is not converted: total_fees 0, counted in fees_unconverted;
    #        pnl = 0.5 x 100 - 0.5 x 100 - 0.05 (b2's fee share) = -0.05
    d5 = by_day.loc["2025-03-05"]
    assert d5["total_fees"] == 0.0 and d5["fees_unconverted"] == 1 and d5["pnl_absolute"] == approx(-0.05)

    reports = [
        # volume within tolerance (210.004); fees differ by 0.12; pnl not a number
        daily_report("2025-03-01", trades_count=2, buy_count=1, sell_count=1, total_volume=210.004,
                     total_fees=0.1, pnl_absolute="n/a"),
        # 03-02: no report at all
        # a quiet day with an all-zero report: consistent, nothing listed
        daily_report("2025-03-03", trades_count=0, buy_count=0, sell_count=0, total_volume=0, total_fees=0,
                     pnl_absolute=0),
        # a report claiming a trade on a day without any
        daily_report("2025-03-04", trades_count=1, buy_count=1, sell_count=0, total_volume=50, total_fees=0,
                     pnl_absolute=0),
        # 03-05: one sell count too many, total_volume missing; everything else matches
        daily_report("2025-03-05", trades_count=1, buy_count=0, sell_count=2, total_fees=0, pnl_absolute=-0.05),
    ]
    diffs = reconcile_daily(daily, reports, tolerance=0.01)
    got = [(r.date, None if pd.isna(r.field) else r.field, r.issue) for r in diffs.itertuples()]
    assert got == [
        ("2025-03-01", "total_fees", "mismatch"),
        ("2025-03-01", "pnl_absolute", "not a number in report"),
        ("2025-03-02", None, "no daily report"),
        ("2025-03-04", None, "report without trades"),
        ("2025-03-05", "sell_count", "mismatch"),
        ("2025-03-05", "total_volume", "missing in report"),
    ]
    fees = diffs.iloc[0]
    assert fees["computed"] == approx(0.22) and fees["reported"] == approx(0.1) and fees["difference"] == approx(0.12)


def test_daily_summary_days_in_a_timezone():
    fills, _, _ = prepared([trade("b1", "BUY", 1, 100, "2025-03-01T23:30:00Z")])
    assert list(daily_summary(fills, fifo_realized(fills)[0])["date"]) == ["2025-03-01"]
    # 23:30 UTC = 00:30 next day in Paris
    assert list(daily_summary(fills, fifo_realized(fills)[0], timezone="Europe/Paris")["date"]) == ["2025-03-02"]
    with pytest.raises(ParameterError):
        daily_summary(fills, fifo_realized(fills)[0], timezone="Mars/Olympus")


# -- limits --------------------------------------------------------------------------------------------

def test_limit_breaches():
    fills, _, _ = prepared([
        trade("t1", "BUY", 0.5, 100, "2025-03-01T10:00:00Z"),                    # 50 USDT
        trade("t2", "BUY", 0.05, 3000, "2025-03-01T10:03:00Z", symbol="ETHUSDT"),  # 150 USDT, 3 min after t1
        trade("t3", "SELL", 0.5, 120, "2025-03-01T11:00:00Z"),                   # 3rd trade of the day
        trade("t4", "BUY", 1, 100, "2025-03-02T09:00:00Z"),                      # exactly 100: allowed
        trade("t5", "BUY", 0.1, 100, "2025-03-02T09:05:00Z"),                    # exactly 5 min: allowed
    ])
    limits = {"max_trades_per_day": D(2), "max_amount_per_trade": D(100), "cooldown_minutes": D(5),
              "max_drawdown_percent": D(10)}
    breaches = limit_breaches(fills, limits)
    got = [(r.rule, r.when, r.key, r.value, r.limit) for r in breaches.itertuples()]
    assert got == [
        ("cooldown_minutes", pd.Timestamp("2025-03-01T10:03:00Z"), "t2", approx(3.0), 5.0),
        ("max_amount_per_trade", pd.Timestamp("2025-03-01T10:03:00Z"), "t2", approx(150.0), 100.0),
        # 3 trades on 03-01 against 2 allowed; t3 is the one that went over
        ("max_trades_per_day", pd.Timestamp("2025-03-01T11:00:00Z"), "2025-03-01", 3.0, 2.0),
    ]
    # a limit that is not a number is a finding and is not checked; a missing one is skipped
    findings = Findings()
    breaches = limit_breaches(fills, {"cooldown_minutes": "soon"}, findings=findings)
    assert breaches.empty and findings.counts()["bad_limit"] == 1


# -- breakdowns ----------------------------------------------------------------------------------------

def test_by_symbol_and_by_strategy():
    fills, _, _ = prepared([
        trade("b1", "BUY", 1, 100, "2025-03-01T10:00:00Z", fee=0.1, strategy="rsi"),
        trade("s1", "SELL", 1, 110, "2025-03-01T11:00:00Z", fee=0.11, strategy="rsi"),    # 10 - 0.21 = 9.79
        trade("e1", "BUY", 1, 3000, "2025-03-01T12:00:00Z", symbol="ETHUSDT", strategy="ma"),
        trade("e2", "SELL", 1, 2900, "2025-03-01T13:00:00Z", symbol="ETHUSDT", strategy="ma"),  # -100
        trade("e3", "SELL", 1, 2900, "2025-03-01T14:00:00Z", symbol="ETHUSDT", strategy=None),  # unmatched
    ])
    sells, _, _ = fifo_realized(fills)
    sym = by_symbol(sells, fills).set_index("symbol")
    assert sym.loc["BTCUSDT", "trade_count"] == 1 and sym.loc["BTCUSDT", "fill_count"] == 2
    assert sym.loc["BTCUSDT", "fees"] == approx(0.21) and sym.loc["BTCUSDT", "realized_pnl"] == approx(9.79)
    assert sym.loc["BTCUSDT", "volume"] == approx(210.0)
    # ETH: 1 scored sell (e3 matched nothing), 3 fills, volume 3000 + 2900 + 2900 = 8800
    assert sym.loc["ETHUSDT", "trade_count"] == 1 and sym.loc["ETHUSDT", "sell_count"] == 2
    assert sym.loc["ETHUSDT", "volume"] == approx(8800.0) and sym.loc["ETHUSDT", "unmatched_quantity"] == 1.0
    assert sym.loc["ETHUSDT", "realized_pnl"] == approx(-100.0)
    strat = by_strategy(sells).set_index("strategy")
    assert list(strat.index) == ["ma", "rsi"]  # e3 is not scored, so no "(none)" row
    assert strat.loc["ma", "losses"] == 1 and strat.loc["rsi", "win_rate"] == 1.0
    assert strat.loc["rsi", "fees"] == approx(0.21)


def test_parameters_are_checked():
    fills, _, _ = prepared([trade("b1", "BUY", 1, 100, "2025-03-01T10:00:00Z")])
    with pytest.raises(ParameterError) as err:
        fifo_realized(fills, fee_rates={"BNB": -600})
    assert err.value.parameter == "fee_rates"
    with pytest.raises(ParameterError) as err:
        fifo_realized(fills, end="someday")
    assert err.value.parameter == "end"
    with pytest.raises(ParameterError) as err:
        unrealized_pnl(fifo_realized(fills)[1], {"BTCUSDT": 0})
    assert err.value.parameter == "mark_prices"


# -- invariants ----------------------------------------------------------------------------------------

_fill = st.tuples(st.sampled_from(["BUY", "SELL"]), st.sampled_from(["BTCUSDT", "ETHUSDT"]),
                  st.integers(1, 40), st.integers(50, 150))
_book = st.tuples(st.lists(_fill, max_size=30), st.integers(50, 150))  # fills and their mark price


@settings(max_examples=15, deadline=None)
@given(st.lists(_book, min_size=4, max_size=4))
def test_fifo_conserves_quantity_and_money(books):
    """Without fees, whatever the order of fills: every unit sold is matched or flagged, every
    unit bought is sold or open, and realized + unrealized of the matched/open units equals
    money in − money out of those units (an identity computed without FIFO).

    Four independent books per example, each with symbols of its own (book b trades "B{b}BTCUSDT"
    and "B{b}ETHUSDT"; FIFO is per symbol) and its own mark: 15 examples check 60 books, as 60
    examples of one book did, in a quarter of the calls (a call's cost is mostly pandas' fixed cost)."""
    items = [trade(f"b{b}t{i:03d}", side, Decimal(q) / 10, p, f"2025-03-01T{i // 60:02d}:{i % 60:02d}:00Z",
                   symbol=f"B{b}{sym}")
             for b, (rows, _) in enumerate(books) for i, (side, sym, q, p) in enumerate(rows)]
    fills, _, _ = prepared(items)
    sells, lots, _ = fifo_realized(fills)
    marks = {f"B{b}{sym}": mark for b, (_, mark) in enumerate(books) for sym in ("BTCUSDT", "ETHUSDT")}
    un = unrealized_pnl(lots, marks)
    # the sums per book (the symbol's first two characters), in plain Python: pandas filters cost
    # more than the FIFO under test
    sums: dict[str, dict[str, float]] = {f"B{b}": dict.fromkeys(
        ("bought", "sold", "buy_cost", "matched", "unmatched", "proceeds", "realized", "open", "unrealized"), 0.0)
        for b in range(len(books))}
    sell_price = {}
    for f in fills.itertuples():
        book = sums[f.symbol[:2]]
        if f.side == "BUY":
            book["bought"] += f.quantity
            book["buy_cost"] += f.quote_quantity
        else:
            book["sold"] += f.quantity
            sell_price[f.trade_id] = f.price
    for s in sells.itertuples():
        book = sums[s.symbol[:2]]
        book["matched"] += s.matched_quantity
        book["unmatched"] += s.unmatched_quantity
        book["proceeds"] += s.matched_quantity * sell_price[s.trade_id]
        book["realized"] += s.realized_pnl
    for lot in lots.itertuples():
        sums[lot.symbol[:2]]["open"] += lot.quantity
    for u in un.itertuples():
        sums[u.symbol[:2]]["unrealized"] += u.unrealized
    for b, (_, mark) in enumerate(books):
        book = sums[f"B{b}"]
        assert book["matched"] + book["unmatched"] == approx(book["sold"])
        assert book["open"] + book["matched"] == approx(book["bought"])
        # proceeds of matched units + open units at the mark − what all BUYs cost
        expected = book["proceeds"] + book["open"] * mark - book["buy_cost"]
        assert book["realized"] + book["unrealized"] == approx(expected, abs=1e-6)


def test_usable_limits_keep_only_non_negative_numbers():
    # Issue 11, item 10: CONFIG#limits.max_trades_per_day = "twelve" crashed the P&L chart's
    # float(limits["max_trades_per_day"]). Worked by hand: "twelve" is a String (finding), -3 is
    # negative (finding), NaN is not a number (finding), D(7) is kept as 7.0; the three others
    # are not CHECKED_LIMITS (max_drawdown_percent) or missing.
    findings = Findings()
    got = usable_limits({"max_trades_per_day": "twelve", "max_amount_per_trade": D(-3),
                         "cooldown_minutes": float("nan"), "max_drawdown_percent": "x"}, findings)
    assert got == {}
    assert findings.counts()["bad_limit"] == 3
    assert [r["detail"] for r in findings.rows] == ["max_trades_per_day='twelve'", "max_amount_per_trade=Decimal('-3')",
                                                   "cooldown_minutes=nan"]
    assert usable_limits({"max_trades_per_day": D(7), "cooldown_minutes": None}) == {"max_trades_per_day": 7.0}
    assert usable_limits(None) == {}


def test_absurd_magnitudes_stay_out_of_fifo():
    # Issue 11: a 1E+120 quantity poisoned realized P&L, fees and volume unflagged. Worked by hand:
    # "ok" BUY 1 @ 100 and SELL 1 @ 110 are kept (realized 110 - 100 = 10); "huge" BUY 1E+120 @ 100
    # is a bad_quantity (bound 1e9), "dear" BUY 1 @ 2E+9 a bad_price (bound 1e9), "neg" BUY -2 @ 100
    # a bad_quantity (negative): none of the three reaches FIFO, so the SELL matches the "ok" lot only.
    items = [
        trade("ok", "BUY", 1, 100, "2025-03-01T10:00:00Z"),
        trade("huge", "BUY", "1E+120", 100, "2025-03-01T10:01:00Z"),
        trade("dear", "BUY", 1, "2E+9", "2025-03-01T10:02:00Z"),
        trade("neg", "BUY", -2, 100, "2025-03-01T10:03:00Z"),
        trade("out", "SELL", 1, 110, "2025-03-01T11:00:00Z"),
    ]
    fills, _, findings = prepared(items)
    counts = {r: n for r, n in findings.counts().items() if n}
    assert counts == {"bad_quantity": 2, "bad_price": 1}
    assert set(findings.to_frame()["key"]) == {"TRADE#huge", "TRADE#dear", "TRADE#neg"}
    assert set(fills["trade_id"]) == {"ok", "out"}
    sells, _, _ = fifo_realized(fills)
    assert sells["realized_pnl"].sum() == approx(10.0)
    assert MAX_PLAUSIBLE_QUANTITY == 1e9 and MAX_PLAUSIBLE_PRICE == 1e9
