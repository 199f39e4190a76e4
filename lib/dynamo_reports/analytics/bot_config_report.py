"""The bot-config audit's own tables, pure: headline, time zones, warm-up, cache cost comparison, summary.

The audit itself is :mod:`dynamo_reports.analytics.bot_config`; the warm-up and the replays
that measure the cache run in :mod:`dynamo_reports.replay`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .. import capacity
from .bot_config import cached_monthly_cost, extrapolate_uncached_cost, is_known_timezone
from .quality import is_missing

__all__ = ["cache_costs", "cost_caption", "cost_comparison_frame", "headline_frame", "on_demand_read_price",
           "timezone_frame", "warm_up_frame"]


def headline_frame(audit: Any) -> pd.DataFrame:
    """The audit's headline: guilds, channels and the count of each kind of problem."""
    per_guild = audit.per_guild
    return pd.DataFrame([
        ("Guilds with settings", int(audit.settings["guild_id"].nunique())),
        ("Guilds with tracked channels", int((per_guild["channels"] > 0).sum())),
        ("Channel configs", len(audit.channels)),
        ("Orphan channels (guild without settings)", len(audit.orphans)),
        ("Channels a ChannelIndex lookup misses (index keys disagree)", len(audit.index_mismatches)),
        ("Invalid tagType", len(audit.invalid_tag_types)),
        ("Unknown time zones", len(audit.unknown_timezones)),
        ("Guilds outside 1–5 channels", int((~per_guild["within_bounds"]).sum())),
    ], columns=["measure", "value"])


def timezone_frame(settings: pd.DataFrame) -> pd.DataFrame:
    """Guilds per time zone (``(missing)`` when absent), whether zoneinfo knows it; most used first."""
    return (settings.assign(known=settings["timezone"].map(is_known_timezone),
                            timezone=settings["timezone"].map(lambda v: "(missing)" if is_missing(v) else str(v)))
            .groupby(["timezone", "known"], as_index=False).size().rename(columns={"size": "guilds"})
            .sort_values(["guilds", "timezone"], ascending=[False, True]))


def warm_up_frame(warm: Mapping[str, Any]) -> pd.DataFrame:
    """The warm-up's figures (a ChannelConfigRepository.warm_up() answer) as a two-column table."""
    return pd.DataFrame([
        ("Items read", warm["items"]), ("Channels cached", warm["channels"]),
        ("Guild settings cached", warm["guild_settings"]), ("Scan pages", warm["pages"]),
        ("Requests", warm["requests"]), ("Read units (AWS sizing rules)", f"{warm['read_units']:g}"),
    ], columns=["warm-up", "value"])


def on_demand_read_price(region: str) -> float | None:
    """USD per on-demand read request unit in ``region``; None when the price table has no such region."""
    if region not in capacity.price_regions():
        return None
    return capacity.price_table(region)["on_demand.read_request_unit"].usd


def cache_costs(*, warm_up_read_units: float, sample_read_units: float, sample_events: int, messages_per_day: int,
                read_price: float | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """A month of configuration reads with the cache and without it: ``(cached, uncached)``.

    Without a price (``read_price`` None) both ``usd_per_month`` are None: read units only.
    """
    uncached = extrapolate_uncached_cost(sample_read_units, sample_events, messages_per_day, read_price or 0.0)
    cached = cached_monthly_cost(warm_up_read_units, read_price or 0.0)
    if read_price is None:
        uncached["usd_per_month"] = cached["usd_per_month"] = None
    return cached, uncached


def cost_caption(messages_per_day: int, cached: Mapping[str, Any]) -> str:
    """The caption of :func:`cost_comparison_frame`: the month it assumes, and why USD may be blank."""
    caption = f"A 30-day month at {messages_per_day:,} messages a day"
    if cached.get("usd_per_month") is None:
        caption += " (no price for this region: read units only)"
    return caption


def cost_comparison_frame(cached: Mapping[str, Any], uncached: Mapping[str, Any]) -> pd.DataFrame:
    """Requests, read units and USD a month of configuration lookups, with and without the cache.

    USD are numbers (NaN without a price for the region), so the report's table shows them as
    money by its conventions: right-aligned, 2 decimals, 2 significant digits below a cent."""
    def usd(value: float | None) -> float:
        return math.nan if value is None else float(value)

    return pd.DataFrame([
        ("with the cache (warm-up + safety refresh every 30 min)", cached["requests_per_month"],
         cached["read_units_per_month"], usd(cached["usd_per_month"])),
        ("without the cache (one ChannelIndex Query per message)", uncached["requests_per_month"],
         uncached["read_units_per_month"], usd(uncached["usd_per_month"])),
    ], columns=["configuration lookups", "requests per month", "read units per month", "USD per month"])
