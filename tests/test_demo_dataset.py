"""Tests for dynamo_reports.demo.dataset: determinism, key formats, planted anomalies, loading.

Each planted anomaly is checked by the defect its description names, and the "clean" part of
each table is checked to be free of that defect, so a report that surfaces a finding can be
tested against exactly the planted items.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from dynamo_reports.demo import dataset as ds
from dynamo_reports.demo.dataset import ANOMALIES, AS_OF, START, build_demo_dataset
from dynamo_reports.systems import ALL_TABLES, spec_for
from dynamo_reports.systems.flavaflav import is_sanitized_link_id, sanitize_link_id

UTC = UTC
B58 = set("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")


# -- helpers -----------------------------------------------------------------------------------------

def _canonical(value):
    if isinstance(value, Decimal):
        return {"N": str(value)}
    if isinstance(value, (set, frozenset)):
        return {"SS": sorted(value)}
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def digest(data) -> str:
    rows = {t: sorted(json.dumps(_canonical(i), sort_keys=True, ensure_ascii=False) for i in items)
            for t, items in sorted(data.items())}
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


@pytest.fixture(scope="module")
def data():
    return build_demo_dataset()


#: logical table -> its key attributes (spec_for looks the spec up anew each call: ~0.2 ms)
KEY_ATTRIBUTES = {spec.logical: spec.key_attributes() for spec in ALL_TABLES}


def key_of(table: str, item: dict) -> tuple:
    return tuple(item[k] for k in KEY_ATTRIBUTES[table])


def find(data, table: str, key: dict) -> dict:
    want = tuple(key[k] for k in KEY_ATTRIBUTES[table])
    matches = [i for i in data[table] if key_of(table, i) == want]
    assert len(matches) == 1, (table, key, len(matches))
    return matches[0]


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def ms(value) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(value))


def planted(name: str):
    return ds.anomaly(name)


def planted_keys(name: str) -> list[dict]:
    a = planted(name)
    return [a.key, *a.other_keys]


def limits(data) -> dict:
    return next(i for i in data["bot_config"] if i["pk"] == "CONFIG#limits" and i["sk"] == "SETTINGS")


def filled_trades(data) -> list[dict]:
    """FILLED METADATA items, each order_id once (first stored wins), by time."""
    seen, out = set(), []
    for t in sorted((t for t in data["trades"] if t["sk"] == "METADATA" and t["status"] == "FILLED"),
                    key=lambda t: (t["created_at"], t["pk"])):
        if t["order_id"] in seen:
            continue
        seen.add(t["order_id"])
        out.append(t)
    return out


def fifo(data, rate=Decimal("600")) -> dict[str, dict]:
    """Recompute every SELL by FIFO: {pk: {pnl, lots, last_partial, unmatched}}."""
    lots: dict[str, list[list[Decimal]]] = defaultdict(list)
    out = {}
    for t in filled_trades(data):
        qty = t["quantity"]
        price = t.get("price", t["quote_quantity"] / qty)
        fee = t["commission"] * (rate if t["commission_asset"] == "BNB" else 1)
        if t["side"] == "BUY":
            lots[t["symbol"]].append([qty, qty, price, fee])
            continue
        rem, cost, fee_share, touched, partial = qty, Decimal(0), Decimal(0), 0, False
        while rem > 0 and lots[t["symbol"]]:
            lot = lots[t["symbol"]][0]
            m = min(lot[1], rem)
            cost += m * lot[2]
            fee_share += lot[3] * m / lot[0]
            lot[1] -= m
            rem -= m
            touched += 1
            partial = lot[1] > 0
            if lot[1] == 0:
                lots[t["symbol"]].pop(0)
        out[t["pk"]] = {"pnl": None if rem else t["quote_quantity"] - cost - fee - fee_share,
                        "lots": touched, "last_partial": partial, "unmatched": rem}
    return out


# -- determinism ---------------------------------------------------------------------------------------

def test_two_builds_are_identical(data):
    again = build_demo_dataset()
    assert again == data
    assert digest(again) == digest(data)


def test_build_does_not_depend_on_hash_seed_or_process(data):
    # this module's own _canonical and digest, without importing the module (and pytest) there
    code = ("import hashlib, json\nfrom decimal import Decimal\n"
            + inspect.getsource(_canonical) + inspect.getsource(digest)
            + "from dynamo_reports.demo.dataset import build_demo_dataset\nprint(digest(build_demo_dataset()))\n")
    # one other process, with a hash seed other than this one's (random unless PYTHONHASHSEED is
    # set): a second subprocess (another seed again) cost 2 s more and found nothing this one cannot
    seed = "4242" if os.environ.get("PYTHONHASHSEED") == "0" else "0"
    env = dict(os.environ, PYTHONHASHSEED=seed)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == digest(data)


def test_anomalies_are_stable(data):
    # ANOMALIES (built at import) name items of a fresh build
    for a in ANOMALIES:
        for key in (a.key, *a.other_keys):
            find(data, a.table, key)


# -- shape ----------------------------------------------------------------------------------------------

def test_covers_every_table_and_stays_small(data):
    assert set(data) == {spec.logical for spec in ALL_TABLES}
    assert list(data) == list(ds.TABLE_ORDER)
    for table, items in data.items():
        assert items, table
    total = sum(len(v) for v in data.values())
    assert 1500 <= total <= 5000


def _walk(value, path):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


def test_python_form_no_floats_and_sets_only_where_documented(data):
    for table, items in data.items():
        for item in items:
            for path, value in _walk(item, table):
                assert not isinstance(value, float), path
                assert value is not None, path
                if isinstance(value, (set, frozenset)):
                    assert path.endswith(".member_ids") and table == "lists", path
                    assert value and all(isinstance(v, str) for v in value)
                if isinstance(value, Decimal):
                    assert "E" not in str(value), path


def test_primary_and_index_keys_are_present_unique_and_strings(data):
    for spec in ALL_TABLES:
        keys = Counter()
        for item in data[spec.logical]:
            for attr in spec.key_attributes():
                assert isinstance(item.get(attr), str) and item[attr], (spec.logical, attr, item)
            keys[key_of(spec.logical, item)] += 1
            for idx in spec.indexes:
                for attr in idx.key_attributes():
                    if attr in item:
                        assert isinstance(item[attr], str) and item[attr], (spec.logical, idx.name, attr)
        dupes = [k for k, n in keys.items() if n > 1]
        assert not dupes, (spec.logical, dupes[:3])


def _iso_values(item):
    for path, value in _walk(item, ""):
        if isinstance(value, str) and len(value) == 20 and value[4] == "-" and value[10] == "T" and value.endswith("Z"):
            yield path, value


def test_timestamps_are_iso_utc_and_not_after_as_of(data):
    for table, items in data.items():
        for item in items:
            for path, value in _iso_values(item):
                assert START - timedelta(days=400) <= ts(value) <= AS_OF, (table, path, value)
    future = {tuple(sorted(k.items())) for k in planted_keys("timestamp_in_future")}
    for item in data["solanashares"]:
        for attr in ("createdAt", "updatedAt"):
            if attr in item and tuple(sorted({"PK": item["PK"], "SK": item["SK"]}.items())) not in future:
                assert ms(item[attr]) <= AS_OF


# -- key formats and consistency, system by system -----------------------------------------------------

def test_000_formats(data):
    items = data["solanashares"]
    stats = [i for i in items if i["PK"] == "GLOBAL#STATS"]
    assert len(stats) == 1 and stats[0]["SK"] == "GLOBAL#STATS" and stats[0]["Type"] == "global_stats"
    mismatch = planted("gsi_pk_mismatch").key
    for i in items:
        if i["PK"] == "GLOBAL#STATS":
            continue
        assert i["PK"] == f"USER#{i['userId']}" and i["SK"] == f"WALLET#{i['walletAddress']}"
        assert i["GSI_SK"] == f"USER#{i['userId']}"
        if {"PK": i["PK"], "SK": i["SK"]} != mismatch:
            assert i["GSI_PK"] == f"WALLET#{i['walletAddress']}"
        assert set(i) <= {"PK", "SK", "GSI_PK", "GSI_SK", "Type", "userId", "walletAddress",
                          "investedAmount", "createdAt", "updatedAt"}


def test_000_clean_participants_have_no_defect(data):
    bad = {tuple(sorted(k.items())) for a in ANOMALIES if a.system == "000" for k in (a.key, *a.other_keys)}
    clean = [i for i in data["solanashares"]
             if i["PK"] != "GLOBAL#STATS" and tuple(sorted({"PK": i["PK"], "SK": i["SK"]}.items())) not in bad]
    assert len(clean) >= 200
    wallets = Counter(i["walletAddress"] for i in data["solanashares"] if "walletAddress" in i)
    users = Counter(i["userId"] for i in data["solanashares"] if "userId" in i)
    for i in clean:
        assert set(i["walletAddress"]) <= B58 and 32 <= len(i["walletAddress"]) <= 44
        assert wallets[i["walletAddress"]] == 1 and users[i["userId"]] == 1
        assert i["Type"] == "participant"
        assert isinstance(i["investedAmount"], Decimal) and i["investedAmount"] >= 0
        assert datetime(2020, 1, 1, tzinfo=UTC) <= ms(i["createdAt"]) <= ms(i["updatedAt"]) <= AS_OF
    active = sum(1 for i in clean if i["investedAmount"] > 0)
    assert 0 < active < len(clean)


def test_001_formats_and_shape(data):
    items = data["discord_config"]
    settings = {i["PK"]: i for i in items if i["SK"] == "SETTINGS"}
    channels = [i for i in items if i["SK"].startswith("CHANNEL#")]
    assert len(settings) == 20 and len(settings) + len(channels) == len(items)
    gsi_bad = planted("channel_gsi_mismatch").key
    for s in settings.values():
        assert s["Type"] == "guild_settings" and s["PK"] == f"GUILD#{s['guildId']}"
        assert set(s["summaryPreferences"]) == {"dailySummary", "weeklySummary", "monthlySummary"}
    for c in channels:
        assert c["Type"] == "channel_config"
        assert c["PK"] == f"GUILD#{c['guildId']}" and c["SK"] == f"CHANNEL#{c['channelId']}"
        assert c["GSI_SK"] == f"GUILD#{c['guildId']}"
        if {"PK": c["PK"], "SK": c["SK"]} != gsi_bad:
            assert c["GSI_PK"] == f"CHANNEL#{c['channelId']}"
        assert isinstance(c["tagId"], int) and isinstance(c["threshold"], int)
        assert all(isinstance(c[k], bool) for k in ("image", "notifyOnClose", "pin"))
    per_guild = Counter(c["PK"] for c in channels if c["PK"] in settings)
    assert set(per_guild) == set(settings)
    assert all(1 <= n <= 5 for n in per_guild.values())
    assert abs(sum(per_guild.values()) / len(per_guild) - 3) <= 0.3
    assert {s["timezone"] for s in settings.values()} >= {"Europe/Paris", "America/New_York"}
    tz_bad = planted("unknown_timezone").key
    for s in settings.values():
        if {"PK": s["PK"], "SK": s["SK"]} != tz_bad:
            ZoneInfo(s["timezone"])
    tag_bad = planted("invalid_tag_type").key
    assert all(c["tagType"] in ("USER", "ROLE") for c in channels if {"PK": c["PK"], "SK": c["SK"]} != tag_bad)
    orphans = [c for c in channels if c["PK"] not in settings]
    assert [{"PK": c["PK"], "SK": c["SK"]} for c in orphans] == [planted("channel_without_guild_settings").key]


TRADE_ATTRS = {"pk", "sk", "id", "order_id", "client_order_id", "symbol", "side", "type", "status", "quantity",
               "price", "quote_quantity", "commission", "commission_asset", "strategy", "indicators", "pnl",
               "pnl_percent", "related_trade_id", "created_at", "updated_at", "gsi1pk", "gsi1sk", "gsi2pk",
               "gsi2sk", "gsi3pk", "gsi3sk"}


def test_002_trade_formats(data):
    meta = [t for t in data["trades"] if t["sk"] == "METADATA"]
    updates = [t for t in data["trades"] if t["sk"] != "METADATA"]
    assert updates and len(meta) + len(updates) == len(data["trades"])
    ids = {t["id"] for t in meta}
    for t in meta:
        assert set(t) <= TRADE_ATTRS
        assert t["pk"] == f"TRADE#{t['id']}"
        assert isinstance(t["order_id"], int)
        assert t["symbol"] in ("BTCUSDT", "ETHUSDT", "BNBUSDT") and t["side"] in ("BUY", "SELL")
        assert t["type"] in ("MARKET", "LIMIT") and t["status"] in ("FILLED", "CANCELLED", "ERROR")
        assert t["strategy"] in ("rsi", "ma", "combined") and isinstance(t["indicators"], dict)
        assert t["commission_asset"] in ("USDT", "BNB")
        assert t["client_order_id"].startswith("bot_")
        assert t["gsi1pk"] == f"SYMBOL#{t['symbol']}" and t["gsi2pk"] == f"DATE#{t['created_at'][:10]}"
        assert t["gsi3pk"] == f"STATUS#{t['status']}"
        assert t["gsi1sk"] == t["gsi2sk"] == t["gsi3sk"] == t["created_at"] <= t["updated_at"]
        if "related_trade_id" in t:
            assert t["related_trade_id"] in ids and t["side"] == "SELL"
        if "price" in t and t["status"] == "FILLED":
            assert t["quote_quantity"] == t["quantity"] * t["price"]
    for u in updates:
        assert u["sk"].startswith("UPDATE#") and u["sk"] == f"UPDATE#{u['updated_at']}"
        assert u["pk"] in {t["pk"] for t in meta}
        assert not any(k.startswith("gsi") for k in u), u   # history rows stay out of the GSIs
    prices = defaultdict(list)
    for t in meta:
        if "price" in t:
            prices[t["symbol"]].append(t["price"])
    assert 40000 <= min(prices["BTCUSDT"]) and max(prices["BTCUSDT"]) <= 70000
    assert 2000 <= min(prices["ETHUSDT"]) and max(prices["ETHUSDT"]) <= 4000
    assert 300 <= min(prices["BNBUSDT"]) and max(prices["BNBUSDT"]) <= 700


def test_002_daily_rhythm_and_limits_only_broken_where_planted(data):
    fills = filled_trades(data)
    lim = limits(data)
    assert lim["max_trades_per_day"] == 12 and lim["max_amount_per_trade"] == 1000 and lim["cooldown_minutes"] == 5
    per_day = Counter(t["created_at"][:10] for t in fills)
    days = (AS_OF.date() - START.date()).days + 1
    assert days - len(per_day) >= 3          # a few days with no trade
    busy = find(data, "trades", planted("day_over_trade_limit").key)["created_at"][:10]
    assert {d for d, n in per_day.items() if n > lim["max_trades_per_day"]} == {busy}
    assert all(n <= 7 for d, n in per_day.items() if d != busy)
    over = [t["pk"] for t in fills if t["quote_quantity"] > lim["max_amount_per_trade"]]
    assert over == [planted("trade_over_amount_limit").key["pk"]]
    close = [b["pk"] for a, b in zip(fills, fills[1:], strict=False)
             if ts(b["created_at"]) - ts(a["created_at"]) < timedelta(minutes=lim["cooldown_minutes"])]
    assert close == [planted("cooldown_violation").key["pk"]]
    quotes = sorted(t["quote_quantity"] for t in fills)
    assert 50 <= quotes[len(quotes) // 2] <= 200


def test_002_bot_pnl_is_fifo_except_planted(data):
    rec = fifo(data)
    items = {t["pk"]: t for t in data["trades"] if t["sk"] == "METADATA"}
    unmatched = [pk for pk, r in rec.items() if r["unmatched"]]
    assert unmatched == [planted("unmatched_sell").key["pk"]]
    wrong = []
    for pk, r in rec.items():
        if r["pnl"] is None:
            assert "pnl" not in items[pk]
            continue
        if abs(items[pk]["pnl"] - r["pnl"]) > Decimal("0.0001"):
            wrong.append(pk)
    assert wrong == [planted("bot_pnl_mismatch").key["pk"]]
    # partial fills across several lots: a SELL closing two lots and part of a third (or more)
    assert sum(1 for r in rec.values() if r["lots"] >= 3 and r["last_partial"]) >= 3
    assert any(r["lots"] == 1 for r in rec.values())


def test_002_daily_reports_match_trades_except_planted(data):
    fills = filled_trades(data)
    rec = fifo(data)
    by_day = defaultdict(list)
    for t in fills:
        by_day[t["created_at"][:10]].append(t)
    bad_day = planted("daily_report_mismatch").key["pk"]
    mismatched = []
    for r in data["reports"]:
        assert r["pk"] == f"REPORT#{r['date']}" and r["sk"] == "DAILY"
        assert r["gsi1pk"] == f"MONTH#{r['date'][:7]}" and r["gsi1sk"] == r["date"]
        created = ts(r["created_at"])
        assert r["ttl"] == int((created + timedelta(days=90)).timestamp())
        assert r["status"] in ("sent", "pending", "failed") and isinstance(r["balances"], dict)
        day = by_day.get(r["date"], [])
        expected = {
            "trades_count": len(day),
            "buy_count": sum(1 for t in day if t["side"] == "BUY"),
            "sell_count": sum(1 for t in day if t["side"] == "SELL"),
            "total_volume": sum((t["quote_quantity"] for t in day), Decimal(0)),
            "total_fees": sum((t["commission"] * (600 if t["commission_asset"] == "BNB" else 1) for t in day),
                              Decimal(0)),
        }
        pnl = sum((rec[t["pk"]]["pnl"] or 0 for t in day if t["side"] == "SELL"), Decimal(0))
        diffs = {k for k, v in expected.items() if r[k] != v}
        if abs(r["pnl_absolute"] - pnl) > Decimal("0.001") * max(1, len(day)):
            diffs.add("pnl_absolute")
        if diffs:
            mismatched.append((r["pk"], diffs))
    assert mismatched == [(bad_day, {"trades_count"})]
    dates = [r["date"] for r in data["reports"]]
    assert dates == sorted(dates) and dates[0] == "2025-01-01" and dates[-1] == "2025-06-29"


def test_002_bot_config(data):
    cfg = {(i["pk"], i["sk"]): i for i in data["bot_config"]}
    bot = cfg[("CONFIG#bot", "SETTINGS")]
    for attr in ("enabled", "strategy", "symbol", "amount", "rsi_period", "rsi_oversold", "rsi_overbought",
                 "ma_short", "ma_long", "last_execution", "last_signal", "created_at", "updated_at"):
        assert attr in bot
    lim = cfg[("CONFIG#limits", "SETTINGS")]
    assert {"max_trades_per_day", "max_amount_per_trade", "cooldown_minutes", "max_drawdown_percent"} <= set(lim)
    history = [k for k in cfg if k[1].startswith("HISTORY#")]
    assert history and all(k[0] in ("CONFIG#bot", "CONFIG#limits") for k in history)
    assert all(k[1] == f"HISTORY#{cfg[k]['created_at']}" for k in history)


def test_003_leads_clean_part_and_stats(data):
    leads = data["leads"]
    links = {row["affiliate_id"]: row for row in data["affiliate_links"]}
    link_ids = {row["link_id"] for row in links.values()}
    assert 10 <= len(links) <= 14 and 200 <= len(leads) <= 300
    assert all(row["affiliate_url"].endswith(f"ref={row['link_id']}") for row in links.values())
    planted_leads = {a.name: {k["lead_id"] for k in (a.key, *a.other_keys)} for a in ANOMALIES if a.table == "leads"}
    allowed = lambda *names: set().union(*(planted_leads[n] for n in names))  # noqa: E731
    assert ({row["lead_id"] for row in leads if row["affiliate_id"] not in links}
            == allowed("lead_affiliate_without_link"))
    assert {row["lead_id"] for row in leads if row["link_id"] not in link_ids} == allowed("lead_affiliate_without_link",
                                                                                   "lead_unknown_link")
    assert {row["lead_id"] for row in leads if row["status"] not in ("pending", "approved", "rejected")} == \
        allowed("lead_unknown_status")
    assert {row["lead_id"] for row in leads if row["status"] == "approved" and "commission" not in row} == \
        allowed("approved_without_commission")
    assert {row["lead_id"] for row in leads if row["status"] != "approved" and "commission" in row} == \
        allowed("commission_on_rejected")
    assert {row["lead_id"] for row in leads if "reviewed_at" in row and row["reviewed_at"] < row["created_at"]} == \
        allowed("reviewed_before_created")
    assert all(("reviewed_at" in row) == (row["status"] != "pending") for row in leads)
    assert all("@" in row["email"] for row in leads)
    statuses = Counter(row["status"] for row in leads)
    assert statuses["pending"] >= 5 and statuses["approved"] >= 50 and statuses["rejected"] >= 30
    months = Counter(row["created_at"][:7] for row in leads)
    assert len(months) == 6
    # likely duplicates (same e-mail, same affiliate, within 7 days): only the planted pair
    by = defaultdict(list)
    for row in leads:
        by[(row["affiliate_id"], row["email"])].append(row)
    dupes = {row["lead_id"] for group in by.values() if len(group) > 1 for row in group}
    assert dupes == allowed("likely_duplicate_lead")
    # stats rows agree with leads except the stale one; one affiliate has none
    stats = {s["affiliate_id"]: s for s in data["affiliate_stats"]}
    drifted = []
    for aff, s in stats.items():
        mine = [row for row in leads if row["affiliate_id"] == aff]
        recomputed = {"total_leads": len(mine),
                      "pending": sum(row["status"] == "pending" for row in mine),
                      "approved": sum(row["status"] == "approved" for row in mine),
                      "rejected": sum(row["status"] == "rejected" for row in mine),
                      "total_commission": sum((row.get("commission", 0) for row in mine if row["status"] == "approved"),
                                              Decimal(0))}
        if any(s[k] != v for k, v in recomputed.items()):
            drifted.append(aff)
    assert drifted == [planted("stale_affiliate_stats").key["affiliate_id"]]
    with_leads = {row["affiliate_id"] for row in leads}
    assert with_leads - set(stats) == {planted("affiliate_without_stats").key["affiliate_id"]}


def test_003_chat(data):
    convs = {c["conversation_id"]: c for c in data["conversations"]}
    msgs = defaultdict(list)
    for m in data["messages"]:
        msgs[m["conversation_id"]].append(m)
    assert 50 <= len(convs) <= 70 and set(msgs) == set(convs)
    assert {c["status"] for c in convs.values()} == {"open", "closed"}
    for cid, c in convs.items():
        thread = sorted(msgs[cid], key=lambda m: m["message_id"])
        assert c["created_at"] == thread[0]["created_at"] and thread[0]["sender"] == "user"
        assert c["updated_at"] >= thread[-1]["created_at"]
        for m in thread:
            prefix, _, uid = m["message_id"].partition("#")
            assert prefix == m["created_at"] and len(uid) == 36
            assert m["sender"] in ("user", "admin") and isinstance(m["read"], bool)
            if m["sender"] == "user":
                assert m["sender_id"] == c["user_id"]
        if c["status"] == "closed":
            assert all(m["read"] for m in thread)
    unread = Counter(m["sender"] for m in data["messages"] if not m["read"])
    assert unread["user"] > 0 and unread["admin"] > 0
    no_reply = {cid for cid, c in convs.items() if c["status"] == "open"
                and all(m["sender"] == "user" for m in msgs[cid])}
    assert no_reply == {k["conversation_id"] for k in planted_keys("conversation_without_admin_reply")}


def test_004_formats_and_consistency(data):
    members = {m["discord_id"]: m for m in data["members"]}
    inventory = {i["link_id"]: i for i in data["inventory"]}
    dists = data["distributions"]
    lists = {row["list_id"]: row for row in data["lists"]}
    assert len(members) == 40 and any(not m["active"] for m in members.values())
    assert 120 <= len(inventory) <= 180 and 3 <= len(lists) <= 4
    legacy = planted("legacy_inventory_id").key["link_id"]
    for link_id, i in inventory.items():
        if link_id == legacy:
            continue
        number = link_id.rsplit("_", 1)[1]
        assert len(number) == 6 and number.isdigit()
        assert link_id == sanitize_link_id(i["quality"], i["link_type"], number)
        assert is_sanitized_link_id(link_id) and not set(link_id) & set(" /-%")
        assert i["availability"] in ("available", "distributed")
    link_types = {i["link_type"] for i in inventory.values()}
    assert {"Melee Damage", "Crit Chance %", "Attack-Speed", "Heal/Shield"} <= link_types
    assert {"gold", "silver", "bronze"} == {i["quality"] for i in inventory.values()}
    for row in lists.values():
        assert row["active"] in ("true", "false") and isinstance(row["member_ids"], set)
    assert {row["active"] for row in lists.values()} == {"true", "false"}
    missing_link = {k["distribution_id"] for k in planted_keys("distribution_missing_link")}
    missing_member = {k["distribution_id"] for k in planted_keys("distribution_missing_member")}
    assert {d["distribution_id"] for d in dists if d["link_id"] not in inventory} == missing_link
    assert {d["distribution_id"] for d in dists if d["member_id"] not in members} == missing_member
    for d in dists:
        assert d["distribution_date"] == d["distributed_at"][:10] and d["list_id"] in lists
        if d["link_id"] in inventory:
            link = inventory[d["link_id"]]
            assert (d["quality"], d["link_type"]) == (link["quality"], link["link_type"])
            assert link["added_at"] < d["distributed_at"]
    distributed_ids = Counter(d["link_id"] for d in dists)
    assert max(distributed_ids.values()) == 1
    inconsistent = {i["link_id"] for i in inventory.values()
                    if (i["availability"] == "distributed") != (i["link_id"] in distributed_ids)}
    assert inconsistent == {planted("available_but_distributed").key["link_id"]}
    served = {d["member_id"] for d in dists}
    never_active = {m for m, v in members.items() if v["active"] and m not in served}
    assert never_active == {k["discord_id"] for k in planted_keys("member_never_served")}


# -- every anomaly, by its defect --------------------------------------------------------------------------

def _check_000(name, item, data):
    parts = [i for i in data["solanashares"] if i.get("Type") == "participant"]
    if name == "global_stats_drift":
        numeric = [p for p in parts if isinstance(p.get("investedAmount"), Decimal)]
        for subset in (numeric, [p for p in numeric if p["investedAmount"] >= 0]):
            assert item["totalInvested"] != sum(p["investedAmount"] for p in subset)
            assert item["activeParticipants"] != sum(1 for p in subset if p["investedAmount"] > 0)
        assert item["participantCount"] != len(parts)
        assert item["participantCount"] > len(data["solanashares"])  # more than any recount
        assert item["updatedAt"] < max(p["updatedAt"] for p in parts
                                       if "updatedAt" in p and ms(p["updatedAt"]) <= AS_OF)
    elif name == "wallet_not_base58":
        assert set(item["walletAddress"]) - B58 and {"0", "O", "I", "l"} <= set(item["walletAddress"])
    elif name == "wallet_wrong_length":
        assert not 32 <= len(item["walletAddress"]) <= 44 and set(item["walletAddress"]) <= B58
    elif name == "wallet_shared_by_users":
        owners = {p["userId"] for p in parts if p["walletAddress"] == item["walletAddress"]}
        assert len(owners) == 2
    elif name == "user_with_two_wallets":
        assert len({p["walletAddress"] for p in parts if p["userId"] == item["userId"]}) == 2
    elif name == "negative_investment":
        assert item["investedAmount"] < 0
    elif name == "non_numeric_investment":
        assert item["investedAmount"] == "abc"
    elif name == "missing_created_at":
        assert "createdAt" not in item and "updatedAt" in item
    elif name == "timestamp_in_future":
        assert ms(item["createdAt"]).year == 2091 and ms(item["createdAt"]) > AS_OF
    elif name == "timestamp_before_2020":
        assert ms(item["createdAt"]).year < 2020
    elif name == "gsi_pk_mismatch":
        assert item["GSI_PK"] != f"WALLET#{item['walletAddress']}" and item["GSI_PK"].startswith("WALLET#")
    elif name == "unknown_type":
        assert item["Type"] not in ("participant", "global_stats")
    else:
        raise AssertionError(f"no check for {name}")


def _check_001(name, item, data):
    items = data["discord_config"]
    if name == "unknown_timezone":
        assert item["SK"] == "SETTINGS" and item["timezone"] == "Mars/Olympus"
        with pytest.raises((ZoneInfoNotFoundError, ValueError)):
            ZoneInfo(item["timezone"])
    elif name == "invalid_tag_type":
        assert item["tagType"] == "GROUP"
    elif name == "channel_gsi_mismatch":
        assert item["GSI_PK"] != "CHANNEL#" + item["SK"].removeprefix("CHANNEL#")
    elif name == "channel_without_guild_settings":
        assert item["SK"].startswith("CHANNEL#")
        assert not any(i["PK"] == item["PK"] and i["SK"] == "SETTINGS" for i in items)
    else:
        raise AssertionError(f"no check for {name}")


def _check_002(name, item, data):
    meta = [t for t in data["trades"] if t["sk"] == "METADATA"]
    fills = filled_trades(data)
    lim = limits(data)
    if name == "trade_missing_price":
        assert item["status"] == "FILLED" and "price" not in item
        assert item["quantity"] > 0 and item["quote_quantity"] > 0
    elif name == "duplicate_order_id":
        same = [t for t in meta if t["order_id"] == item["order_id"]]
        assert len(same) == 2 and len({t["id"] for t in same}) == 2
        assert all(t["created_at"] == item["created_at"] and t["quantity"] == item["quantity"] for t in same)
        assert sum(1 for n in Counter(t["order_id"] for t in meta).values() if n > 1) == 1
    elif name == "unmatched_sell":
        first = next(t for t in fills if t["symbol"] == item["symbol"])
        assert first["pk"] == item["pk"] and item["side"] == "SELL" and "pnl" not in item
    elif name == "fee_in_bnb":
        assert item["commission_asset"] == "BNB" and item["status"] == "FILLED"
        assert sum(1 for t in fills if t["commission_asset"] == "BNB") >= 3
    elif name == "cancelled_order":
        assert item["status"] == "CANCELLED" and item["gsi3pk"] == "STATUS#CANCELLED"
    elif name == "error_order":
        assert item["status"] == "ERROR" and item["gsi3pk"] == "STATUS#ERROR"
    elif name == "bot_pnl_mismatch":
        assert item["side"] == "SELL"
        assert item["pnl"] - fifo(data)[item["pk"]]["pnl"] == pytest.approx(Decimal("25"), abs=Decimal("0.0001"))
    elif name == "day_over_trade_limit":
        day = [t for t in fills if t["created_at"][:10] == item["created_at"][:10]]
        assert len(day) > lim["max_trades_per_day"] and day[lim["max_trades_per_day"]]["pk"] == item["pk"]
    elif name == "trade_over_amount_limit":
        assert item["quote_quantity"] > lim["max_amount_per_trade"]
    elif name == "cooldown_violation":
        i = [t["pk"] for t in fills].index(item["pk"])
        gap = ts(item["created_at"]) - ts(fills[i - 1]["created_at"])
        assert gap < timedelta(minutes=lim["cooldown_minutes"])
    elif name == "daily_report_mismatch":
        day = [t for t in fills if t["created_at"][:10] == item["date"]]
        assert item["trades_count"] == len(day) + 1
    elif name == "daily_report_past_ttl":
        assert item["ttl"] < AS_OF.timestamp()
    else:
        raise AssertionError(f"no check for {name}")


def _check_003(name, item, data):
    leads = data["leads"]
    links = {row["affiliate_id"]: row for row in data["affiliate_links"]}
    if name == "lead_name_html":
        assert item["name"] == "<img src=x onerror=alert(1)>"
    elif name == "lead_company_html":
        assert item["company"] == '<script>alert("x")</script>'
    elif name == "stale_affiliate_stats":
        mine = [row for row in leads if row["affiliate_id"] == item["affiliate_id"]]
        assert item["total_leads"] != len(mine)
        assert item["updated_at"] < "2025-06"
    elif name == "affiliate_without_stats":
        assert item["affiliate_id"] in links
        assert any(row["affiliate_id"] == item["affiliate_id"] for row in leads)
        assert not any(s["affiliate_id"] == item["affiliate_id"] for s in data["affiliate_stats"])
    elif name == "lead_affiliate_without_link":
        assert item["affiliate_id"] not in links
    elif name == "lead_unknown_link":
        assert item["affiliate_id"] in links
        assert item["link_id"] not in {row["link_id"] for row in links.values()}
    elif name == "lead_unknown_status":
        assert item["status"] == "spam"
    elif name == "approved_without_commission":
        assert item["status"] == "approved" and "commission" not in item
    elif name == "commission_on_rejected":
        assert item["status"] == "rejected" and item["commission"] > 0
    elif name == "reviewed_before_created":
        assert ts(item["reviewed_at"]) < ts(item["created_at"])
    elif name == "likely_duplicate_lead":
        other = [row for row in leads if row["email"] == item["email"] and row["affiliate_id"] == item["affiliate_id"]
                 and row["lead_id"] != item["lead_id"]]
        assert len(other) == 1
        assert timedelta(days=2) <= ts(item["created_at"]) - ts(other[0]["created_at"]) < timedelta(days=3)
    elif name == "conversation_without_admin_reply":
        assert item["status"] == "open"
        thread = [m for m in data["messages"] if m["conversation_id"] == item["conversation_id"]]
        assert thread and all(m["sender"] == "user" for m in thread)
    elif name == "message_html":
        assert item["sender"] == "user" and "<a " in item["text"] and "<b>" in item["text"]
    else:
        raise AssertionError(f"no check for {name}")


def _check_004(name, item, data):
    if name == "legacy_inventory_id":
        assert " " in item["link_id"] and not is_sanitized_link_id(item["link_id"])
        assert sanitize_link_id(item["quality"], item["link_type"], 123456) == "gold_Melee_Damage_123456"
    elif name == "distribution_missing_link":
        assert item["link_id"] not in {i["link_id"] for i in data["inventory"]}
    elif name == "distribution_missing_member":
        assert item["member_id"] not in {m["discord_id"] for m in data["members"]}
    elif name == "available_but_distributed":
        assert item["availability"] == "available"
        assert any(d["link_id"] == item["link_id"] for d in data["distributions"])
    elif name == "member_never_served":
        assert item["active"] is True
        assert not any(d["member_id"] == item["discord_id"] for d in data["distributions"])
    else:
        raise AssertionError(f"no check for {name}")


CHECKS = {"000": _check_000, "001": _check_001, "002": _check_002, "003": _check_003, "004": _check_004}

EXPECTED = {
    "000": {"global_stats_drift", "wallet_not_base58", "wallet_wrong_length", "wallet_shared_by_users",
            "user_with_two_wallets", "negative_investment", "non_numeric_investment", "missing_created_at",
            "timestamp_in_future", "timestamp_before_2020", "gsi_pk_mismatch", "unknown_type"},
    "001": {"channel_without_guild_settings", "channel_gsi_mismatch", "invalid_tag_type", "unknown_timezone"},
    "002": {"trade_missing_price", "duplicate_order_id", "unmatched_sell", "fee_in_bnb", "cancelled_order",
            "error_order", "bot_pnl_mismatch", "daily_report_mismatch", "day_over_trade_limit",
            "trade_over_amount_limit", "cooldown_violation", "daily_report_past_ttl"},
    "003": {"lead_name_html", "lead_company_html", "stale_affiliate_stats", "affiliate_without_stats",
            "lead_affiliate_without_link", "lead_unknown_link", "lead_unknown_status",
            "approved_without_commission", "commission_on_rejected", "reviewed_before_created",
            "likely_duplicate_lead", "conversation_without_admin_reply", "message_html"},
    "004": {"legacy_inventory_id", "distribution_missing_link", "distribution_missing_member",
            "available_but_distributed", "member_never_served"},
}


def test_anomaly_catalogue():
    names = [a.name for a in ANOMALIES]
    assert len(names) == len(set(names))
    by_system = defaultdict(set)
    for a in ANOMALIES:
        by_system[a.system].add(a.name)
        assert spec_for(a.table).system == a.system
        assert set(a.key) == set(spec_for(a.table).key_attributes())
        assert a.description and hash(a) == hash(a.name)
        assert ds.anomaly(a.name) is a
    assert dict(by_system) == EXPECTED
    with pytest.raises(KeyError, match="known"):
        ds.anomaly("nope")
    assert ds.__doc__ and all(name in ds.__doc__ for name in names)


@pytest.mark.parametrize("anomaly", ANOMALIES, ids=lambda a: a.name)
def test_anomaly_item_shows_its_defect(anomaly, data):
    item = find(data, anomaly.table, anomaly.key)
    CHECKS[anomaly.system](anomaly.name, item, data)
    for key in anomaly.other_keys:
        find(data, anomaly.table, key)


# -- loading into the embedded server ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def loaded(moto_server, _fresh_moto):
    """The dataset written as `dynamo-reports seed` writes it: CreateTable and BatchWriteItem over
    HTTP, through moto's own item code, into this module's empty moto (default region). Read by
    ``test_load_writes_every_item`` and compared with the in-process set-up by
    ``test_in_process_set_up_stores_what_batch_write_item_over_http_stores`` (one load for both)."""
    from moto.dynamodb.models.dynamo_type import Item

    from dynamo_reports.connection import Connection
    from dynamo_reports.demo.server import make_moto_item_sizing_linear
    from dynamo_reports.systems import create_tables

    make_moto_item_sizing_linear()
    conn = Connection(moto_server.settings)
    create_tables(conn, ALL_TABLES)
    with pytest.MonkeyPatch.context() as patch:  # moto's own item code for the HTTP side
        patch.setattr(Item, "__init__", Item.__init__._dynamo_reports_original)
        counts = ds.load_demo_dataset(conn)
    # every table read back over HTTP once (wire form), for both tests: moto's Scan costs ~1 ms an item
    wire = {spec.logical: _full_scan(conn, conn.table_name(spec.logical)) for spec in ALL_TABLES}
    return conn, counts, wire


def test_load_writes_every_item(loaded, data):
    from dynamo_reports.codec import item_to_python

    conn, counts, wire = loaded
    assert counts == {t: len(v) for t, v in data.items()}
    batch_calls = [r for r in conn.meter.records if r.operation == "BatchWriteItem"]
    assert len(batch_calls) >= sum((n + 24) // 25 for n in counts.values())
    for table, items in data.items():
        stored = [item_to_python(i) for i in wire[table]]  # decoded as the report reads decode (tests/test_wire.py)
        assert len(stored) == len(items), table
        got = sorted(stored, key=lambda i: key_of(table, i))
        want = sorted(items, key=lambda i: key_of(table, i))
        assert got == want, table            # values survive the wire round trip


class _RecordingConn:
    """A connection that records each BatchWriteItem's RequestItems; ``unprocessed(calls, reqs)``
    says which of a request's puts come back unprocessed (default: none)."""

    def __init__(self, unprocessed=lambda calls, reqs: []):
        self.calls = []
        self.unprocessed = unprocessed

    def table_name(self, logical):
        return f"phys-{logical}"

    def call(self, operation, **params):
        self.calls.append(params["RequestItems"])
        (table, reqs), = params["RequestItems"].items()
        left = self.unprocessed(self.calls, reqs)
        return {"UnprocessedItems": {table: left} if left else {}}


def test_load_retries_unprocessed_items():
    # first attempt of each batch: leave the last two items unprocessed
    conn = _RecordingConn(lambda calls, reqs: reqs[-2:] if len(calls) % 2 == 1 and len(reqs) > 2 else [])
    counts = ds.load_demo_dataset(conn, tables=["lists", "affiliate_links"])
    assert counts == {"lists": 4, "affiliate_links": 12}
    sizes = [len(next(iter(c.values()))) for c in conn.calls]
    assert sizes == [4, 2, 12, 2]


def test_load_writes_the_items_it_is_given_instead():
    # bench/scale.py loads a 10x history through the same loader: 27 items of one table are two
    # batches (25 + 2), in wire form; a table with no items given gets none (the demo's are not used)
    items = {"lists": [{"PK": f"LIST#{n}", "size": Decimal(n)} for n in range(27)]}
    conn = _RecordingConn()
    assert ds.load_demo_dataset(conn, tables=["lists", "members"], items=items) == {"lists": 27, "members": 0}
    assert [len(c["phys-lists"]) for c in conn.calls] == [25, 2]
    assert conn.calls[1]["phys-lists"][-1] == {"PutRequest": {"Item": {"PK": {"S": "LIST#26"}, "size": {"N": "26"}}}}


def test_load_gives_up_with_a_clear_error():
    from dynamo_reports.exceptions import DynamoReportsError

    class Stuck:
        def table_name(self, logical):
            return "t"

        def call(self, operation, **params):
            return {"UnprocessedItems": params["RequestItems"]}

    with pytest.raises(DynamoReportsError, match="unprocessed"):
        ds.load_demo_dataset(Stuck(), tables=["lists"], max_attempts=2)


# -- the embedded server's in-process set-up ------------------------------------------------------------

def _full_scan(conn, table: str) -> list[dict]:
    """Every item of ``table`` in wire form, page after page, as the server returns them over HTTP."""
    items, more = [], {}
    while True:
        page = conn.call("Scan", TableName=table, **more)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        more = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def _table_shape(backend, table: str) -> dict:
    """What DescribeTable / DescribeTimeToLive say of a table (moto's descriptions, which the server
    writes out as they are), without its name, ARN, id and creation time."""
    t = backend.describe_table(table)["Table"]
    indexes = sorted(({k: i.get(k) for k in ("IndexName", "KeySchema", "Projection")}
                      for i in t.get("GlobalSecondaryIndexes", [])), key=lambda i: i["IndexName"])
    ttl = backend.describe_time_to_live(table)
    return {"keys": t["KeySchema"], "attributes": sorted(t["AttributeDefinitions"], key=lambda a: a["AttributeName"]),
            "indexes": indexes, "billing": t.get("BillingModeSummary", {}).get("BillingMode"),
            "status": t["TableStatus"], "count": t["ItemCount"], "ttl": ttl}


def test_in_process_set_up_stores_what_batch_write_item_over_http_stores(moto_server, loaded, data):
    # Two regions of this process's moto (one state per region): in the default one the tables
    # were created and the dataset written as `dynamo-reports seed` does it, CreateTable +
    # BatchWriteItem over HTTP, through moto's own item code (``loaded``); in the other as
    # EmbeddedDynamo.start() does it (moto's handlers called in this process, linear item sizing).
    # Both hold the same items, attribute for attribute (names, types, values) and in
    # the same order, as moto stores them (what every read answers from: Scan serializes exactly
    # these, so reading them back over HTTP as well, ~1 ms an item, would add nothing), and the
    # tables have the same shapes.
    from moto.dynamodb.models import dynamodb_backends

    from dynamo_reports.demo.server import _InProcessSetup

    over_http = loaded[0]
    setup = _InProcessSetup(moto_server.settings.with_(region="eu-south-1"))
    setup.create_tables(ALL_TABLES)
    assert ds.load_demo_dataset(setup) == {t: len(v) for t, v in data.items()}
    http_backend = dynamodb_backends[setup.account][over_http.settings.region]
    in_process = dynamodb_backends[setup.account]["eu-south-1"]

    def stored(backend, name: str) -> list[dict]:
        """The table's items as moto holds them, in the order Scan returns them (key order)."""
        return [item.to_json() for item in backend.get_table(name).all_items()]

    for spec in ALL_TABLES:
        name = over_http.table_name(spec.logical)
        want = stored(http_backend, name)
        assert len(want) == len(data[spec.logical]), spec.logical
        assert stored(in_process, name) == want, spec.logical
        assert _table_shape(in_process, name) == _table_shape(http_backend, name), spec.logical


def test_in_process_set_up_keeps_existing_tables_and_refuses_other_operations(moto_server):
    from dynamo_reports.demo.server import _InProcessSetup
    from dynamo_reports.exceptions import DynamoDBRequestError, ParameterError

    setup = _InProcessSetup(moto_server.settings.with_(region="eu-central-2"))
    lists = [s for s in ALL_TABLES if s.logical == "lists"]
    setup.create_tables(lists)
    setup.create_tables(lists)  # moto's state is per process: a second server finds the table there
    with pytest.raises(ParameterError, match="operation"):
        setup.call("DeleteTable", TableName=setup.table_name("lists"))
    with pytest.raises(DynamoDBRequestError) as caught:  # moto's error, with AWS's code
        setup.call("BatchWriteItem", RequestItems={"no-such-table": [{"PutRequest": {"Item": {"x": {"S": "1"}}}}]})
    assert caught.value.code == "ResourceNotFoundException"


@pytest.mark.parametrize("linear", [False, True], ids=["moto", "linear"])
def test_item_size_limit_is_the_same_with_linear_sizing(linear):
    # moto refuses an item whose attribute names (UTF-8 bytes) and values (DynamoType.size: a
    # string's UTF-8 bytes) add up to more than 405,000. Item {"pk": "k", "blob": "x" * n}:
    # 2 + 1 + 4 + n bytes, so n = 404,993 is exactly at the limit and n = 404,994 one byte over.
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, Item

    from dynamo_reports.demo.server import make_moto_item_sizing_linear

    make_moto_item_sizing_linear()
    init = Item.__init__ if linear else Item.__init__._dynamo_reports_original
    item = object.__new__(Item)
    init(item, DynamoType({"S": "k"}), None, {"pk": {"S": "k"}, "blob": {"S": "x" * 404_993}})
    assert list(item.attrs) == ["pk", "blob"] and item.attrs["blob"].value == "x" * 404_993
    with pytest.raises(ItemSizeTooLarge):
        init(object.__new__(Item), DynamoType({"S": "k"}), None, {"pk": {"S": "k"}, "blob": {"S": "x" * 404_994}})
    # two-byte characters count twice: "é" * 202,497 is 404,994 bytes, over by one
    with pytest.raises(ItemSizeTooLarge):
        init(object.__new__(Item), DynamoType({"S": "k"}), None, {"pk": {"S": "k"}, "blob": {"S": "é" * 202_497}})
