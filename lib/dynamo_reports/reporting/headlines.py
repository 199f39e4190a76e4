"""Headline numbers in words and units, and the few things a reader must not miss.

Used by the "key findings" box at the top of every report (:meth:`ReportContext.key_findings`)
and by the index page, so a number reads the same in both (``approval_rate`` 0.5227 → "52.3 %",
``cheapest_total_monthly_cost`` 0.005596 → "0.0056 USD/month").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .labels import column_label
from .registry import ReportDef

__all__ = ["attention_points", "format_headline", "headline_items", "headline_label", "headline_units", "unit_for"]


def headline_label(key: Any) -> str:
    """A headline's label: the column label, without a unit (the value carries it)."""
    return column_label(key).removesuffix(" (USD)")


def unit_for(rdef: ReportDef | None, key: str, summary: Mapping[str, Any] | None = None) -> str:
    """The unit of a summary value (``"{quote_asset}"`` resolved from the summary itself)."""
    unit = str(rdef.units.get(key, "")) if rdef is not None else ""
    if "{quote_asset}" in unit:
        unit = unit.replace("{quote_asset}", str((summary or {}).get("quote_asset") or ""))
    return unit.strip()


def headline_units(rdef: ReportDef | None, summary: Mapping[str, Any]) -> dict[str, str]:
    """The resolved unit of each headline key that has one (``{"realized_pnl": "USDT"}``): what
    the index needs beside run.json's bare numbers, whose own record has no ``quote_asset``."""
    if rdef is None:
        return {}
    units = {key: unit_for(rdef, key, summary) for key in rdef.headline_keys}
    return {key: unit for key, unit in units.items() if unit}


def format_headline(value: Any, unit: str = "") -> str:
    """One headline value with its unit; shares as percentages, money with 2 decimals (2
    significant digits below 0.01), counts as integers, never scientific notation."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | dict):
        return f"{len(value):,}"
    if not isinstance(value, int | float):
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        return "–"
    if unit == "share":  # a 0..1 ratio
        return f"{number:.1%}"
    if unit == "%":  # already a percentage (max_drawdown_pct)
        return f"{number:,.2f}%"
    money = unit.split("/")[0].isupper() and unit != ""
    if isinstance(value, int) or (number == int(number) and not money):
        text = f"{int(number):,}"
    elif money:
        if number != 0 and abs(number) < 0.01:
            decimals = min(12, 1 - math.floor(math.log10(abs(number))))
            text = f"{number:,.{decimals}f}"
        else:
            text = f"{number:,.2f}"
    elif abs(number) >= 100:
        text = f"{number:,.0f}"
    else:
        text = f"{number:,.2f}"
    return f"{text} {unit}" if unit else text


def headline_items(rdef: ReportDef | None, summary: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """``(key, label, formatted value)`` for the report's headline keys present in ``summary``."""
    keys = rdef.headline_keys if rdef is not None else ()
    out = []
    for key in keys:
        if key not in summary or isinstance(summary[key], dict):
            continue
        label = headline_label(key)
        if isinstance(summary[key], list | tuple):
            label += " (count)"
        out.append((key, label, format_headline(summary[key], unit_for(rdef, key, summary))))
    return out


def _count(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return int(value) if math.isfinite(value) else 0
    if isinstance(value, list | tuple | dict):
        return len(value)
    return 0


#: summary keys whose non-zero count needs the reader's attention, and how to say it
_ATTENTION = {
    "stats_drift": "stored statistics row(s) disagree with the data (drift)",
    "affiliates_without_stats": "affiliate(s) with leads but no statistics row",
    "orphans": "channel(s) whose guild has no settings",
    "index_mismatches": "channel(s) whose index keys disagree with their keys",
    "invalid_tag_types": "channel(s) with an unknown tag type",
    "unknown_timezones": "guild(s) with an unknown time zone",
    "guilds_out_of_range": "guild(s) outside the documented channel range",
    "awaiting_first_reply": "open conversation(s) without any admin reply",
    "missing_tables": "table(s) missing",
    "members_never_served": "member(s) never served a link",
}


def attention_points(summary: Mapping[str, Any], rdef: ReportDef | None = None) -> list[tuple[str, str]]:
    """``(kind, sentence)`` pairs, ``kind`` ``"attention"`` or ``"ok"``: budget verdict,
    breaches, drift, data-quality count — what a reader must see first."""
    points: list[tuple[str, str]] = []
    if "within_budget" in summary:
        total = format_headline(summary.get("total_monthly_cost"), "USD")
        budget = format_headline(summary.get("monthly_budget"), "USD")
        if summary.get("within_budget"):
            points.append(("ok", f"Within budget: {total} a month as configured, budget {budget}."))
        else:
            points.append(("attention", f"OVER budget: {total} a month as configured, budget {budget}."))
    for key, text in _ATTENTION.items():
        n = _count(summary.get(key))
        if n:
            points.append(("attention", f"{n:,} {text}."))
    quality = summary.get("data_quality")
    found = sum(_count(v) for v in quality.values()) if isinstance(quality, Mapping) else 0
    if found:
        rules = [str(k) for k, v in quality.items() if _count(v)] if isinstance(quality, Mapping) else []
        points.append(("attention", f"{found:,} data-quality finding(s) ({', '.join(rules)}): see Data quality."))
    else:
        points.append(("ok", "No data-quality finding."))
    return points
