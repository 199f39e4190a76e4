"""The `bot-config` report, end to end: the session's demo run checked against counts computed here
from the demo dataset, every planted 001 anomaly surfaced, zero table reads while the warm cache
serves the replay, and edge tables on this module's server in a region without a price table
(empty; then one planted item per remaining data-quality rule)."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest

import shared
from dynamo_reports import capacity
from dynamo_reports.analytics.bot_config import replay_traffic
from dynamo_reports.codec import item_to_wire
from dynamo_reports.demo.dataset import ANOMALIES, build_demo_dataset

REGION = "eu-west-2"   # a region the price table does not know (the report says so)
MESSAGES_PER_DAY = 5000
REPLAY_SEED = 1
UNCACHED_SAMPLE = 200


def run_report(output_dir: Path, *args: str) -> tuple[dict, str]:
    run_dir = shared.run_report("bot-config", output_dir, *args)
    return shared.read_summary(run_dir), (run_dir / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo_run(demo_reports):
    run_dir = shared.latest_run_dir(demo_reports, "bot-config")
    return shared.read_summary(run_dir), (run_dir / "report.html").read_text(encoding="utf-8")


def expected_from(items: list[dict]) -> dict:
    """The headline numbers, computed here without the report's code."""
    guilds = {i["PK"][len("GUILD#"):] for i in items if i["SK"] == "SETTINGS"}
    channels = [i for i in items if i["SK"].startswith("CHANNEL#")]
    ids = [(i["PK"][len("GUILD#"):], i["SK"][len("CHANNEL#"):]) for i in channels]
    return {
        "guilds": len(guilds),
        "channels": len(channels),
        "orphans": sum(1 for g, _ in ids if g not in guilds),
        "index_mismatches": sum(1 for i, (g, c) in zip(channels, ids, strict=False)
                                if i.get("GSI_PK") != f"CHANNEL#{c}" or i.get("GSI_SK") != f"GUILD#{g}"),
        "tracked": sorted({c for _, c in ids}),
        "preferences": {p: sum(1 for i in items if i["SK"] == "SETTINGS" and i["summaryPreferences"].get(p) is True)
                        for p in ("dailySummary", "weeklySummary", "monthlySummary")},
        # one Scan page (the table is far below 1 MB): total bytes rounded up to 4 KB, 0.5 unit each
        "warmup_read_units": math.ceil(sum(capacity.item_size(i) for i in items) / 4096) * 0.5,
    }


def test_demo_summary_matches_independent_counts(demo_run):
    summary, _ = demo_run
    items = build_demo_dataset()["discord_config"]
    want = expected_from(items)
    # the demo plants one orphan (its guild has no settings) and one moved GSI_PK
    assert (want["guilds"], want["channels"], want["orphans"], want["index_mismatches"]) == (20, 61, 1, 1)
    for key in ("guilds", "channels", "orphans", "index_mismatches"):
        assert summary[key] == want[key], key
    assert summary["summary_preferences"] == want["preferences"]
    assert summary["unknown_timezones"] == 1 and summary["invalid_tag_types"] == 1
    assert summary["guilds_out_of_range"] == 0
    assert summary["warmup_pages"] == 1 and summary["warmup_requests"] == 1
    assert summary["warmup_read_units"] == pytest.approx(want["warmup_read_units"])
    assert summary["read_units"] > summary["warmup_read_units"]


def test_replay_is_served_by_the_cache_with_zero_table_reads(demo_run):
    summary, _ = demo_run
    want = expected_from(build_demo_dataset()["discord_config"])
    traffic = replay_traffic(want["tracked"], MESSAGES_PER_DAY, REPLAY_SEED)
    hits = sum(1 for c in traffic if c in set(want["tracked"]))
    replay = summary["replay"]
    assert replay["events"] == MESSAGES_PER_DAY
    assert replay["hits"] == hits and replay["misses"] == MESSAGES_PER_DAY - hits
    assert summary["cache_hit_ratio"] == pytest.approx(round(hits / MESSAGES_PER_DAY, 4))
    assert 0.7 < summary["cache_hit_ratio"] < 0.9          # about 80 % of messages in tracked channels
    assert replay["requests"] == 0 and replay["read_units"] == 0 and replay["table_reads"] == 0

    uncached = summary["uncached"]
    assert uncached["measured_requests"] == UNCACHED_SAMPLE == uncached["sample_events"]
    # every Query returns at most one item of well under 4 KB: 0.5 unit (eventually consistent)
    assert uncached["read_units_per_event"] == pytest.approx(0.5)
    assert uncached["read_units_per_month"] == pytest.approx(0.5 * MESSAGES_PER_DAY * 30)
    # the moved channel is found by the cache, missed by the Query, whenever the sample has it
    moved = next(a for a in ANOMALIES if a.name == "channel_gsi_mismatch").key["SK"][len("CHANNEL#"):]
    assert uncached["answers_differ"] == traffic[:UNCACHED_SAMPLE].count(moved)
    assert summary["cached"]["read_units_per_month"] == pytest.approx(want["warmup_read_units"] * 48 * 30)
    assert summary["cached"]["usd_per_month"] < uncached["usd_per_month"]


def test_every_planted_anomaly_is_surfaced(demo_run):
    summary, html = demo_run
    planted = [a for a in ANOMALIES if a.system == "001"]
    assert {a.name for a in planted} == {"channel_without_guild_settings", "channel_gsi_mismatch",
                                         "invalid_tag_type", "unknown_timezone"}
    counts = summary["data_quality"]
    for anomaly in planted:                                  # the rule is named after the anomaly
        assert counts[anomaly.name] == 1, anomaly.name
        assert f"{anomaly.key['PK']} / {anomaly.key['SK']}" in html, anomaly.name
    assert sum(counts.values()) == len(planted)               # nothing else in the clean items
    assert "import " not in html and "<script" not in html.lower()


@pytest.fixture(scope="module")
def own_region():
    from dynamo_reports.demo.server import EmbeddedDynamo

    with EmbeddedDynamo(region=REGION, seed=False) as server:
        yield server


def put(server, items):
    conn = server.connect()
    table = conn.table_name("discord_config")
    for item in items:
        conn.call("PutItem", TableName=table, Item=item_to_wire(item))


def channel(guild, cid, **fields):
    return {"PK": f"GUILD#{guild}", "SK": f"CHANNEL#{cid}", "Type": "channel_config",
            "GSI_PK": f"CHANNEL#{cid}", "GSI_SK": f"GUILD#{guild}", "channelId": cid, "guildId": guild,
            "image": False, "notifyOnClose": True, "pin": False, "tagType": "ROLE",
            "tagId": Decimal("987654321098765432"), "threshold": Decimal(2), **fields}


def settings(guild, timezone):
    return {"PK": f"GUILD#{guild}", "SK": "SETTINGS", "Type": "guild_settings", "guildId": guild,
            "timezone": timezone, "positionDisplayEnabled": True,
            "summaryPreferences": {"dailySummary": True, "weeklySummary": False, "monthlySummary": False}}


@pytest.mark.kernel
def test_empty_table_then_the_other_rules(own_region, tmp_path):
    args = ("--source", "aws", "--endpoint-url", own_region.endpoint_url, "--region", REGION, "--period", "all")

    # 1. empty table: the report runs, every count is zero
    summary, html = run_report(tmp_path / "empty", *args)
    for key in ("guilds", "channels", "orphans", "index_mismatches", "invalid_tag_types", "unknown_timezones"):
        assert summary[key] == 0, key
    assert sum(summary["data_quality"].values()) == 0
    # nothing tracked: every replayed message is a miss answered by the (complete, empty) cache
    assert summary["cache_hit_ratio"] == 0.0
    assert summary["replay"]["requests"] == 0 and summary["replay"]["misses"] == MESSAGES_PER_DAY
    # one Scan page that matched nothing still costs the minimum 0.5 read unit
    assert summary["warmup_read_units"] == 0.5 and summary["warmup_pages"] == 1
    # no price table for eu-west-2: read units, no dollar figure
    assert summary["uncached"]["usd_per_month"] is None
    assert "no price for this region" in html

    # 2. one planted item per rule the demo data does not exercise
    put(own_region, [
        settings("1", "Europe/Paris"), settings("2", "UTC"),
        *[channel("1", str(c)) for c in range(101, 107)],     # guild 1: six channels (document: 1-5)
        channel("2", "101"),                                   # channel 101 again, under guild 2
        {**channel("1", "106"), "channelId": "999"},          # attribute disagrees with the key
        {**channel("1", "105"), "pin": "yes"},                # not a boolean
        {"PK": "GUILD#1", "SK": "BANNER", "Type": "banner"},  # neither settings nor a channel
    ])
    summary, _ = run_report(tmp_path / "planted", *args)
    assert summary["guilds"] == 2 and summary["channels"] == 7       # 6 in guild 1 + 1 in guild 2
    assert summary["guilds_out_of_range"] == 1
    counts = summary["data_quality"]
    assert counts == {
        "channels_per_guild_out_of_range": 1, "channel_in_several_guilds": 1, "id_attribute_mismatch": 1,
        "invalid_field": 1, "unexpected_item": 1,
        "channel_without_guild_settings": 0, "channel_gsi_mismatch": 0, "invalid_tag_type": 0,
        "unknown_timezone": 0,
    }
    tracked = [str(c) for c in range(101, 107)]
    traffic = replay_traffic(tracked, MESSAGES_PER_DAY, REPLAY_SEED)
    assert summary["replay"]["hits"] == sum(1 for c in traffic if c in tracked)
    assert summary["replay"]["requests"] == 0
