"""The P&L report's own tables, pure: headline, trade statistics, fills per day, creation times.

The P&L arithmetic is :mod:`dynamo_reports.analytics.pnl`; this module only lays its results
out as the report shows them, with money in the quote currency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..codec import parse_timestamp

__all__ = ["FEE_TOTALS_NOTE", "FEES_CHARGED", "FEES_PAID", "created_times", "fills_per_day", "format_money",
           "format_ratio", "headline_frame", "statistics_frame"]

#: the two fee totals the report shows, by name: what the window's fills paid (headline, per
#: symbol) and what the window's SELLs were charged, i.e. what realized P&L is net of (per strategy)
FEES_PAID = "fees paid"
FEES_CHARGED = "fees charged to SELLs"
#: why those two totals differ, one sentence (``{paid}``, ``{charged}``: the formatted totals)
FEE_TOTALS_NOTE = (
    "Two fee totals, two questions: **fees paid** ({paid}, headline and per symbol) are the fees of every fill "
    "in the window, BUYs and SELLs; **fees charged to SELLs** ({charged}, per strategy) are what realized P&L "
    "is net of: each SELL's own fee plus the matched share of its BUY lots' fees, BUYs made before the window "
    "included, while the fees of BUYs still open are carried by *Open positions*.")


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def format_money(value: Any, currency: str) -> str:
    """``1,234.50 USDT``; an em dash when there is no value."""
    return "—" if _missing(value) else f"{value:,.2f} {currency}"


def format_ratio(value: Any, *, percent: bool = False) -> str:
    """``1.25`` or, with ``percent``, ``62.5%``; an em dash when there is no value."""
    if _missing(value):
        return "—"
    return f"{value:.1%}" if percent else f"{value:.2f}"


def headline_frame(*, realized: float, unrealized: float, total_fees: float, unconverted: Mapping[str, float],
                   stats: Mapping[str, Any], max_drawdown: float | None, max_drawdown_pct: float | None,
                   quote_asset: str, marked_at_parameters: bool) -> pd.DataFrame:
    """The headline table: measure, value (formatted)."""
    def money(value: Any) -> str:
        return format_money(value, quote_asset)

    marked = ", marked at parameter prices)" if marked_at_parameters else ", marked at the last fill price)"
    drawdown = money(max_drawdown) + ("" if max_drawdown_pct is None else f" ({max_drawdown_pct:.2f} % of the peak)")
    return pd.DataFrame([
        ("Realized P&L (SELLs in the window)", money(realized)),
        ("Unrealized P&L (open lots" + marked, money(unrealized)),
        ("Fees paid in the window (every fill, converted)", money(total_fees)),
        ("Fees not converted (no rate)", ", ".join(f"{v:.8f} {k}" for k, v in unconverted.items()) or "none"),
        ("SELL trades scored", f"{stats['trade_count']}"),
        ("Win rate", format_ratio(stats["win_rate"], percent=True)),
        ("Profit factor (Σ wins / |Σ losses|)", format_ratio(stats["profit_factor"])),
        ("Expectancy per SELL", money(stats["expectancy"])),
        ("Max drawdown", drawdown),
    ], columns=["measure", "value"])


def statistics_frame(stats: Mapping[str, Any], quote_asset: str) -> pd.DataFrame:
    """The trade statistics table: statistic, value."""
    def money(value: Any) -> str:
        return format_money(value, quote_asset)

    return pd.DataFrame([
        ("Wins / losses / breakeven", f"{stats['wins']} / {stats['losses']} / {stats['breakeven']}"),
        ("Average win", money(stats["avg_win"])), ("Average loss", money(stats["avg_loss"])),
        ("Best trade", money(stats["best"])), ("Worst trade", money(stats["worst"])),
        ("Longest winning streak", stats["longest_win_streak"]),
        ("Longest losing streak", stats["longest_loss_streak"]),
        ("SELLs with nothing to match (not scored)", stats.get("unmatched_sells", 0)),
    ], columns=["statistic", "value"])


def created_times(items: Sequence[Mapping[str, Any]]) -> pd.Series:
    """Each item's ``created_at`` as a UTC time (NaT when missing or unreadable), in item order."""
    return pd.Series(pd.to_datetime([parse_timestamp(i.get("created_at")) for i in items], utc=True),
                     dtype="datetime64[ns, UTC]")


def fills_per_day(fills: pd.DataFrame, timezone: str) -> pd.Series:
    """Number of fills per local day (``timezone``), indexed by date."""
    return fills.assign(day=fills["created_at"].dt.tz_convert(timezone).dt.date).groupby("day").size()
