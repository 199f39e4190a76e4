"""The bot-config audit's tables: headline, time zones, warm-up, cache cost comparison."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from dynamo_reports.analytics import bot_config_report as bcr


def test_headline_counts_each_problem():
    audit = SimpleNamespace(
        settings=pd.DataFrame({"guild_id": ["1", "2", "2"]}),
        per_guild=pd.DataFrame({"channels": [0, 2, 7], "within_bounds": [False, True, False]}),
        channels=pd.DataFrame({"key": range(9)}), orphans=pd.DataFrame({"key": [1]}),
        index_mismatches=pd.DataFrame({"key": [1, 2]}), invalid_tag_types=pd.DataFrame({"key": []}),
        unknown_timezones=pd.DataFrame({"key": [3]}))
    values = dict(bcr.headline_frame(audit).itertuples(index=False))
    assert values["Guilds with settings"] == 2  # guild 2 counted once
    assert values["Guilds with tracked channels"] == 2  # 2 and 7 channels; 0 is not tracked
    assert values["Channel configs"] == 9 and values["Orphan channels (guild without settings)"] == 1
    assert values["Channels a ChannelIndex lookup misses (index keys disagree)"] == 2
    assert values["Invalid tagType"] == 0 and values["Unknown time zones"] == 1
    assert values["Guilds outside 1–5 channels"] == 2


def test_timezone_frame_most_used_first_and_missing_named():
    settings = pd.DataFrame({"timezone": ["Europe/Paris", None, "Europe/Paris", "Mars/Olympus", "America/Lima"]})
    frame = bcr.timezone_frame(settings)
    assert frame.to_dict("records") == [
        {"timezone": "Europe/Paris", "known": True, "guilds": 2},
        {"timezone": "(missing)", "known": False, "guilds": 1},  # ties sorted by name: "(" before "A"
        {"timezone": "America/Lima", "known": True, "guilds": 1},
        {"timezone": "Mars/Olympus", "known": False, "guilds": 1},
    ]


def test_warm_up_frame():
    warm = {"items": 12, "channels": 9, "guild_settings": 3, "pages": 1, "requests": 1, "read_units": 1.5}
    values = dict(bcr.warm_up_frame(warm).itertuples(index=False))
    assert values["Channels cached"] == 9 and values["Read units (AWS sizing rules)"] == "1.5"


def test_read_price_is_none_for_a_region_without_prices():
    assert bcr.on_demand_read_price("mars-1") is None
    assert bcr.on_demand_read_price("us-east-1") > 0


def test_cache_costs_and_comparison():
    cached, uncached = bcr.cache_costs(warm_up_read_units=2.0, sample_read_units=5.0, sample_events=10,
                                       messages_per_day=100, read_price=0.25)
    # cached: 2 units x 48 warm-ups a day x 30 days = 2880 units; x $0.25 = $720
    assert cached["read_units_per_month"] == 2880 and cached["usd_per_month"] == pytest.approx(720.0)
    # uncached: 0.5 unit a message x 100 a day x 30 days = 1500 units; x $0.25 = $375; 3000 requests
    assert uncached["read_units_per_month"] == 1500 and uncached["usd_per_month"] == pytest.approx(375.0)
    assert uncached["requests_per_month"] == 3000
    frame = bcr.cost_comparison_frame(cached, uncached)
    assert list(frame["USD per month"]) == pytest.approx([720.0, 375.0])  # numbers: the table formats money
    cached, uncached = bcr.cache_costs(warm_up_read_units=2.0, sample_read_units=5.0, sample_events=10,
                                       messages_per_day=100, read_price=None)
    assert cached["usd_per_month"] is None and uncached["usd_per_month"] is None
    assert cached["read_units_per_month"] == 2880  # units are still counted
    assert bcr.cost_comparison_frame(cached, uncached)["USD per month"].isna().all()  # no price: no amount


def test_cost_caption_says_why_there_is_no_amount():
    assert bcr.cost_caption(5000, {"usd_per_month": 0.5}) == "A 30-day month at 5,000 messages a day"
    assert bcr.cost_caption(5000, {"usd_per_month": None}) == (
        "A 30-day month at 5,000 messages a day (no price for this region: read units only)")
