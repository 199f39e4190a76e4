"""analytics.bot_config on hand-made items: every expected number is worked out in the comments."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from dynamo_reports.analytics import bot_config as bc
from dynamo_reports.analytics.quality import Findings
from dynamo_reports.codec import items_to_frame


def settings(guild, timezone=None, prefs=None, **extra):
    item = {"PK": f"GUILD#{guild}", "SK": "SETTINGS", "Type": "guild_settings", "guildId": guild}
    if timezone is not None:
        item["timezone"] = timezone
    if prefs is not None:
        item["summaryPreferences"] = prefs
    return {**item, **extra}


def channel(guild, cid, *, gsi_pk=None, gsi_sk=None, **fields):
    item = {"PK": f"GUILD#{guild}", "SK": f"CHANNEL#{cid}", "Type": "channel_config",
            "GSI_PK": gsi_pk or f"CHANNEL#{cid}", "GSI_SK": gsi_sk or f"GUILD#{guild}",
            "channelId": cid, "guildId": guild, "image": True, "notifyOnClose": False, "pin": False,
            "tagType": "USER", "tagId": Decimal("123456789012345678"), "threshold": Decimal(3)}
    item.update(fields)
    return item


# Guild 100: settings (Europe/Paris; daily on, weekly off, monthly not set), channels 11-14:
#            12 has tagType GROUP, 13's GSI_PK names channel 99, 14's GSI_SK names guild 999.
# Guild 200: settings (Mars/Olympus; daily off, weekly on, monthly on), no channel.
# Guild 300: no settings, channel 31 (the orphan).
# Guild 400: settings (UTC, no preferences), six channels 41-46.
# Guild 500: settings without a timezone, channel 51.
ITEMS = [
    settings("100", "Europe/Paris", {"dailySummary": True, "weeklySummary": False}),
    channel("100", "11"), channel("100", "12", tagType="GROUP"),
    channel("100", "13", gsi_pk="CHANNEL#99"), channel("100", "14", gsi_sk="GUILD#999"),
    settings("200", "Mars/Olympus", {"dailySummary": False, "weeklySummary": True, "monthlySummary": True}),
    channel("300", "31"),
    settings("400", "UTC"),
    *[channel("400", str(c)) for c in range(41, 47)],
    settings("500"),
    channel("500", "51"),
]


@pytest.fixture
def result():
    findings = Findings()
    bc.describe_rules(findings)
    return bc.audit(items_to_frame(ITEMS, numbers=()), findings, table="cfg"), findings


def test_frames_split_settings_and_channels(result):
    audit, _ = result
    # settings: 100, 200, 400, 500 -> 4; channels: 4 (guild 100) + 1 + 6 + 1 = 12
    assert sorted(audit.settings["guild_id"]) == ["100", "200", "400", "500"]
    assert len(audit.channels) == 12
    assert audit.tracked_channel_ids == sorted(["11", "12", "13", "14", "31", *map(str, range(41, 47)), "51"])


def test_channels_per_guild_against_the_documented_bounds(result):
    audit, _ = result
    per_guild = audit.per_guild.set_index("guild_id")
    # 100: 4 (in 1-5), 200: 0 (below), 300: 1 (no settings, in), 400: 6 (above), 500: 1 (in)
    assert per_guild["channels"].to_dict() == {"100": 4, "200": 0, "300": 1, "400": 6, "500": 1}
    assert per_guild["has_settings"].to_dict() == {"100": True, "200": True, "300": False, "400": True, "500": True}
    assert sorted(per_guild.index[~per_guild["within_bounds"]]) == ["200", "400"]
    # guilds by channel count 0..6: 0 -> 1 (200), 1 -> 2 (300, 500), 4 -> 1 (100), 6 -> 1 (400)
    dist = bc.channel_count_distribution(audit.per_guild)
    assert dist["channels"].tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert dist["guilds"].tolist() == [1, 2, 0, 0, 1, 0, 1]


def test_orphans_index_mismatches_tags_and_timezones(result):
    audit, _ = result
    assert audit.orphans["channel_id"].tolist() == ["31"]
    mismatches = audit.index_mismatches.set_index("channel_id")
    assert sorted(mismatches.index) == ["13", "14"]
    assert mismatches.loc["13", "expected_gsi_pk"] == "CHANNEL#13" and mismatches.loc["13", "gsi_pk"] == "CHANNEL#99"
    assert mismatches.loc["14", "expected_gsi_sk"] == "GUILD#100" and mismatches.loc["14", "gsi_sk"] == "GUILD#999"
    assert "GSI_SK" in mismatches.loc["14", "detail"] and "GSI_PK" not in mismatches.loc["14", "detail"]
    assert audit.invalid_tag_types["channel_id"].tolist() == ["12"]
    # Mars/Olympus is no IANA zone; guild 500 has none at all
    assert sorted(audit.unknown_timezones["guild_id"]) == ["200", "500"]


def test_summary_preferences_counts(result):
    audit, _ = result
    prefs = audit.preferences.set_index("preference")
    # daily: 100 on, 200 off, 400/500 unset; weekly: 100 off, 200 on; monthly: 200 on, the rest unset
    assert prefs.loc["dailySummary"].tolist() == [1, 1, 2]
    assert prefs.loc["weeklySummary"].tolist() == [1, 1, 2]
    assert prefs.loc["monthlySummary"].tolist() == [1, 0, 3]


def test_findings_one_per_problem_item(result):
    _, findings = result
    counts = findings.counts()
    assert set(counts) == set(bc.RULES)
    assert counts == {
        "channel_without_guild_settings": 1,     # 31
        "channel_gsi_mismatch": 2,               # 13, 14
        "invalid_tag_type": 1,                   # 12
        "unknown_timezone": 2,                   # 200, 500
        "channels_per_guild_out_of_range": 2,    # 200 (0), 400 (6)
        "channel_in_several_guilds": 0,
        "id_attribute_mismatch": 0,
        "invalid_field": 0,
        "unexpected_item": 0,
    }
    keys = findings.to_frame().set_index("rule")["key"]
    assert keys["channel_without_guild_settings"] == "GUILD#300 / CHANNEL#31"
    assert keys["invalid_tag_type"] == "GUILD#100 / CHANNEL#12"


def test_the_other_rules():
    items = [
        settings("1", "UTC"), settings("2", "UTC", positionDisplayEnabled="yes"),
        channel("1", "7"), channel("2", "7"),                   # one channel id in two guilds
        channel("1", "8", channelId="80"),                       # attribute disagrees with SK
        channel("1", "9", pin="no", threshold="high"),           # two bad fields, one finding
        {"PK": "GUILD#1", "SK": "BANNER", "Type": "banner"},     # neither kind
        {"PK": "USER#5", "SK": "SETTINGS"},                      # not a guild key
        {**channel("1", "10"), "Type": "guild_settings"},        # channel key, wrong Type
    ]
    findings = Findings()
    audit = bc.audit(items_to_frame(items, numbers=()), findings)
    counts = findings.counts()
    assert counts["channel_in_several_guilds"] == 1
    assert findings.to_frame().set_index("rule").loc["channel_in_several_guilds", "key"] == "GUILD#2 / CHANNEL#7"
    assert counts["id_attribute_mismatch"] == 1
    # channel 9 (pin, threshold) and guild 2 (positionDisplayEnabled)
    assert counts["invalid_field"] == 2
    detail = findings.to_frame().query("rule == 'invalid_field' and key == 'GUILD#1 / CHANNEL#9'")["detail"].item()
    assert "pin" in detail and "threshold" in detail
    # BANNER, USER#5, and channel 10's Type
    assert counts["unexpected_item"] == 3
    # guild 1: channels 7, 8, 9, 10 -> 4; guild 2: 7 -> 1
    assert audit.per_guild.set_index("guild_id")["channels"].to_dict() == {"1": 4, "2": 1}


def test_absurd_threshold_is_an_invalid_field():
    # Issue 11: threshold -1E+120 (and 1E+120) passed as "a number". Worked by hand: channel 1 has
    # threshold 7 (fine), channel 2 -1E+120 and channel 3 1E+120 (outside 0-1,000,000): two findings;
    # 10^6 itself (channel 4) is at the bound and fine.
    items = [settings("1", "UTC"), channel("1", "1"), channel("1", "2", threshold=Decimal("-1E+120")),
             channel("1", "3", threshold=Decimal("1E+120")), channel("1", "4", threshold=Decimal(10**6))]
    findings = Findings()
    bc.audit(items_to_frame(items, numbers=()), findings)
    rows = findings.to_frame().query("rule == 'invalid_field'")
    assert rows["key"].tolist() == ["GUILD#1 / CHANNEL#2", "GUILD#1 / CHANNEL#3"]
    assert all("threshold is" in d and "0-1,000,000" in d for d in rows["detail"])
    assert bc.THRESHOLD_RANGE == (0, 10**6)


def test_empty_table():
    findings = Findings()
    bc.describe_rules(findings)
    audit = bc.audit(items_to_frame([], numbers=()), findings)
    assert audit.channels.empty and audit.settings.empty and audit.per_guild.empty
    # empty frames keep their columns (the notebook selects them)
    assert list(audit.channels.columns) == bc.CHANNEL_COLUMNS
    for frame in (audit.orphans, audit.invalid_tag_types):
        assert {"key", "channel_id", "tag_type"} <= set(frame.columns)
    assert {"key", "gsi_pk", "expected_gsi_pk", "gsi_sk", "expected_gsi_sk"} <= set(audit.index_mismatches.columns)
    assert {"key", "timezone"} <= set(audit.unknown_timezones.columns)
    assert audit.preferences[["enabled", "disabled", "not_set"]].to_numpy().sum() == 0
    assert sum(findings.counts().values()) == 0
    assert bc.channel_count_distribution(audit.per_guild)["guilds"].tolist() == [0] * 6


@pytest.mark.parametrize("name, known", [("Europe/Paris", True), ("UTC", True), ("America/Sao_Paulo", True),
                                         ("Mars/Olympus", False), ("", False), (None, False),
                                         ("../etc/passwd", False), (3, False)])
def test_is_known_timezone(name, known):
    assert bc.is_known_timezone(name) is known


def test_replay_traffic_is_deterministic_and_mixes_untracked_channels():
    tracked = ["11", "12", "13"]
    first = bc.replay_traffic(tracked, 2000, seed=1)
    assert first == bc.replay_traffic(tracked, 2000, seed=1)
    assert first != bc.replay_traffic(tracked, 2000, seed=2)
    untracked = [c for c in first if c not in tracked]
    # 20 % untracked on average: 400 of 2000, the binomial sd is sqrt(2000 * .2 * .8) ~ 18
    assert 300 < len(untracked) < 500
    assert all(c.isdigit() and 18 <= len(c) <= 19 for c in untracked)
    assert len(set(untracked)) <= bc.UNTRACKED_CHANNELS
    assert set(first) >= set(tracked)
    # nothing tracked: every message is in an untracked channel
    assert all(c not in tracked for c in bc.replay_traffic([], 50, seed=1))
    assert bc.replay_traffic(tracked, 0, seed=1) == []
    with pytest.raises(ValueError):
        bc.replay_traffic(tracked, -1, seed=1)


def test_cache_delta():
    before = [{"cache": "c", "hits": 10, "misses": 2, "expirations": 0, "table_reads": 1, "size": 5}]
    after = [{"cache": "c", "hits": 40, "misses": 12, "expirations": 1, "table_reads": 1, "size": 5},
             {"cache": "new", "hits": 0, "misses": 0, "expirations": 0, "table_reads": 0, "size": 0}]
    delta = bc.cache_delta(before, after).set_index("cache")
    # c: 30 hits, 10 misses -> 30 / 40 = 0.75; no table read in between
    assert delta.loc["c", ["hits", "misses", "expirations", "table_reads"]].tolist() == [30, 10, 1, 0]
    assert delta.loc["c", "hit_ratio"] == pytest.approx(0.75)
    assert pd.isna(delta.loc["new", "hit_ratio"])


def test_uncached_and_cached_monthly_cost():
    # 200 Queries measured at 100 read units -> 0.5 per message; 5000 a day -> 2500 a day, 75,000 in 30 days;
    # at $0.125 per million -> 75,000 * 1.25e-7 = $0.009375
    uncached = bc.extrapolate_uncached_cost(100.0, 200, 5000, 0.125e-6)
    assert uncached["read_units_per_event"] == pytest.approx(0.5)
    assert uncached["read_units_per_day"] == pytest.approx(2500)
    assert uncached["read_units_per_month"] == pytest.approx(75_000)
    assert uncached["usd_per_month"] == pytest.approx(0.009375)
    assert uncached["requests_per_month"] == 150_000
    # a 2.5-unit warm-up 48 times a day -> 120 a day, 3,600 in 30 days -> $0.00045
    cached = bc.cached_monthly_cost(2.5, 0.125e-6)
    assert cached["read_units_per_day"] == pytest.approx(120)
    assert cached["read_units_per_month"] == pytest.approx(3600)
    assert cached["usd_per_month"] == pytest.approx(0.00045)
    assert cached["requests_per_month"] == 48 * 30
    assert bc.extrapolate_uncached_cost(0, 0, 5000, 1.0)["read_units_per_month"] == 0
