"""Link-distribution analytics on small hand-made frames; every expected number is worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from dynamo_reports.analytics import distributions as dist
from dynamo_reports.analytics.quality import Findings
from dynamo_reports.exceptions import ParameterError
from dynamo_reports.systems.flavaflav import distributions_frame, inventory_frame, lists_frame, members_frame

AS_OF = pd.Timestamp("2025-06-30T18:00:00Z")


def _members():
    return members_frame([
        {"discord_id": "A", "username": "ann", "joined_at": "2025-01-01T00:00:00Z", "active": True},
        {"discord_id": "B", "username": "bob", "joined_at": "2025-01-02T00:00:00Z", "active": True},
        {"discord_id": "C", "username": "cy", "joined_at": "2025-01-03T00:00:00Z", "active": True},
        {"discord_id": "D", "username": "dee", "joined_at": "2025-01-04T00:00:00Z", "active": True},
        {"discord_id": "E", "username": "eve", "joined_at": "2025-01-05T00:00:00Z", "active": False},
    ])


def _dist(i, member, link, at, quality="gold", list_id="L1"):
    return {"distribution_id": f"d{i}", "member_id": member, "link_id": link, "quality": quality,
            "link_type": "Max HP", "distributed_at": at, "distribution_date": at[:10], "list_id": list_id}


def _history():
    # C gets 1 link, D gets 3, X (not a member) gets 1; A, B (active) and E (inactive) get none
    return distributions_frame([
        _dist(1, "C", "gold_Max_HP_1", "2025-06-07T20:01:00Z"),
        _dist(2, "D", "gold_Max_HP_2", "2025-06-07T20:02:00Z"),
        _dist(3, "D", "gold_Max_HP_3", "2025-06-14T20:01:00Z", quality="silver"),
        _dist(4, "D", "gold_Max_HP_9", "2025-06-14T20:02:00Z"),   # link 9 is not in the inventory
        _dist(5, "X", "gold_Max_HP_1", "2025-06-21T20:00:00Z"),   # member X is not in the members table
        _dist(6, "C", "gold_Max_HP_5", "not a time"),
    ])


def _inventory():
    def link(link_id, availability, quality="gold", link_type="Max HP"):
        return {"link_id": link_id, "quality": quality, "link_type": link_type, "availability": availability,
                "added_at": "2025-01-01T00:00:00Z"}

    return inventory_frame([
        link("gold_Max_HP_1", "distributed"), link("gold_Max_HP_2", "distributed"),
        link("gold_Max_HP_3", "available"),                     # given away in d3: available_but_distributed
        link("gold_Max_HP_4", "available"), link("gold_Max_HP_5", "distributed"),
        link("silver_Move Speed_7", "available", "silver", "Move Speed"),   # legacy id with a space
        link("bronze_Attack-Speed_8", "available", "bronze", "Attack-Speed"),  # legacy id with a '-'
    ])


# -- fairness -------------------------------------------------------------------------------------

def test_gini_worked_by_hand():
    # [0, 0, 1, 3]: n = 4, mean 1. Unordered |x_i - x_j|: (0,0)=0, (0,1)x2=2, (0,3)x2=6, (1,3)=2 -> 10,
    # ordered pairs 20; G = 20 / (2 * 4^2 * 1) = 0.625
    assert dist.gini([0, 0, 1, 3]) == pytest.approx(0.625)
    assert dist.gini([3, 0, 1, 0]) == pytest.approx(0.625)     # order does not matter
    assert dist.gini([2, 2, 2]) == pytest.approx(0.0)           # everyone the same
    # [0, 0, 0, 4]: ordered pairs |0-4| six times = 24, / (2 * 16 * 1) = 0.75 = (n-1)/n
    assert dist.gini([0, 0, 0, 4]) == pytest.approx(0.75)
    assert dist.gini([]) is None and dist.gini([0, 0]) is None


def test_top_share_worked_by_hand():
    # 3 + 1 of 4 links for the top 2; the top 1 holds 3 of 4
    assert dist.top_share([0, 0, 1, 3], 2) == pytest.approx(1.0)
    assert dist.top_share([0, 0, 1, 3], 1) == pytest.approx(0.75)
    assert dist.top_share([5, 1, 1, 1, 2], 2) == pytest.approx(7 / 10)
    assert dist.top_share([0, 0], 1) is None


def test_fairness_population_is_active_members_plus_recipients():
    history = _history()
    window = history[history["distributed_at"] < pd.Timestamp("2025-06-15T00:00:00Z")]   # d1..d4
    per_member = dist.links_per_member(window, _members())
    # window: C 1, D 3; A, B active with 0; E inactive with 0 -> out of the population
    counts = dist.window_counts(per_member)
    assert sorted(counts.tolist()) == [0, 0, 1, 3]
    assert set(counts.index) == {"A", "B", "C", "D"}
    fair = dist.fairness(counts, 1)
    assert fair == {"members": 4, "links": 4, "gini": pytest.approx(0.625), "top_n": 1,
                    "top_share": pytest.approx(0.75)}


def test_links_per_member_lists_everyone_and_unknown_ids():
    per_member = dist.links_per_member(_history(), _members())
    rows = {r.member_id: r for r in per_member.itertuples()}
    # D: d2, d3, d4 = 3; C: d1, d6 = 2; X: d5 = 1 (unknown); A, B, E: 0
    assert {k: r.links for k, r in rows.items()} == {"D": 3, "C": 2, "X": 1, "A": 0, "B": 0, "E": 0}
    assert list(per_member["member_id"][:3]) == ["D", "C", "X"]
    assert not rows["X"].known and rows["D"].known
    assert rows["D"].last_received == pd.Timestamp("2025-06-14T20:02:00Z")


def test_members_never_served_are_active_members_without_any_distribution():
    never = dist.members_never_served(_members(), _history())
    # A and B are active with no distribution; E has none either but is inactive
    assert list(never["member_id"]) == ["A", "B"]
    assert dist.members_never_served(_members(), distributions_frame([]))["member_id"].tolist() == ["A", "B", "C", "D"]


def test_headline():
    history = _history()
    members = _members()
    never = dist.members_never_served(members, history)
    fair = dist.fairness(dist.window_counts(dist.links_per_member(history, members)), 10)
    numbers = dist.headline(_inventory(), history, never, fair)
    # inventory: available 3, 4, 7, 8 = 4; distributed 1, 2, 5 = 3; 6 distributions to C, D, X = 3 members
    assert {k: numbers[k] for k in ("links_available", "links_distributed", "distributions", "members_served",
                                    "members_never_served")} == {
        "links_available": 4, "links_distributed": 3, "distributions": 6, "members_served": 3,
        "members_never_served": 2}
    # population A 0, B 0, C 2, D 3, X 1 -> sorted [0, 0, 1, 2, 3], total 6:
    # G = 2 (3*1 + 4*2 + 5*3) / (5 * 6) - 6/5 = 52/30 - 36/30 = 16/30
    assert numbers["gini"] == pytest.approx(16 / 30)


# -- inventory and time -----------------------------------------------------------------------------

def test_inventory_by_quality_and_type():
    by_quality = dist.inventory_by(_inventory(), "quality")
    assert by_quality.to_dict("records") == [
        {"quality": "gold", "available": 2, "distributed": 3, "total": 5},
        {"quality": "bronze", "available": 1, "distributed": 0, "total": 1},
        {"quality": "silver", "available": 1, "distributed": 0, "total": 1},
    ]
    by_type = dist.inventory_by(_inventory(), "link_type")
    assert by_type.iloc[0].to_dict() == {"link_type": "Max HP", "available": 2, "distributed": 3, "total": 5}
    assert list(dist.inventory_by(inventory_frame([]), "quality").columns) == ["quality", "available",
                                                                               "distributed", "total"]


def test_distributions_per_week_and_day():
    history = _history()
    lo, hi = pd.Timestamp("2025-06-02T00:00:00Z"), pd.Timestamp("2025-06-30T00:00:00Z")
    weekly = dist.distributions_per_period(history, freq="W", lo=lo, hi=hi)
    # weeks (Mondays) 06-02 .. 06-23; 06-07 (Sat) -> week 06-02: gold 2; 06-14 -> week 06-09: gold 1, silver 1;
    # 06-21 -> week 06-16: gold 1; the unreadable d6 is left out
    assert [d.date().isoformat() for d in weekly.index] == ["2025-06-02", "2025-06-09", "2025-06-16", "2025-06-23"]
    assert weekly["gold"].tolist() == [2, 1, 1, 0] and weekly["silver"].tolist() == [0, 1, 0, 0]
    daily = dist.distributions_per_period(history, freq="D", lo=lo, hi=hi)
    assert len(daily) == 28 and daily.loc["2025-06-07", "gold"] == 2 and int(daily.to_numpy().sum()) == 5
    empty = dist.distributions_per_period(distributions_frame([]), freq="W", lo=lo, hi=hi)
    assert len(empty) == 4 and empty.shape[1] == 0
    with pytest.raises(ParameterError):
        dist.distributions_per_period(history, freq="M")


def test_active_lists_eligible_members():
    lists = lists_frame([
        {"list_id": "L1", "name": "Gold core", "quality": "gold", "active": "true", "member_ids": {"A", "C", "E", "Z"},
         "created_at": "2025-01-01T00:00:00Z"},
        {"list_id": "L2", "name": "Bronze", "quality": "bronze", "active": "true",
         "created_at": "2025-01-01T00:00:00Z"},
    ])
    table = dist.active_lists(lists, _members(), _history())
    # L1: A, C active -> 2 eligible; E inactive; Z unknown; 6 distributions made from L1; L2: no member set
    assert table.to_dict("records") == [
        {"list_id": "L2", "name": "Bronze", "quality": "bronze", "members": 0, "eligible": 0, "inactive": 0,
         "unknown": 0, "distributions": 0},
        {"list_id": "L1", "name": "Gold core", "quality": "gold", "members": 4, "eligible": 2, "inactive": 1,
         "unknown": 1, "distributions": 6},
    ]


# -- data quality -----------------------------------------------------------------------------------

def test_data_quality_rules():
    findings = Findings()
    dist.describe_rules(findings)
    inventory, history, members = _inventory(), _history(), _members()
    dist.check_link_ids(inventory, findings)
    dist.check_distributions(history, inventory, members, findings)
    dist.check_availability(inventory, history, findings)
    rows = findings.to_frame()
    by_rule = {rule: sorted(rows[rows["rule"] == rule]["key"]) for rule in dist.RULES}
    assert by_rule == {
        "unsanitized_link_id": ["bronze_Attack-Speed_8", "silver_Move Speed_7"],
        "distribution_missing_link": ["d4"],
        "distribution_missing_member": ["d5"],
        "available_but_distributed": ["gold_Max_HP_3"],
        "unreadable_timestamp": ["d6"],
        "wrong_type": [], "out_of_range": [], "unknown_value": [],
    }
    detail = rows[rows["key"] == "silver_Move Speed_7"]["detail"].iloc[0]
    assert "silver_Move_Speed_7" in detail
    assert "d3" in rows[rows["rule"] == "available_but_distributed"]["detail"].iloc[0]


def test_check_report_parameters():
    dist.check_report_parameters(top_n=3)
    for bad in (0, -1, 2.5, True, "10"):
        with pytest.raises(ParameterError):
            dist.check_report_parameters(top_n=bad)


def test_item_attributes_that_were_silently_valid():
    # Issue 11, item 12, worked by hand: members M2 (active "yes") and M3 (active N 1) are
    # wrong_type, M1 (active true) is fine; inventory "gold_X_1" has added_at "never" (the codec
    # leaves NaT and lists it) -> unreadable_timestamp; distribution "d1" has distribution_date
    # "2025-13-45" -> out_of_range; list "L1" has member_ids as a String -> wrong_type and list
    # "L2" has active "maybe" -> unknown_value. Six findings, one per planted item.
    findings = Findings()
    dist.describe_rules(findings)
    members = members_frame([
        {"discord_id": "M1", "username": "a", "joined_at": "2025-01-01T00:00:00Z", "active": True},
        {"discord_id": "M2", "username": "b", "joined_at": "2025-01-01T00:00:00Z", "active": "yes"},
        {"discord_id": "M3", "username": "c", "joined_at": "2025-01-01T00:00:00Z", "active": Decimal(1)},
    ])
    inventory = inventory_frame([{"link_id": "gold_X_1", "quality": "gold", "link_type": "X",
                                  "availability": "available", "added_at": "never"}])
    history = distributions_frame([{"distribution_id": "d1", "member_id": "M1", "link_id": "gold_X_1",
                                     "quality": "gold", "link_type": "X", "distributed_at": "2025-02-01T00:00:00Z",
                                     "distribution_date": "2025-13-45", "list_id": "L1"}])
    lists = lists_frame([
        {"list_id": "L1", "name": "n", "quality": "gold", "active": "true", "member_ids": "M1,M2",
         "created_at": "2025-01-01T00:00:00Z"},
        {"list_id": "L2", "name": "n", "quality": "gold", "active": "maybe", "member_ids": {"M1"},
         "created_at": "2025-01-01T00:00:00Z"},
    ])
    flagged = dist.check_item_attributes(findings, members=members, inventory=inventory, distributions=history,
                                         lists=lists)
    rows = findings.to_frame()
    assert sorted(zip(rows["rule"], rows["table"], rows["key"], strict=True)) == [
        ("out_of_range", "distributions", "d1"),
        ("unknown_value", "lists", "L2"),
        ("unreadable_timestamp", "inventory", "gold_X_1"),
        ("wrong_type", "lists", "L1"),
        ("wrong_type", "members", "M2"),
        ("wrong_type", "members", "M3"),
    ]
    assert all(name in detail for name, detail in zip(
        ["distribution_date", "active", "added_at", "member_ids", "active", "active"], rows.sort_values(
            ["rule", "table", "key"])["detail"], strict=True))
    assert {t: len(v) for t, v in flagged.items()} == {"members": 2, "inventory": 1, "distributions": 1, "lists": 2}
    # "yes" and N 1 are not active: M2 and M3 are not "never served" although they received nothing
    assert dist.members_never_served(members, history.iloc[0:0])["member_id"].tolist() == ["M1"]
