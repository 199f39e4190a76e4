"""Capacity model (issue 6) on hand-sized items and hand-computed traffic; every figure worked out by hand.

The sizing / unit rules themselves (strings, numbers, maps, Query vs BatchGet rounding...) are
tested in tests/test_capacity.py; here: what the model builds on top of them.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pandas as pd
import pytest

from dynamo_reports import capacity
from dynamo_reports.analytics import capacity_model as cm
from dynamo_reports.systems.base import IndexSpec, TableSpec

AS_OF = pd.Timestamp("2025-06-30T18:00:00Z")  # epoch 1751306400 s
US_EAST_1 = capacity.price_table("us-east-1")

SPEC = TableSpec(
    logical="trades", system="002", description="hand-made", hash_key="pk", range_key="sk",
    indexes=(IndexSpec("g_all", "gpk", "gsk", "ALL"),
             IndexSpec("g_keys", "gpk", None, "KEYS_ONLY"),
             IndexSpec("g_incl", "gpk", None, "INCLUDE", ("note",))),
    ttl_attribute="ttl",
)

# Sizes (attribute name bytes + value bytes):
#   i1: pk "A" 2+1=3, sk "1" 2+1=3, gpk "X" 3+1=4, note "hello" 4+5=9, ttl 100 -> 3 + (1 significant digit:
#       ceil(1/2)+1 = 2) = 5                                                        -> 24 bytes
#   i2: pk 3, sk "2" 3, gpk 4, gsk "s" 3+1=4                                         -> 14 bytes
#   i3: pk "B" 3, sk 3, ttl 2000000000 -> 3 + 2 = 5                                  -> 11 bytes
I1 = {"pk": "A", "sk": "1", "gpk": "X", "note": "hello", "ttl": Decimal(100)}
I2 = {"pk": "A", "sk": "2", "gpk": "X", "gsk": "s"}
I3 = {"pk": "B", "sk": "1", "ttl": Decimal(2_000_000_000)}


@pytest.fixture(scope="module")
def inventory():
    return cm.table_inventory(SPEC, [I1, I2, I3], as_of=AS_OF, near_limit_bytes=20)


def test_inventory_sizes_and_storage(inventory):
    assert inventory.items == 3
    assert inventory.item_bytes == 24 + 14 + 11 == 49
    assert inventory.storage_bytes == 49 + 3 * 100
    assert inventory.avg_item_bytes == pytest.approx(49 / 3)
    assert inventory.max_item_bytes == 24
    # p95 of [11, 14, 24], linear: position 0.95 * 2 = 1.9 -> 14 + 0.9 * (24 - 14) = 23
    assert inventory.p95_item_bytes == pytest.approx(23.0)
    # only i1 (24 bytes) is above the 20-byte threshold used here
    assert inventory.near_limit == [{"key": "A / 1", "bytes": 24}]


def test_inventory_partitions(inventory):
    # A holds i1 + i2 (24 + 14 = 38 bytes), B holds i3
    assert inventory.hash_keys == 2
    assert inventory.avg_items_per_key == 1.5
    assert inventory.hot_keys == [{"key": "A", "items": 2, "bytes": 38}, {"key": "B", "items": 1, "bytes": 11}]


def test_gsi_entries_and_sizes_follow_the_projection(inventory):
    g_all, g_keys, g_incl = inventory.indexes
    # ALL, keys gpk + gsk: only i2 carries both; the entry is the whole item (14 bytes)
    assert (g_all.entries, g_all.entry_bytes, g_all.storage_bytes) == (1, 14, 114)
    # KEYS_ONLY, key gpk: i1 and i2; table key pk+sk (6) + gpk (4) = 10 each
    assert (g_keys.entries, g_keys.entry_bytes, g_keys.storage_bytes) == (2, 20, 220)
    assert (g_keys.index_keys, g_keys.avg_entries_per_key, g_keys.max_entries_per_key) == (1, 2.0, 2)
    # INCLUDE note: i1 10 + note 9 = 19, i2 10 (no note) -> 29
    assert (g_incl.entries, g_incl.entry_bytes, g_incl.storage_bytes) == (2, 29, 229)
    assert inventory.total_storage_bytes == 349 + 114 + 220 + 229


def test_ttl_expired_counted_at_as_of(inventory):
    # as_of = 1751306400: i1's ttl 100 is past (still stored), i3's 2000000000 (2033) is not, i2 has none
    assert inventory.ttl_expired == 1
    assert inventory.ttl_expired_bytes == 24
    assert inventory.ttl_unreadable == []


def test_ttl_that_is_not_a_number_is_listed_not_counted():
    inv = cm.table_inventory(SPEC, [{"pk": "C", "sk": "1", "ttl": "soon"}], as_of=AS_OF)
    assert inv.ttl_expired == 0
    assert inv.ttl_unreadable == [{"key": "C / 1", "value": "soon"}]


def test_empty_table():
    inv = cm.table_inventory(SPEC, [], as_of=AS_OF)
    assert (inv.items, inv.item_bytes, inv.storage_bytes, inv.avg_item_bytes, inv.p95_item_bytes) == (0, 0, 0, 0, 0)
    assert all(i.entries == 0 for i in inv.indexes)


# -- the cost model on a hand-computed case ---------------------------------------------------------

ONE = TableSpec(logical="members", system="004", description="one table", hash_key="id")
# {"id": "A", "data": 1529 x "x"}: 2 + 1 + 4 + 1529 = 1536 bytes = 1.5 KB
ITEM_1_5_KB = {"id": "A", "data": "x" * 1529}


def test_one_get_item_pattern_priced_by_hand():
    inv = cm.table_inventory(ONE, [ITEM_1_5_KB], as_of=AS_OF)
    assert inv.avg_item_bytes == 1536
    # 1,000,000 GetItem a month, eventually consistent: 1536 B -> one 4 KB unit, halved = 0.5 RRU each
    pattern = cm.AccessPattern("004", "members", "lookup", "GetItem", per_day=1_000_000 / cm.DAYS_PER_MONTH)
    frame = cm.pattern_costs([pattern], {"members": inv}, US_EAST_1)
    row = frame.iloc[0]
    assert row["requests_per_month"] == pytest.approx(1_000_000)
    assert row["read_units_per_request"] == 0.5
    assert row["read_units_per_month"] == pytest.approx(500_000)
    # 500,000 RRU x $0.125 per million = $0.0625
    assert row["on_demand_cost"] == pytest.approx(0.0625)

    tables = cm.table_costs(frame, {"members": inv}, US_EAST_1, peak_factor=2.0)
    t = tables.iloc[0]
    # storage 1536 + 100 = 1636 bytes at $0.25 per GB-month (1 GB = 1024**3 B), no free tier per table
    storage = 1636 / 1024**3 * 0.25
    assert t["monthly_cost_on_demand"] == pytest.approx(0.0625 + storage)
    # peak: 500,000 units / (730 h x 3600 s) = 0.190 RCU/s, x 2 = 0.38 -> 1 RCU; no writes -> the minimum 1 WCU
    assert (t["provisioned_rcu"], t["provisioned_wcu"]) == (1, 1)
    # 730 h x ($0.00013 + $0.00065) = $0.5694
    assert t["monthly_cost_provisioned"] == pytest.approx(730 * (0.00013 + 0.00065) + storage)
    assert t["cheapest_mode"] == "on_demand"

    totals = cm.account_totals(tables, US_EAST_1, monthly_budget=0.05)
    # configured on-demand: $0.0625 (1636 B are inside the free 25 GB); over a $0.05 budget
    assert totals["total_monthly_cost"] == pytest.approx(0.0625)
    assert totals["within_budget"] is False
    # 1 RCU + 1 WCU fit in the free 25 / 25: provisioned costs $0 for the account
    assert totals["provisioned"]["total"] == 0
    assert totals["cheapest_total_monthly_cost"] == 0
    assert totals["cheapest_modes"] == {"members": "provisioned"}
    assert totals["free_tier"]["fits"] is True
    kinds = {r["kind"] for r in cm.recommendations(frame, tables, totals, {"members": inv})}
    assert {"billing_mode", "over_budget", "dominant_pattern"} <= kinds


def test_cache_hit_ratio_removes_requests():
    inv = cm.table_inventory(ONE, [ITEM_1_5_KB], as_of=AS_OF)
    pattern = cm.AccessPattern("004", "members", "lookup", "GetItem", per_day=1000 / cm.DAYS_PER_MONTH,
                               cache_hit_ratio=0.75)
    row = cm.pattern_costs([pattern], {"members": inv}, US_EAST_1).iloc[0]
    # 1000 events, 3 in 4 answered by the cache: 250 requests x 0.5 RRU = 125 RRU
    assert row["requests_per_month"] == pytest.approx(250)
    assert row["requests_without_cache_per_month"] == pytest.approx(1000)
    assert row["read_units_per_month"] == pytest.approx(125)


def test_query_sums_the_partition_then_rounds():
    spec = TableSpec(logical="messages", system="003", description="", hash_key="c", range_key="m")
    # 3 items in partition "a", 1 in "b": 2 items per key on average. Each item:
    # c "a" 1+1=2, m "i" 1+1=2, t 1 + 3000 = 3001 -> 3005 bytes.
    items = [{"c": p, "m": str(i), "t": "x" * 3000} for p, i in (("a", 1), ("a", 2), ("a", 3), ("b", 1))]
    inv = cm.table_inventory(spec, items)
    assert inv.avg_item_bytes == 3005 and inv.avg_items_per_key == 2
    query = cm.AccessPattern("003", "messages", "poll", "Query", per_day=1)
    # 2 x 3005 = 6010 bytes -> ceil(6010 / 4096) = 2 units, eventually consistent 1.0
    assert cm.pattern_units(query, inv)["read_units"] == 1.0
    scan = cm.AccessPattern("003", "messages", "all", "Scan", per_day=1)
    # 4 x 3005 = 12020 bytes -> 3 units, halved 1.5
    assert cm.pattern_units(scan, inv)["read_units"] == 1.5


def test_writes_pay_each_gsi_the_items_are_in():
    spec = TableSpec(logical="trades", system="002", description="", hash_key="pk",
                     indexes=(IndexSpec("g", "gpk", None, "ALL"),))
    # pk "A" (2+1) + gpk "G" (3+1) + d (1+493) = 501 bytes; pk "B" (3) + d (1+497) = 501 bytes.
    # One of the two carries the index key: share 1/2.
    items = [{"pk": "A", "gpk": "G", "d": "x" * 493}, {"pk": "B", "d": "x" * 497}]
    inv = cm.table_inventory(spec, items)
    assert inv.avg_item_bytes == 501
    put = cm.AccessPattern("002", "trades", "put", "PutItem", per_day=1)
    # table: ceil(501 / 1024) = 1; index: 1/2 x 1 = 0.5 -> 1.5 WRU
    units = cm.pattern_units(put, inv)
    assert units["write_units"] + sum(units["index_writes"].values()) == 1.5
    moved = cm.AccessPattern("002", "trades", "move", "UpdateItem", per_day=1, index_key_change=True)
    # key change: delete + put in the index, 1/2 x 2 = 1 -> 2 WRU
    units = cm.pattern_units(moved, inv)
    assert units["write_units"] + sum(units["index_writes"].values()) == 2.0
    tx = cm.AccessPattern("002", "trades", "tx", "TransactWriteItems", per_day=1, items_per_request=2)
    # 2 items x (1 + 0.5) = 3, transactional doubles -> 6 WRU
    units = cm.pattern_units(tx, inv)
    assert units["write_units"] + sum(units["index_writes"].values()) == 6.0


def test_traffic_model_scales_volumes_not_intervals():
    m = cm.TrafficModel(messages_per_day=2000, active_users=50, chat_poll_seconds=10)
    big = m.scaled(10)
    assert (big.messages_per_day, big.active_users, big.chat_poll_seconds) == (20000, 500, 10)
    with pytest.raises(ValueError):
        cm.TrafficModel(chat_poll_seconds=0)


def test_chat_polling_from_the_document():
    # 50 users x 8 h x 3600 s / 10 s = 144,000 polls a day of each chat query
    patterns = {p.name: p for p in cm.access_patterns(cm.TrafficModel(active_users=50, chat_poll_seconds=10,
                                                                      active_hours_per_day=8))}
    assert patterns["chat poll: my conversations"].per_day == 144_000
    assert patterns["onMessageCreate: channel config"].cache_hit_ratio == 1.0
    overridden = cm.access_patterns(cm.TrafficModel(), {"000 global stats (30 s cache, then GetItem)": 0.9})
    assert [p.cache_hit_ratio for p in overridden if p.name.startswith("global stats")] == [0.9]
    with pytest.raises(ValueError):
        cm.access_patterns(cm.TrafficModel(), {"no such pattern": 0.5})



def test_break_even_of_one_table_worked_out_by_hand():
    # Only the 004 members table: its one pattern is "member lookup", a GetItem of the 1.5 KB item
    # (0.5 RRU, eventually consistent), member_lookups_per_day = 100 at scale 1.
    # Per month at scale s: 100 s x 730/24 days x 0.5 = 1520.83 s RRU; on-demand $0.125 per million
    # -> $0.00019010 s. Provisioned: RCU = ceil(2 x 1520.83 s / (730 h x 3600 s)), WCU 1 (no writes),
    # 730 h x ($0.00013 RCU + $0.00065 WCU). Storage costs the same on both modes (0.25 $/GB), so:
    #   grid i=38, s = 0.1 x 10^(5 x 38/40) = 5623.4: on-demand $1.0690; 6.51 -> 7 RCU -> $1.1388: not yet
    #   grid i=39, s = 0.1 x 10^4.875   = 7498.9: on-demand $1.4256; 8.68 -> 9 RCU -> $1.3286: break-even
    # The account: 9 RCU + 1 WCU fit in the free 25 / 25, so provisioned costs $0 from the first grid point.
    inv = cm.table_inventory(ONE, [ITEM_1_5_KB], as_of=AS_OF)
    found = cm.break_even_scale(cm.TrafficModel(), {"members": inv}, US_EAST_1)
    assert found["tables"]["members"] == pytest.approx(0.1 * 10 ** 4.875)
    assert found["account"] == pytest.approx(0.1)
    assert found["grid"] == (0.1, 10_000.0, 41)


@pytest.fixture(scope="module")
def demo_inventories():
    from dynamo_reports.demo.dataset import build_demo_dataset
    from dynamo_reports.systems import ALL_TABLES

    data = build_demo_dataset()
    return {spec.logical: cm.table_inventory(spec, data[spec.logical], as_of=AS_OF) for spec in ALL_TABLES}


def test_sweeps_sum_as_pandas_sums(demo_inventories):
    # The sums of units and costs are numpy's (pairwise), as a pandas column's .sum() gives them, not
    # Python's left-to-right sum: the report's figures must not move in the last digit. The oracle here
    # is pandas itself on the pattern frame. (This model, 70 users polling every 3 s, 001 half cached,
    # is one where a left-to-right sum is 1 ulp off at the 5 s poll point.)
    model = cm.TrafficModel(active_users=70, chat_poll_seconds=3)
    ratios = {"001 onMessageCreate: channel config": 0.5}
    sens = cm.sensitivity(model, demo_inventories, US_EAST_1, scale_factors=[3, 300], poll_seconds=[5],
                          cache_hit_ratios=ratios)
    points = [model.scaled(3), model.scaled(300), replace(model, chat_poll_seconds=5.0)]
    rru_price = US_EAST_1["on_demand.read_request_unit"].usd
    wru_price = US_EAST_1["on_demand.write_request_unit"].usd
    for row, m in zip(sens.itertuples(), points, strict=True):
        result = cm.cost_model(m, demo_inventories, US_EAST_1, cache_hit_ratios=ratios)
        patterns, tables, totals = result["patterns"], result["tables"], result["totals"]
        for t in tables.itertuples():
            mine = patterns[patterns["table"] == t.table]
            assert t.read_units_per_month == float(mine["read_units_per_month"].sum())
            assert t.write_units_per_month == float(mine["write_units_per_month"].sum())
        # all on-demand, no free request units: reads = the month's read units x the unit price
        on_demand = totals["on_demand"]
        assert on_demand["reads"] == float(tables["read_units_per_month"].sum()) * rru_price
        assert on_demand["writes"] == float(tables["write_units_per_month"].sum()) * wru_price
        # and the sweep's point is that model's month
        assert (row.on_demand, row.provisioned, row.configured, row.cheapest) == (
            on_demand["total"], totals["provisioned"]["total"], totals["configured"]["total"],
            totals["cheapest_total_monthly_cost"])
    # the break-even factor of each table is the first grid point where provisioned <= on-demand
    found = cm.break_even_scale(model, demo_inventories, US_EAST_1, cache_hit_ratios=ratios, steps=9)
    expected: dict = {t: None for t in demo_inventories}
    for i in range(9):
        factor = 0.1 * (10_000.0 / 0.1) ** (i / 8)
        tables = cm.cost_model(model.scaled(factor), demo_inventories, US_EAST_1, cache_hit_ratios=ratios)["tables"]
        for t in tables.itertuples():
            if expected[t.table] is None and t.monthly_cost_provisioned <= t.monthly_cost_on_demand:
                expected[t.table] = factor
    assert found["tables"] == expected
    assert any(v is not None for v in expected.values()) and any(v is None for v in expected.values())

# -- the cache replay driver -------------------------------------------------------------------------

class FakeRepository:
    """Remembers what it looked up; counts a 'request' per miss, and one per warm-up."""

    def __init__(self, log):
        self.log = log
        self.seen = set()

    def warm_up(self):
        self.log.append("scan")
        self.seen.update({"a", "b"})

    def find(self, key):
        if key not in self.seen:
            self.log.append(key)
            self.seen.add(key)


def test_replay_caches_off_is_one_request_per_lookup_and_on_is_the_warm_up():
    events = [(0.0, "k", "a"), (1.0, "k", "b"), (2.0, "k", "a"), (3.0, "k", "a")]
    off, on, lazy = [], [], []
    cm.replay_lookups(events, lambda clock: FakeRepository(off), lambda r, kind, key: r.find(key), cached=False)
    cm.replay_lookups(events, lambda clock: FakeRepository(on), lambda r, kind, key: r.find(key), cached=True,
                      prepare=lambda r: r.warm_up())
    cm.replay_lookups(events, lambda clock: FakeRepository(lazy), lambda r, kind, key: r.find(key), cached=True)
    assert off == ["a", "b", "a", "a"]
    assert on == ["scan"]
    assert lazy == ["a", "b"]


def test_replay_plan_thins_in_proportion_and_says_by_how_much():
    events, scale = cm.replay_plan({"x": (100, ["a"]), "y": (300, ["b"])}, max_events=40)
    kinds = pd.Series([k for _, k, _ in events]).value_counts().to_dict()
    assert kinds == {"x": 10, "y": 30} and scale == 10
    assert [t for t, _, _ in events] == sorted(t for t, _, _ in events)
    events, scale = cm.replay_plan({"x": (5, ["a"])}, max_events=40)
    assert len(events) == 5 and scale == 1


def test_replay_counts_requests_per_kind():
    log = []
    result = cm.replay_lookups([(0.0, "k", "a"), (1.0, "j", "c"), (2.0, "k", "a")],
                               lambda clock: FakeRepository(log), lambda r, kind, key: r.find(key), cached=True,
                               prepare=lambda r: r.warm_up(), requests_so_far=lambda: len(log))
    # warm-up: 1 scan (a and b cached); "a" is a hit twice, "c" a miss once
    assert result["prepare_requests"] == 1
    assert result["lookups"] == {"k": 2, "j": 1}
    assert result["requests"] == {"k": 0, "j": 1}
