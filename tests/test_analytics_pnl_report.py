"""The P&L report's tables: formatting, headline, statistics, fills per day, creation times."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from dynamo_reports.analytics import pnl_report as pr
from dynamo_reports.notebook import ReportContext

STATS = {"trade_count": 4, "win_rate": 0.75, "profit_factor": 3.0, "expectancy": 12.5, "wins": 3, "losses": 1,
         "breakeven": 0, "avg_win": 20.0, "avg_loss": -10.0, "best": 30.0, "worst": -10.0,
         "longest_win_streak": 2, "longest_loss_streak": 1}


def test_money_and_ratio_formats():
    assert pr.format_money(1234.5, "USDT") == "1,234.50 USDT"
    assert pr.format_money(-0.004, "USDT") == "-0.00 USDT"
    assert pr.format_money(None, "USDT") == pr.format_money(math.nan, "USDT") == "—"
    assert pr.format_ratio(0.625, percent=True) == "62.5%"
    assert pr.format_ratio(1.256) == "1.26"
    assert pr.format_ratio(None) == "—"


def test_headline_frame():
    frame = pr.headline_frame(realized=50.0, unrealized=-5.0, total_fees=1.5, unconverted={"BNB": 0.001},
                              stats=STATS, max_drawdown=10.0, max_drawdown_pct=0.95, quote_asset="USDT",
                              marked_at_parameters=False)
    values = dict(zip(frame["measure"], frame["value"], strict=True))
    assert values["Realized P&L (SELLs in the window)"] == "50.00 USDT"
    assert values["Unrealized P&L (open lots, marked at the last fill price)"] == "-5.00 USDT"
    assert values["Fees not converted (no rate)"] == "0.00100000 BNB"
    assert values["Fees paid in the window (every fill, converted)"] == "1.50 USDT"  # says which fee total it is
    assert values["Win rate"] == "75.0%" and values["Profit factor (Σ wins / |Σ losses|)"] == "3.00"
    assert values["Max drawdown"] == "10.00 USDT (0.95 % of the peak)"
    other = pr.headline_frame(realized=0.0, unrealized=0.0, total_fees=0.0, unconverted={},
                              stats={**STATS, "win_rate": None}, max_drawdown=None, max_drawdown_pct=None,
                              quote_asset="EUR", marked_at_parameters=True)
    values = dict(zip(other["measure"], other["value"], strict=True))
    assert values["Unrealized P&L (open lots, marked at parameter prices)"] == "0.00 EUR"
    assert values["Fees not converted (no rate)"] == "none"
    assert values["Win rate"] == "—" and values["Max drawdown"] == "—"


def test_statistics_frame():
    values = dict(pr.statistics_frame(STATS, "USDT").itertuples(index=False))
    assert values["Wins / losses / breakeven"] == "3 / 1 / 0"
    assert values["Average loss"] == "-10.00 USDT"
    assert values["SELLs with nothing to match (not scored)"] == 0  # absent from the stats: none


def test_fills_per_day_counts_local_days():
    fills = pd.DataFrame({"created_at": pd.to_datetime(["2025-06-01T21:30Z", "2025-06-01T23:30Z",
                                                        "2025-06-02T08:00Z"], utc=True)})
    # in UTC: two on June 1st, one on June 2nd; in Paris (UTC+2) 23:30Z is already June 2nd
    assert pr.fills_per_day(fills, "UTC").tolist() == [2, 1]
    assert pr.fills_per_day(fills, "Europe/Paris").tolist() == [1, 2]


def test_created_times_select_the_window_with_report_in_window():
    items = [{"created_at": "2025-06-01T00:00:00Z"}, {"created_at": "2025-06-30T23:59:59Z"},
             {"created_at": "2025-07-01T00:00:00Z"}, {"created_at": "not a time"}, {}]
    times = pr.created_times(items)
    assert times.isna().tolist() == [False, False, False, True, True]
    context = ReportContext.__new__(ReportContext)
    context.start, context.end, context.timezone = date(2025, 6, 1), date(2025, 6, 30), "UTC"
    # [June 1st 00:00, July 1st 00:00): the first two only
    assert context.in_window(times).tolist() == [True, True, False, False, False]
