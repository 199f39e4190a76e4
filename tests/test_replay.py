"""The cache replay: its bookkeeping (pure) and one replay through the 001 repository on moto."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dynamo_reports import codec
from dynamo_reports.analytics import capacity_model as cm
from dynamo_reports.connection import RequestRecord
from dynamo_reports.exceptions import ParameterError
from dynamo_reports.replay import (
    CHANNEL_LOOKUP_001,
    LOOKUPS_000,
    CacheReplay,
    RepeatingConnection,
    SystemReplay,
    channel_keys,
    lookup_twice,
    measure_uncached_lookups,
    participant_keys,
    replay_caches,
    replay_channel_cache,
)
from dynamo_reports.systems.discord_config import ChannelConfigRepository
from dynamo_reports.systems.solanashares import ParticipantRepository, is_valid_wallet

CONFIG = {"image": True, "notifyOnClose": False, "pin": True, "tagType": "ROLE", "tagId": 987654321098765432,
          "threshold": 3}
PRICES = {"on_demand.read_request_unit": SimpleNamespace(usd=0.5)}


def _records(*operations, read_units=0.5):
    return [RequestRecord(op, "t", read_units=read_units) for op in operations]


def _replay_000():
    on = {"lookups": {"wallet": 10, "user": 4, "stats": 0}, "requests": {"wallet": 2, "user": 4},
          "records": _records("Query", "Query", "Query", "Query", "Query", "Query"), "read_units": 3.0}
    off = {"lookups": {"wallet": 10, "user": 4}, "requests": {"wallet": 10, "user": 4},
           "records": _records(*["Query"] * 14), "read_units": 7.0}
    return SystemReplay("000", [], 24.0, on, off)


def _replay_001():
    on = {"lookups": {"tracked": 30, "untracked": 20}, "requests": {"tracked": 0, "untracked": 1},
          "records": _records("Scan", "Scan", "Query"), "read_units": 1.5,
          "repository": SimpleNamespace(warm_ups=2)}
    off = {"lookups": {"tracked": 30, "untracked": 20}, "records": _records(*["Query"] * 50), "read_units": 25.0}
    return SystemReplay("001", [], 1.0, on, off)


def test_hit_ratios_are_one_minus_requests_per_lookup():
    replay = CacheReplay({"000": _replay_000(), "001": _replay_001()})
    # 000 wallet: 2 requests for 10 lookups -> 0.8; user: 4 for 4 -> 0; stats: no lookup, no ratio
    # 001: 3 requests on, 2 of them the warm-up scans -> 1 lookup request for 50 lookups -> 0.98
    assert replay.hit_ratios == pytest.approx({LOOKUPS_000["wallet"]: 0.8, LOOKUPS_000["user"]: 0.0,
                                               CHANNEL_LOOKUP_001: 0.98})
    assert replay.requests == 6 + 14 + 3 + 50


def test_savings_extrapolate_a_day_to_a_month():
    replay = CacheReplay({"000": _replay_000(), "001": _replay_001()})
    savings = replay.savings(PRICES)
    # 000: 3.0 read units a replayed day x 24 (extrapolation) x 730/24 days x $0.5 = 3 x 730 x 0.5
    assert savings["000"]["monthly_cost_with_cache"] == pytest.approx(1095.0)
    assert savings["000"]["monthly_cost_without_cache"] == pytest.approx(7.0 * 730 * 0.5)
    assert (savings["000"]["lookups"], savings["000"]["requests_with_cache"],
            savings["000"]["requests_without_cache"]) == (14, 6, 14)
    assert "warm_ups" not in savings["000"]
    # 001: a whole day (scale 1): 1.5 x 730/24 x 0.5
    assert savings["001"]["monthly_cost_with_cache"] == pytest.approx(1.5 * 730 / 24 * 0.5)
    assert (savings["001"]["warm_ups"], savings["001"]["warm_up_requests"],
            savings["001"]["lookup_requests_with_cache"]) == (2, 2, 1)
    frame = replay.frame(PRICES).set_index("system")
    assert frame.loc["001", "requests, caches off"] == 50 and frame.loc["000", "day extrapolation"] == 24.0


def test_lookups_000_per_kind():
    frame = CacheReplay({"000": _replay_000()}).lookups_000().set_index("lookup")
    assert frame.loc[LOOKUPS_000["wallet"], "requests, caches off"] == 10
    assert frame.loc[LOOKUPS_000["stats"], "lookups"] == 0
    assert frame["hit ratio"].isna().sum() == 1  # stats: no lookup, no ratio
    assert CacheReplay().lookups_000().empty


def test_channel_keys_keep_numeric_channel_sort_keys_only():
    items = [{"SK": "CHANNEL#456"}, {"SK": "CHANNEL#123"}, {"SK": "CHANNEL#abc"}, {"SK": "SETTINGS"}, {}]
    assert channel_keys(items) == (["123", "456"], ["900000000000000000", "900000000000000001"])


def test_participant_keys_keep_valid_wallets_and_numeric_user_ids():
    wallet = "So11111111111111111111111111111111111111112"
    assert is_valid_wallet(wallet)
    items = [{"Type": "participant", "walletAddress": wallet, "userId": "42"},
             {"Type": "participant", "walletAddress": "0xnot-base58", "userId": "1" * 21},
             {"Type": "stats", "walletAddress": wallet, "userId": "7"}]
    assert participant_keys(items) == ([wallet], ["42"])


def test_replay_skipped_when_asked_or_when_the_table_is_absent(conn):
    model = cm.TrafficModel()
    assert replay_caches(conn, {"discord_config": []}, model, max_events=0).systems == {}
    assert replay_caches(conn, {}, model, max_events=100).systems == {}
    assert conn.meter.mark() == 0  # nothing read


def _three_channels(conn, guild: str) -> list[str]:
    """Three channels of ``guild`` written to the table; their ids."""
    writer = ChannelConfigRepository(conn)
    channels = [f"{guild[:16]}{n:02d}" for n in range(3)]
    for channel in channels:
        writer.add_channel(guild, channel, CONFIG)
    return channels


def test_001_replay_with_caches_off_queries_once_per_message(conn):
    channels = _three_channels(conn, "812345678901234567")
    items = [{"SK": f"CHANNEL#{c}"} for c in channels]
    # 20 messages a day, half of them in channels no guild follows: 10 + 10 lookups, nothing thinned
    model = cm.TrafficModel(messages_per_day=20, untracked_message_share=0.5)
    mark = conn.meter.mark()
    caches = replay_caches(conn, {"discord_config": items}, model, max_events=1000)
    replay = caches.systems["001"]
    assert replay.lookups == 20 and replay.scale == 1.0
    assert replay.requests_off == 20  # every message one ChannelIndex query
    assert replay.lookup_requests_on == 0  # the warm-up cache is complete: no lookup reaches the table
    assert replay.warm_up_requests >= 1
    # sent for real: the warm-up Scan once (its safety refreshes repeat it word for word), then one
    # ChannelIndex Query per distinct channel of the day (caches off asks each channel many times)
    distinct_channels = len({key for _, _, key in replay.events})
    assert caches.requests_sent == 1 + distinct_channels < caches.requests
    assert len(conn.meter.since(mark)) == caches.requests_sent  # the report's own cost: what was sent


def test_repeating_connection_sends_each_distinct_read_once(conn):
    channels = _three_channels(conn, "832345678901234567")
    view = RepeatingConnection(conn)
    mark = conn.meter.mark()
    # a fresh repository per lookup (caches off): 5 lookups of one channel, 2 of another
    answers = [ChannelConfigRepository(view, auto_refresh=False).get_channel_config(c)
               for c in [channels[0]] * 5 + [channels[1]] * 2]
    assert (view.sent, view.repeated) == (2, 5)
    sent = conn.meter.since(mark)
    assert [r.operation for r in sent] == ["Query", "Query"]
    # each Query returns one item of a few hundred bytes, eventually consistent: 0.5 read unit;
    # the view accounts all 7 lookups at that price, the connection paid for the 2 it sent
    assert [r.read_units for r in view.meter.records] == [0.5] * 7
    assert sum(r.read_units for r in sent) == 1.0
    assert all(a is not None and a.channel_id == channels[0] for a in answers[:5])
    assert answers[0] == answers[4] and answers[0] is not answers[4]  # a copy of the first answer


def test_repeating_connection_forgets_its_answers_after_a_write(conn):
    view = RepeatingConnection(conn)
    table = conn.table_name("discord_config")
    key = codec.item_to_wire({"PK": "GUILD#842345678901234567", "SK": "SETTINGS"})
    assert "Item" not in view.call("GetItem", TableName=table, Key=key)
    view.call("PutItem", TableName=table, Item={**key, "guildName": {"S": "g"}})
    assert view.call("GetItem", TableName=table, Key=key)["Item"]["guildName"] == {"S": "g"}
    assert (view.sent, view.repeated) == (3, 0)


def test_repeating_connection_and_replay_refuse_bad_parameters(conn):
    with pytest.raises(ParameterError, match="conn"):
        RepeatingConnection("not a connection")
    with pytest.raises(ParameterError, match="max_events"):
        replay_caches(conn, {"discord_config": []}, cm.TrafficModel(), max_events=-1)
    assert conn.meter.mark() == 0


def test_channel_cache_replay_answers_every_message_from_memory(conn):
    channels = _three_channels(conn, "822345678901234567")
    cache = replay_channel_cache(conn, [*channels, "not-a-snowflake"], 20, 7)
    assert len(cache.traffic) == 20 and "not-a-snowflake" not in cache.traffic
    assert cache.warm_up["requests"] >= 1
    counters = cache.channel_counters
    # a complete cache: tracked channels are hits, the others misses answered "not tracked", no read at all
    assert counters["hits"] + counters["misses"] == 20
    assert counters["hits"] == sum(1 for c in cache.traffic if c in channels)
    assert cache.reads["requests"] == 0
    assert cache.hit_ratio == round(counters["hits"] / 20, 4)
    sample = measure_uncached_lookups(conn, cache.traffic[:5], cache.answers)
    assert sample.events == 5 and sample.reads["requests"] == 5  # one ChannelIndex Query per cold lookup
    assert sample.answers_differ == 0


def test_channel_cache_replay_without_traffic_has_no_hit_ratio(conn):
    cache = replay_channel_cache(conn, [], 0, 1)
    assert cache.traffic == [] and cache.hit_ratio is None


def test_lookup_twice_second_attempt_is_answered_by_the_cache(conn):
    wallet = "9" * 40
    ParticipantRepository(conn).create_participant("733333333333333333", wallet, 2.5)
    repo = ParticipantRepository(conn)
    lookups = [("wallet", wallet), ("user", "733333333333333333"), ("user", "744444444444444444")]
    frame = lookup_twice(conn, repo, lookups)
    # the wallet lookup also caches the participant under its user (find_participant_by_wallet's docstring);
    # a user with no participant is not cached: both attempts go to the table
    assert list(frame["answered by"]) == ["table", "cache", "cache", "cache", "table", "table"]
    assert list(frame["attempt"]) == [1, 2, 1, 2, 1, 2]
    assert frame["read units"].iloc[1] == 0 and frame["read units"].iloc[0] > 0
    assert frame["value"].iloc[0] == "9999…9999"  # wallets are shortened
    assert frame["invested (SOL)"].iloc[0] == 2.5 and frame["Discord user"].iloc[0] == "733333333333333333"
    assert frame["Discord user"].iloc[4] == "not found"
