"""Writes notebooks/pnl_report.ipynb (structure only; `make refresh-notebooks` stores outputs)."""

from nbbuild import COMMON_PARAMETERS, OPEN_ARGS, build

CELLS = [
    ("params", COMMON_PARAMETERS + '''
symbols = []  # e.g. ["BTCUSDT"]; empty: every symbol
starting_balance = 1000.0  # quote currency; relative drawdown is against starting_balance + cumulative realized P&L
fee_rates = {"BNB": 600.0}  # quote value of one unit of a fee asset; a fee in an asset without a rate is never added
mark_prices = {}  # e.g. {"BTCUSDT": 65000.0} for unrealized P&L; empty: the last fill price (labelled so)
quote_asset = "USDT"  # the currency of every amount in this report
tolerance = 0.01  # quote currency: differences at or below it are not mismatches
'''),
    ("code", f'''
from dynamo_reports import plots
from dynamo_reports.analytics import pnl
from dynamo_reports.notebook import open_report
from dynamo_reports.systems.trading import TradingRepository

report = open_report("pnl", "Trading bot — profit & loss", tables=["trades", "bot_config", "reports"],
                     {OPEN_ARGS})
report.header()
plots.use_style()
'''),
    ("md", '''
## How the numbers are made

- A **trade** is an item of the `trades` table with `sk = METADATA` and `status = FILLED`. `UPDATE#…` rows are
  status history, not trades. CANCELLED and ERROR orders are counted under *Order outcomes*, never traded.
- Lots are matched **FIFO per symbol over the whole history up to the end of the window**: a SELL inside the
  window may close a BUY bought before it. Realized P&L of a SELL = proceeds − cost of the matched quantity −
  the SELL's fee − the matched share of the BUYs' fees, in the quote currency. Only SELLs inside the window
  count toward the window's realized P&L.
- A fee paid in an asset without a rate (`fee_rates`) is **not added** to anything: it is listed under
  *Unconverted fees*. A SELL larger than the open lots has its unmatched quantity flagged — never given a cost
  of zero. A duplicated `order_id` counts once and is flagged.
- Reads: the trade history comes from the `gsi3-status` index (one partition per status, the date range in
  the key condition) — not a table scan. The daily reports come from `gsi1-month`, one query per month.
'''),
    ("code", '''
repo = TradingRepository(report.conn)
end_key = report.end.isoformat() if report.end else "open"
start_key = report.start.isoformat() if report.start else "open"
filled_items = report.load(f"trades FILLED ..{end_key}",
                           lambda: repo.trades_by_status("FILLED", None, report.end, trades_only=False))
other_items = report.load(f"trades CANCELLED/ERROR {start_key}..{end_key}",
                          lambda: repo.trades_by_status("CANCELLED", report.start, report.end, trades_only=False)
                          + repo.trades_by_status("ERROR", report.start, report.end, trades_only=False))
bot_config = report.load("bot config", repo.bot_config) or {}
limits = report.load("limits", repo.limits) or {}

fills, outcomes = pnl.prepare_trades(filled_items + other_items, report.findings, quote_asset=quote_asset)
if symbols:
    fills = fills[fills["symbol"].isin(symbols)]
    outcomes = outcomes[outcomes["symbol"].isin(symbols)]
sells, open_lots, _ = pnl.fifo_realized(fills, fee_rates=fee_rates, quote_asset=quote_asset, end=report.end,
                                        timezone=report.timezone)
window_fills = pnl.select_window(fills, report.start, report.end, timezone=report.timezone)
window_sells = pnl.select_window(sells, report.start, report.end, timezone=report.timezone)
window_fees = pnl.convert_fees(window_fills, fee_rates=fee_rates, quote_asset=quote_asset)
unconverted = pnl.unconverted_fees(window_fees)
stats = pnl.trade_stats(window_sells)
curve = pnl.equity_curve(window_sells, starting_balance)
max_dd, max_dd_pct = pnl.max_drawdown(curve)
unrealized = pnl.unrealized_pnl(open_lots, mark_prices or None, last_fill_prices=pnl.last_prices(fills))
realized = float(window_sells["realized_pnl"].sum())
total_fees = float(window_fees["fee_quote"].sum())
'''),
    ("md", "## Headline"),
    ("code", '''
import pandas as pd

def money(value):
    return "—" if value is None or pd.isna(value) else f"{value:,.2f} {quote_asset}"

def ratio(value, pct=False):
    return "—" if value is None or pd.isna(value) else (f"{value:.1%}" if pct else f"{value:.2f}")

headline = pd.DataFrame([
    ("Realized P&L (SELLs in the window)", money(realized)),
    ("Unrealized P&L (open lots" + (", marked at parameter prices)" if mark_prices else ", marked at the last fill price)"),
     money(float(unrealized["unrealized"].sum()))),
    ("Fees paid in the window (converted)", money(total_fees)),
    ("Fees not converted (no rate)", ", ".join(f"{v:.8f} {k}" for k, v in unconverted.items()) or "none"),
    ("SELL trades scored", f"{stats['trade_count']}"),
    ("Win rate", ratio(stats["win_rate"], pct=True)),
    ("Profit factor (Σ wins / |Σ losses|)", ratio(stats["profit_factor"])),
    ("Expectancy per SELL", money(stats["expectancy"])),
    ("Max drawdown", money(max_dd) + ("" if max_dd_pct is None else f" ({max_dd_pct:.2f} % of the peak)")),
], columns=["measure", "value"])
report.table(headline)
'''),
    ("md", "## Equity curve and drawdown\n\nRealized equity = `starting_balance` + cumulative realized P&L of the window's SELLs; the shaded area is the drawdown from the running peak."),
    ("code", '''
fig, ax = plots.figure("Realized equity and drawdown", xlabel="date", ylabel=f"equity ({quote_asset})")
if curve.empty:
    plots.empty(ax)
else:
    ax.plot(curve["time"], curve["equity"], color=plots.PALETTE[0], label="equity")
    ax.fill_between(curve["time"], curve["equity"], curve["peak"], color=plots.LOSS, alpha=0.25, label="drawdown")
    plots.date_axis(ax)
    plots.money_axis(ax, quote_asset)
    ax.legend()
plots.show(fig)

daily = pnl.daily_summary(window_fills, window_sells, fee_rates=fee_rates, quote_asset=quote_asset,
                          timezone=report.timezone)
fig, ax = plots.figure("Realized P&L per day", xlabel="date", ylabel=f"P&L ({quote_asset})")
if daily.empty:
    plots.empty(ax)
else:
    days = pd.to_datetime(daily["date"])
    colors = [plots.GAIN if v >= 0 else plots.LOSS for v in daily["pnl_absolute"]]
    ax.bar(days, daily["pnl_absolute"], color=colors, width=0.8)
    plots.date_axis(ax)
    plots.money_axis(ax, quote_asset)
plots.show(fig)
'''),
    ("md", "## By symbol and by strategy"),
    ("code", '''
per_symbol = pnl.by_symbol(window_sells, window_fills, fee_rates=fee_rates, quote_asset=quote_asset)
per_strategy = pnl.by_strategy(window_sells)
report.table(per_symbol, caption=f"Per symbol (amounts in {quote_asset})",
             formats={"volume": "{:,.2f}", "fees": "{:,.4f}", "realized_pnl": "{:,.2f}", "unmatched_quantity": "{:g}"})
report.table(per_strategy, caption=f"Per strategy (amounts in {quote_asset})",
             formats={"win_rate": "{:.1%}", "fees": "{:,.4f}", "realized_pnl": "{:,.2f}"})
'''),
    ("code", '''
import matplotlib.pyplot as plt
if not (per_symbol.empty and per_strategy.empty):
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
    for ax, frame, key, title in ((left, per_symbol, "symbol", "by symbol"), (right, per_strategy, "strategy", "by strategy")):
        values = frame["realized_pnl"]
        ax.bar(frame[key], values, color=[plots.GAIN if v >= 0 else plots.LOSS for v in values])
        ax.set_title(f"Realized P&L {title}")
        ax.set_ylabel(f"P&L ({quote_asset})")
    plots.show(fig)
'''),
    ("md", "## Trade statistics\n\nOver the window's SELL fills that matched a lot, in time order."),
    ("code", '''
report.table(pd.DataFrame([
    ("wins / losses / breakeven", f"{stats['wins']} / {stats['losses']} / {stats['breakeven']}"),
    ("average win", money(stats["avg_win"])), ("average loss", money(stats["avg_loss"])),
    ("best trade", money(stats["best"])), ("worst trade", money(stats["worst"])),
    ("longest winning streak", stats["longest_win_streak"]), ("longest losing streak", stats["longest_loss_streak"]),
    ("SELLs with nothing to match (not scored)", stats.get("unmatched_sells", 0)),
], columns=["statistic", "value"]))
'''),
    ("md", "## Order outcomes\n\nEvery order of the window by final status: only FILLED orders are traded."),
    ("code", '''
from dynamo_reports.analytics.quality import Findings
from dynamo_reports.codec import parse_timestamp

lo, hi = report.bounds_utc()
def created_in_window(item):
    t = parse_timestamp(item.get("created_at"))
    return t is not None and (lo is None or t >= lo) and (hi is None or t < hi)

# Findings of these items are already in the data-quality section: count them once.
window_outcomes = pnl.prepare_trades([i for i in filled_items + other_items if created_in_window(i)], Findings(),
                                     quote_asset=quote_asset)[1]
report.table(window_outcomes.pivot_table(index="symbol", columns="status", values="orders", aggfunc="sum", fill_value=0)
             .reset_index() if not window_outcomes.empty else window_outcomes)
'''),
    ("md", "## Open positions"),
    ("code", '''
report.table(unrealized, caption=f"Open lots at the end of the window, per symbol (amounts in {quote_asset})",
             formats={"quantity": "{:.8g}", "cost": "{:,.2f}", "fees": "{:,.4f}", "mark": "{:,.2f}",
                      "value": "{:,.2f}", "unrealized": "{:,.2f}"})
if unconverted:
    report.md("**Unconverted fees** (no rate in `fee_rates`, not added to anything): {fees}",
              fees=", ".join(f"{v:.8f} {k}" for k, v in unconverted.items()))
'''),
    ("md", "## Reconciliation\n\n(a) Each SELL's recomputed P&L against the bot's own `pnl` attribute; (b) each day against the `reports` table's DAILY item."),
    ("code", '''
bot_diffs = pnl.reconcile_bot_pnl(window_sells, tolerance=tolerance)
report.table(bot_diffs, caption=f"SELLs whose recomputed P&L differs from the bot's by more than {tolerance} {quote_asset}",
             formats={"realized_pnl": "{:,.4f}", "bot_pnl": "{:,.4f}", "difference": "{:,.4f}"})
first_day = report.start or (fills["created_at"].min().date() if not fills.empty else None)
last_day = report.end or report.as_of.date()
daily_items = report.load(f"daily reports {first_day}..{last_day}",
                          lambda: repo.daily_reports(first_day, last_day) if first_day else [])
# The as-of day is not over: the bot writes its DAILY item the next morning.
complete_days = daily[daily["date"] < report.as_of.tz_convert(report.timezone).date().isoformat()]
daily_diffs = pnl.reconcile_daily(complete_days, daily_items, tolerance=tolerance)
report.table(daily_diffs, caption="Days whose DAILY report disagrees with the trades",
             formats={"computed": "{:,.4f}", "reported": "{:,.4f}", "difference": "{:,.4f}"})
'''),
    ("md", "## Bot configuration and limits"),
    ("code", '''
shown = ["enabled", "strategy", "symbol", "amount", "rsi_period", "rsi_oversold", "rsi_overbought", "ma_short",
         "ma_long", "last_signal", "last_execution", "updated_at"]
report.table(pd.DataFrame([(k, bot_config.get(k, "")) for k in shown], columns=["CONFIG#bot", "value"]))
limit_keys = ["max_trades_per_day", "max_amount_per_trade", "cooldown_minutes", "max_drawdown_percent"]
report.table(pd.DataFrame([(k, limits.get(k, "")) for k in limit_keys], columns=["CONFIG#limits", "value"]))
breaches = pnl.limit_breaches(window_fills, limits, timezone=report.timezone)
report.table(breaches, caption="Limit breaches in the window")

per_day = window_fills.assign(day=window_fills["created_at"].dt.tz_convert(report.timezone).dt.date).groupby("day").size()
fig, ax = plots.figure("Trades per day against the daily limit", xlabel="date", ylabel="trades")
if per_day.empty:
    plots.empty(ax)
else:
    ax.bar(pd.to_datetime(per_day.index), per_day.values, color=plots.PALETTE[0], width=0.8, label="fills")
    if limits.get("max_trades_per_day") is not None:
        ax.axhline(float(limits["max_trades_per_day"]), color=plots.LOSS, linestyle="--", label="max_trades_per_day")
    plots.date_axis(ax)
    ax.legend()
plots.show(fig)
'''),
    ("code", '''
report.data_quality()
'''),
    ("code", '''
report.cost()
'''),
    ("code", '''
summary = report.write_summary({
    "realized_pnl": realized,
    "unrealized_pnl": float(unrealized["unrealized"].sum()),
    "total_fees": total_fees,
    "unconverted_fees": unconverted,
    "trade_count": stats["trade_count"],
    "win_rate": stats["win_rate"],
    "profit_factor": stats["profit_factor"],
    "max_drawdown": max_dd,
    "max_drawdown_pct": max_dd_pct,
    "by_symbol": {row.symbol: {"realized_pnl": row.realized_pnl, "trade_count": row.trade_count, "fees": row.fees}
                  for row in per_symbol.itertuples()},
    "reconciliation": {"bot_pnl_mismatches": int(len(bot_diffs)), "daily_mismatches": int(len(daily_diffs)),
                       "limit_breaches": int(len(breaches))},
    "quote_asset": quote_asset,
})
'''),
]

if __name__ == "__main__":
    build("notebooks/pnl_report.ipynb", CELLS)
