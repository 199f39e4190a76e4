"""The capacity report's pure pieces: parameter checks, prices, findings, frames, summary."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from dynamo_reports import capacity
from dynamo_reports.analytics import capacity_report as cr
from dynamo_reports.analytics.quality import Findings
from dynamo_reports.exceptions import ParameterError

GOOD = {"monthly_budget": 5, "messages_per_day": 2000, "active_users": 50, "chat_poll_seconds": 10,
        "scale_factors": [1, 10], "prices": {}, "replay_events": 0}


def test_check_parameters_converts_numbers_to_floats():
    checked = cr.check_parameters(**GOOD)
    assert checked == (5.0, 2000.0, 50.0, 10.0, [1.0, 10.0])
    assert all(isinstance(v, float) for v in checked[:4])
    assert checked.monthly_budget == 5.0


@pytest.mark.parametrize("name, value", [
    ("monthly_budget", -1), ("monthly_budget", True), ("messages_per_day", float("nan")),
    ("active_users", "50"), ("chat_poll_seconds", 0), ("scale_factors", []), ("scale_factors", [1, 0]),
    ("scale_factors", 10), ("prices", []), ("replay_events", 1.5), ("replay_events", -1), ("replay_events", False),
])
def test_check_parameters_names_the_bad_one(name, value):
    with pytest.raises(ParameterError) as caught:
        cr.check_parameters(**{**GOOD, name: value})
    assert caught.value.parameter == name


def test_zero_is_allowed_where_only_negatives_are_refused():
    assert cr.check_parameters(**{**GOOD, "monthly_budget": 0, "active_users": 0}).active_users == 0.0


def test_report_prices_of_a_known_region_and_the_fallback():
    prices, region = cr.report_prices("eu-west-3")
    assert region == "eu-west-3" and {p.region for p in prices.values()} == {"eu-west-3"}
    prices, region = cr.report_prices("mars-1")
    assert region == "us-east-1" and {p.region for p in prices.values()} == {"us-east-1"}
    assert cr.price_caption("us-east-1", "mars-1") == \
        "Price table used (region us-east-1; no prices known for mars-1, us-east-1's used)"
    assert cr.price_caption("eu-west-3", "eu-west-3") == "Price table used (region eu-west-3)"


def test_report_prices_override_applies_to_every_mode_with_that_unit():
    prices, _ = cr.report_prices("eu-west-3", {"gb_month": 0.25})
    # gb_month exists on both billing modes: both are overridden, nothing else is
    overridden = sorted(k for k, p in prices.items() if p.source == "override")
    assert overridden == ["on_demand.gb_month", "provisioned.gb_month"]
    assert prices["on_demand.gb_month"].usd == 0.25


@pytest.mark.parametrize("region", ["eu-west-3", "mars-1"])
def test_a_bad_override_is_a_prices_parameter_error_in_any_region(region):
    with pytest.raises(ParameterError) as caught:
        cr.report_prices(region, {"no_such_unit": 1.0})
    assert caught.value.parameter == "prices"
    with pytest.raises(ParameterError):
        cr.report_prices(region, {"gb_month": -1})


def test_price_regions_lists_the_price_table_regions():
    assert {"us-east-1", "eu-west-3"} <= set(capacity.price_regions())


def _inventory(logical, **fields):
    base = {"logical": logical, "near_limit": [], "ttl_expired_keys": [], "ttl_unreadable": [], "unsized": [],
            "ttl_attribute": "expiresAt", "indexes": [], "hot_keys": [], "ttl_expired": 0, "ttl_expired_bytes": 0}
    return SimpleNamespace(**{**base, **fields})


def test_inventory_findings_one_per_item_and_rule():
    findings = Findings()
    findings.describe_all(cr.FINDING_RULES)
    inventories = [
        _inventory("a", near_limit=[{"key": "k1", "bytes": 310_000}], ttl_expired_keys=["k2", "k3"]),
        _inventory("b", ttl_unreadable=[{"key": "k4", "value": "soon"}], unsized=[{"key": "k5", "error": "x"}]),
    ]
    cr.add_inventory_findings(findings, inventories, as_of=pd.Timestamp("2025-06-30T12:00Z"))
    counts = findings.counts()
    assert counts["item_over_300KB"] == 1 and counts["past_ttl_still_stored"] == 2
    assert counts["ttl_not_a_number"] == 1 and counts["item_size_unknown"] == 1 and counts["table_missing"] == 0
    frame = findings.to_frame()
    assert "310,000 bytes" in set(frame["detail"])
    assert "'expiresAt' is before 2025-06-30 12:00 UTC" in set(frame["detail"])


def test_gsi_hot_key_and_ttl_frames():
    index = SimpleNamespace(name="gsi1", projection="ALL", entries=4, entry_bytes=400, storage_bytes=800,
                            avg_entry_bytes=100.0, index_keys=2, avg_entries_per_key=2.0, max_entries_per_key=3)
    hot = [{"key": f"P{n}", "items": 10 - n, "bytes": 100} for n in range(5)]
    inventories = [_inventory("a", indexes=[index], hot_keys=hot, ttl_expired=2, ttl_expired_bytes=300, hash_keys=5),
                   _inventory("b", ttl_attribute=None, hash_keys=3,
                              hot_keys=[{"key": "Q", "items": 1, "bytes": 40}])]
    gsi = cr.gsi_frame(inventories)
    assert gsi.to_dict("records") == [{"table": "a", "index": "gsi1", "projection": "ALL", "entries": 4,
                                       "entry_bytes": 400, "storage_bytes": 800, "avg_entry_bytes": 100.0,
                                       "key_values": 2, "avg_entries_per_key": 2.0, "max_entries_per_key": 3}]
    hot_frame = cr.hot_keys_frame(inventories)
    # a: P0 holds 10 items, the most; b: its hottest key holds 1 item, so every partition holds one: blank
    assert list(hot_frame["hottest partition key"]) == ["P0", ""]
    assert hot_frame["its items"].iloc[0] == 10 and pd.isna(hot_frame["its items"].iloc[1])
    assert list(hot_frame["partition-key values"]) == [5, 3]
    ttl = cr.ttl_frame(inventories)
    assert list(ttl["TTL attribute (documented)"]) == ["expiresAt", "none"]
    assert list(ttl["items past TTL still stored"]) == [2, 0]


def test_system_costs_sum_each_systems_tables():
    tables = pd.DataFrame({"system": ["000", "001", "000"], "monthly_cost_on_demand": [1.0, 2.0, 0.5],
                           "monthly_cost_provisioned": [3.0, 4.0, 1.5], "provisioned_rcu": [1, 2, 3],
                           "provisioned_wcu": [1, 1, 1], "storage_bytes": [100, 200, 300]})
    by_system = cr.system_costs(tables, {"000": "Solana shares", "001": "Discord config"})
    row = by_system.set_index("system").loc["000"]
    # 000: 1.0 + 0.5 on demand, 3.0 + 1.5 provisioned, 1 + 3 RCU, 100 + 300 bytes
    assert (row["monthly_cost_on_demand"], row["monthly_cost_provisioned"]) == (1.5, 4.5)
    assert (row["provisioned_rcu"], row["storage_bytes"], row["title"]) == (4, 400, "Solana shares")


def test_plans_frame_counts_the_provisioned_tables_of_each_plan():
    cost = {"reads": 1.0, "writes": 2.0, "storage": 0.5, "total": 3.5}
    totals = {name: cost for name in cr.PLAN_LABELS}
    totals["plans"] = {name: {"a": "on_demand", "b": "on_demand"} for name in cr.PLAN_LABELS}
    totals["plans"]["provisioned"] = {"a": "provisioned", "b": "provisioned"}
    totals["plans"]["per_table"] = {"a": "provisioned", "b": "on_demand"}
    plans = cr.plans_frame(totals).set_index("plan")
    assert list(plans.index) == list(cr.PLAN_LABELS.values())
    assert plans.loc["everything provisioned", "provisioned tables"] == 2
    assert plans.loc["each table on its cheaper mode", "provisioned tables"] == 1
    assert plans.loc["as configured", "provisioned tables"] == 0


def test_break_even_frame_puts_the_account_first():
    frame = cr.break_even_frame({"account": 12.5, "tables": {"trades": 3.0, "leads": None}})
    assert list(frame["scope"]) == ["whole account (free tier applied)", "trades", "leads"]
    assert frame["provisioned beats on-demand from"].iloc[1] == 3.0
    found = cr.break_even_frame({"account": None, "tables": {"trades": 3.0, "leads": None}}, found_only=True)
    assert list(found["scope"]) == ["trades"]


def test_pattern_frame_names_the_index_with_the_operation():
    patterns = pd.DataFrame({"system": ["000", "002"], "table": ["a", "b"], "pattern": ["p", "q"],
                             "operation": ["Query", "PutItem"], "index": ["gsi1", None],
                             "events_per_month": [10.0, 5.0], "cache_hit_ratio": [0.5, 0.0],
                             "requests_per_month": [5.0, 5.0], "read_units_per_month": [2.5, 0.0],
                             "write_units_per_month": [0.0, 5.0], "on_demand_cost": [1.0, 2.0], "basis": ["x", "y"]})
    frame = cr.pattern_frame(patterns)
    assert list(frame["operation"]) == ["Query on gsi1", "PutItem"]
    assert list(frame.columns) == cr.PATTERN_COLUMNS and "system" not in frame


def test_recommendations_frame_groups_the_same_advice_with_each_tables_figures():
    advice = [{"kind": "billing_mode", "table": "a", "text": "a: switch (1 RCU); plan", "action": "switch; plan",
               "detail": "1 RCU"},
              {"kind": "frequent_scan", "table": "c", "text": "c: scans 48 times a day"},
              {"kind": "billing_mode", "table": "b", "text": "b: switch (2 RCU); plan", "action": "switch; plan",
               "detail": "2 RCU"},
              {"kind": "free_tier", "table": "", "text": "needs 38 RCU"}]
    frame = cr.recommendations_frame(advice)
    # 4 advice items, the two billing_mode ones sharing their action: 3 rows, in first-appearance order
    assert frame.to_dict("records") == [
        {"kind": "billing mode", "tables": "a: 1 RCU; b: 2 RCU", "count": 2, "recommendation": "switch; plan"},
        {"kind": "frequent scan", "tables": "c", "count": 1, "recommendation": "scans 48 times a day"},
        {"kind": "free tier", "tables": "", "count": 0, "recommendation": "needs 38 RCU"}]


def test_findings_frame_groups_by_rule_and_table_and_keeps_counts_exact():
    findings = Findings()
    findings.describe_all({"past_ttl": "expired", "too_big": "large", "clean": "nothing"})
    findings.extend("past_ttl", [f"K{n:02d}" for n in range(12)], "ttl before as-of", table="reports")
    findings.add("too_big", "B1", "310 KB", table="t")
    findings.add("too_big", "B2", "320 KB", table="t")
    frame = cr.findings_frame(findings).set_index("rule")
    # 12 keys > LISTED_KEYS (10): the first 5, "… 6 more …" (12 - 5 - 1), the last
    row = frame.loc["past_ttl"]
    assert (row["items"], row["what is wrong"]) == (12, "ttl before as-of")
    assert row["keys"] == "K00, K01, K02, K03, K04, … 6 more …, K11"
    # details differ: each key carries its own
    assert frame.loc["too_big", "keys"] == "B1 (310 KB), B2 (320 KB)" and frame.loc["too_big", "what is wrong"] == ""
    assert frame.loc["clean", "items"] == 0
    assert frame["items"].sum() == findings.total == 14


def test_capacity_summary():
    tables = pd.DataFrame([{"table": "trades", "system": "002", "items": 4, "storage_bytes": 1400,
                            "monthly_cost_on_demand": 0.25, "monthly_cost_provisioned": 1.5, "provisioned_rcu": 1,
                            "provisioned_wcu": 1, "configured_mode": "PAY_PER_REQUEST",
                            "cheapest_mode": "on_demand"}])
    inventories = {"trades": SimpleNamespace(item_bytes=1000, avg_item_bytes=250.0)}
    totals = {"total_monthly_cost": 0.25, "cheapest_total_monthly_cost": 0.2, "cheapest_plan": "per_table",
              "within_budget": True, "free_tier": {"fits": False}}
    prices = {"a": SimpleNamespace(as_of="2024-01-01"), "b": SimpleNamespace(as_of="2025-03-01")}
    by_system = pd.DataFrame([{"system": "002", "monthly_cost_on_demand": 0.25, "monthly_cost_provisioned": 1.5}])
    sens = pd.DataFrame([{"vary": "scale", "value": 10.0, "on_demand": 2.5, "provisioned": 1.5, "cheapest": 1.5}])
    summary = cr.capacity_summary(
        tables=tables, inventories=inventories, physical_names={"trades": "dev-trades"}, totals=totals,
        monthly_budget=5.0, cache_savings={}, advice=[{"kind": "k", "table": "trades", "text": "t", "extra": 1}],
        by_system=by_system, sensitivity=sens, break_even={"account": None}, prices=prices, price_region="eu-west-3",
        overrides={"gb_month": 0.3, "rcu_hour": 0.1}, all_tables=["trades", "leads"])
    assert summary["tables"]["trades"] == {
        "items": 4, "bytes": 1000, "storage_bytes": 1400, "avg_item_bytes": 250.0, "monthly_cost_on_demand": 0.25,
        "monthly_cost_provisioned": 1.5, "provisioned_rcu": 1, "provisioned_wcu": 1,
        "configured_mode": "PAY_PER_REQUEST", "cheapest_mode": "on_demand", "physical_name": "dev-trades",
        "system": "002"}
    assert summary["within_budget"] is True and summary["free_tier_fit"] is False
    assert summary["recommendations"] == [{"kind": "k", "table": "trades", "text": "t"}]
    assert summary["prices"] == {"region": "eu-west-3", "as_of": "2025-03-01", "overrides": ["gb_month", "rcu_hour"]}
    assert summary["missing_tables"] == ["leads"]
    assert summary["sensitivity"] == [{"vary": "scale", "value": 10.0, "on_demand": 2.5, "provisioned": 1.5,
                                       "cheapest": 1.5}]
