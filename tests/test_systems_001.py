"""001 Discord bot config: ChannelConfigRepository over HTTP against the embedded DynamoDB.

Tests that count what a warm-up reads use a table of their own; the others use unique ids.
"""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

import pytest

from dynamo_reports import reads
from dynamo_reports.codec import item_to_wire
from dynamo_reports.connection import Connection
from dynamo_reports.demo.server import _InProcessSetup
from dynamo_reports.exceptions import DynamoReportsError, ParameterError, ReadOnlyError
from dynamo_reports.systems.base import register
from dynamo_reports.systems.discord_config import (
    CONFIG,
    ChannelConfig,
    ChannelConfigRepository,
    ChannelExistsError,
    ChannelNotFoundError,
    GuildSettings,
    channel_item,
    settings_item,
    validate_channel_config,
    validate_guild_settings,
)

_ids = itertools.count(1)


def snowflake() -> str:
    """A fresh Discord-like id (18-19 digits)."""
    return str(1_100_000_000_000_000_000 + next(_ids) * 100_000)


CONFIG_A = {"image": True, "notifyOnClose": False, "pin": True, "tagType": "ROLE",
            "tagId": 987654321098765432, "threshold": 3}
CONFIG_B = {"image": False, "notifyOnClose": True, "pin": False, "tagType": "USER",
            "tagId": "123456789012345678", "threshold": 0.5}


class FakeClock:
    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def private_conn(dynamo, client) -> Connection:
    """A connection whose config table is new and empty (exact warm-up figures), over the module's client."""
    settings = dynamo.settings.with_(tables={"discord_config": f"discord-config-private-{next(_ids)}"})
    connection = Connection(settings, client=client)
    _InProcessSetup(settings).create_tables([CONFIG])  # set-up without HTTP, as the module's tables
    register(connection, CONFIG)
    connection.meter.reset()
    return connection


def requests(conn: Connection, operation: str | None = None) -> int:
    return sum(1 for r in conn.meter.records if operation is None or r.operation == operation)


def batch_put(conn: Connection, items: list[dict]) -> None:
    """Test data, 25 items per BatchWriteItem (moto processes every item)."""
    table = conn.table_name("discord_config")
    for start in range(0, len(items), 25):
        chunk = items[start:start + 25]
        response = conn.call("BatchWriteItem", RequestItems={
            table: [{"PutRequest": {"Item": item_to_wire(i)}} for i in chunk]})
        assert not response.get("UnprocessedItems")


def load_guilds(conn: Connection, guilds: int, channels_per_guild: int) -> dict[str, list[str]]:
    """``guilds`` guilds with settings and ``channels_per_guild`` channels each.

    The items ``put_guild_settings`` and ``add_channel`` would write (the same builders on the
    same validated fields), 25 per request: the repository's own writes are tested below."""
    layout = {snowflake(): sorted(snowflake() for _ in range(channels_per_guild)) for _ in range(guilds)}
    settings = validate_guild_settings({"timezone": "Europe/Paris"})
    config = validate_channel_config(CONFIG_A)
    batch_put(conn, [item for guild, channels in layout.items()
                     for item in [settings_item(guild, settings), *(channel_item(guild, c, config) for c in channels)]])
    return layout


def cache_snapshot(repo: ChannelConfigRepository) -> dict:
    return {cache.name: {key: cache.peek(key) for key in cache.keys()} for cache in repo.caches}


# -- warm-up and the onMessageCreate path -------------------------------------------------------

def test_after_warm_up_10000_lookups_make_zero_requests(private_conn):
    layout = load_guilds(private_conn, guilds=20, channels_per_guild=3)
    tracked = [c for channels in layout.values() for c in channels]
    untracked = [snowflake() for _ in range(40)]
    repo = ChannelConfigRepository(private_conn)
    summary = repo.warm_up()
    # 20 settings + 60 channels = 80 items, in one page (far below 1 MB)
    assert (summary["items"], summary["channels"], summary["guild_settings"], summary["guilds"]) == (80, 60, 20, 20)
    assert summary["pages"] == summary["requests"] == 1

    rng = random.Random(1)
    lookups = [rng.choice(tracked) if rng.random() < 0.7 else rng.choice(untracked) for _ in range(10_000)]
    mark = private_conn.meter.mark()
    results = [repo.get_channel_config(channel) for channel in lookups]

    assert private_conn.meter.since(mark) == []          # ZERO table requests
    expected_hits = sum(1 for c in lookups if c in set(tracked))
    assert sum(r is not None for r in results) == expected_hits
    channel_stats = repo.cache_stats()[0]
    assert channel_stats["hits"] == expected_hits
    assert channel_stats["misses"] == 10_000 - expected_hits
    assert channel_stats["table_reads"] == 0
    some = results[lookups.index(tracked[0])]
    assert some.guild_id in layout and some.channel_id == tracked[0]
    assert (some.image, some.pin, some.tag_type, some.tag_id, some.threshold) == (
        True, True, "ROLE", 987654321098765432, Decimal(3))


def test_warm_up_reads_every_page_exactly_once(private_conn):
    """36 channels of ~90.2 KB (~3.2 MB): several 1 MB scan pages, every item once."""
    guilds = [snowflake() for _ in range(6)]
    items = []
    for n in range(36):
        guild = guilds[n % 6]
        channel = str(2_000_000_000_000_000_000 + n)
        items.append(channel_item(guild, channel, {**CONFIG_A, "tagId": 1, "note": "x" * 90_000}))
    batch_put(private_conn, items)
    repo = ChannelConfigRepository(private_conn)
    private_conn.meter.reset()

    summary = repo.warm_up()

    scans = [r for r in private_conn.meter.records if r.operation == "Scan"]
    # An item is ~90.2 KB (the 90,000-byte note + ~200 bytes of keys, names and fields): 11 fit in
    # a 1 MB Scan page (11 x 90.2 KB = 992 KB; 12 x 90,000 B = 1,080,000 B is over 1 MB whether
    # 1 MB means 1,000,000 B, as moto counts, or 1,048,576 B), so 36 items are 11 + 11 + 11 + 3 =
    # 4 pages. (Few large items: the same pages for a tenth of the items' per-item cost.)
    assert summary["pages"] == len(scans) == 4
    assert [r.items_returned for r in scans] == [11, 11, 11, 3]  # every item read once, no duplicate
    assert summary["items"] == summary["channels"] == 36
    assert len(repo.channel_cache) == 36
    assert sorted(repo.channel_cache.keys()) == sorted(i["channelId"] for i in items)
    # 6 guilds x 6 channels each, no channel listed twice
    assert len(repo.guild_channels_cache) == 6
    assert all(len(repo.channels_of_guild(g)) == len(set(repo.channels_of_guild(g))) == 6 for g in guilds)
    assert summary["read_units"] > 0 and summary["duplicate_channels"] == 0


def test_warm_up_with_a_page_size(private_conn):
    layout = load_guilds(private_conn, guilds=4, channels_per_guild=4)   # 4 + 16 = 20 items
    repo = ChannelConfigRepository(private_conn)
    summary = repo.warm_up(page_size=7)
    # 20 items in pages of 7: 7 + 7 + 6 -> 3 Scan requests
    assert summary["pages"] == 3
    assert summary["items"] == 20
    assert {g: repo.channels_of_guild(g) for g in layout} == layout


def test_warm_up_keeps_malformed_and_unexpected_items_visible(private_conn):
    guild, channel = snowflake(), snowflake()
    batch_put(private_conn, [
        channel_item(guild, channel, {**CONFIG_A, "tagType": "EVERYONE"}),           # bad tagType
        {"PK": f"GUILD#{guild}", "SK": "SETTINGS", "Type": "guild_settings", "timezone": "Mars/Olympus"},
        {"PK": "BOT#1", "SK": "META", "Type": "something_else"},
    ])
    repo = ChannelConfigRepository(private_conn)
    summary = repo.warm_up()
    assert (summary["items"], summary["channels"], summary["guild_settings"], summary["other_items"],
            summary["items_with_problems"]) == (3, 1, 1, 1, 2)
    config = repo.get_channel_config(channel)
    assert config.tag_type == "EVERYONE"
    assert config.problems == ("must be one of USER, ROLE, got 'EVERYONE'",)
    assert repo.guild_settings(guild).problems == ("unknown time zone 'Mars/Olympus' (IANA names such as "
                                                   "'Europe/Paris')",)


def test_a_channel_in_two_guilds_is_counted(private_conn):
    channel = snowflake()
    first, second = sorted([snowflake(), snowflake()])
    batch_put(private_conn, [channel_item(second, channel, CONFIG_A), channel_item(first, channel, CONFIG_B)])
    repo = ChannelConfigRepository(private_conn)
    summary = repo.warm_up()
    assert summary["duplicate_channels"] == 1
    assert repo.get_channel_config(channel).guild_id == first     # the smaller guild id, whatever the order
    assert repo.channels_of_guild(first) == repo.channels_of_guild(second) == [channel]


# -- misses and the GSI fallback -----------------------------------------------------------------

def test_cold_lookup_uses_the_gsi_and_repairs_the_cache(conn):
    guild, channel = snowflake(), snowflake()
    ChannelConfigRepository(conn).add_channel(guild, channel, CONFIG_B)
    repo = ChannelConfigRepository(conn)   # never warmed
    conn.meter.reset()

    first = repo.get_channel_config(channel)
    assert requests(conn) == 1
    assert conn.meter.records[0].operation == "Query" and conn.meter.records[0].index == "ChannelIndex"
    assert repo.get_channel_config(channel) == first
    assert requests(conn) == 1                          # repaired: the second lookup is free
    assert first == ChannelConfig(channel, guild, False, True, False, "USER", 123456789012345678, Decimal("0.5"))
    stats = repo.cache_stats()[0]
    assert (stats["hits"], stats["misses"], stats["table_reads"]) == (1, 1, 1)


def test_cold_untracked_channel_is_asked_each_time(conn):
    repo = ChannelConfigRepository(conn)
    channel = snowflake()
    assert repo.get_channel_config(channel) is None
    assert repo.get_channel_config(channel) is None
    assert requests(conn, "Query") == 2                 # "not tracked" is not cached


def test_warm_cache_answers_misses_without_reading_and_safe_lookup_repairs(conn):
    repo = ChannelConfigRepository(conn)
    repo.warm_up()
    guild, channel = snowflake(), snowflake()
    ChannelConfigRepository(conn).add_channel(guild, channel, CONFIG_A)   # another bot process
    conn.meter.reset()

    assert repo.get_channel_config(channel) is None      # complete cache: "not tracked", no read
    assert conn.meter.records == []
    found = repo.get_channel_config_safe(channel)        # getChannelConfigSafe: asks the GSI
    assert found.guild_id == guild
    assert requests(conn) == 1
    assert repo.get_channel_config(channel) == found     # repaired
    assert repo.channels_of_guild(guild) == [channel]
    assert requests(conn) == 1


def test_invalidate_all_makes_lookups_read_again(conn):
    guild, channel = snowflake(), snowflake()
    repo = ChannelConfigRepository(conn)
    repo.add_channel(guild, channel, CONFIG_A)
    repo.warm_up()
    repo.invalidate_all()
    assert not repo.is_complete
    conn.meter.reset()
    assert repo.get_channel_config(channel).guild_id == guild
    assert repo.get_channel_config(snowflake()) is None
    assert requests(conn, "Query") == 2


def test_guild_settings_and_channels_of_a_cold_guild(conn):
    guild = snowflake()
    channels = sorted(snowflake() for _ in range(3))
    writer = ChannelConfigRepository(conn)
    writer.put_guild_settings(guild, {"timezone": "America/New_York", "positionDisplayEnabled": True,
                                      "summaryPreferences": {"dailySummary": True, "weeklySummary": False,
                                                             "threshold": 2}})
    for channel in reversed(channels):
        writer.add_channel(guild, channel, CONFIG_A)
    repo = ChannelConfigRepository(conn)
    conn.meter.reset()

    settings = repo.guild_settings(guild)
    assert settings == repo.guild_settings(guild)
    assert (settings.timezone, settings.position_display_enabled) == ("America/New_York", True)
    assert dict(settings.summary_preferences) == {"dailySummary": True, "weeklySummary": False,
                                                  "threshold": Decimal(2)}
    assert [r.operation for r in conn.meter.records] == ["GetItem"]

    assert repo.channels_of_guild(guild) == channels
    assert repo.channels_of_guild(guild) == channels
    assert [r.operation for r in conn.meter.records] == ["GetItem", "Query"]
    for channel in channels:                             # the guild query repaired the channel cache
        assert repo.get_channel_config(channel).guild_id == guild
    assert requests(conn) == 2
    assert repo.guild_settings(snowflake()) is None      # cold cache: asks, finds nothing


# -- writes keep the three caches in step --------------------------------------------------------

def test_add_update_remove_keep_caches_in_step(private_conn):
    layout = load_guilds(private_conn, guilds=2, channels_per_guild=2)
    guild = next(iter(layout))
    repo = ChannelConfigRepository(private_conn)
    repo.warm_up()

    new = snowflake()
    added = repo.add_channel(guild, new, CONFIG_B)
    assert repo.get_channel_config(new) == added
    assert repo.channels_of_guild(guild) == sorted(layout[guild] + [new])
    repo.add_channel(guild, new, CONFIG_A, replace=True)                 # same channel again
    assert repo.channels_of_guild(guild).count(new) == 1                 # no duplicate id
    assert repo.get_channel_config(new).tag_type == "ROLE"

    updated = repo.update_channel(guild, new, {"threshold": 10, "pin": False})
    assert (updated.threshold, updated.pin, updated.tag_type) == (Decimal(10), False, "ROLE")
    assert repo.get_channel_config(new) == updated

    other_guild = snowflake()                                            # a guild with no channel yet
    repo.add_channel(other_guild, snowflake(), CONFIG_A)
    repo.put_guild_settings(other_guild, {"timezone": "UTC"})
    assert len(repo.channels_of_guild(other_guild)) == 1

    assert repo.remove_channel(guild, layout[guild][0]) is True
    assert repo.get_channel_config(layout[guild][0]) is None
    assert layout[guild][0] not in repo.channels_of_guild(guild)
    assert repo.remove_channel(guild, layout[guild][0]) is False         # already gone
    assert repo.remove_guild_settings(other_guild) is True
    assert repo.guild_settings(other_guild) is None

    # The caches equal what a fresh warm-up of the table gives.
    fresh = ChannelConfigRepository(private_conn)
    fresh.warm_up()
    assert cache_snapshot(repo) == cache_snapshot(fresh)


def test_add_refuses_an_existing_channel(conn):
    guild, channel = snowflake(), snowflake()
    repo = ChannelConfigRepository(conn)
    repo.add_channel(guild, channel, CONFIG_A)
    with pytest.raises(ChannelExistsError):
        repo.add_channel(guild, channel, CONFIG_B)
    with pytest.raises(ChannelExistsError) as info:
        ChannelConfigRepository(conn).add_channel(snowflake(), channel, CONFIG_B)   # in another guild
    assert info.value.existing_guild_id == guild
    assert repo.get_channel_config(channel).tag_type == "ROLE"


def test_failed_writes_leave_the_caches_unchanged(private_conn):
    layout = load_guilds(private_conn, guilds=2, channels_per_guild=2)
    guild = next(iter(layout))
    read_only = Connection(private_conn.settings, read_only=True)
    repo = ChannelConfigRepository(read_only)
    repo.warm_up()                                                       # reads are allowed
    before = cache_snapshot(repo)

    with pytest.raises(ReadOnlyError):
        repo.add_channel(guild, snowflake(), CONFIG_A)
    with pytest.raises(ReadOnlyError):
        repo.remove_channel(guild, layout[guild][0])
    with pytest.raises(ReadOnlyError):
        repo.update_channel(guild, layout[guild][0], {"pin": False})
    with pytest.raises(ReadOnlyError):
        repo.put_guild_settings(guild, {"timezone": "UTC"})
    assert cache_snapshot(repo) == before

    writable = ChannelConfigRepository(private_conn)
    writable.warm_up()
    before = cache_snapshot(writable)
    with pytest.raises(ChannelNotFoundError):
        writable.update_channel(guild, snowflake(), {"pin": False})
    with pytest.raises(ChannelExistsError):
        writable.add_channel(guild, layout[guild][0], CONFIG_B)
    with pytest.raises(ParameterError):
        writable.add_channel(guild, snowflake(), {**CONFIG_A, "tagType": "EVERYONE"})
    assert cache_snapshot(writable) == before


@pytest.mark.parametrize("call, parameter", [
    (lambda r: r.get_channel_config("abc"), "channel_id"),
    (lambda r: r.get_channel_config(123), "channel_id"),
    (lambda r: r.channels_of_guild(""), "guild_id"),
    (lambda r: r.guild_settings("1" * 21), "guild_id"),
    (lambda r: r.add_channel("1", "2", {**CONFIG_A, "tagType": "EVERYONE"}), "tagType"),
    (lambda r: r.add_channel("1", "2", {**CONFIG_A, "image": "yes"}), "image"),
    (lambda r: r.add_channel("1", "2", {**CONFIG_A, "pin": 1}), "pin"),
    (lambda r: r.add_channel("1", "2", {**CONFIG_A, "threshold": float("nan")}), "threshold"),
    (lambda r: r.add_channel("1", "2", {**CONFIG_A, "threshold": "3"}), "threshold"),
    (lambda r: r.add_channel("1", "2", {**CONFIG_A, "tagId": -1}), "tagId"),
    (lambda r: r.add_channel("1", "2", {**CONFIG_A, "tagId": 1.5}), "tagId"),
    (lambda r: r.add_channel("1", "2", {**CONFIG_A, "notifyonclose": True}), "notifyonclose"),
    (lambda r: r.add_channel("1", "2", {"image": True}), "notifyOnClose"),
    (lambda r: r.add_channel("1", "2", "ROLE"), "config"),
    (lambda r: r.add_channel("x", "2", CONFIG_A), "guild_id"),
    (lambda r: r.update_channel("1", "2", {}), "changes"),
    (lambda r: r.update_channel("1", "2", {"tagType": "role"}), "tagType"),
    (lambda r: r.put_guild_settings("1", {"timezone": "Mars/Olympus"}), "timezone"),
    (lambda r: r.put_guild_settings("1", {"timezone": ""}), "timezone"),
    (lambda r: r.put_guild_settings("1", {"positionDisplayEnabled": True}), "timezone"),
    (lambda r: r.put_guild_settings("1", {"timezone": "UTC", "positionDisplayEnabled": "no"}),
     "positionDisplayEnabled"),
    (lambda r: r.put_guild_settings("1", {"timezone": "UTC", "summaryPreferences": {"dailySummary": 1}}),
     "summaryPreferences.dailySummary"),
    (lambda r: r.put_guild_settings("1", {"timezone": "UTC", "summaryPreferences": {"hourly": True}}),
     "summaryPreferences.hourly"),
])
def test_bad_input_raises_before_any_request(conn, call, parameter):
    repo = ChannelConfigRepository(conn)
    with pytest.raises(ParameterError) as info:
        call(repo)
    assert info.value.parameter == parameter
    assert conn.meter.records == []


# -- the 30-minute safety refresh ----------------------------------------------------------------

def test_safety_refresh_after_30_minutes(private_conn):
    load_guilds(private_conn, guilds=1, channels_per_guild=1)
    clock = FakeClock(0.0)
    repo = ChannelConfigRepository(private_conn, clock=clock)
    repo.warm_up()                                                       # t=0
    guild, channel = snowflake(), snowflake()
    ChannelConfigRepository(private_conn).add_channel(guild, channel, CONFIG_B)   # another process
    private_conn.meter.reset()

    clock.now = 1799.9
    assert repo.refresh_if_due() is None
    assert repo.get_channel_config(channel) is None                      # not yet known, no read
    assert private_conn.meter.records == []
    clock.now = 1800.0
    assert repo.get_channel_config(channel).guild_id == guild            # this lookup refreshed
    assert [r.operation for r in private_conn.meter.records] == ["Scan"]
    assert repo.warmed_at == 1800.0 and repo.warm_ups == 2
    clock.now = 3599.0
    assert repo.refresh_if_due() is None
    clock.now = 3600.0
    assert repo.refresh_if_due()["channels"] == 2                        # explicit refresh (a timer)
    assert [r.operation for r in private_conn.meter.records] == ["Scan", "Scan"]


def test_a_failed_refresh_keeps_serving_the_cache(private_conn, monkeypatch):
    layout = load_guilds(private_conn, guilds=1, channels_per_guild=1)
    channel = next(iter(layout.values()))[0]
    clock = FakeClock(0.0)
    repo = ChannelConfigRepository(private_conn, clock=clock, refresh_retry=60)
    repo.warm_up()

    def broken_scan(*args, **kwargs):
        raise DynamoReportsError("endpoint unreachable")

    monkeypatch.setattr(reads, "scan", broken_scan)
    clock.now = 1800.0
    assert repo.get_channel_config(channel) is not None                  # the old cache answers
    assert repo.warm_ups == 1
    with pytest.raises(DynamoReportsError):
        repo.warm_up()                                                   # explicit: the error shows
    monkeypatch.undo()
    clock.now = 1859.0
    repo.get_channel_config(channel)
    assert repo.warm_ups == 1                                            # retry waits a minute
    clock.now = 1860.0
    repo.get_channel_config(channel)
    assert repo.warm_ups == 2


def test_entities_round_trip_to_the_documents_shape(conn):
    guild, channel = snowflake(), snowflake()
    repo = ChannelConfigRepository(conn)
    config = repo.add_channel(guild, channel, CONFIG_B)
    assert config.as_dict() == {"channelId": channel, "guildId": guild, "image": False, "notifyOnClose": True,
                                "pin": False, "tagType": "USER", "tagId": 123456789012345678,
                                "threshold": Decimal("0.5")}
    # an entity can be written back as it is
    assert repo.add_channel(guild, channel, config, replace=True) == config
    settings = repo.put_guild_settings(guild, GuildSettings(guild, "Europe/Paris", False))
    assert settings.as_dict() == {"guildId": guild, "timezone": "Europe/Paris", "positionDisplayEnabled": False}
    with pytest.raises(TypeError):
        settings.summary_preferences["x"] = 1                            # cached values are immutable
