"""004 Flavaflav: FlavaflavRepository over HTTP against the embedded DynamoDB (moto server),
and the document's link-id sanitization.

Moto keeps its tables per process: every test uses its own ids, qualities, link types and year
``Y``, so the shared index partitions (``available``, ``"true"``, a date) hold only this test's
items where it looks.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dynamo_reports.exceptions import ParameterError
from dynamo_reports.systems import flavaflav
from dynamo_reports.systems.flavaflav import (
    DISTRIBUTIONS,
    INVENTORY,
    LISTS,
    MEMBERS,
    FlavaflavRepository,
    distribution_item,
    inventory_item,
    is_sanitized_link_id,
    list_item,
    member_item,
    sanitize_link_id,
)
from shared import ops, unique_id, write


@pytest.fixture
def repo(conn):
    return FlavaflavRepository(conn)


def uid(prefix: str = "") -> str:
    return unique_id(prefix, 10)


def ids(items, key):
    return sorted(i[key] for i in items)


# -- sanitization -----------------------------------------------------------------------------------

def test_sanitize_link_id_document_example():
    # the document: "gold_Melee Damage_123456" had a space; the fix replaces it
    assert sanitize_link_id("gold", "Melee Damage", "123456") == "gold_Melee_Damage_123456"
    assert sanitize_link_id("gold", "Melee Damage", 123456) == "gold_Melee_Damage_123456"


@pytest.mark.parametrize(
    "link_type, expected",
    [
        ("Attack/Defense", "Attack_Defense"),              # "/" -> "_"
        ("Anti-Air", "Anti_Air"),                          # "-" -> "_"
        ("Crit %", "Crit_pct"),                            # " " -> "_", "%" -> "pct"
        ("Crit%Chance", "CritpctChance"),                  # "%" -> "pct", nothing else
        ("Fire / Ice - 50%", "Fire___Ice___50pct"),        # each character replaced, runs not collapsed
        ("Already_Clean", "Already_Clean"),
        ("Spell\tPower", "Spell\tPower"),                  # the document's rules do not touch tabs
    ],
)
def test_sanitize_link_id_replacement_rules(link_type, expected):
    assert sanitize_link_id("gold", link_type, 7) == f"gold_{expected}_7"


@pytest.mark.parametrize(
    "args, parameter",
    [
        (("gold tier", "Melee", 1), "quality"),   # quality is not sanitized by the document: refuse
        (("", "Melee", 1), "quality"),
        (("gold", "", 1), "link_type"),
        (("gold", None, 1), "link_type"),
        (("gold", "Melee", -1), "number"),
        (("gold", "Melee", 1.5), "number"),
        (("gold", "Melee", "12-34"), "number"),
        (("gold", "Melee", True), "number"),
    ],
)
def test_sanitize_link_id_bad_arguments(args, parameter):
    with pytest.raises(ParameterError) as info:
        sanitize_link_id(*args)
    assert info.value.parameter == parameter


def test_is_sanitized_link_id():
    assert is_sanitized_link_id("gold_Melee_Damage_123456")
    assert is_sanitized_link_id(sanitize_link_id("silver", "Crit % / Anti-Air", 9))
    for legacy in ("gold_Melee Damage_123456", "gold_Attack/Defense_1", "gold_Anti-Air_1", "gold_Crit%_1"):
        assert not is_sanitized_link_id(legacy)
    assert not is_sanitized_link_id("") and not is_sanitized_link_id(None) and not is_sanitized_link_id(123)


# -- members ----------------------------------------------------------------------------------------

def test_members(conn, repo, year):
    m1 = member_item(discord_id=uid("1"), username="ann", joined_at=f"{year}-01-01T00:00:00Z")
    m2 = member_item(discord_id=uid("2"), username="bob", joined_at=f"{year}-01-02T00:00:00Z", active=False)
    write(conn, MEMBERS, m1, m2)

    mark = conn.meter.mark()
    assert repo.member(m1["discord_id"]) == m1
    assert repo.member(uid("9")) is None
    assert repo.members([m2["discord_id"], uid("9"), m1["discord_id"], m2["discord_id"]]) == [m2, m1]
    assert repo.members([]) == []
    assert ops(conn, mark) == [("GetItem", None), ("GetItem", None), ("BatchGetItem", None)]

    mark = conn.meter.mark()
    everyone = repo.all_members()
    assert m1 in everyone and m2 in everyone
    assert {op for op in ops(conn, mark)} == {("Scan", None)}
    assert flavaflav.members_frame([m1, m2])["active"].tolist() == [True, False]


# -- inventory --------------------------------------------------------------------------------------

def test_inventory_by_availability_and_type(conn, repo, year):
    # qualities and link types of this test only (the index partitions are shared)
    Q1, Q2 = uid("q"), uid("q")
    T1, T2 = "Melee Damage " + uid(), "Crit % " + uid()
    at = f"{year}-01-01T00:00:00Z"
    i1 = inventory_item(quality=Q1, link_type=T1, number=1, added_at=at)
    i2 = inventory_item(quality=Q1, link_type=T2, number=2, added_at=at, availability="distributed")
    i3 = inventory_item(quality=Q2, link_type=T1, number=3, added_at=at)
    i4 = inventory_item(quality=Q2, link_type=T1, number=4, added_at=at, availability="distributed")
    legacy = inventory_item(quality=Q1, link_type=T1, number=5, added_at=at, link_id=f"{Q1}_{T1}_5")
    write(conn, INVENTORY, i1, i2, i3, i4, legacy)
    assert i1["link_id"] == f"{Q1}_{T1.replace(' ', '_')}_1" and i1["link_type"] == T1  # type stored as given
    assert is_sanitized_link_id(i2["link_id"]) and not is_sanitized_link_id(legacy["link_id"])

    mark = conn.meter.mark()
    # available + Q1: i1 and the legacy link; i2 is distributed; i3 is Q2
    assert ids(repo.inventory_by_availability("available", Q1), "link_id") == ids([i1, legacy], "link_id")
    assert repo.inventory_by_availability("distributed", Q1) == [i2]
    assert repo.inventory_by_availability("distributed", Q2) == [i4]
    every_available = repo.inventory_by_availability("available")
    assert {i["link_id"] for i in every_available} >= {i1["link_id"], i3["link_id"], legacy["link_id"]}
    assert all(i["availability"] == "available" for i in every_available)
    assert ops(conn, mark) == [("Query", "availability-quality-index")] * 4

    mark = conn.meter.mark()
    # type T1: i1, legacy (Q1) then i3, i4 (Q2) -- sorted by quality, the index range key
    by_type = repo.inventory_by_type(T1)
    assert ids(by_type, "link_id") == ids([i1, i3, i4, legacy], "link_id")
    assert [i["quality"] for i in by_type] == sorted(i["quality"] for i in by_type)
    assert ids(repo.inventory_by_type(T1, Q2), "link_id") == ids([i3, i4], "link_id")
    assert repo.inventory_by_type(T2, Q2) == []
    assert ops(conn, mark) == [("Query", "type-quality-index")] * 3
    assert repo.inventory_item(legacy["link_id"]) == legacy


# -- distributions --------------------------------------------------------------------------------------

def test_distributions(conn, repo, year):
    Y = year
    M, M2 = uid("m"), uid("m")

    def dist(member, when):
        return distribution_item(distribution_id=uid("d-"), member_id=member, link_id=uid("gold_Melee_"),
                                 quality="gold", link_type="Melee Damage", distributed_at=when, list_id="list-1")

    d0 = dist(M, f"{Y}-02-28T23:59:59Z")
    d1 = dist(M, f"{Y}-03-01T00:00:00Z")
    d2 = dist(M2, f"{Y}-03-15T12:00:00.5Z")
    d3 = dist(M, f"{Y}-03-31T23:59:59Z")
    d4 = dist(M, f"{Y}-04-01T00:00:00Z")
    write(conn, DISTRIBUTIONS, d4, d3, d2, d1, d0)
    assert d3["distribution_date"] == f"{Y}-03-31"

    mark = conn.meter.mark()
    # member M in March: d1 (first instant), d3 (last second); d0/d4 one second/instant outside; d2 is M2
    assert repo.distributions_by_member(M, f"{Y}-03-01", f"{Y}-03-31") == [d1, d3]
    assert repo.distributions_by_member(M) == [d0, d1, d3, d4]
    assert repo.distributions_by_member(M, start=dt.date(Y, 3, 31)) == [d3, d4]
    assert ops(conn, mark) == [("Query", "member-date-index")] * 3

    mark = conn.meter.mark()
    assert repo.distributions_by_date(f"{Y}-03-31") == [d3]
    assert repo.distributions_by_date(dt.datetime(Y, 4, 1, 12, 0, tzinfo=dt.UTC)) == [d4]
    assert repo.distributions_by_date(f"{Y}-03-02") == []
    assert ops(conn, mark) == [("Query", "date-index")] * 3

    mark = conn.meter.mark()
    # every day of March, all members: d1, d2, d3 (by day, then time)
    assert repo.distributions_in_window(f"{Y}-03-01", f"{Y}-03-31") == [d1, d2, d3]
    assert ops(conn, mark) == [("Query", "date-index")] * 31  # one per day, never a Scan
    assert repo.distributions_in_window(f"{Y}-02-28", f"{Y}-03-01") == [d0, d1]
    frame = flavaflav.distributions_frame([d1, d2])
    assert str(frame["distributed_at"].dtype) == "datetime64[ns, UTC]"


# -- lists --------------------------------------------------------------------------------------------

def test_lists_by_active(conn, repo, year):
    Q, Q3 = uid("q"), uid("q")
    at = f"{year}-01-01T00:00:00Z"
    l1 = list_item(list_id=uid("list-"), name="raiders", quality=Q, active=True, member_ids=["1", "2"], created_at=at)
    l2 = list_item(list_id=uid("list-"), name="old", quality=Q, active=False, created_at=at)
    l3 = list_item(list_id=uid("list-"), name="other", quality=Q3, active=True, member_ids=["3"], created_at=at)
    write(conn, LISTS, l1, l2, l3)
    assert l1["active"] == "true" and l2["active"] == "false" and "member_ids" not in l2

    mark = conn.meter.mark()
    assert repo.lists_by_active(True, Q) == [l1]
    assert repo.lists_by_active(False, Q) == [l2]
    assert repo.lists_by_active(False, Q3) == []
    active = repo.lists_by_active(True)
    assert l1 in active and l3 in active and l2 not in active
    assert ops(conn, mark) == [("Query", "active-quality-index")] * 4

    mark = conn.meter.mark()
    got = repo.list_(l1["list_id"])
    assert got == l1 and got["member_ids"] == {"1", "2"}
    assert repo.list_(uid("list-")) is None
    assert ops(conn, mark) == [("GetItem", None)] * 2


# -- bad arguments ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "method, args, parameter",
    [
        ("member", ("",), "discord_id"),
        ("member", (1234,), "discord_id"),
        ("members", ("1234",), "discord_ids"),
        ("members", ([1234],), "discord_ids[0]"),
        ("inventory_by_availability", ("sold",), "availability"),
        ("inventory_by_availability", ("Available",), "availability"),
        ("inventory_by_availability", ("available", ""), "quality"),
        ("inventory_by_type", ("",), "link_type"),
        ("inventory_by_type", ("Melee", 5), "quality"),
        ("distributions_by_member", ("m1", "2025-03-01", "2025-02-28"), "end"),
        ("distributions_by_member", ("m1", "01/03/2025"), "start"),
        ("distributions_by_date", ("2025-03-32",), "date"),
        ("distributions_by_date", (None,), "date"),
        ("distributions_in_window", ("2025-03-01", None), "end"),
        ("distributions_in_window", ("2025-03-02", "2025-03-01"), "end"),
        ("lists_by_active", ("true",), "active"),
        ("lists_by_active", (1,), "active"),
        ("lists_by_active", (True, ""), "quality"),
        ("list_", (None,), "list_id"),
    ],
)
def test_bad_arguments_raise_before_any_request(conn, repo, method, args, parameter):
    mark = conn.meter.mark()
    with pytest.raises(ParameterError) as info:
        getattr(repo, method)(*args)
    assert info.value.parameter == parameter
    assert conn.meter.since(mark) == []
